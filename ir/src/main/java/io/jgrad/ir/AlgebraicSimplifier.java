package io.jgrad.ir;

import io.jgrad.runtime.DType;

/**
 * Algebraic rewrites that are exact in IEEE-754 for every input, NaN, ±inf and -0.0 included
 * (up to which NaN payload comes out). Each rule carries its one-line proof. Rules that look
 * harmless but are not exact are deliberately absent:
 * <ul>
 *   <li>x·0 → 0: NaN·0 = NaN, inf·0 = NaN, -1·0 = -0;</li>
 *   <li>x+0 → x: -0 + +0 = +0 (but x + (-0) → x is exact, below);</li>
 *   <li>x-x → 0, x/x → 1: NaN and inf; 0/x → 0: x = 0 or NaN;</li>
 *   <li>anything that reassociates (a+b)+c: rounding.</li>
 * </ul>
 * One pass over the graph in order; each node is rewritten given its already rewritten
 * operands, so chains collapse in one pass. Renumbers densely (dead operands stay until DCE).
 */
public final class AlgebraicSimplifier {
    private AlgebraicSimplifier() {}

    public static Graph run(Graph g) {
        Builder b = new Builder();
        int[] map = new int[g.size()];
        for (Node n : g.nodes()) {
            int[] args = Rebuild.remap(n, map);
            int r = n.prim().family == Prim.Family.LEAF ? -1 : rewrite(b, n, args);
            map[n.id()] = r >= 0 ? r : b.copy(n, args);
        }
        int[] outs = g.outputs();
        for (int i = 0; i < outs.length; i++) outs[i] = map[outs[i]];
        return b.build(outs, g.outputNames());
    }

    /** The id that replaces node n (operands {@code args}, ids in b), or -1 to keep it. */
    private static int rewrite(Builder b, Node n, int[] args) {
        int x = args.length > 0 ? args[0] : -1, y = args.length > 1 ? args[1] : -1;
        Type t = n.type();
        return switch (n.prim()) {
            case INPUT, CONST -> -1;
            case MUL -> {
                // x·1 = x for every x (±0, ±inf, NaN): multiplication by one is exact
                if (Rebuild.isSplat(b, y, 1.0)) yield x;
                if (Rebuild.isSplat(b, x, 1.0)) yield y;
                // x·(-1) = -x for every x: exact, flips only the sign, as neg does
                if (Rebuild.isSplat(b, y, -1.0)) yield b.unary(Prim.NEG, x);
                if (Rebuild.isSplat(b, x, -1.0)) yield b.unary(Prim.NEG, y);
                yield -1;
            }
            case DIV -> {
                // x/1 = x for every x
                if (Rebuild.isSplat(b, y, 1.0)) yield x;
                // x/(-1) = -x for every x
                if (Rebuild.isSplat(b, y, -1.0)) yield b.unary(Prim.NEG, x);
                // x/2^k = x·2^-k: both are the correctly rounded value of the same real number,
                // provided 2^k and 2^-k are normal numbers of the dtype (so 2^-k is exact)
                Double c = Rebuild.splat(b, y);
                if (c != null && isPowerOfTwoWithExactReciprocal(c, t.dtype()))
                    yield b.binary(Prim.MUL, x, Prim.splat(b, 1.0 / c, t));
                yield -1;
            }
            case SUB -> {
                // x - (+0) = x + (-0) = x for every x (-0 - +0 = -0)
                if (Rebuild.isSplat(b, y, 0.0)) yield x;
                // x - (-y) = x + y: IEEE defines x - y as x + (-y)
                if (b.node(y).prim() == Prim.NEG) yield b.binary(Prim.ADD, x, b.node(y).arg(0));
                yield -1;
            }
            case ADD -> {
                // x + (-0) = x for every x: -0 is the identity of IEEE addition (+0 + -0 = +0)
                if (Rebuild.isSplat(b, y, -0.0)) yield x;
                if (Rebuild.isSplat(b, x, -0.0)) yield y;
                // x + (-y) = x - y by the definition of subtraction; addition commutes
                if (b.node(y).prim() == Prim.NEG) yield b.binary(Prim.SUB, x, b.node(y).arg(0));
                if (b.node(x).prim() == Prim.NEG) yield b.binary(Prim.SUB, y, b.node(x).arg(0));
                // x + x = x·2 for every x: both are the real 2x correctly rounded (exact unless it
                // overflows, to ±inf in both); -0 + -0 = -0 = -0·2, NaN stays NaN. As a product x
                // is read once, so an elementwise x is fused instead of stored (the adjoint of x·x
                // is g·x + g·x: mean(x²)'s gradient went through a buffer of n elements)
                if (x == y) yield b.binary(Prim.MUL, x, Prim.splat(b, 2.0, t));
                yield -1;
            }
            // max(x,x) = min(x,x) = x for every x, NaN and ±0 included
            case MAX, MIN -> x == y ? x : -1;
            // -(-x) = x: negation is exact
            case NEG -> b.node(x).prim() == Prim.NEG ? b.node(x).arg(0) : -1;
            // |-x| = |x| and ||x|| = |x|: abs clears the sign bit whatever it was
            case ABS -> {
                if (b.node(x).prim() == Prim.ABS) yield x;
                yield b.node(x).prim() == Prim.NEG ? b.unary(Prim.ABS, b.node(x).arg(0)) : -1;
            }
            // x^1 = x for every x (Math.pow's specification)
            case POW -> n.exponent() == 1.0 ? x : -1;
            // stop_gradient is idempotent
            case STOP_GRADIENT -> b.node(x).prim() == Prim.STOP_GRADIENT ? x : -1;
            case SELECT -> {
                // select(c, a, a) = a
                if (y == args[2]) yield y;
                // a constant condition picks one branch
                Double c = Rebuild.splat(b, x);
                if (c != null) yield c != 0 ? y : args[2];
                yield -1;
            }
            case RESHAPE -> {
                // reshape to the operand's own shape moves nothing
                if (b.type(x).equals(t)) yield x;
                // reshape(reshape(x)) = reshape(x): row-major order is preserved by both
                if (b.node(x).prim() == Prim.RESHAPE) {
                    int inner = b.node(x).arg(0);
                    yield b.type(inner).equals(t) ? inner : b.reshape(inner, t.shape());
                }
                yield -1;
            }
            case BROADCAST -> {
                // broadcast to the operand's own shape copies nothing
                if (b.type(x).equals(t)) yield x;
                // broadcast(broadcast(x)) = broadcast(x): an inner dim is 1 or kept, so x's dims still fit
                if (b.node(x).prim() == Prim.BROADCAST) {
                    int inner = b.node(x).arg(0);
                    yield b.type(inner).equals(t) ? inner : b.broadcast(inner, t.shape());
                }
                yield -1;
            }
            case TRANSPOSE -> {
                int[] perm = n.ints();
                // transpose(transpose(x, p), q): result axis i is inner axis q[i], which is x axis p[q[i]]
                if (b.node(x).prim() == Prim.TRANSPOSE) {
                    int[] p = b.node(x).ints(), composed = new int[perm.length];
                    for (int i = 0; i < perm.length; i++) composed[i] = p[perm[i]];
                    int inner = b.node(x).arg(0);
                    yield isIdentity(composed) ? inner : b.transpose(inner, composed);
                }
                // the identity permutation moves nothing
                yield isIdentity(perm) ? x : -1;
            }
            // a reduction over no axes is the identity (the sum of one element is that element)
            case REDUCE_SUM, REDUCE_MAX -> n.axes().length == 0 ? x : -1;
            case CONVERT -> {
                // a conversion to the operand's own dtype changes nothing
                if (b.type(x).equals(t)) yield x;
                // convert(convert(v, wider), v's dtype) = v: widening between float dtypes is exact,
                // so narrowing back finds the value unchanged
                if (b.node(x).prim() == Prim.CONVERT) {
                    int inner = b.node(x).arg(0);
                    DType from = b.type(inner).dtype(), via = b.type(x).dtype();
                    if (from == t.dtype() && from.isFloat() && via.isFloat() && via.ordinal() > from.ordinal()) yield inner;
                }
                yield -1;
            }
            // floor and round of a value that floor or round made: it is an integer (or ±0, ±inf,
            // NaN), and both return such values unchanged
            case FLOOR, ROUND -> b.node(x).prim() == Prim.FLOOR || b.node(x).prim() == Prim.ROUND ? x : -1;
            case SLICE -> slice(b, n, x);
            // padding by nothing moves nothing
            case PAD -> n.rawInts()[1] == 0 && n.rawInts()[2] == 0 ? x : -1;
            // a concatenation of one operand is that operand
            case CONCAT -> args.length == 1 ? x : -1;
            // gathering every row in order is the operand itself
            case GATHER -> isIdentity(Indexing.indices(Prim.GATHER, n.rawInts()), b.type(x).dim(n.rawInts()[0])) ? x : -1;
            // (an identity scatter_add is NOT x: it adds each element to +0.0, which turns -0.0 into +0.0)
            case EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC,
                 ATAN2, POWER, GT, GE, LT, LE, EQ, SCATTER_ADD, MATMUL, DOT_GENERAL -> -1;
        };
    }

    /**
     * Slices that select elements some other value holds already (each picks exactly the same
     * elements, so every bit is kept):
     * slice(x, a, 0, n) = x; slice(slice(x, a, s, _), a, s2, e2) = slice(x, a, s + s2, s + e2);
     * slice(pad(x, a, lo, _), a, lo, lo + n) = x; slice(concat(.., x_i, ..; a), a, off_i, off_i + n_i) = x_i.
     */
    private static int slice(Builder b, Node n, int x) {
        int[] v = n.rawInts();
        int axis = v[0], start = v[1], end = v[2];
        Node in = b.node(x);
        if (start == 0 && end == b.type(x).dim(axis)) return x;
        int[] iv = in.rawInts();
        if (in.prim() == Prim.SLICE && iv[0] == axis) return b.slice(in.arg(0), axis, iv[1] + start, iv[1] + end);
        if (in.prim() == Prim.PAD && iv[0] == axis && start == iv[1] && end - start == b.type(in.arg(0)).dim(axis)) return in.arg(0);
        if (in.prim() == Prim.CONCAT && iv[0] == axis) {
            int offset = 0;
            for (int i = 0; i < in.arity(); i++) {
                int size = b.type(in.arg(i)).dim(axis);
                if (offset == start && offset + size == end) return in.arg(i);
                offset += size;
            }
        }
        return -1;
    }

    /** indices = [0, 1, ..., n-1]. */
    private static boolean isIdentity(int[] indices, int n) {
        if (indices.length != n) return false;
        for (int i = 0; i < n; i++) if (indices[i] != i) return false;
        return true;
    }

    private static boolean isIdentity(int[] perm) {
        for (int i = 0; i < perm.length; i++) if (perm[i] != i) return false;
        return true;
    }

    static boolean isPowerOfTwoWithExactReciprocal(double c, DType d) {
        if (c == 0 || Double.isNaN(c) || Double.isInfinite(c)) return false;
        double a = Math.abs(c);
        if (a != Math.scalb(1.0, Math.getExponent(a))) return false;   // not a power of two
        int e = Math.getExponent(a);
        // the normal exponent range of the dtype: binary16 -14..15, binary32 -126..127, binary64 -1022..1023
        int minNormal = switch (d) { case F16 -> -14; case F32 -> Float.MIN_EXPONENT; case F64, BOOL -> Double.MIN_EXPONENT; };
        int max = switch (d) { case F16 -> 15; case F32 -> Float.MAX_EXPONENT; case F64, BOOL -> Double.MAX_EXPONENT; };
        return e >= minNormal && e <= max && -e >= minNormal && -e <= max;
    }
}
