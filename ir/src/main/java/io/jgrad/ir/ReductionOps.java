package io.jgrad.ir;

/**
 * The reductions of API.md "More operations" lowered onto primitives ({@link Composites} is
 * their public face): keepDim, amax/amin, logsumexp, prod, var and std.
 */
final class ReductionOps {
    private ReductionOps() {}

    /** The reduced value v (x's shape without axis a) given back its axis as size 1 when keepDim (a 0-dim x stays 0-dim). */
    static int keep(Emitter e, int v, Type x, int a, boolean keepDim) {
        if (!keepDim || x.isScalar()) return v;
        int[] s = x.shape();
        s[a] = 1;
        return e.reshape(v, s);
    }

    static int sum(Emitter e, int x, int axis, boolean keepDim) {
        Type t = e.type(x);
        int a = Shapes.axis("sum", t.rawShape(), axis);
        return keep(e, Composites.sum(e, x, axis), t, a, keepDim);
    }

    static int mean(Emitter e, int x, int axis, boolean keepDim) {
        Type t = e.type(x);
        int a = Shapes.axis("mean", t.rawShape(), axis);
        return keep(e, Composites.mean(e, x, axis), t, a, keepDim);
    }

    // ------------------------------------------------------------------ amax, amin

    /** amax over all elements (REDUCE_MAX over every axis); ties share the gradient evenly (its VJP). */
    static int amax(Emitter e, int x) {
        return maxAll(e, "amax", x);
    }

    static int amax(Emitter e, int x, int axis, boolean keepDim) {
        return maxAlong(e, "amax", x, axis, keepDim);
    }

    /**
     * amin(x) = -amax(-x): exact (negation is exact; the max of the negated values is the negated
     * min, -0.0 and +0.0 included, NaN propagates), and REDUCE_MAX's VJP through the two
     * negations is amin's: ties share the gradient evenly (PyTorch's AminBackward0). So no REDUCE_MIN.
     */
    static int amin(Emitter e, int x) {
        nonEmpty(e, "amin", x);
        return e.type(x).isScalar() ? x : e.unary(Prim.NEG, maxAll(e, "amin", e.unary(Prim.NEG, x)));
    }

    static int amin(Emitter e, int x, int axis, boolean keepDim) {
        Type t = e.type(x);
        nonEmptyAxis("amin", t, axis);
        return t.isScalar() ? x : e.unary(Prim.NEG, maxAlong(e, "amin", e.unary(Prim.NEG, x), axis, keepDim));
    }

    private static int maxAll(Emitter e, String op, int x) {
        Type t = e.type(x);
        nonEmpty(e, op, x);
        if (t.isScalar()) return x;
        int[] all = new int[t.rank()];
        for (int i = 0; i < all.length; i++) all[i] = i;
        return e.reduce(Prim.REDUCE_MAX, x, all);
    }

    private static int maxAlong(Emitter e, String op, int x, int axis, boolean keepDim) {
        Type t = e.type(x);
        int a = nonEmptyAxis(op, t, axis);
        return t.isScalar() ? x : keep(e, e.reduce(Prim.REDUCE_MAX, x, a), t, a, keepDim);
    }

    private static void nonEmpty(Emitter e, String op, int x) {
        Type t = e.type(x);
        if (t.size() == 0)
            throw new IllegalArgumentException(op + ": shape " + Shapes.str(t.rawShape()) + " has no elements (expected a non-empty tensor)");
    }

    private static int nonEmptyAxis(String op, Type t, int axis) {
        int a = Shapes.axis(op, t.rawShape(), axis);
        if (!t.isScalar() && t.dim(a) == 0)
            throw new IllegalArgumentException(op + ": axis " + axis + " of shape " + Shapes.str(t.rawShape())
                    + " has size 0 (expected reduction dim " + a + " to have non-zero size)");
        return a;
    }

    // ------------------------------------------------------------------ logsumexp

    /**
     * log Σ exp(x) along an axis, as PyTorch computes it: m = amax along the axis with an infinite
     * m replaced by 0, then log(Σ exp(x - m)) + m. m is under STOP_GRADIENT: the function does not
     * depend on m, so its derivatives of every order are those of the exact function
     * (ḡ·softmax(x), PyTorch's LogsumexpBackward0 ḡ·exp(x - result)).
     */
    static int logsumexp(Emitter e, int x, int axis, boolean keepDim) {
        Type t = e.type(x);
        int a = Shapes.axis("logsumexp", t.rawShape(), axis);
        return Composites.inFloat32(e, x, v -> {
            Type tv = e.type(v);
            int[] axes = tv.isScalar() ? new int[0] : new int[] {a};
            int max = axes.length == 0 ? v : e.reduce(Prim.REDUCE_MAX, v, axes);
            int m = e.unary(Prim.STOP_GRADIENT, max);
            Type tm = e.type(m);
            int finite = e.select(e.binary(Prim.EQ, e.unary(Prim.ABS, m), Prim.splat(e, Double.POSITIVE_INFINITY, tm)), Prim.splat(e, 0, tm), m);
            int shifted = e.binary(Prim.SUB, v, Prim.spreadOver(e, finite, axes, tv));
            int s = e.unary(Prim.EXP, shifted);
            int sum = axes.length == 0 ? s : e.reduce(Prim.REDUCE_SUM, s, axes);
            return keep(e, e.binary(Prim.ADD, e.unary(Prim.LOG, sum), finite), tv, a, keepDim);
        });
    }

    // ------------------------------------------------------------------ prod

    /**
     * The product along axis a by a tree of MULs: the first half of the axis times the second,
     * an odd last row carried along by CONCAT, until one row is left (log2 n levels, each a
     * SLICE pair, a MUL and perhaps a CONCAT). Its VJP is made of MULs only: each element gets
     * ḡ times the product of all the others, never a division, so it is exact with zeros in the
     * input: one zero leaves only that element a gradient, two zeros none (PyTorch's
     * prod_backward, which switches to exclusive products when it sees a zero). An empty axis
     * gives 1. Returns the product with axis a kept (size 1).
     */
    static int prodKeep(Emitter e, int x, int a) {
        Type t = e.type(x);
        int n = t.dim(a);
        if (n == 0) {
            int[] s = t.shape();
            s[a] = 1;
            return Prim.splat(e, 1, t.withShape(s));
        }
        int v = x;
        while (n > 1) {
            int h = n / 2;
            int p = e.binary(Prim.MUL, e.slice(v, a, 0, h), e.slice(v, a, h, 2 * h));
            if (n % 2 == 1) p = e.concat(a, p, e.slice(v, a, 2 * h, n));
            v = p;
            n = h + n % 2;
        }
        return v;
    }

    static int prod(Emitter e, int x) {
        Type t = e.type(x);
        if (t.isScalar()) return x;
        return Composites.inFloat32(e, x, v -> e.reshape(prodKeep(e, t.rank() == 1 ? v : e.reshape(v, t.size()), 0)));
    }

    static int prod(Emitter e, int x, int axis) {
        Type t = e.type(x);
        int a = Shapes.axis("prod", t.rawShape(), axis);
        if (t.isScalar()) return x;
        return Composites.inFloat32(e, x, v -> e.reshape(prodKeep(e, v, a), Shapes.removeAxis(t.rawShape(), a)));
    }

    // ------------------------------------------------------------------ var, std

    /**
     * Unbiased variance along an axis (correction 1, torch.var): Σ (x - mean)² / (n - 1), two passes.
     * n = 1 gives 0/0 = NaN with a NaN gradient, as PyTorch. Its VJP is PyTorch's
     * 2/(n-1)·ḡ·(x - mean) (the mean's own term, -Σ(x - mean)·2/(n(n-1)), is 0 up to rounding).
     */
    static int var(Emitter e, int x, int axis) {
        Type t = e.type(x);
        int a = Shapes.axis("var", t.rawShape(), axis);
        return Composites.inFloat32(e, x, v -> variance(e, v, a));
    }

    private static int variance(Emitter e, int v, int a) {
        Type tv = e.type(v);
        int[] axes = tv.isScalar() ? new int[0] : new int[] {a};
        int n = tv.isScalar() ? 1 : tv.dim(a);
        int sum = axes.length == 0 ? v : e.reduce(Prim.REDUCE_SUM, v, axes);
        int mean = e.binary(Prim.DIV, sum, Prim.splat(e, n, e.type(sum)));
        int d = e.binary(Prim.SUB, v, Prim.spreadOver(e, mean, axes, tv));
        int sq = e.binary(Prim.MUL, d, d);
        int ss = axes.length == 0 ? sq : e.reduce(Prim.REDUCE_SUM, sq, axes);
        return e.binary(Prim.DIV, ss, Prim.splat(e, n - 1, e.type(ss)));
    }

    /**
     * √var, with PyTorch's gradient 0 where std is 0 (its std_backward masks ḡ/(2·std) there):
     * select(var = 0, 0, √select(var = 0, 1, var)), so the derivative at 0 is that of a constant,
     * never ḡ/0·0 = NaN (the double-where pattern). var = NaN stays NaN.
     */
    static int std(Emitter e, int x, int axis) {
        Type t = e.type(x);
        int a = Shapes.axis("std", t.rawShape(), axis);
        return Composites.inFloat32(e, x, v -> {
            int var = variance(e, v, a);
            Type tv = e.type(var);
            int zero = Prim.splat(e, 0, tv);
            int isZero = e.binary(Prim.EQ, var, zero);
            return e.select(isZero, zero, e.unary(Prim.SQRT, e.select(isZero, Prim.splat(e, 1, tv), var)));
        });
    }
}
