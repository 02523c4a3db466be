package io.jgrad.ir;

import io.jgrad.runtime.DType;
import java.util.Arrays;

/**
 * The closed set of IR primitives. The rich user API ({@code sigmoid}, {@code clamp},
 * {@code softmax}, ...) is lowered onto these in {@link Composites}; a primitive exists only
 * where a composition would lose accuracy or speed (the reason is written beside it). Everything
 * about a primitive is in three places of one kind each: its shape rule ({@link #resultType},
 * here), its VJP ({@link #vjp}, here, written as primitives so it can be differentiated again)
 * and its kernel per dtype ({@link Kernels}); the eager engine ({@link Eval}), the interpreter
 * and the tracer ({@link Builder}) all go through them. Forward columns in lanes add one more of
 * a kind: its batching rule ({@link Batching#apply}, one exhaustive switch).
 *
 * <p>Attributes, by primitive (stored on {@link Node}):
 * <ul>
 *   <li>{@code INPUT}: {@code ints = [parameter index]}, a name; the type is declared.</li>
 *   <li>{@code CONST}: {@code data} = the row-major values (exact doubles), length = size of the declared type.</li>
 *   <li>{@code POW}: {@code data = [exponent]}.</li>
 *   <li>{@code BROADCAST}, {@code RESHAPE}: the target shape is the declared result type's shape.</li>
 *   <li>{@code CONVERT}: the target dtype is the declared result type's dtype (same shape).</li>
 *   <li>{@code TRANSPOSE}: {@code ints} = the permutation (result axis i is operand axis perm[i]).</li>
 *   <li>{@code REDUCE_SUM}, {@code REDUCE_MAX}: {@code ints} = the reduced axes, ascending, removed from the shape.</li>
 *   <li>{@code SLICE}: {@code ints = [axis, start, end]}; {@code PAD}: {@code [axis, low, high]};
 *       {@code GATHER}: {@code [axis, indices...]}; {@code SCATTER_ADD}: {@code [axis, size, indices...]};
 *       {@code CONCAT}: {@code [axis]} (any number of operands from 1) — see {@link Indexing}.</li>
 *   <li>{@code DOT_GENERAL}: {@code ints = [nb, nc, lhs batch..., rhs batch..., lhs contract..., rhs contract...]}
 *       — see {@link Contraction}.</li>
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
    /** e^x - 1: a primitive for accuracy near 0, where exp(x) - 1 cancels every digit (elu, expm1). */
    EXPM1("expm1", Family.UNARY),
    /**
     * sinh and cosh: primitives because no short composition is accurate over the whole range:
     * (e^x - e^-x)/2 cancels near 0 (the expm1 form fixes that) and e^x/2 overflows for
     * 709.78 &lt; |x| &lt; 710.48, where sinh and cosh are still finite. Each is the other's derivative.
     */
    SINH("sinh", Family.UNARY),
    COSH("cosh", Family.UNARY),
    /**
     * log2 and log10: primitives because they are exact at powers of their base (log2(8) = 3, as
     * PyTorch's); log(x)·(1/ln 2) is one ulp off at 364 of the 2098 powers of two, which a
     * following floor or ceil turns into a whole unit.
     */
    LOG2("log2", Family.UNARY),
    LOG10("log10", Family.UNARY),
    /** The error function (runtime.Erf): no composition of the other primitives computes it. */
    ERF("erf", Family.UNARY),
    /** 1 - erf(x): a primitive because 1 - erf(x) loses every digit for large x (erfc(6) = 2e-17). */
    ERFC("erfc", Family.UNARY),
    /**
     * floor and round-half-to-even (PyTorch's round): piecewise constant, zero derivative (no
     * composition of float arithmetic rounds to an integer). ceil(x) is -floor(-x), exactly.
     */
    FLOOR("floor", Family.UNARY),
    ROUND("round", Family.UNARY),

    /**
     * Dtype conversion (Tensor.to): the declared result type is the operand's shape in another
     * dtype. Between float dtypes the value is rounded to the target (F64 → F16 goes through
     * float, as PyTorch's c10::Half(float)); BOOL → float gives 0/1, float → BOOL is x != 0.
     */
    CONVERT("convert", Family.CONVERT),

    // ---- elementwise binary: operands of equal type (broadcasting is explicit, see BROADCAST)
    ADD("add", Family.BINARY),
    SUB("sub", Family.BINARY),
    MUL("mul", Family.BINARY),
    DIV("div", Family.BINARY),
    MAX("max", Family.BINARY),
    MIN("min", Family.BINARY),
    /**
     * atan2(y, x), the angle of (x, y) (operand 0 is y, as torch.atan2): no composition handles
     * the quadrants, x = 0 and the overflow of y/x. atan(x) is atan2(x, 1), which is atan itself
     * bit for bit; asin and acos are compositions with it too.
     */
    ATAN2("atan2", Family.BINARY),
    /**
     * x^y with a tensor exponent: exp(y·log x) is wrong for a negative base (PyTorch: (-2)^2 = 4)
     * and magnifies log's rounding by |y·log x|. (POW takes a constant exponent.)
     */
    POWER("power", Family.BINARY),

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
    /**
     * x[..., start:end, ...] along one axis (0 &lt;= start &lt;= end &lt;= size): a primitive so that a
     * slice is index arithmetic in the consumer's loop and its VJP is one PAD, not a sum of copies.
     */
    SLICE("slice", Family.SHAPE),
    /** Zeros before and after the operand along one axis: SLICE's transpose (its VJP is a SLICE). */
    PAD("pad", Family.SHAPE),
    /**
     * Elements at the given indices along one axis (index_select; an embedding lookup): one
     * read per element and a VJP of one SCATTER_ADD, where a composition would be a
     * concatenation of one slice per index.
     */
    GATHER("gather", Family.SHAPE),
    /** GATHER's transpose: sums the operand's rows into the indexed positions of a zero tensor (index_add). */
    SCATTER_ADD("scatter_add", Family.SCATTER),
    REDUCE_SUM("reduce_sum", Family.REDUCE),
    REDUCE_MAX("reduce_max", Family.REDUCE),
    /** [m,k] x [k,n] -> [m,n]; the frontend reshapes 1-D operands (torch.matmul rules). */
    MATMUL("matmul", Family.MATMUL),
    /**
     * Joins any number of operands along one axis (torch.cat): one copy, and a VJP of one SLICE
     * per operand; the composition (pads added together) would write every element n times.
     */
    CONCAT("concat", Family.CONCAT),
    /**
     * XLA's dot_general: a contraction with batch dimensions (batched matmul, attention scores,
     * batch-broadcast matmul). Result axes: the batch axes (in the listed order), then the
     * lhs's other free axes, then the rhs's, each in increasing order. Its VJPs are
     * dot_generals again, so no transpose is needed for the usual layouts. MATMUL stays the
     * 2-D case that codegen lowers today.
     */
    DOT_GENERAL("dot_general", Family.CONTRACT);

    /** How a primitive is shaped and lowered. */
    public enum Family { LEAF, UNARY, CONVERT, BINARY, COMPARE, SELECT, SHAPE, SCATTER, REDUCE, MATMUL, CONCAT, CONTRACT }

    /** The name in the IR text form. */
    public final String text;
    public final Family family;

    Prim(String text, Family family) {
        this.text = text;
        this.family = family;
    }

    /** Number of value operands; -1 for CONCAT, which takes any number from 1 up. */
    public int arity() {
        return switch (family) {
            case LEAF -> 0;
            case UNARY, CONVERT, SHAPE, SCATTER, REDUCE -> 1;
            case BINARY, COMPARE, MATMUL, CONTRACT -> 2;
            case SELECT -> 3;
            case CONCAT -> -1;
        };
    }

    /** True when a node of this primitive may have n operands. */
    public boolean acceptsArity(int n) {
        int a = arity();
        return a < 0 ? n >= 1 : n == a;
    }

    /** True for primitives applied element by element (fusable into one loop). */
    public boolean isElementwise() {
        return family == Family.UNARY || family == Family.CONVERT || family == Family.BINARY || family == Family.COMPARE || family == Family.SELECT;
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
        if (!acceptsArity(args.length))
            throw error("takes " + (arity() < 0 ? "at least 1" : String.valueOf(arity())) + " operands, got " + args.length);
        if (this == CONCAT) {   // the one variadic primitive: its rule reads every operand
            Type result = Indexing.concatType(args, ints);
            if (declared != null && !declared.equals(result)) throw error("result is " + result + ", declared " + declared);
            return result;
        }
        return resultType(args.length > 0 ? args[0] : null, args.length > 1 ? args[1] : null, args.length > 2 ? args[2] : null,
                ints, data, declared);
    }

    /** The shape rule for operands a0, a1, a2 (null past the arity, which the caller has checked): no array to allocate. */
    Type resultType(Type a0, Type a1, Type a2, int[] ints, double[] data, Type declared) {
        Type result = switch (family) {
            case LEAF -> {
                if (declared == null) throw error("needs a declared type");
                if (this == INPUT && (ints.length != 1 || ints[0] < 0)) throw error("needs one non-negative parameter index");
                if (this == CONST && data.length != declared.size())
                    throw error("has " + data.length + " values for type " + declared);
                yield declared;
            }
            case UNARY -> {
                requireFloat(a0);
                if (this == POW && data.length != 1) throw error("needs one exponent");
                yield a0;
            }
            case CONVERT -> {
                if (declared == null) throw error("needs a declared result type");
                if (!declared.sameShape(a0)) throw error("cannot convert " + a0 + " to " + declared + " (the shape must stay)");
                yield declared;
            }
            case BINARY -> {
                requireFloat(a0);
                requireSame(a0, a1);
                yield a0;
            }
            case COMPARE -> {
                requireFloat(a0);
                requireSame(a0, a1);
                yield a0.withDType(DType.BOOL);
            }
            case SELECT -> {
                if (a0.dtype() != DType.BOOL) throw error("condition must be bool, got " + a0);
                requireSame(a1, a2);
                if (!a0.sameShape(a1)) throw error("condition " + a0 + " and branches " + a1 + " differ in shape");
                yield a1;
            }
            case SHAPE -> shapeResult(a0, ints, declared);
            case SCATTER -> Indexing.scatterAddType(a0, ints);
            case CONCAT -> Indexing.concatType(a2 != null ? new Type[] {a0, a1, a2} : a1 != null ? new Type[] {a0, a1} : new Type[] {a0}, ints);
            case CONTRACT -> Contraction.resultType(a0, a1, ints);
            case REDUCE -> {
                requireFloat(a0);
                int rank = a0.rank();
                int[] shape = a0.rawShape();   // read only
                boolean[] gone = new boolean[rank];
                int prev = -1;
                for (int a : ints) {
                    if (a <= prev || a >= rank) throw error("axes " + Arrays.toString(ints) + " must be ascending and within rank " + rank + " of " + a0);
                    gone[a] = true;
                    prev = a;
                }
                int[] out = new int[rank - ints.length];
                for (int i = 0, j = 0; i < rank; i++) if (!gone[i]) out[j++] = shape[i];
                yield a0.withShape(out);
            }
            case MATMUL -> {
                Type a = a0, b = a1;
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
                int[] from = x.rawShape(), to = declared.rawShape();   // read only
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
            case SLICE -> Indexing.sliceType(x, ints);
            case PAD -> Indexing.padType(x, ints);
            case GATHER -> Indexing.gatherType(x, ints);
            case INPUT, CONST, NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, POW, STOP_GRADIENT,
                 EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC, FLOOR, ROUND, CONVERT, ADD, SUB, MUL, DIV, MAX, MIN, ATAN2, POWER,
                 GT, GE, LT, LE, EQ, SELECT, SCATTER_ADD, REDUCE_SUM, REDUCE_MAX, MATMUL, CONCAT, DOT_GENERAL ->
                    throw new AssertionError(text + " is not a shape primitive");
        };
    }

    // ======================================================================== VJP rules
    //
    // vjp(e, node, gbar, want) emits ordinary primitives into e and returns, per operand of node,
    // the id of its contribution to that operand's adjoint, or -1 for a symbolic zero (also when
    // want[i] is false). The operands and the result of `node` are valid ids in e (the adjoint
    // pass copies the forward graph first; the eager engine appends to the Eval that computed
    // the forward), so rules reuse forward results instead of recomputing them. Every rule is
    // made of differentiable primitives, so the adjoint pass applies to its own output (second
    // derivatives). Where a derivative does not exist the rule makes PyTorch's choice (named in
    // the comment); the float operations are ordered as PyTorch's derivatives.yaml orders them,
    // except DIV's and SQRT's in F32/F64, which multiply by a reciprocal (reciprocalRules).
    // A constant in a rule has the dtype of the value it meets (splat), so every rule holds in
    // F16, F32 and F64 alike.

    /** Contributions of the adjoint {@code gbar} of {@code node}'s result to each of its operands (-1 = zero). */
    public int[] vjp(Emitter e, Node node, int gbar, boolean[] want) {
        if (node.prim() != this) throw new IllegalArgumentException(text + ": vjp of a " + node.prim().text + " node");
        if (want.length != node.arity()) throw new IllegalArgumentException(text + ": want has " + want.length + " flags for " + node.arity() + " operands");
        if (this == CONCAT) return Indexing.concatVjp(e, node.rawArgs(), node.rawInts(), gbar, want);
        int x = node.arity() > 0 ? node.arg(0) : -1;
        int y = node.arity() > 1 ? node.arg(1) : -1;
        return Arrays.copyOf(vjp(e, node.id(), node.type(), x, y, node.rawInts(), node.rawData(), gbar, want, new int[3]), node.arity());
    }

    /**
     * The same, for a node given by its parts (the eager {@link Eval} keeps no Node objects):
     * result id {@code out} of type {@code t}, its first two operands x and y (-1 past the
     * arity; SELECT's rule needs only its condition x), attributes ints/data. The contributions
     * are written into {@code into} (length 3, one entry per operand) and it is returned.
     */
    int[] vjp(Emitter e, int out, Type t, int x, int y, int[] ints, double[] data, int gbar, boolean[] want, int[] into) {
        boolean wx = want.length > 0 && want[0], wy = want.length > 1 && want[1];
        return switch (this) {
            // leaves: no operands
            case INPUT, CONST -> into;
            // d(-x) = -ḡ
            case NEG -> one(into, wx ? e.unary(NEG, gbar) : -1);
            // d(e^x) = ḡ·e^x = ḡ·out
            case EXP -> one(into, wx ? mul(e, gbar, out) : -1);
            // d(log x) = ḡ/x   (x = 0: ḡ/0 = inf, as PyTorch)
            case LOG -> one(into, wx ? div(e, gbar, x) : -1);
            // d(log1p x) = ḡ/(x+1)
            case LOG1P -> one(into, wx ? div(e, gbar, add(e, x, splat(e, 1, t))) : -1);
            // d(sin x) = ḡ·cos x
            case SIN -> one(into, wx ? mul(e, gbar, e.unary(COS, x)) : -1);
            // d(cos x) = ḡ·(-sin x)
            case COS -> one(into, wx ? mul(e, gbar, e.unary(NEG, e.unary(SIN, x))) : -1);
            // d(tanh x) = ḡ·(1 - out²)
            case TANH -> one(into, wx ? mul(e, gbar, sub(e, splat(e, 1, t), mul(e, out, out))) : -1);
            // d(σ(x)) = ḡ·(1 - out)·out
            case SIGMOID -> one(into, wx ? mul(e, mul(e, gbar, sub(e, splat(e, 1, t), out)), out) : -1);
            // d(softplus x) = ḡ·σ(x)   (σ(x) rounds to 1 above PyTorch's threshold 20, where it passes ḡ)
            case SOFTPLUS -> one(into, wx ? mul(e, gbar, e.unary(SIGMOID, x)) : -1);
            // d(√x) = ḡ/(2·out), taken as ḡ·(0.5/out) (JAX's rule; 0.5/out is a forward value, see
            // reciprocalRules; x = 0: ḡ·inf = inf, as PyTorch's ḡ/0). F16 keeps PyTorch's ḡ/(2·out).
            case SQRT -> one(into, !wx ? -1 : reciprocalRules(t) ? mul(e, gbar, div(e, splat(e, 0.5, t), out))
                    : div(e, gbar, mul(e, splat(e, 2, t), out)));
            // d|x| = ḡ·sign(x), sign(0) = 0 (PyTorch: abs'(0) = 0), sign(NaN) = 0 as PyTorch's sign kernel
            case ABS -> {
                if (!wx) yield one(into, -1);
                int zero = splat(e, 0, t);
                int sign = e.select(e.binary(GT, x, zero), splat(e, 1, t),
                        e.select(e.binary(LT, x, zero), splat(e, -1, t), zero));
                yield one(into, mul(e, gbar, sign));
            }
            // d(x^p) = ḡ·(p·x^(p-1)); p = 0 gives zero everywhere, also at x = 0 (PyTorch's x**0)
            case POW -> {
                double p = data[0];
                yield one(into, wx && p != 0 ? mul(e, gbar, mul(e, splat(e, p, t), e.pow(x, p - 1))) : -1);
            }
            // identity forward, no derivative
            case STOP_GRADIENT -> one(into, -1);
            // d(e^x - 1) = ḡ·(out + 1)   (PyTorch: grad * (result + 1))
            case EXPM1 -> one(into, wx ? mul(e, gbar, add(e, out, splat(e, 1, t))) : -1);
            // d sinh x = ḡ·cosh x, d cosh x = ḡ·sinh x
            case SINH -> one(into, wx ? mul(e, gbar, e.unary(COSH, x)) : -1);
            case COSH -> one(into, wx ? mul(e, gbar, e.unary(SINH, x)) : -1);
            // d log2 x = ḡ/(x·ln 2), d log10 x = ḡ/(x·ln 10)   (PyTorch's order; x = 0: ḡ/0 = inf)
            case LOG2 -> one(into, wx ? div(e, gbar, mul(e, x, splat(e, LN2, t))) : -1);
            case LOG10 -> one(into, wx ? div(e, gbar, mul(e, x, splat(e, LN10, t))) : -1);
            // d erf x = ḡ·(2/√π)·e^(-x²), d erfc x = -that   (PyTorch: 2/sqrt(pi) * exp(-x^2) * grad)
            case ERF -> one(into, wx ? mul(e, mul(e, splat(e, TWO_OVER_SQRT_PI, t), e.unary(EXP, e.unary(NEG, mul(e, x, x)))), gbar) : -1);
            case ERFC -> one(into, wx ? mul(e, mul(e, splat(e, -TWO_OVER_SQRT_PI, t), e.unary(EXP, e.unary(NEG, mul(e, x, x)))), gbar) : -1);
            // piecewise constant: zero (PyTorch: FloorBackward0, RoundBackward0 give zeros)
            case FLOOR, ROUND -> one(into, -1);
            // d convert(x) = ḡ converted back to x's dtype (rounding has derivative 1 almost everywhere);
            // a BOOL operand or result carries no derivative
            case CONVERT -> one(into, wx && t.dtype().isFloat() && e.type(x).dtype().isFloat() ? e.convert(gbar, e.type(x).dtype()) : -1);
            // d(a+b) = ḡ, ḡ
            case ADD -> two(into, wx ? gbar : -1, wy ? gbar : -1);
            // d(a-b) = ḡ, -ḡ
            case SUB -> two(into, wx ? gbar : -1, wy ? e.unary(NEG, gbar) : -1);
            // d(a·b) = ḡ·b, ḡ·a
            case MUL -> two(into, wx ? mul(e, gbar, y) : -1, wy ? mul(e, gbar, x) : -1);
            // d(a/b) = ḡ/b, -ḡ·((a/b)/b) = -ḡ·(out/b), taken as ḡ·r and -ḡ·(out·r) with r = 1/b
            // (see reciprocalRules; b = ±0 or ±inf give PyTorch's inf, NaN and zeros). F16 keeps
            // PyTorch's ḡ/b and -ḡ·((a/b)/b).
            case DIV -> {
                if (!wx && !wy) yield two(into, -1, -1);
                if (!reciprocalRules(t)) yield two(into, wx ? div(e, gbar, y) : -1, wy ? mul(e, e.unary(NEG, gbar), div(e, out, y)) : -1);
                int r = div(e, splat(e, 1, t), y);
                yield two(into, wx ? mul(e, gbar, r) : -1, wy ? mul(e, e.unary(NEG, gbar), mul(e, out, r)) : -1);
            }
            // d max(a,b) = ḡ to the larger, ḡ/2 to each on a tie (PyTorch):
            //   a: where(a==b, ḡ/2, ḡ) zeroed where a<b;  b: the same zeroed where a>b
            case MAX, MIN -> {
                if (!wx && !wy) yield two(into, -1, -1);
                int tieSplit = e.select(e.binary(EQ, x, y), div(e, gbar, splat(e, 2, t)), gbar);
                Prim loserA = this == MAX ? LT : GT, loserB = this == MAX ? GT : LT;
                yield two(into, wx ? e.select(e.binary(loserA, x, y), splat(e, 0, t), tieSplit) : -1,
                          wy ? e.select(e.binary(loserB, x, y), splat(e, 0, t), tieSplit) : -1);
            }
            // atan2(y, x): with r = 1/(y² + x²): ḡ·x·r to y and ḡ·(-y)·r to x (PyTorch's atan2_backward;
            // at the origin r = inf and 0·inf = NaN, as PyTorch's)
            case ATAN2 -> {
                if (!wx && !wy) yield two(into, -1, -1);
                int r = div(e, splat(e, 1, t), add(e, mul(e, x, x), mul(e, y, y)));
                yield two(into, wx ? mul(e, mul(e, gbar, y), r) : -1, wy ? mul(e, mul(e, gbar, e.unary(NEG, x)), r) : -1);
            }
            // x^y: to x ḡ·(y·x^(y-1)), 0 where y = 0 (also at x = 0); to y ḡ·(out·log x), 0 where
            // x = 0 and y >= 0 (PyTorch's pow_backward_self and pow_backward_exponent)
            case POWER -> {
                int zero = wx || wy ? splat(e, 0, t) : -1;
                int dx = -1, dy = -1;
                if (wx) dx = e.select(e.binary(EQ, y, zero), zero, mul(e, gbar, mul(e, y, e.binary(POWER, x, sub(e, y, splat(e, 1, t))))));
                if (wy) {
                    int term = mul(e, out, e.unary(LOG, x));
                    dy = mul(e, gbar, e.select(e.binary(EQ, x, zero), e.select(e.binary(GE, y, zero), zero, term), term));
                }
                yield two(into, dx, dy);
            }
            // comparisons are piecewise constant: zero
            case GT, GE, LT, LE, EQ -> two(into, -1, -1);
            // d select(c,a,b) = 0, select(c, ḡ, 0), select(c, 0, ḡ)
            case SELECT -> {
                int c = x;
                boolean wa = want[1], wb = want[2];
                int zero = wa || wb ? splat(e, 0, t) : -1;
                yield three(into, -1, wa ? e.select(c, gbar, zero) : -1, wb ? e.select(c, zero, gbar) : -1);
            }
            // broadcast copies: sum ḡ over the broadcast axes, then reshape to the operand's shape
            case BROADCAST -> one(into, wx ? unbroadcast(e, gbar, e.type(x)) : -1);
            // reshape back
            case RESHAPE -> one(into, wx ? e.reshape(gbar, e.type(x).shape()) : -1);
            // transpose by the inverse permutation
            case TRANSPOSE -> {
                if (!wx) yield one(into, -1);
                int[] perm = ints, inverse = new int[perm.length];
                for (int i = 0; i < perm.length; i++) inverse[perm[i]] = i;
                yield one(into, e.transpose(gbar, inverse));
            }
            // every summed element receives ḡ: reshape to keep the reduced axes as 1, broadcast back
            case REDUCE_SUM -> one(into, wx ? spreadOver(e, gbar, ints, e.type(x)) : -1);
            // amax: ḡ split evenly among the positions equal to the max, 0 elsewhere: PyTorch's
            // (ḡ / count) · mask with mask = (x == max) as 0/1, so a NaN max (count 0) gives NaN everywhere
            case REDUCE_MAX -> {
                if (!wx) yield one(into, -1);
                Type xt = e.type(x);
                int[] axes = ints;
                int mask = e.select(e.binary(EQ, x, spreadOver(e, out, axes, xt)), splat(e, 1, xt), splat(e, 0, xt));
                int count = e.reduce(REDUCE_SUM, mask, axes);
                yield one(into, mul(e, spreadOver(e, div(e, gbar, count), axes, xt), mask));
            }
            // d(A·B) = ḡ·Bᵀ, Aᵀ·ḡ
            case MATMUL -> two(into, wx ? e.binary(MATMUL, gbar, e.transpose(y, 1, 0)) : -1,
                               wy ? e.binary(MATMUL, e.transpose(x, 1, 0), gbar) : -1);
            // structure: each is the other's transpose (Indexing: slice ↔ pad, gather ↔ scatter_add,
            // concat → one slice per operand); dot_general's VJPs are dot_generals (Contraction)
            case SLICE -> one(into, wx ? Indexing.sliceVjp(e, x, ints, gbar) : -1);
            case PAD -> one(into, wx ? Indexing.padVjp(e, x, ints, gbar) : -1);
            case GATHER -> one(into, wx ? Indexing.gatherVjp(e, x, ints, gbar) : -1);
            case SCATTER_ADD -> one(into, wx ? Indexing.scatterAddVjp(e, ints, gbar) : -1);
            // the one variadic rule reads every operand: vjp(e, node, ...) and the adjoint walk call it
            case CONCAT -> throw new IllegalArgumentException("concat: its VJP needs every operand, see Indexing.concatVjp");
            case DOT_GENERAL -> {
                int[] d = Contraction.vjp(e, x, y, ints, gbar, wx, wy);
                yield two(into, d[0], d[1]);
            }
        };
    }

    /**
     * Whether DIV's and SQRT's rules multiply ḡ by a reciprocal of forward values (1/b, 0.5/out)
     * instead of dividing ḡ: F32 and F64. The reciprocal is computed once per quotient from the
     * forward pass, off the adjoint's dependency chain, and shared by every walk that reaches it
     * (a Jacobian's rows, an HVP's passes); ḡ then meets a multiplication (a few cycles) where a
     * division takes 13-20 and serialises the walk. It rounds twice where ḡ/b rounds once (1 ulp
     * apart at most, well inside the golden rule), and 1/b overflows for |b| below 1/MAX (a
     * subnormal b), where ḡ/b may still be finite. PyTorch divides (ḡ/b, -ḡ·((a/b)/b),
     * ḡ/(2·out)); JAX's sqrt rule is this one, ḡ·(0.5/out), its div rule keeps ḡ/b for the
     * dividend and takes -ḡ·a·b⁻² for the divisor. F16 keeps PyTorch's formulas: its golden rule
     * is one half-precision ulp of PyTorch's own result, which a second rounding can miss.
     */
    static boolean reciprocalRules(Type t) {
        return t.dtype() != DType.F16;
    }

    static final double LN2 = 0.6931471805599453;      // the double nearest ln 2, as PyTorch's constant
    static final double LN10 = 2.302585092994046;      // the double nearest ln 10
    static final double TWO_OVER_SQRT_PI = 1.1283791670955126;   // 2/√π (M_2_SQRTPI)

    // the contributions are written into the caller's array (one per walk, not one per node)
    private static int[] one(int[] into, int d) {
        into[0] = d;
        return into;
    }

    private static int[] two(int[] into, int da, int db) {
        into[0] = da;
        into[1] = db;
        return into;
    }

    private static int[] three(int[] into, int da, int db, int dc) {
        into[0] = da;
        into[1] = db;
        into[2] = dc;
        return into;
    }

    static int add(Emitter e, int x, int y) { return e.binary(ADD, x, y); }
    static int sub(Emitter e, int x, int y) { return e.binary(SUB, x, y); }
    static int mul(Emitter e, int x, int y) { return e.binary(MUL, x, y); }
    static int div(Emitter e, int x, int y) { return e.binary(DIV, x, y); }

    /**
     * A constant of type t whose every element is v (converted to t's dtype): a scalar CONST,
     * broadcast when t is not a scalar.
     */
    static int splat(Emitter e, double v, Type t) {
        int c = e.constant(t.isScalar() ? t : Type.scalar(t.dtype()), v);
        return t.isScalar() ? c : e.broadcast(c, t.rawShape());
    }

    /** The adjoint of broadcasting {@code to} up to g's shape: sum over the broadcast axes, reshape to {@code to}. */
    static int unbroadcast(Emitter e, int g, Type to) {
        int[] from = e.type(g).rawShape(), target = to.rawShape();
        int lead = from.length - target.length;
        int[] axes = new int[from.length];
        int n = 0;
        for (int i = 0; i < from.length; i++)
            if (i < lead || (target[i - lead] == 1 && from[i] != 1)) axes[n++] = i;
        int summed = n == 0 ? g : e.reduce(REDUCE_SUM, g, Arrays.copyOf(axes, n));
        return e.type(summed).sameShape(to) ? summed : e.reshape(summed, target);
    }

    /** g (the shape of x with {@code axes} removed) copied along those axes to x's shape. */
    static int spreadOver(Emitter e, int g, int[] axes, Type x) {
        if (axes.length == 0) return g;
        int[] keep = x.shape();
        for (int a : axes) keep[a] = 1;
        return e.broadcast(e.reshape(g, keep), x.rawShape());
    }

    private void requireFloat(Type t) {
        if (!t.dtype().isFloat()) throw error("needs a float operand, got " + t);
    }

    private void requireSame(Type a, Type b) {
        if (!a.equals(b)) throw error("operands must have one type, got " + a + " and " + b);
    }

    IllegalArgumentException error(String msg) {
        return new IllegalArgumentException(text + ": " + msg);
    }
}
