package io.jgrad.ir;

import io.jgrad.runtime.DType;
import java.util.Arrays;

/**
 * The closed set of IR primitives. The rich user API ({@code sigmoid}, {@code clamp},
 * {@code softmax}, ...) is lowered onto these by the frontend; a primitive exists only where
 * a composition would lose accuracy or speed (the reason is written beside it).
 *
 * <p>Attributes, by primitive (stored on {@link Node}):
 * <ul>
 *   <li>{@code INPUT}: {@code ints = [parameter index]}, a name; the type is declared.</li>
 *   <li>{@code CONST}: {@code data} = the row-major values (exact doubles), length = size of the declared type.</li>
 *   <li>{@code POW}: {@code data = [exponent]}.</li>
 *   <li>{@code BROADCAST}, {@code RESHAPE}: the target shape is the declared result type's shape.</li>
 *   <li>{@code TRANSPOSE}: {@code ints} = the permutation (result axis i is operand axis perm[i]).</li>
 *   <li>{@code REDUCE_SUM}, {@code REDUCE_MAX}: {@code ints} = the reduced axes, ascending, removed from the shape.</li>
 * </ul>
 * Codegen dispatches with a {@code switch} expression over this enum, so a new constant does
 * not compile until it has a lowering.
 */
public enum Prim {
    // ---- leaves
    INPUT("input", Family.LEAF),
    CONST("const", Family.LEAF),

    // ---- elementwise unary: same shape and dtype as the operand
    NEG("neg", Family.UNARY),
    EXP("exp", Family.UNARY),
    LOG("log", Family.UNARY),
    /** log(1+x): a primitive for accuracy near 0, where log(add(1,x)) loses every digit. */
    LOG1P("log1p", Family.UNARY),
    SIN("sin", Family.UNARY),
    COS("cos", Family.UNARY),
    TANH("tanh", Family.UNARY),
    /** 1/(1+e^-x): a primitive because the composition's VJP is NaN for x below about -88 (inf/inf). */
    SIGMOID("sigmoid", Family.UNARY),
    /** log(1+e^x), x above 20 gives x (PyTorch's threshold): the composition would overflow and its VJP be NaN. */
    SOFTPLUS("softplus", Family.UNARY),
    SQRT("sqrt", Family.UNARY),
    ABS("abs", Family.UNARY),
    /** x^p for a constant p (attribute). */
    POW("pow", Family.UNARY),
    /** Identity forward, zero VJP: detach() inside a traced function, the max shift in softmax. */
    STOP_GRADIENT("stop_gradient", Family.UNARY),

    // ---- elementwise binary: operands of equal type (broadcasting is explicit, see BROADCAST)
    ADD("add", Family.BINARY),
    SUB("sub", Family.BINARY),
    MUL("mul", Family.BINARY),
    DIV("div", Family.BINARY),
    MAX("max", Family.BINARY),
    MIN("min", Family.BINARY),

    // ---- comparisons: operands of equal type, result BOOL of the same shape (IEEE: NaN compares false)
    GT("gt", Family.COMPARE),
    GE("ge", Family.COMPARE),
    LT("lt", Family.COMPARE),
    LE("le", Family.COMPARE),
    EQ("eq", Family.COMPARE),

    /** select(c, a, b) = c ? a : b elementwise; c is BOOL, a and b of equal type and c's shape. */
    SELECT("select", Family.SELECT),

    // ---- structure
    /** NumPy broadcasting to the declared shape: operand dims aligned right, each 1 or equal. */
    BROADCAST("broadcast", Family.SHAPE),
    /** Same elements, row-major, new shape. */
    RESHAPE("reshape", Family.SHAPE),
    TRANSPOSE("transpose", Family.SHAPE),
    REDUCE_SUM("reduce_sum", Family.REDUCE),
    REDUCE_MAX("reduce_max", Family.REDUCE),
    /** [m,k] x [k,n] -> [m,n]; the frontend reshapes 1-D operands (torch.matmul rules). */
    MATMUL("matmul", Family.MATMUL);

    /** How a primitive is shaped and lowered. */
    public enum Family { LEAF, UNARY, BINARY, COMPARE, SELECT, SHAPE, REDUCE, MATMUL }

    /** The name in the IR text form. */
    public final String text;
    public final Family family;

    Prim(String text, Family family) {
        this.text = text;
        this.family = family;
    }

    /** Number of value operands. */
    public int arity() {
        return switch (family) {
            case LEAF -> 0;
            case UNARY, SHAPE, REDUCE -> 1;
            case BINARY, COMPARE, MATMUL -> 2;
            case SELECT -> 3;
        };
    }

    /** True for primitives applied element by element (fusable into one loop). */
    public boolean isElementwise() {
        return family == Family.UNARY || family == Family.BINARY || family == Family.COMPARE || family == Family.SELECT;
    }

    public static Prim parse(String s) {
        for (Prim p : values()) if (p.text.equals(s)) return p;
        throw new IllegalArgumentException("unknown primitive '" + s + "'");
    }

    /**
     * The shape rule: the result type of this primitive applied to operands of types
     * {@code args} with attributes {@code ints}/{@code data}; {@code declared} is the result
     * type the caller states (required for LEAF, BROADCAST and RESHAPE, checked if given
     * otherwise). Throws IllegalArgumentException naming the primitive and the shapes.
     */
    public Type resultType(Type[] args, int[] ints, double[] data, Type declared) {
        if (args.length != arity()) throw error("takes " + arity() + " operands, got " + args.length);
        Type result = switch (family) {
            case LEAF -> {
                if (declared == null) throw error("needs a declared type");
                if (this == INPUT && (ints.length != 1 || ints[0] < 0)) throw error("needs one non-negative parameter index");
                if (this == CONST && data.length != declared.size())
                    throw error("has " + data.length + " values for type " + declared);
                yield declared;
            }
            case UNARY -> {
                requireFloat(args[0]);
                if (this == POW && data.length != 1) throw error("needs one exponent");
                yield args[0];
            }
            case BINARY -> {
                requireFloat(args[0]);
                requireSame(args[0], args[1]);
                yield args[0];
            }
            case COMPARE -> {
                requireFloat(args[0]);
                requireSame(args[0], args[1]);
                yield args[0].withDType(DType.BOOL);
            }
            case SELECT -> {
                if (args[0].dtype() != DType.BOOL) throw error("condition must be bool, got " + args[0]);
                requireSame(args[1], args[2]);
                if (!args[0].sameShape(args[1])) throw error("condition " + args[0] + " and branches " + args[1] + " differ in shape");
                yield args[1];
            }
            case SHAPE -> shapeResult(args[0], ints, declared);
            case REDUCE -> {
                requireFloat(args[0]);
                int rank = args[0].rank();
                int[] shape = args[0].shape();
                boolean[] gone = new boolean[rank];
                int prev = -1;
                for (int a : ints) {
                    if (a <= prev || a >= rank) throw error("axes " + Arrays.toString(ints) + " must be ascending and within rank " + rank + " of " + args[0]);
                    gone[a] = true;
                    prev = a;
                }
                int[] out = new int[rank - ints.length];
                for (int i = 0, j = 0; i < rank; i++) if (!gone[i]) out[j++] = shape[i];
                yield args[0].withShape(out);
            }
            case MATMUL -> {
                Type a = args[0], b = args[1];
                requireFloat(a);
                if (a.rank() != 2 || b.rank() != 2 || a.dim(1) != b.dim(0) || a.dtype() != b.dtype())
                    throw error("needs [m,k] x [k,n] of one dtype, got " + a + " x " + b);
                yield a.withShape(a.dim(0), b.dim(1));
            }
        };
        if (declared != null && !declared.equals(result)) throw error("result is " + result + ", declared " + declared);
        return result;
    }

    private Type shapeResult(Type x, int[] ints, Type declared) {
        return switch (this) {
            case RESHAPE -> {
                if (declared == null) throw error("needs a target shape");
                if (declared.size() != x.size() || declared.dtype() != x.dtype())
                    throw error("cannot reshape " + x + " to " + declared);
                yield declared;
            }
            case BROADCAST -> {
                if (declared == null) throw error("needs a target shape");
                int[] from = x.shape(), to = declared.shape();
                boolean ok = from.length <= to.length && declared.dtype() == x.dtype();
                for (int i = 1; ok && i <= from.length; i++) {
                    int f = from[from.length - i], t = to[to.length - i];
                    ok = f == t || f == 1;
                }
                if (!ok) throw error("cannot broadcast " + x + " to " + declared);
                yield declared;
            }
            case TRANSPOSE -> {
                int rank = x.rank();
                boolean[] seen = new boolean[rank];
                boolean ok = ints.length == rank;
                for (int i = 0; ok && i < rank; i++) {
                    ok = ints[i] >= 0 && ints[i] < rank && !seen[ints[i]];
                    if (ok) seen[ints[i]] = true;
                }
                if (!ok) throw error("permutation " + Arrays.toString(ints) + " does not fit " + x);
                int[] s = new int[rank];
                for (int i = 0; i < rank; i++) s[i] = x.dim(ints[i]);
                yield x.withShape(s);
            }
            case INPUT, CONST, NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, POW, STOP_GRADIENT,
                 ADD, SUB, MUL, DIV, MAX, MIN, GT, GE, LT, LE, EQ, SELECT, REDUCE_SUM, REDUCE_MAX, MATMUL ->
                    throw new AssertionError(text + " is not a shape primitive");
        };
    }

    // ======================================================================== interpreter rules
    //
    // Elementwise primitives are defined by a scalar rule in double. A float32 result is the
    // float nearest to the double rule applied to the float inputs: exact (correctly rounded)
    // for + - * / sqrt, and what Java's (float) Math.exp(x) gives for the transcendentals.

    /** The scalar rule of a unary elementwise primitive (POW: see {@link #pow}). */
    public double apply(double x) {
        return switch (this) {
            case NEG -> -x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case LOG1P -> Math.log1p(x);
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case TANH -> Math.tanh(x);
            // exp(-x) overflows to inf for x < -709: 1/(1+inf) = 0, the right limit.
            case SIGMOID -> 1.0 / (1.0 + Math.exp(-x));
            // PyTorch's threshold: x > 20 gives x itself (log1p(e^x) - x < 2e-9 there).
            case SOFTPLUS -> x > 20 ? x : Math.log1p(Math.exp(x));
            case SQRT -> Math.sqrt(x);
            case ABS -> Math.abs(x);
            case STOP_GRADIENT -> x;
            case POW -> throw new IllegalArgumentException("pow: needs its exponent, use Prim.pow(x, p)");
            case INPUT, CONST, ADD, SUB, MUL, DIV, MAX, MIN, GT, GE, LT, LE, EQ, SELECT,
                 BROADCAST, RESHAPE, TRANSPOSE, REDUCE_SUM, REDUCE_MAX, MATMUL ->
                    throw new IllegalArgumentException(text + " is not a unary elementwise primitive");
        };
    }

    /**
     * x^p as PyTorch computes it: p = 0.5 and -0.5 are sqrt and 1/sqrt (they differ from
     * Math.pow at -0.0 and -inf), p = 2 is x*x; every other p is Math.pow. x^0 = 1 even for NaN.
     */
    public static double pow(double x, double p) {
        if (p == 0.5) return Math.sqrt(x);
        if (p == -0.5) return 1.0 / Math.sqrt(x);
        if (p == 2.0) return x * x;
        return Math.pow(x, p);
    }

    /** The scalar rule of a binary elementwise primitive or comparison (true = 1, false = 0). */
    public double apply(double a, double b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            // Math.max/min: NaN if either is NaN (as torch.maximum), and -0.0 < +0.0.
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            // IEEE comparisons: false whenever a NaN is involved.
            case GT -> a > b ? 1 : 0;
            case GE -> a >= b ? 1 : 0;
            case LT -> a < b ? 1 : 0;
            case LE -> a <= b ? 1 : 0;
            case EQ -> a == b ? 1 : 0;
            case INPUT, CONST, NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, POW,
                 STOP_GRADIENT, SELECT, BROADCAST, RESHAPE, TRANSPOSE, REDUCE_SUM, REDUCE_MAX, MATMUL ->
                    throw new IllegalArgumentException(text + " is not a binary elementwise primitive");
        };
    }

    /** SELECT's scalar rule: a BOOL condition is 0 or 1. */
    public static double select(double cond, double a, double b) {
        return cond != 0 ? a : b;
    }

    // ======================================================================== VJP rules
    //
    // vjp(b, node, gbar, want) emits ordinary IR into b and returns, per operand of node, the id
    // of its contribution to that operand's adjoint, or -1 for a symbolic zero (also when
    // want[i] is false). The operands and the result of `node` are valid ids in b (the adjoint
    // pass copies the forward graph first), so rules reuse forward results instead of
    // recomputing them. Every rule is made of differentiable primitives, so the adjoint pass
    // applies to its own output (second derivatives). Where a derivative does not exist the rule
    // makes PyTorch's choice (named in the comment); the float operations are ordered as
    // PyTorch's derivatives.yaml orders them.

    /** Contributions of the adjoint {@code gbar} of {@code node}'s result to each of its operands (-1 = zero). */
    public int[] vjp(Builder b, Node node, int gbar, boolean[] want) {
        if (node.prim() != this) throw new IllegalArgumentException(text + ": vjp of a " + node.prim().text + " node");
        if (want.length != node.arity()) throw new IllegalArgumentException(text + ": want has " + want.length + " flags for " + node.arity() + " operands");
        int out = node.id();
        int x = node.arity() > 0 ? node.arg(0) : -1;
        int y = node.arity() > 1 ? node.arg(1) : -1;
        Type t = node.type();
        return switch (this) {
            // leaves: no operands
            case INPUT, CONST -> new int[0];
            // d(-x) = -ḡ
            case NEG -> one(want, () -> b.unary(NEG, gbar));
            // d(e^x) = ḡ·e^x = ḡ·out
            case EXP -> one(want, () -> mul(b, gbar, out));
            // d(log x) = ḡ/x   (x = 0: ḡ/0 = inf, as PyTorch)
            case LOG -> one(want, () -> div(b, gbar, x));
            // d(log1p x) = ḡ/(x+1)
            case LOG1P -> one(want, () -> div(b, gbar, add(b, x, splat(b, 1, t))));
            // d(sin x) = ḡ·cos x
            case SIN -> one(want, () -> mul(b, gbar, b.unary(COS, x)));
            // d(cos x) = ḡ·(-sin x)
            case COS -> one(want, () -> mul(b, gbar, b.unary(NEG, b.unary(SIN, x))));
            // d(tanh x) = ḡ·(1 - out²)
            case TANH -> one(want, () -> mul(b, gbar, sub(b, splat(b, 1, t), mul(b, out, out))));
            // d(σ(x)) = ḡ·(1 - out)·out
            case SIGMOID -> one(want, () -> mul(b, mul(b, gbar, sub(b, splat(b, 1, t), out)), out));
            // d(softplus x) = ḡ·σ(x)   (σ(x) rounds to 1 above PyTorch's threshold 20, where it passes ḡ)
            case SOFTPLUS -> one(want, () -> mul(b, gbar, b.unary(SIGMOID, x)));
            // d(√x) = ḡ/(2·out)   (x = 0: ḡ/0 = inf, as PyTorch)
            case SQRT -> one(want, () -> div(b, gbar, mul(b, splat(b, 2, t), out)));
            // d|x| = ḡ·sign(x), sign(0) = 0 (PyTorch: abs'(0) = 0), sign(NaN) = 0 as PyTorch's sign kernel
            case ABS -> one(want, () -> {
                int zero = splat(b, 0, t);
                int sign = b.select(b.binary(GT, x, zero), splat(b, 1, t),
                        b.select(b.binary(LT, x, zero), splat(b, -1, t), zero));
                return mul(b, gbar, sign);
            });
            // d(x^p) = ḡ·(p·x^(p-1)); p = 0 gives zero everywhere, also at x = 0 (PyTorch's x**0)
            case POW -> {
                double p = node.exponent();
                if (p == 0) yield new int[] {-1};
                yield one(want, () -> mul(b, gbar, mul(b, splat(b, p, t), b.pow(x, p - 1))));
            }
            // identity forward, no derivative
            case STOP_GRADIENT -> new int[] {-1};
            // d(a+b) = ḡ, ḡ
            case ADD -> two(want, () -> gbar, () -> gbar);
            // d(a-b) = ḡ, -ḡ
            case SUB -> two(want, () -> gbar, () -> b.unary(NEG, gbar));
            // d(a·b) = ḡ·b, ḡ·a
            case MUL -> two(want, () -> mul(b, gbar, y), () -> mul(b, gbar, x));
            // d(a/b) = ḡ/b, -ḡ·((a/b)/b) = -ḡ·(out/b)
            case DIV -> two(want, () -> div(b, gbar, y), () -> mul(b, b.unary(NEG, gbar), div(b, out, y)));
            // d max(a,b) = ḡ to the larger, ḡ/2 to each on a tie (PyTorch):
            //   a: where(a==b, ḡ/2, ḡ) zeroed where a<b;  b: the same zeroed where a>b
            case MAX, MIN -> {
                int[] shared = new int[] {-1};
                java.util.function.IntSupplier tieSplit = () -> {
                    if (shared[0] < 0) shared[0] = b.select(b.binary(EQ, x, y), div(b, gbar, splat(b, 2, t)), gbar);
                    return shared[0];
                };
                Prim loserA = this == MAX ? LT : GT, loserB = this == MAX ? GT : LT;
                yield two(want,
                        () -> b.select(b.binary(loserA, x, y), splat(b, 0, t), tieSplit.getAsInt()),
                        () -> b.select(b.binary(loserB, x, y), splat(b, 0, t), tieSplit.getAsInt()));
            }
            // comparisons are piecewise constant: zero
            case GT, GE, LT, LE, EQ -> new int[] {-1, -1};
            // d select(c,a,b) = 0, select(c, ḡ, 0), select(c, 0, ḡ)
            case SELECT -> {
                int c = x, zero = want[1] || want[2] ? splat(b, 0, t) : -1;
                yield new int[] {-1,
                        want[1] ? b.select(c, gbar, zero) : -1,
                        want[2] ? b.select(c, zero, gbar) : -1};
            }
            // broadcast copies: sum ḡ over the broadcast axes, then reshape to the operand's shape
            case BROADCAST -> one(want, () -> unbroadcast(b, gbar, b.type(x)));
            // reshape back
            case RESHAPE -> one(want, () -> b.reshape(gbar, b.type(x).shape()));
            // transpose by the inverse permutation
            case TRANSPOSE -> one(want, () -> {
                int[] perm = node.ints(), inverse = new int[perm.length];
                for (int i = 0; i < perm.length; i++) inverse[perm[i]] = i;
                return b.transpose(gbar, inverse);
            });
            // every summed element receives ḡ: reshape to keep the reduced axes as 1, broadcast back
            case REDUCE_SUM -> one(want, () -> spreadOver(b, gbar, node.axes(), b.type(x)));
            // amax: ḡ split evenly among the positions equal to the max (PyTorch), 0 elsewhere
            case REDUCE_MAX -> one(want, () -> {
                Type xt = b.type(x);
                int isMax = b.binary(EQ, x, spreadOver(b, out, node.axes(), xt));
                int count = b.reduce(REDUCE_SUM, b.select(isMax, splat(b, 1, xt), splat(b, 0, xt)), node.axes());
                int share = spreadOver(b, div(b, gbar, count), node.axes(), xt);
                return b.select(isMax, share, splat(b, 0, xt));
            });
            // d(A·B) = ḡ·Bᵀ, Aᵀ·ḡ
            case MATMUL -> two(want,
                    () -> b.binary(MATMUL, gbar, b.transpose(y, 1, 0)),
                    () -> b.binary(MATMUL, b.transpose(x, 1, 0), gbar));
        };
    }

    private static int[] one(boolean[] want, java.util.function.IntSupplier d) {
        return new int[] {want[0] ? d.getAsInt() : -1};
    }

    private static int[] two(boolean[] want, java.util.function.IntSupplier da, java.util.function.IntSupplier db) {
        return new int[] {want[0] ? da.getAsInt() : -1, want[1] ? db.getAsInt() : -1};
    }

    private static int add(Builder b, int x, int y) { return b.binary(ADD, x, y); }
    private static int sub(Builder b, int x, int y) { return b.binary(SUB, x, y); }
    private static int mul(Builder b, int x, int y) { return b.binary(MUL, x, y); }
    private static int div(Builder b, int x, int y) { return b.binary(DIV, x, y); }

    /** A constant of type t whose every element is v: a scalar CONST, broadcast when t is not a scalar. */
    static int splat(Builder b, double v, Type t) {
        int c = b.constant(Type.of(t.dtype()), v);
        return t.isScalar() ? c : b.broadcast(c, t.shape());
    }

    /** The adjoint of broadcasting {@code to} up to g's shape: sum over the broadcast axes, reshape to {@code to}. */
    static int unbroadcast(Builder b, int g, Type to) {
        int[] from = b.type(g).shape(), target = to.shape();
        int lead = from.length - target.length;
        int[] axes = new int[from.length];
        int n = 0;
        for (int i = 0; i < from.length; i++)
            if (i < lead || (target[i - lead] == 1 && from[i] != 1)) axes[n++] = i;
        int summed = n == 0 ? g : b.reduce(REDUCE_SUM, g, Arrays.copyOf(axes, n));
        return b.type(summed).sameShape(to) ? summed : b.reshape(summed, target);
    }

    /** g (the shape of x with {@code axes} removed) copied along those axes to x's shape. */
    static int spreadOver(Builder b, int g, int[] axes, Type x) {
        if (axes.length == 0) return g;
        int[] keep = x.shape();
        for (int a : axes) keep[a] = 1;
        return b.broadcast(b.reshape(g, keep), x.shape());
    }

    private void requireFloat(Type t) {
        if (!t.dtype().isFloat()) throw error("needs a float operand, got " + t);
    }

    private void requireSame(Type a, Type b) {
        if (!a.equals(b)) throw error("operands must have one type, got " + a + " and " + b);
    }

    private IllegalArgumentException error(String msg) {
        return new IllegalArgumentException(text + ": " + msg);
    }
}
