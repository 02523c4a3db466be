package io.jgrad.ir;

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
        switch (this) {
            case RESHAPE -> {
                if (declared == null) throw error("needs a target shape");
                if (declared.size() != x.size() || declared.dtype() != x.dtype())
                    throw error("cannot reshape " + x + " to " + declared);
                return declared;
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
                return declared;
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
                return x.withShape(s);
            }
            default -> throw new AssertionError(this);
        }
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
