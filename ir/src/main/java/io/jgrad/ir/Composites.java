package io.jgrad.ir;

import io.jgrad.runtime.DType;
import java.util.Arrays;

/**
 * The user API's operations (API.md) lowered onto primitives: one static method per Tensor op,
 * each emitting through an {@link Emitter} and returning the id of its result. The tracer calls
 * these over a {@link Builder} and the eager engine over an {@link Eval}, so this class IS the
 * lowering for both: values and derivatives must be PyTorch's, including its choices at kinks.
 *
 * <p>Binary ops broadcast with NumPy rules (a BROADCAST is inserted for an operand whose shape
 * differs from the result's) and promote dtypes as PyTorch does (F16 &lt; F32 &lt; F64; a 0-dim
 * operand does not promote a dimensioned one: f32[3] + f64[] is F32), inserting a CONVERT for
 * the operand whose dtype changes; a BOOL operand takes the other's dtype. A constant operand
 * ({@code add(e, x, 0.1)}) never promotes: it becomes a scalar CONST of x's dtype (rounded to
 * float for F32, to half for F16), broadcast. Every constant-taking op has a {@code double}
 * overload beside the {@code float} one; both mean the same number, so on F64 data
 * {@code add(e, x, 0.1f)} adds the float nearest 0.1 and {@code add(e, x, 0.1)} adds 0.1.
 * Note the overloads: {@code add(e, x, y)} takes two value ids.
 *
 * <p>Shape errors throw IllegalArgumentException with {@link Shapes}' words (the op's name,
 * the shapes, PyTorch's message), before anything is emitted.
 */
public final class Composites {
    private Composites() {}

    // ------------------------------------------------------------------ arithmetic

    public static int add(Emitter e, int x, int y) { return broadcasting(e, "add", Prim.ADD, x, y); }
    public static int add(Emitter e, int x, float c) { return add(e, x, (double) c); }
    public static int add(Emitter e, int x, double c) { return e.binary(Prim.ADD, x, splat(e, c, x)); }
    public static int sub(Emitter e, int x, int y) { return broadcasting(e, "sub", Prim.SUB, x, y); }
    public static int sub(Emitter e, int x, float c) { return sub(e, x, (double) c); }
    public static int sub(Emitter e, int x, double c) { return e.binary(Prim.SUB, x, splat(e, c, x)); }
    /** c - x (PyTorch rsub). */
    public static int rsub(Emitter e, int x, float c) { return rsub(e, x, (double) c); }
    public static int rsub(Emitter e, int x, double c) { return e.binary(Prim.SUB, splat(e, c, x), x); }
    public static int mul(Emitter e, int x, int y) { return broadcasting(e, "mul", Prim.MUL, x, y); }
    public static int mul(Emitter e, int x, float c) { return mul(e, x, (double) c); }
    public static int mul(Emitter e, int x, double c) { return e.binary(Prim.MUL, x, splat(e, c, x)); }
    public static int div(Emitter e, int x, int y) { return broadcasting(e, "div", Prim.DIV, x, y); }
    public static int div(Emitter e, int x, float c) { return div(e, x, (double) c); }
    public static int div(Emitter e, int x, double c) { return e.binary(Prim.DIV, x, splat(e, c, x)); }

    /**
     * c / x. PyTorch evaluates {@code c / tensor} as {@code tensor.reciprocal() * c} (Tensor.__rdiv__),
     * two roundings, and so do we: x^-1 then times c.
     */
    public static int rdiv(Emitter e, int x, float c) { return rdiv(e, x, (double) c); }
    public static int rdiv(Emitter e, int x, double c) {
        return e.binary(Prim.MUL, e.pow(x, -1), splat(e, c, x));
    }

    /** x^p; p is converted to x's dtype like any constant (PyTorch's pow kernel takes the exponent as scalar_t). */
    public static int pow(Emitter e, int x, float exponent) { return pow(e, x, (double) exponent); }
    public static int pow(Emitter e, int x, double exponent) { return e.pow(x, Kernels.toDType(exponent, e.type(x).dtype())); }
    public static int neg(Emitter e, int x) { return e.unary(Prim.NEG, x); }
    public static int exp(Emitter e, int x) { return e.unary(Prim.EXP, x); }
    public static int log(Emitter e, int x) { return e.unary(Prim.LOG, x); }
    public static int log1p(Emitter e, int x) { return e.unary(Prim.LOG1P, x); }
    public static int sin(Emitter e, int x) { return e.unary(Prim.SIN, x); }
    public static int cos(Emitter e, int x) { return e.unary(Prim.COS, x); }
    public static int tanh(Emitter e, int x) { return e.unary(Prim.TANH, x); }
    public static int sigmoid(Emitter e, int x) { return e.unary(Prim.SIGMOID, x); }
    public static int softplus(Emitter e, int x) { return e.unary(Prim.SOFTPLUS, x); }
    public static int sqrt(Emitter e, int x) { return e.unary(Prim.SQRT, x); }
    public static int abs(Emitter e, int x) { return e.unary(Prim.ABS, x); }
    /** x·x: its VJP ḡ·x + ḡ·x is PyTorch's 2·ḡ·x exactly (doubling is exact). */
    public static int square(Emitter e, int x) { return e.binary(Prim.MUL, x, x); }

    /**
     * relu(x) = select(x ≤ 0, 0, x). The derivative is ḡ where x > 0 or x is NaN and 0
     * elsewhere, as PyTorch's threshold_backward (result ≤ 0 ? 0 : ḡ): relu'(0) = 0,
     * relu'(NaN) = ḡ. The value keeps NaN (NaN ≤ 0 is false). relu(−0.0) is +0.0 here and
     * −0.0 in PyTorch: equal as numbers.
     */
    public static int relu(Emitter e, int x) {
        int zero = splat(e, 0, x);
        return e.select(e.binary(Prim.LE, x, zero), zero, x);
    }

    /**
     * clamp(x, lo, hi) = select(x ≥ lo, select(x ≤ hi, x, v), v) with v = stop_gradient(min(max(x, lo), hi)).
     * The derivative passes where lo ≤ x ≤ hi, bounds inclusive, and is 0 elsewhere and at NaN
     * (PyTorch's clamp_backward); the value is min(max(x, lo), hi) as torch.clamp: NaN stays NaN,
     * and lo > hi gives hi everywhere. The bounds are converted to x's dtype.
     */
    public static int clamp(Emitter e, int x, float lo, float hi) { return clamp(e, x, (double) lo, (double) hi); }
    public static int clamp(Emitter e, int x, double lo, double hi) {
        int low = splat(e, lo, x), high = splat(e, hi, x);
        int clamped = e.unary(Prim.STOP_GRADIENT, e.binary(Prim.MIN, e.binary(Prim.MAX, x, low), high));
        int inner = e.select(e.binary(Prim.LE, x, high), x, clamped);
        return e.select(e.binary(Prim.GE, x, low), inner, clamped);
    }

    /** Elementwise maximum with broadcasting; NaN if either is NaN; a tie gives ḡ/2 to each (MAX's VJP). */
    public static int maximum(Emitter e, int x, int y) { return broadcasting(e, "maximum", Prim.MAX, x, y); }
    public static int minimum(Emitter e, int x, int y) { return broadcasting(e, "minimum", Prim.MIN, x, y); }

    // ------------------------------------------------------------------ dtypes

    /**
     * x converted to {@code dtype} (Tensor.to): x itself when it has that dtype already.
     * Differentiable between float dtypes (the gradient is converted back); BOOL → float gives 0/1.
     */
    public static int to(Emitter e, int x, DType dtype) {
        if (dtype == null) throw new IllegalArgumentException("to: dtype is null");
        return e.type(x).dtype() == dtype ? x : e.convert(x, dtype);
    }

    /**
     * The dtype of a binary op's result, as PyTorch's type promotion: F16 &lt; F32 &lt; F64 between
     * two dimensioned or two 0-dim operands; a 0-dim operand does not promote a dimensioned one;
     * BOOL takes the other operand's dtype.
     */
    public static DType resultDType(Type a, Type b) {
        DType da = a.dtype(), db = b.dtype();
        if (da == db) return da;
        if (da == DType.BOOL) return db;
        if (db == DType.BOOL) return da;
        if (a.isScalar() != b.isScalar()) return a.isScalar() ? db : da;
        return DType.promote(da, db);
    }

    // ------------------------------------------------------------------ reductions

    /** Sum of all elements, a scalar. */
    public static int sum(Emitter e, int x) {
        Type t = e.type(x);
        return t.isScalar() ? x : e.reduce(Prim.REDUCE_SUM, x, allAxes(t.rank()));
    }

    /** Mean of all elements: the sum divided by the constant element count (as PyTorch; empty gives 0/0 = NaN). */
    public static int mean(Emitter e, int x) {
        Type t = e.type(x);
        return t.isScalar() ? x : e.binary(Prim.DIV, sum(e, x), e.constant(Type.scalar(t.dtype()), t.size()));
    }

    /** Sum over one axis, which is removed; a negative axis counts from the end (PyTorch). */
    public static int sum(Emitter e, int x, int axis) {
        Type t = e.type(x);
        int a = Shapes.axis("sum", t.rawShape(), axis);
        return t.isScalar() ? x : e.reduce(Prim.REDUCE_SUM, x, a);
    }

    public static int mean(Emitter e, int x, int axis) {
        Type t = e.type(x);
        int a = Shapes.axis("mean", t.rawShape(), axis);
        if (t.isScalar()) return x;
        int s = e.reduce(Prim.REDUCE_SUM, x, a);
        return e.binary(Prim.DIV, s, Prim.splat(e, t.dim(a), e.type(s)));
    }

    // ------------------------------------------------------------------ linear algebra and shapes

    /**
     * torch.matmul for 1-D and 2-D operands: [m,k]·[k,n] → [m,n], [m,k]·[k] → [m],
     * [k]·[k,n] → [n], [k]·[k] → scalar. A 1-D operand is reshaped to a matrix, then back.
     * The operands must share a dtype (PyTorch's matmul does not promote).
     */
    public static int matmul(Emitter e, int x, int y) {
        return matmul(e, "matmul", x, y);
    }

    /** 1-D · 1-D of equal length → scalar. */
    public static int dot(Emitter e, int x, int y) {
        Shapes.dot("dot", e.type(x).rawShape(), e.type(y).rawShape());
        return matmul(e, "dot", x, y);
    }

    private static int matmul(Emitter e, String op, int x, int y) {
        Type tx = e.type(x), ty = e.type(y);
        int[] shape = Shapes.matmul(op, tx.rawShape(), ty.rawShape());
        if (tx.dtype() != ty.dtype())
            throw new IllegalArgumentException(op + ": dtypes differ: " + tx + " and " + ty
                    + " (expected both operands to have the same dtype; convert one with to(DType))");
        int kx = tx.dim(tx.rank() - 1), ky = ty.dim(0);
        int a = tx.rank() == 2 ? x : e.reshape(x, 1, kx);
        int c = ty.rank() == 2 ? y : e.reshape(y, ky, 1);
        int product = e.binary(Prim.MATMUL, a, c);
        return tx.rank() == 2 && ty.rank() == 2 ? product : e.reshape(product, shape);
    }

    /** Transpose of a 2-D tensor; as torch.t, a 0-D or 1-D tensor is returned as is. */
    public static int t(Emitter e, int x) {
        Type tx = e.type(x);
        Shapes.transpose("t", tx.rawShape());
        return tx.rank() < 2 ? x : e.transpose(x, 1, 0);
    }

    /** Same elements in a new shape; one dimension may be -1 (inferred). x itself when the shape is its own. */
    public static int reshape(Emitter e, int x, int... shape) {
        Type tx = e.type(x);
        int[] s = Shapes.reshape("reshape", tx.rawShape(), shape);
        return Arrays.equals(s, tx.rawShape()) ? x : e.reshape(x, s);
    }

    /**
     * Softmax along an axis, stable: e = exp(x - stop_gradient(max)), e / sum(e). The max shift
     * changes no value or derivative of the exact function, so it carries no gradient (and
     * REDUCE_MAX's VJP is never needed).
     */
    public static int softmax(Emitter e, int x, int axis) {
        int[] axes = axes(e, "softmax", x, axis);
        int ex = e.unary(Prim.EXP, shifted(e, x, axes));
        return e.binary(Prim.DIV, ex, Prim.spreadOver(e, reduceSum(e, ex, axes), axes, e.type(x)));
    }

    /** log_softmax: (x - max) - log(sum(exp(x - max))), the max under stop_gradient as in softmax. */
    public static int logSoftmax(Emitter e, int x, int axis) {
        int[] axes = axes(e, "logSoftmax", x, axis);
        int s = shifted(e, x, axes);
        int logSum = e.unary(Prim.LOG, reduceSum(e, e.unary(Prim.EXP, s), axes));
        return e.binary(Prim.SUB, s, Prim.spreadOver(e, logSum, axes, e.type(x)));
    }

    /** The same value with no derivative (Tensor.detach inside a traced function). */
    public static int detach(Emitter e, int x) { return e.unary(Prim.STOP_GRADIENT, x); }

    /**
     * An F32 constant tensor (an eager tensor captured by a traced function), row-major data. The
     * values are copied once (the tensor may be written later; the constant is its values now);
     * a graph keeps them as float32: that copy is what the generated class reads.
     */
    public static int constant(Emitter e, float[] data, int... shape) {
        Type t = Type.f32(shape);
        if (data.length != t.size())
            throw new IllegalArgumentException("constant: " + data.length + " values for shape " + Arrays.toString(shape));
        if (e instanceof Builder b) return b.constantOwnedF32(t, data.clone());
        double[] d = new double[data.length];
        for (int i = 0; i < d.length; i++) d[i] = data[i];
        return e.constant(t, d);
    }

    /** An F64 constant tensor, row-major data. */
    public static int constant(Emitter e, double[] data, int... shape) {
        Type t = Type.f64(shape);
        if (data.length != t.size())
            throw new IllegalArgumentException("constant: " + data.length + " values for shape " + Arrays.toString(shape));
        return e.constant(t, data);
    }

    /** x broadcast to {@code shape} (NumPy rules), or x itself when it has that shape already. */
    public static int broadcastTo(Emitter e, int x, int... shape) {
        return Arrays.equals(e.type(x).rawShape(), shape) ? x : e.broadcast(x, shape);
    }

    /** The NumPy broadcast of two shapes ({@link Shapes#broadcast}, a copy when they are equal). */
    public static int[] broadcastShapes(String op, int[] x, int[] y) {
        int[] s = Shapes.broadcast(op, x, y);
        return s == x ? x.clone() : s;
    }

    // ------------------------------------------------------------------ helpers

    private static int broadcasting(Emitter e, String op, Prim p, int x, int y) {
        Type tx = e.type(x), ty = e.type(y);
        int[] shape = Shapes.broadcast(op, tx.rawShape(), ty.rawShape());
        DType d = resultDType(tx, ty);
        int a = tx.dtype() == d ? x : e.convert(x, d);
        int b = ty.dtype() == d ? y : e.convert(y, d);
        return e.binary(p, broadcastTo(e, a, shape), broadcastTo(e, b, shape));
    }

    /** The constant c in x's dtype and shape. */
    private static int splat(Emitter e, double c, int x) {
        return Prim.splat(e, c, e.type(x));
    }

    private static int[] allAxes(int rank) {
        int[] a = new int[rank];
        for (int i = 0; i < rank; i++) a[i] = i;
        return a;
    }

    /** The reduced axes of softmax-like ops: {axis}, or none for a scalar. */
    private static int[] axes(Emitter e, String op, int x, int axis) {
        Type t = e.type(x);
        int a = Shapes.axis(op, t.rawShape(), axis);
        return t.isScalar() ? new int[0] : new int[] {a};
    }

    private static int reduceSum(Emitter e, int x, int[] axes) {
        return axes.length == 0 ? x : e.reduce(Prim.REDUCE_SUM, x, axes);
    }

    /** x - stop_gradient(max over axes), the max copied back along the axes. */
    private static int shifted(Emitter e, int x, int[] axes) {
        int max = axes.length == 0 ? x : e.reduce(Prim.REDUCE_MAX, x, axes);
        int shift = Prim.spreadOver(e, e.unary(Prim.STOP_GRADIENT, max), axes, e.type(x));
        return e.binary(Prim.SUB, x, shift);
    }
}
