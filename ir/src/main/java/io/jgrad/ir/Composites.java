package io.jgrad.ir;

import java.util.Arrays;

/**
 * The user API's operations (API.md) lowered onto primitives: one static method per Tensor op,
 * each emitting into a {@link Builder} and returning the id of its result. The frontend's tracer
 * calls these for every traced Tensor op, so this class IS the lowering: values and derivatives
 * must be PyTorch's, including its choices at kinks.
 *
 * <p>Binary ops broadcast with NumPy rules (a BROADCAST is inserted for an operand whose shape
 * differs from the result's); a float operand becomes a scalar CONST of the tensor's dtype,
 * broadcast. Note the overloads: {@code add(b, x, y)} takes two value ids, {@code add(b, x, 2f)}
 * a float constant. Shape errors throw IllegalArgumentException naming the op and the shapes,
 * before anything is emitted.
 */
public final class Composites {
    private Composites() {}

    // ------------------------------------------------------------------ arithmetic

    public static int add(Builder b, int x, int y) { return broadcasting(b, "add", Prim.ADD, x, y); }
    public static int add(Builder b, int x, float c) { return b.binary(Prim.ADD, x, splat(b, c, b.type(x))); }
    public static int sub(Builder b, int x, int y) { return broadcasting(b, "sub", Prim.SUB, x, y); }
    public static int sub(Builder b, int x, float c) { return b.binary(Prim.SUB, x, splat(b, c, b.type(x))); }
    /** c - x (PyTorch rsub). */
    public static int rsub(Builder b, int x, float c) { return b.binary(Prim.SUB, splat(b, c, b.type(x)), x); }
    public static int mul(Builder b, int x, int y) { return broadcasting(b, "mul", Prim.MUL, x, y); }
    public static int mul(Builder b, int x, float c) { return b.binary(Prim.MUL, x, splat(b, c, b.type(x))); }
    public static int div(Builder b, int x, int y) { return broadcasting(b, "div", Prim.DIV, x, y); }
    public static int div(Builder b, int x, float c) { return b.binary(Prim.DIV, x, splat(b, c, b.type(x))); }

    /**
     * c / x. PyTorch evaluates {@code c / tensor} as {@code tensor.reciprocal() * c} (Tensor.__rdiv__),
     * two roundings, and so do we: x^-1 then times c.
     */
    public static int rdiv(Builder b, int x, float c) {
        return b.binary(Prim.MUL, b.pow(x, -1), splat(b, c, b.type(x)));
    }

    public static int pow(Builder b, int x, float exponent) { return b.pow(x, exponent); }
    public static int neg(Builder b, int x) { return b.unary(Prim.NEG, x); }
    public static int exp(Builder b, int x) { return b.unary(Prim.EXP, x); }
    public static int log(Builder b, int x) { return b.unary(Prim.LOG, x); }
    public static int log1p(Builder b, int x) { return b.unary(Prim.LOG1P, x); }
    public static int sin(Builder b, int x) { return b.unary(Prim.SIN, x); }
    public static int cos(Builder b, int x) { return b.unary(Prim.COS, x); }
    public static int tanh(Builder b, int x) { return b.unary(Prim.TANH, x); }
    public static int sigmoid(Builder b, int x) { return b.unary(Prim.SIGMOID, x); }
    public static int softplus(Builder b, int x) { return b.unary(Prim.SOFTPLUS, x); }
    public static int sqrt(Builder b, int x) { return b.unary(Prim.SQRT, x); }
    public static int abs(Builder b, int x) { return b.unary(Prim.ABS, x); }
    /** x·x: its VJP ḡ·x + ḡ·x is PyTorch's 2·ḡ·x exactly (doubling is exact). */
    public static int square(Builder b, int x) { return b.binary(Prim.MUL, x, x); }

    /**
     * relu(x) = select(x ≤ 0, 0, x). The derivative is ḡ where x > 0 or x is NaN and 0
     * elsewhere, as PyTorch's threshold_backward (result ≤ 0 ? 0 : ḡ): relu'(0) = 0,
     * relu'(NaN) = ḡ. The value keeps NaN (NaN ≤ 0 is false). relu(−0.0) is +0.0 here and
     * −0.0 in PyTorch: equal as numbers.
     */
    public static int relu(Builder b, int x) {
        Type t = b.type(x);
        int zero = splat(b, 0, t);
        return b.select(b.binary(Prim.LE, x, zero), zero, x);
    }

    /**
     * clamp(x, lo, hi) = select(x ≥ lo, select(x ≤ hi, x, v), v) with v = stop_gradient(min(max(x, lo), hi)).
     * The derivative passes where lo ≤ x ≤ hi, bounds inclusive, and is 0 elsewhere and at NaN
     * (PyTorch's clamp_backward); the value is min(max(x, lo), hi) as torch.clamp: NaN stays NaN,
     * and lo > hi gives hi everywhere.
     */
    public static int clamp(Builder b, int x, float lo, float hi) {
        Type t = b.type(x);
        int low = splat(b, lo, t), high = splat(b, hi, t);
        int clamped = b.unary(Prim.STOP_GRADIENT, b.binary(Prim.MIN, b.binary(Prim.MAX, x, low), high));
        int inner = b.select(b.binary(Prim.LE, x, high), x, clamped);
        return b.select(b.binary(Prim.GE, x, low), inner, clamped);
    }

    /** Elementwise maximum with broadcasting; NaN if either is NaN; a tie gives ḡ/2 to each (MAX's VJP). */
    public static int maximum(Builder b, int x, int y) { return broadcasting(b, "maximum", Prim.MAX, x, y); }
    public static int minimum(Builder b, int x, int y) { return broadcasting(b, "minimum", Prim.MIN, x, y); }

    // ------------------------------------------------------------------ reductions

    /** Sum of all elements, a scalar. */
    public static int sum(Builder b, int x) {
        Type t = b.type(x);
        return t.isScalar() ? x : b.reduce(Prim.REDUCE_SUM, x, allAxes(t.rank()));
    }

    /** Mean of all elements: the sum divided by the constant element count (as PyTorch). */
    public static int mean(Builder b, int x) {
        Type t = b.type(x);
        return t.isScalar() ? x : b.binary(Prim.DIV, sum(b, x), b.constant(Type.of(t.dtype()), t.size()));
    }

    /** Sum over one axis, which is removed; a negative axis counts from the end (PyTorch). */
    public static int sum(Builder b, int x, int axis) {
        Type t = b.type(x);
        int a = axis(b, "sum", x, axis);
        return t.isScalar() ? x : b.reduce(Prim.REDUCE_SUM, x, a);
    }

    public static int mean(Builder b, int x, int axis) {
        Type t = b.type(x);
        int a = axis(b, "mean", x, axis);
        if (t.isScalar()) return x;
        int s = b.reduce(Prim.REDUCE_SUM, x, a);
        return b.binary(Prim.DIV, s, splat(b, t.dim(a), b.type(s)));
    }

    // ------------------------------------------------------------------ linear algebra and shapes

    /**
     * torch.matmul for 1-D and 2-D operands: [m,k]·[k,n] → [m,n], [m,k]·[k] → [m],
     * [k]·[k,n] → [n], [k]·[k] → scalar. A 1-D operand is reshaped to a matrix, then back.
     */
    public static int matmul(Builder b, int x, int y) {
        Type tx = b.type(x), ty = b.type(y);
        if (tx.rank() < 1 || tx.rank() > 2 || ty.rank() < 1 || ty.rank() > 2)
            throw new IllegalArgumentException("matmul: operands must be 1-D or 2-D, got " + tx + " and " + ty);
        int kx = tx.dim(tx.rank() - 1), ky = ty.dim(0);
        if (kx != ky)
            throw new IllegalArgumentException("matmul: shapes " + tx + " and " + ty + " cannot be multiplied (" + kx + " != " + ky + ")");
        if (tx.dtype() != ty.dtype()) throw new IllegalArgumentException("matmul: dtypes differ: " + tx + " and " + ty);
        int m = tx.rank() == 2 ? tx.dim(0) : 1, n = ty.rank() == 2 ? ty.dim(1) : 1;
        int a = tx.rank() == 2 ? x : b.reshape(x, 1, kx);
        int c = ty.rank() == 2 ? y : b.reshape(y, ky, 1);
        int product = b.binary(Prim.MATMUL, a, c);
        if (tx.rank() == 2 && ty.rank() == 2) return product;
        if (tx.rank() == 2) return b.reshape(product, m);
        if (ty.rank() == 2) return b.reshape(product, n);
        return b.reshape(product);
    }

    /** 1-D · 1-D of equal length → scalar. */
    public static int dot(Builder b, int x, int y) {
        Type tx = b.type(x), ty = b.type(y);
        if (tx.rank() != 1 || ty.rank() != 1 || tx.dim(0) != ty.dim(0))
            throw new IllegalArgumentException("dot: needs two 1-D tensors of equal length, got " + tx + " and " + ty);
        return matmul(b, x, y);
    }

    /** Transpose of a 2-D tensor; as torch.t, a 0-D or 1-D tensor is returned as is. */
    public static int t(Builder b, int x) {
        Type tx = b.type(x);
        if (tx.rank() > 2) throw new IllegalArgumentException("t: expects a tensor with <= 2 dimensions, got " + tx);
        return tx.rank() < 2 ? x : b.transpose(x, 1, 0);
    }

    /** Same elements in a new shape; one dimension may be -1 (inferred). */
    public static int reshape(Builder b, int x, int... shape) {
        Type tx = b.type(x);
        int[] s = shape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape: only one dimension can be inferred, got " + Arrays.toString(shape));
                infer = i;
            } else if (s[i] <= 0) {
                throw new IllegalArgumentException("reshape: invalid dimension " + s[i] + " in " + Arrays.toString(shape));
            } else {
                known *= s[i];   // checked at every step, so it cannot wrap
                if (known > Integer.MAX_VALUE)
                    throw new IllegalArgumentException("reshape: shape " + Arrays.toString(shape) + " has more than 2^31-1 elements");
            }
        }
        if (infer >= 0) {
            if (tx.size() % known != 0)
                throw new IllegalArgumentException("reshape: shape " + Arrays.toString(shape) + " is invalid for input " + tx + " of size " + tx.size());
            s[infer] = (int) (tx.size() / known);
        } else if (known != tx.size()) {
            throw new IllegalArgumentException("reshape: shape " + Arrays.toString(shape) + " is invalid for input " + tx + " of size " + tx.size());
        }
        return Arrays.equals(s, tx.shape()) ? x : b.reshape(x, s);
    }

    /**
     * Softmax along an axis, stable: e = exp(x - stop_gradient(max)), e / sum(e). The max shift
     * changes no value or derivative of the exact function, so it carries no gradient (and
     * REDUCE_MAX's VJP is never needed).
     */
    public static int softmax(Builder b, int x, int axis) {
        int[] axes = axes(b, "softmax", x, axis);
        int e = b.unary(Prim.EXP, shifted(b, x, axes));
        return b.binary(Prim.DIV, e, Prim.spreadOver(b, reduceSum(b, e, axes), axes, b.type(x)));
    }

    /** log_softmax: (x - max) - log(sum(exp(x - max))), the max under stop_gradient as in softmax. */
    public static int logSoftmax(Builder b, int x, int axis) {
        int[] axes = axes(b, "logSoftmax", x, axis);
        int s = shifted(b, x, axes);
        int logSum = b.unary(Prim.LOG, reduceSum(b, b.unary(Prim.EXP, s), axes));
        return b.binary(Prim.SUB, s, Prim.spreadOver(b, logSum, axes, b.type(x)));
    }

    /** The same value with no derivative (Tensor.detach inside a traced function). */
    public static int detach(Builder b, int x) { return b.unary(Prim.STOP_GRADIENT, x); }

    /** A constant tensor (an eager tensor captured by a traced function), row-major data. */
    public static int constant(Builder b, float[] data, int... shape) {
        Type t = Type.f32(shape);
        if (data.length != t.size())
            throw new IllegalArgumentException("constant: " + data.length + " values for shape " + Arrays.toString(shape));
        double[] d = new double[data.length];
        for (int i = 0; i < d.length; i++) d[i] = data[i];
        return b.constantOwned(t, d);
    }

    /** x broadcast to {@code shape} (NumPy rules), or x itself when it has that shape already. */
    public static int broadcastTo(Builder b, int x, int... shape) {
        return Arrays.equals(b.type(x).shape(), shape) ? x : b.broadcast(x, shape);
    }

    /** The NumPy broadcast of two shapes; throws naming op and shapes when they do not broadcast. */
    public static int[] broadcastShapes(String op, int[] x, int[] y) {
        int rank = Math.max(x.length, y.length);
        int[] out = new int[rank];
        for (int i = 1; i <= rank; i++) {
            int dx = i <= x.length ? x[x.length - i] : 1, dy = i <= y.length ? y[y.length - i] : 1;
            if (dx != dy && dx != 1 && dy != 1)
                throw new IllegalArgumentException(op + ": shapes " + Arrays.toString(x) + " and " + Arrays.toString(y)
                        + " do not broadcast (size " + dx + " vs " + dy + " at dimension " + (rank - i) + ")");
            out[rank - i] = dx == 1 ? dy : dx;
        }
        return out;
    }

    // ------------------------------------------------------------------ helpers

    private static int broadcasting(Builder b, String op, Prim p, int x, int y) {
        Type tx = b.type(x), ty = b.type(y);
        if (tx.dtype() != ty.dtype()) throw new IllegalArgumentException(op + ": dtypes differ: " + tx + " and " + ty);
        int[] shape = broadcastShapes(op, tx.shape(), ty.shape());
        return b.binary(p, broadcastTo(b, x, shape), broadcastTo(b, y, shape));
    }

    /** The float c as a constant of t's dtype and shape (c is rounded to float first, as PyTorch does with a Python scalar). */
    private static int splat(Builder b, float c, Type t) {
        return Prim.splat(b, c, t);
    }

    private static int[] allAxes(int rank) {
        int[] a = new int[rank];
        for (int i = 0; i < rank; i++) a[i] = i;
        return a;
    }

    /** The axis normalised as PyTorch does (negative counts from the end; a scalar accepts 0 and -1). */
    private static int axis(Builder b, String op, int x, int axis) {
        Type t = b.type(x);
        int rank = Math.max(t.rank(), 1);
        if (axis < -rank || axis >= rank)
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for " + t + " (expected in [" + -rank + ", " + (rank - 1) + "])");
        return axis < 0 ? axis + rank : axis;
    }

    /** The reduced axes of softmax-like ops: {axis}, or none for a scalar. */
    private static int[] axes(Builder b, String op, int x, int axis) {
        int a = axis(b, op, x, axis);
        return b.type(x).isScalar() ? new int[0] : new int[] {a};
    }

    private static int reduceSum(Builder b, int x, int[] axes) {
        return axes.length == 0 ? x : b.reduce(Prim.REDUCE_SUM, x, axes);
    }

    /** x - stop_gradient(max over axes), the max copied back along the axes. */
    private static int shifted(Builder b, int x, int[] axes) {
        int max = axes.length == 0 ? x : b.reduce(Prim.REDUCE_MAX, x, axes);
        int shift = Prim.spreadOver(b, b.unary(Prim.STOP_GRADIENT, max), axes, b.type(x));
        return b.binary(Prim.SUB, x, shift);
    }
}
