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
     *
     * So the value is x where lo ≤ x ≤ hi (as std::min/max in PyTorch: clamp(-0.0, 0, 1) is -0.0).
     *
     * <p>When the bounds (converted) are ordered, lo ≤ hi, it is the cheaper select(x == v, x, v):
     * one comparison and one select fewer, the same values and derivative. For lo ≤ hi, x == v
     * exactly where lo ≤ x ≤ hi (v lies in [lo, hi], and equals x there; NaN equals nothing), so
     * both pick x there and v elsewhere. For lo &gt; hi (v is hi) x == hi would let the gradient
     * pass where PyTorch's mask is empty, so that case keeps the two masks.
     */
    public static int clamp(Emitter e, int x, float lo, float hi) { return clamp(e, x, (double) lo, (double) hi); }
    public static int clamp(Emitter e, int x, double lo, double hi) {
        int low = splat(e, lo, x), high = splat(e, hi, x);
        int clamped = e.unary(Prim.STOP_GRADIENT, e.binary(Prim.MIN, e.binary(Prim.MAX, x, low), high));
        DType d = e.type(x).dtype();
        double l = converted(lo, d), h = converted(hi, d);
        if (d.isFloat() && l <= h) return e.select(e.binary(Prim.EQ, x, clamped), x, clamped);
        int inner = e.select(e.binary(Prim.LE, x, high), x, clamped);
        return e.select(e.binary(Prim.GE, x, low), inner, clamped);
    }

    /** c as a constant of dtype d holds it (rounded to float for F32, to the nearest half for F16). */
    private static double converted(double c, DType d) {
        return switch (d) {
            case F64 -> c;
            case F32 -> (float) c;
            case F16 -> io.jgrad.runtime.Half.round((float) c);
            case BOOL -> c != 0 ? 1 : 0;
        };
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
     * torch.matmul for every rank: [m,k]·[k,n] → [m,n], [m,k]·[k] → [m], [k]·[k,n] → [n],
     * [k]·[k] → scalar, and batched operands with broadcast batch dimensions (1-D operands
     * promoted, the added axis removed); see {@link StructureOps#matmul}. The operands must share
     * a dtype (PyTorch's matmul does not promote). 1-D and 2-D operands, and a batched left
     * operand times a 2-D right one, use MATMUL; other batched products DOT_GENERAL.
     */
    public static int matmul(Emitter e, int x, int y) {
        return StructureOps.matmul(e, "matmul", x, y);
    }

    /** 1-D · 1-D of equal length → scalar. */
    public static int dot(Emitter e, int x, int y) {
        Shapes.dot("dot", e.type(x).rawShape(), e.type(y).rawShape());
        return StructureOps.matmul(e, "dot", x, y);
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
        return constant(e, data, false, shape);
    }

    /**
     * The same without the copy: a graph keeps {@code data} itself (so does the generated class).
     * For a caller that never changes the array afterwards: the eager engine's captured tensor,
     * which copies its data before any later write of its own (copy-on-write).
     */
    public static int constantShared(Emitter e, float[] data, int... shape) {
        return constant(e, data, true, shape);
    }

    private static int constant(Emitter e, float[] data, boolean shared, int[] shape) {
        Type t = Type.f32(shape);
        if (data.length != t.size())
            throw new IllegalArgumentException("constant: " + data.length + " values for shape " + Arrays.toString(shape));
        if (e instanceof Builder b) return b.constantOwnedF32(t, shared ? data : data.clone());
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

    // ================================================================== version 2: More operations

    // ------------------------------------------------------------------ indexing and structure

    /** x[..., start:end, ...] along axis, Python's bounds: negative counts from the end, out-of-range bounds clamp (one SLICE). */
    public static int slice(Emitter e, int x, int axis, int start, int end) { return StructureOps.slice(e, x, axis, start, end); }
    /** x[..., index, ...]: removes the axis; index in [-size, size-1]. */
    public static int select(Emitter e, int x, int axis, int index) { return StructureOps.select(e, x, axis, index); }
    /** The rows {@code indices} (each in [0, size-1], repeats allowed) along axis: one GATHER; repeated rows add their gradients. */
    public static int indexSelect(Emitter e, int x, int axis, int[] indices) { return StructureOps.indexSelect(e, x, axis, indices); }
    /** torch.cat: one or more tensors of one dtype and rank, equal sizes except along axis (one CONCAT). */
    public static int cat(Emitter e, int axis, int... xs) { return StructureOps.cat(e, axis, xs); }
    /** torch.stack: one or more tensors of one shape and dtype joined along a new axis in [-(rank+1), rank]. */
    public static int stack(Emitter e, int axis, int... xs) { return StructureOps.stack(e, axis, xs); }
    /** A new axis of size 1 at axis in [-(rank+1), rank]. */
    public static int unsqueeze(Emitter e, int x, int axis) { return StructureOps.unsqueeze(e, x, axis); }
    /** Removes axis if its size is 1; otherwise x itself, as PyTorch. */
    public static int squeeze(Emitter e, int x, int axis) { return StructureOps.squeeze(e, x, axis); }
    /** Result axis i is x's axis axes[i] (negative allowed, each once). */
    public static int permute(Emitter e, int x, int... axes) { return StructureOps.permute(e, x, axes); }
    /** Swaps two axes (negative allowed). */
    public static int transpose(Emitter e, int x, int a, int b) { return StructureOps.transpose(e, x, a, b); }
    /** Broadcast to a shape (-1 keeps a size); x itself when nothing changes. */
    public static int expand(Emitter e, int x, int... shape) { return StructureOps.expand(e, x, shape); }
    /** Reshape to 1-D (a 0-dim tensor gives [1]). */
    public static int flatten(Emitter e, int x) { return StructureOps.flatten(e, x); }
    /** The n×n identity matrix, F32. */
    public static int eye(Emitter e, int n) { return StructureOps.eye(e, DType.F32, n); }
    public static int eye(Emitter e, DType dtype, int n) { return StructureOps.eye(e, dtype, n); }
    /** [0, 1, ..., n-1], F32. */
    public static int arange(Emitter e, int n) { return StructureOps.arange(e, DType.F32, n); }
    public static int arange(Emitter e, DType dtype, int n) { return StructureOps.arange(e, dtype, n); }

    // ------------------------------------------------------------------ comparisons and selection

    // BOOL results (never differentiated). Two tensors broadcast and promote as add does; a
    // constant is converted to x's dtype (PyTorch: x > 0.1 on f32 compares with 0.1f). NaN
    // compares false everywhere except ne, which is true (IEEE).
    public static int gt(Emitter e, int x, int y) { return comparing(e, "gt", Prim.GT, x, y); }
    public static int gt(Emitter e, int x, double c) { return e.binary(Prim.GT, x, splat(e, c, x)); }
    public static int ge(Emitter e, int x, int y) { return comparing(e, "ge", Prim.GE, x, y); }
    public static int ge(Emitter e, int x, double c) { return e.binary(Prim.GE, x, splat(e, c, x)); }
    public static int lt(Emitter e, int x, int y) { return comparing(e, "lt", Prim.LT, x, y); }
    public static int lt(Emitter e, int x, double c) { return e.binary(Prim.LT, x, splat(e, c, x)); }
    public static int le(Emitter e, int x, int y) { return comparing(e, "le", Prim.LE, x, y); }
    public static int le(Emitter e, int x, double c) { return e.binary(Prim.LE, x, splat(e, c, x)); }
    public static int eq(Emitter e, int x, int y) { return comparing(e, "eq", Prim.EQ, x, y); }
    public static int eq(Emitter e, int x, double c) { return e.binary(Prim.EQ, x, splat(e, c, x)); }
    /** ne = not(eq): exact, NaN != NaN is true both ways (so no NE primitive). */
    public static int ne(Emitter e, int x, int y) { return not(e, eq(e, x, y)); }
    public static int ne(Emitter e, int x, double c) { return not(e, eq(e, x, c)); }

    /**
     * where(cond, a, b) = cond ? a : b elementwise (one SELECT). cond must be BOOL; the three
     * broadcast together; a and b promote as add's operands do. The gradient flows to a and b by
     * the mask: the unselected branch receives zeros, so an infinite partial derivative inside it
     * still gives NaN (0·inf), as PyTorch.
     */
    public static int where(Emitter e, int cond, int a, int b) {
        Type tc = e.type(cond), ta = e.type(a), tb = e.type(b);
        if (tc.dtype() != DType.BOOL)
            throw new IllegalArgumentException("where: the condition must be a bool tensor, got " + tc
                    + " (where expected condition to be a boolean tensor)");
        int[] shape = Shapes.broadcast("where", Shapes.broadcast("where", tc.rawShape(), ta.rawShape()), tb.rawShape());
        DType d = resultDType(ta, tb);
        int x = ta.dtype() == d ? a : e.convert(a, d);
        int y = tb.dtype() == d ? b : e.convert(b, d);
        return e.select(broadcastTo(e, cond, shape), broadcastTo(e, x, shape), broadcastTo(e, y, shape));
    }

    // Logical ops: a float operand counts as x != 0 (PyTorch); the result is BOOL. Each is one
    // SELECT with BOOL constants, exact: not c = c ? false : true, a and b = a ? b : false,
    // a or b = a ? true : b. So there are no boolean primitives.
    public static int logicalNot(Emitter e, int x) { return not(e, asBool(e, x)); }
    public static int logicalAnd(Emitter e, int x, int y) {
        int[] shape = Shapes.broadcast("logicalAnd", e.type(x).rawShape(), e.type(y).rawShape());
        int a = broadcastTo(e, asBool(e, x), shape), b = broadcastTo(e, asBool(e, y), shape);
        return e.select(a, b, boolSplat(e, false, shape));
    }
    public static int logicalOr(Emitter e, int x, int y) {
        int[] shape = Shapes.broadcast("logicalOr", e.type(x).rawShape(), e.type(y).rawShape());
        int a = broadcastTo(e, asBool(e, x), shape), b = broadcastTo(e, asBool(e, y), shape);
        return e.select(a, boolSplat(e, true, shape), b);
    }

    // ------------------------------------------------------------------ reductions

    /** Sum over one axis; keepDim keeps it with size 1. */
    public static int sum(Emitter e, int x, int axis, boolean keepDim) { return ReductionOps.sum(e, x, axis, keepDim); }
    public static int mean(Emitter e, int x, int axis, boolean keepDim) { return ReductionOps.mean(e, x, axis, keepDim); }
    /** The largest element (NaN if any is NaN); ties share the gradient evenly. */
    public static int amax(Emitter e, int x) { return ReductionOps.amax(e, x); }
    public static int amax(Emitter e, int x, int axis) { return ReductionOps.amax(e, x, axis, false); }
    public static int amax(Emitter e, int x, int axis, boolean keepDim) { return ReductionOps.amax(e, x, axis, keepDim); }
    /** The smallest element, -amax(-x); ties share the gradient evenly. */
    public static int amin(Emitter e, int x) { return ReductionOps.amin(e, x); }
    public static int amin(Emitter e, int x, int axis) { return ReductionOps.amin(e, x, axis, false); }
    public static int amin(Emitter e, int x, int axis, boolean keepDim) { return ReductionOps.amin(e, x, axis, keepDim); }
    /** log Σ exp along an axis, max-shifted (stable), PyTorch's value and gradient. */
    public static int logsumexp(Emitter e, int x, int axis) { return ReductionOps.logsumexp(e, x, axis, false); }
    public static int logsumexp(Emitter e, int x, int axis, boolean keepDim) { return ReductionOps.logsumexp(e, x, axis, keepDim); }
    /** Product of all elements (a tree of MULs: the gradient is exact with zeros in the input); empty gives 1. */
    public static int prod(Emitter e, int x) { return ReductionOps.prod(e, x); }
    public static int prod(Emitter e, int x, int axis) { return ReductionOps.prod(e, x, axis); }
    /** Unbiased variance along an axis (correction 1): NaN for one element, as torch.var. */
    public static int var(Emitter e, int x, int axis) { return ReductionOps.var(e, x, axis); }
    /** Unbiased standard deviation along an axis; gradient 0 where it is 0 (PyTorch). */
    public static int std(Emitter e, int x, int axis) { return ReductionOps.std(e, x, axis); }

    // ------------------------------------------------------------------ elementwise functions

    /** tan = sin/cos: within 3 ulps everywhere (sin and cos are accurate to 1 ulp with full argument reduction). */
    public static int tan(Emitter e, int x) {
        return inFloat32(e, x, v -> e.binary(Prim.DIV, e.unary(Prim.SIN, v), e.unary(Prim.COS, v)));
    }

    /**
     * asin x = atan2(x, √((1-x)(1+x))): 1-x is exact for x ≥ 0.5 (Sterbenz) and (1-x)(1+x) has no
     * cancellation, so a few ulps everywhere; asin(±1) = ±π/2, |x| &gt; 1 gives NaN. Its VJP is
     * 1/√(1-x²) (inf at ±1, as PyTorch).
     */
    public static int asin(Emitter e, int x) {
        return inFloat32(e, x, v -> e.binary(Prim.ATAN2, v, cathetus(e, v)));
    }

    /** acos x = atan2(√((1-x)(1+x)), x): acos(1) = 0, acos(-1) = π, accurate near both. */
    public static int acos(Emitter e, int x) {
        return inFloat32(e, x, v -> e.binary(Prim.ATAN2, cathetus(e, v), v));
    }

    /** atan x = atan2(x, 1), which is atan itself bit for bit (atan2's own definition at x = 1); VJP ḡ/(1+x²). */
    public static int atan(Emitter e, int x) { return e.binary(Prim.ATAN2, x, splat(e, 1, x)); }
    public static int sinh(Emitter e, int x) { return e.unary(Prim.SINH, x); }
    public static int cosh(Emitter e, int x) { return e.unary(Prim.COSH, x); }
    public static int expm1(Emitter e, int x) { return e.unary(Prim.EXPM1, x); }
    public static int log2(Emitter e, int x) { return e.unary(Prim.LOG2, x); }
    public static int log10(Emitter e, int x) { return e.unary(Prim.LOG10, x); }
    /** 1/x (one DIV, as torch.reciprocal). */
    public static int reciprocal(Emitter e, int x) { return e.binary(Prim.DIV, splat(e, 1, x), x); }
    /** 1/√x: POW with exponent -0.5, which is 1/sqrt (Kernels.pow), as torch.rsqrt. */
    public static int rsqrt(Emitter e, int x) { return e.pow(x, -0.5); }
    public static int erf(Emitter e, int x) { return e.unary(Prim.ERF, x); }
    public static int erfc(Emitter e, int x) { return e.unary(Prim.ERFC, x); }
    /** sign x = x &gt; 0 ? 1 : x &lt; 0 ? -1 : 0; sign(NaN) = sign(±0) = 0, as PyTorch's; zero gradient. */
    public static int sign(Emitter e, int x) {
        int zero = splat(e, 0, x);
        return e.select(e.binary(Prim.GT, x, zero), splat(e, 1, x), e.select(e.binary(Prim.LT, x, zero), splat(e, -1, x), zero));
    }
    public static int floor(Emitter e, int x) { return e.unary(Prim.FLOOR, x); }
    /** ceil x = -floor(-x), exactly (-0.0 and NaN included); zero gradient. */
    public static int ceil(Emitter e, int x) { return e.unary(Prim.NEG, e.unary(Prim.FLOOR, e.unary(Prim.NEG, x))); }
    /** Round half to even (torch.round); zero gradient. */
    public static int round(Emitter e, int x) { return e.unary(Prim.ROUND, x); }
    /** atan2(y, x), y the receiver (torch.atan2); broadcasts and promotes; the origin gives 0 and NaN gradients. */
    public static int atan2(Emitter e, int y, int x) { return broadcasting(e, "atan2", Prim.ATAN2, y, x); }
    /**
     * x^y with a tensor exponent (Tensor.pow(Tensor)); broadcasts and promotes; gradient to both,
     * PyTorch's choices at x = 0 (see POWER's VJP). Named apart from {@code pow(e, x, 2)}, whose
     * int literal would otherwise select this overload.
     */
    public static int powTensor(Emitter e, int x, int y) { return broadcasting(e, "pow", Prim.POWER, x, y); }

    /**
     * log σ(x) = min(x, 0) - log1p(e^-|x|): PyTorch's own formula, no overflow, no cancellation.
     * Its VJP is ḡ·(1 - σ(x)) on both sides of 0, and ḡ/2 at 0 (MIN's tie split gives ½ and
     * ABS's sign term 0), as PyTorch's log_sigmoid_backward.
     */
    public static int logSigmoid(Emitter e, int x) {
        return inFloat32(e, x, v -> e.binary(Prim.SUB, e.binary(Prim.MIN, v, splat(e, 0, v)),
                e.unary(Prim.LOG1P, e.unary(Prim.EXP, e.unary(Prim.NEG, e.unary(Prim.ABS, v))))));
    }

    /** silu x = x·σ(x). */
    public static int silu(Emitter e, int x) {
        return inFloat32(e, x, v -> e.binary(Prim.MUL, v, e.unary(Prim.SIGMOID, v)));
    }

    /**
     * gelu, the exact form x·Φ(x) with Φ(x) = ½·erfc(-x/√2): the erfc form is PyTorch's
     * ½(1 + erf(x/√2)) without its cancellation for negative x. VJP Φ(x) + x·φ(x).
     */
    public static int gelu(Emitter e, int x) {
        return inFloat32(e, x, v -> {
            int phi = e.binary(Prim.MUL, splat(e, 0.5, v), e.unary(Prim.ERFC, e.binary(Prim.MUL, v, splat(e, -SQRT1_2, v))));
            return e.binary(Prim.MUL, v, phi);
        });
    }

    /** x &gt; 0 ? x : x·slope; the gradient at 0 (and NaN) is slope, as PyTorch's leaky_relu_backward. */
    public static int leakyRelu(Emitter e, int x, float slope) { return leakyRelu(e, x, (double) slope); }
    public static int leakyRelu(Emitter e, int x, double slope) {
        return e.select(e.binary(Prim.GT, x, splat(e, 0, x)), x, e.binary(Prim.MUL, x, splat(e, slope, x)));
    }

    /**
     * elu: x &lt;= 0 ? α·expm1(x) : x; the gradient at 0 is α, at NaN ḡ (PyTorch's elu_backward).
     * expm1 reads select(x &lt;= 0, x, 0), so a large x (expm1 = inf in the unselected branch)
     * cannot turn the gradient into 0·inf = NaN.
     */
    public static int elu(Emitter e, int x, float alpha) { return elu(e, x, (double) alpha); }
    public static int elu(Emitter e, int x, double alpha) {
        return inFloat32(e, x, v -> {
            int neg = e.binary(Prim.LE, v, splat(e, 0, v));
            int safe = e.select(neg, v, splat(e, 0, v));
            return e.select(neg, e.binary(Prim.MUL, splat(e, alpha, v), e.unary(Prim.EXPM1, safe)), v);
        });
    }

    // ------------------------------------------------------------------ helpers

    static final double SQRT1_2 = 0.7071067811865476;   // M_SQRT1_2

    /**
     * A composition of several primitives applied to x: for an F16 x it runs in F32 and the
     * result is rounded to half once (CONVERT there and back), as PyTorch's CPU half computes an
     * op in float32 and rounds its result; other dtypes run it as they are.
     */
    static int inFloat32(Emitter e, int x, java.util.function.IntUnaryOperator body) {
        if (e.type(x).dtype() != DType.F16) return body.applyAsInt(x);
        return e.convert(body.applyAsInt(e.convert(x, DType.F32)), DType.F16);
    }

    /** √((1-x)(1+x)) = √(1-x²) without cancellation near ±1. */
    private static int cathetus(Emitter e, int x) {
        int one = splat(e, 1, x);
        return e.unary(Prim.SQRT, e.binary(Prim.MUL, e.binary(Prim.SUB, one, x), e.binary(Prim.ADD, one, x)));
    }

    private static int comparing(Emitter e, String op, Prim p, int x, int y) {
        Type tx = e.type(x), ty = e.type(y);
        int[] shape = Shapes.broadcast(op, tx.rawShape(), ty.rawShape());
        DType d = resultDType(tx, ty);
        if (d == DType.BOOL) d = DType.F32;   // two BOOL operands compare as 0/1
        int a = tx.dtype() == d ? x : e.convert(x, d);
        int b = ty.dtype() == d ? y : e.convert(y, d);
        return e.binary(p, broadcastTo(e, a, shape), broadcastTo(e, b, shape));
    }

    private static int not(Emitter e, int c) {
        int[] shape = e.type(c).rawShape();
        return e.select(c, boolSplat(e, false, shape), boolSplat(e, true, shape));
    }

    private static int asBool(Emitter e, int x) {
        return e.type(x).dtype() == DType.BOOL ? x : e.convert(x, DType.BOOL);
    }

    private static int boolSplat(Emitter e, boolean v, int[] shape) {
        return Prim.splat(e, v ? 1 : 0, Type.of(DType.BOOL, shape));
    }


    private static int broadcasting(Emitter e, String op, Prim p, int x, int y) {
        Type tx = e.type(x), ty = e.type(y);
        if (tx == ty || tx.equals(ty)) return e.binary(p, x, y);   // one type: nothing to broadcast or promote
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

    private static final int[][] ALL_AXES = {{}, {0}, {0, 1}, {0, 1, 2}, {0, 1, 2, 3}};

    /** 0..rank-1; shared for small ranks (never changed: an emitter copies attributes it keeps). */
    private static int[] allAxes(int rank) {
        if (rank < ALL_AXES.length) return ALL_AXES[rank];
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
