package io.jgrad;

import io.jgrad.ir.Composites;
import io.jgrad.ir.Eval;
import io.jgrad.ir.Type;
import io.jgrad.runtime.DType;

/**
 * A row-major tensor of any rank (rank 0 is a scalar) and dtype (F32 by default, F64, F16,
 * BOOL) with PyTorch's eager autograd.
 *
 * <p>Every operation is one line: its PyTorch {@code grad_fn} name, what PyTorch saves for its
 * backward, and its lowering onto IR primitives ({@link Composites}), written once against an
 * {@link io.jgrad.ir.Emitter} ({@link Lowering}). Eagerly the lowering runs over an
 * {@link Eval}, which evaluates each primitive with its kernel at once and keeps it (the op's
 * local tape; an op met before replays its recorded primitives); inside {@code Grad.compile}
 * the same lowering runs over the trace's graph builder ({@link TraceOps}). A result that
 * requires a gradient records a {@link GradFn} holding the tape, and backward ({@link Backward})
 * applies the tape's primitives' VJP rules on it. {@link EagerOps} runs every op that way, and
 * {@link InPlace} does the in-place writes (version counters, copy-on-write). So this class
 * holds the API and the autograd bookkeeping only: no arithmetic on values and no derivative
 * formula (FrontendHasNoMathTest checks that).
 *
 * <p>Data is never changed after creation except by {@link #zero()} and by gradient
 * accumulation into a {@code grad()} tensor. {@link #detach()} and {@link #reshape} share
 * their input's data, as PyTorch's views do; so does {@link #t()} where the order of the
 * elements does not change.
 * Shared data shares a version counter: a node whose saved input was changed in place
 * refuses to run, with PyTorch's message. {@code Grad.compile} keeps a captured tensor's
 * array as its constant without copying it; the tensor then copies it before its next
 * in-place write (copy-on-write), so the compiled function keeps the values of compile time.
 *
 * <p>Like PyTorch's, eager tensors are not thread-safe: {@code backward()} keeps per-pass state
 * on the graph and adds into leaves' {@code grad()}, so two threads must not run backward over
 * graphs that share tensors at the same time. A {@link io.jgrad.runtime.Compiled} is the
 * thread-safe way to share a function.
 *
 * <p>Inside {@code Grad.compile} a tensor is traced instead ({@link #traced} is set, no
 * data): every operation then goes to {@link TraceOps}, and anything that needs values
 * throws {@link TraceOps#noValue}.
 */
public final class Tensor {
    final int[] shape;
    /** F32 (the default), F64, F16 or BOOL; known for traced tensors too. */
    final DType dtype;
    /**
     * Row-major values, one Java array type per dtype (see {@link Storage}): {@code float[]} for
     * F32 and F16 (binary16 values), {@code double[]} for F64, {@code boolean[]} for BOOL; null
     * for a traced tensor. Replaced only by a copy of itself, before an in-place write of an
     * array a trace holds ({@link InPlace}).
     */
    Object data;
    /** Set only while tracing; see {@link Traced}. */
    final Traced traced;
    /** {@link #type()}, made on first use (results of an Eval get theirs from it). */
    Type type;
    /**
     * Shared by every tensor that shares {@link #data}: [0] bumped by each in-place write,
     * [1] the flags {@link Storage#VIEWS} and {@link Storage#CAPTURED}. Made on first need (a
     * write, a view, a capture; most tensors never need it): null is version 0, no flags.
     */
    int[] version;

    boolean requiresGrad;
    Tensor grad;
    /** How this tensor was made (PyTorch's grad_fn); null for a leaf. */
    GradFn gradFn;
    /**
     * The strides PyTorch would give this tensor (null: contiguous), e.g. after {@code t()},
     * a partial slice or an expand; the data here is always row-major. It only decides the name
     * of {@code reshape}'s node, as in PyTorch: ReshapeAliasBackward0 where PyTorch can view
     * the data, UnsafeViewBackward0 where it copies (see {@link Strides}).
     */
    int[] strides;

    // scratch of one backward pass (see Backward): the gradient gathered so far, an array of this dtype
    Object pending;
    long visitedBy;

    /** A tensor sharing {@code version} (a view's: its operand's counter), or with none yet (null). */
    Tensor(DType dtype, int[] shape, Object data, int[] version) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
        this.traced = null;
        this.version = version;
    }

    /** A new eager tensor (a leaf) owning {@code data}, an array of {@code dtype} (see {@link Storage}). */
    Tensor(DType dtype, int[] shape, Object data) {
        this(dtype, shape, data, null);
    }

    /** A traced tensor: a dtype, a shape and a place in the trace, no data. */
    Tensor(DType dtype, int[] shape, Traced traced) {
        this.dtype = Shapes.notNull("Tensor", "dtype", dtype);
        this.shape = Shapes.notNull("Tensor", "shape", shape).clone();
        this.data = null;
        this.traced = Shapes.notNull("Tensor", "traced", traced);
        this.version = null;
    }

    boolean isTraced() {
        return traced != null;
    }

    /** Bumped by each in-place write of the data this tensor shares (PyTorch's version counter). */
    int version() {
        int[] v = version;
        return v == null ? 0 : v[0];
    }

    /** The IR type of this tensor's values. */
    Type type() {
        Type t = type;
        if (t == null) type = t = Type.of(dtype, shape);
        return t;
    }

    // ------------------------------------------------------------------ creation

    /** A float32 scalar. */
    public static Tensor scalar(float value) {
        return new Tensor(DType.F32, Shapes.SCALAR, new float[] {value});
    }

    /** A float64 scalar: the Java type decides the dtype. */
    public static Tensor scalar(double value) {
        return new Tensor(DType.F64, Shapes.SCALAR, new double[] {value});
    }

    /** A 1-D float32 tensor of the given values (copied). */
    public static Tensor of(float... values) {
        Shapes.notNull("Tensor.of", "values", values);
        return new Tensor(DType.F32, new int[] {values.length}, values.clone());
    }

    /** A 1-D float64 tensor of the given values (copied). */
    public static Tensor of(double... values) {
        Shapes.notNull("Tensor.of", "values", values);
        return new Tensor(DType.F64, new int[] {values.length}, values.clone());
    }

    /** A float32 tensor of the given shape holding a copy of {@code data} (row-major). */
    public static Tensor of(float[] data, int... shape) {
        int[] s = Shapes.data("Tensor.of", data, data == null ? 0 : data.length, shape);
        return new Tensor(DType.F32, s, data.clone());
    }

    /** A float64 tensor of the given shape holding a copy of {@code data} (row-major). */
    public static Tensor of(double[] data, int... shape) {
        int[] s = Shapes.data("Tensor.of", data, data == null ? 0 : data.length, shape);
        return new Tensor(DType.F64, s, data.clone());
    }

    /** float32 zeros. */
    public static Tensor zeros(int... shape) {
        return fill("Tensor.zeros", DType.F32, 0, shape);
    }

    /** float32 ones. */
    public static Tensor ones(int... shape) {
        return fill("Tensor.ones", DType.F32, 1, shape);
    }

    /** float32, every element {@code value}. */
    public static Tensor full(float value, int... shape) {
        return fill("Tensor.full", DType.F32, value, shape);
    }

    /** float64, every element {@code value}. */
    public static Tensor full(double value, int... shape) {
        return fill("Tensor.full", DType.F64, value, shape);
    }

    /** Zeros of any dtype (BOOL: false). */
    public static Tensor zeros(DType dtype, int... shape) {
        return fill("Tensor.zeros", dtype, 0, shape);
    }

    /** Ones of any dtype (BOOL: true). */
    public static Tensor ones(DType dtype, int... shape) {
        return fill("Tensor.ones", dtype, 1, shape);
    }

    /** Every element {@code value} converted to {@code dtype} (rounded to float for F32, to the nearest half for F16; BOOL: value != 0). */
    public static Tensor full(double value, DType dtype, int... shape) {
        return fill("Tensor.full", dtype, value, shape);
    }

    private static Tensor fill(String op, DType dtype, double value, int[] shape) {
        Shapes.notNull(op, "dtype", dtype);
        int[] s = Shapes.creation(op, shape);
        return new Tensor(dtype, s, Storage.filled(dtype, Shapes.size(s), value));
    }

    // ------------------------------------------------------------------ introspection

    /** The shape, a copy; a scalar has shape []. Known for traced tensors too. */
    public int[] shape() {
        return shape.clone();
    }

    public int dim() {
        return shape.length;
    }

    public int size() {
        return Shapes.size(shape);
    }

    /** The element type; known for traced tensors too. */
    public DType dtype() {
        return dtype;
    }

    /**
     * The value of a one-element tensor as a float: exact for F32 and F16 (BOOL gives 1 or 0).
     * An F64 tensor refuses, rather than round silently: use {@link #doubleItem()}.
     */
    public float item() {
        if (traced != null) throw TraceOps.noValue(this, "item()");
        if (dtype == DType.F64) {
            throw new IllegalStateException("item(): this tensor is F64 and a float would round its value;"
                    + " use doubleItem() (or to(DType.F32).item() to round on purpose)");
        }
        return (float) oneElement("item");
    }

    /** The value of a one-element tensor as a double, for every dtype (exact; BOOL gives 1 or 0). */
    public double doubleItem() {
        if (traced != null) throw TraceOps.noValue(this, "doubleItem()");
        return oneElement("doubleItem");
    }

    private double oneElement(String op) {
        int n = Storage.length(data);
        if (n != 1) {
            throw new IllegalArgumentException(op + ": a Tensor with " + n + " elements cannot be converted to Scalar"
                    + " (only one element tensors can be converted to Python scalars); shape " + Shapes.str(shape));
        }
        return Storage.get(data, 0);
    }

    /**
     * A copy of the data, row-major, as floats: F32 and F16 exactly (BOOL as 1 and 0). An F64
     * tensor refuses, rather than round silently: use {@link #toDoubleArray()}.
     */
    public float[] toArray() {
        if (traced != null) throw TraceOps.noValue(this, "toArray()");
        if (dtype == DType.F64) {
            throw new IllegalStateException("toArray(): this tensor is F64 and floats would round its values;"
                    + " use toDoubleArray() (or to(DType.F32).toArray() to round on purpose)");
        }
        return Storage.toFloats(data);
    }

    /** A copy of the data, row-major, as doubles, for every dtype (exact; BOOL gives 1 and 0). */
    public double[] toDoubleArray() {
        if (traced != null) throw TraceOps.noValue(this, "toDoubleArray()");
        return Storage.toDoubles(data);
    }

    /**
     * PyTorch's repr: {@code tensor([1., 2.], requires_grad=True)}; F64 and F16 add
     * {@code dtype=torch.float64}/{@code dtype=torch.float16}, BOOL prints {@code tensor([ True, False])}.
     */
    @Override
    public String toString() {
        if (traced != null) return "tensor(<traced>, shape=" + Shapes.str(shape) + ", dtype=" + dtype + ")";
        return TensorFormat.repr(dtype, shape, data, gradFn == null ? null : gradFn.name, requiresGrad);
    }

    // ------------------------------------------------------------------ autograd state

    public boolean requiresGrad() {
        if (traced != null) throw TraceOps.noValue(this, "requiresGrad()");
        return requiresGrad;
    }

    /** PyTorch's {@code requires_grad_}: in place, returns this. Only leaves may change it. */
    public Tensor requiresGrad(boolean flag) {
        if (traced != null) throw TraceOps.noValue(this, "requiresGrad(" + flag + ")");
        if (gradFn != null) {
            if (flag) return this;  // PyTorch accepts requires_grad_(True) on a result that already requires it
            throw new IllegalStateException("requiresGrad(false): you can only change requires_grad flags of leaf variables."
                    + " If you want to use a computed variable in a subgraph that doesn't require differentiation use"
                    + " var_no_grad = var.detach().");
        }
        if (flag && !dtype.isFloat()) {
            throw new IllegalArgumentException("requiresGrad(true): only Tensors of floating point dtype can require gradients;"
                    + " this tensor is " + dtype + " (convert it with to(DType.F32) first)");
        }
        requiresGrad = flag;
        return this;
    }

    /** The gradient accumulated by backward(), or null; always null for a non-leaf. */
    public Tensor grad() {
        if (traced != null) throw TraceOps.noValue(this, "grad()");
        return grad;
    }

    public boolean isLeaf() {
        if (traced != null) throw TraceOps.noValue(this, "isLeaf()");
        return gradFn == null;
    }

    /** The name of the node that made this tensor (PyTorch's grad_fn), or null for a leaf. */
    String gradFnName() {
        return gradFn == null ? null : gradFn.name;
    }

    /** The same data, no history, requires no gradient. Shares the data, like PyTorch. */
    public Tensor detach() {
        if (traced != null) return TraceOps.unary("detach", this, Composites::detach);
        Tensor d = new Tensor(dtype, shape, InPlace.shareData(this), version);
        d.strides = strides;
        return d;
    }

    /**
     * This tensor converted to {@code dtype} (this tensor itself when it has that dtype, as
     * PyTorch's {@code .to}): between float dtypes each value is rounded to the nearest of the
     * target (F16: ties to even, subnormals, overflow to inf); BOOL gives 0/1; float to BOOL
     * is x != 0. Differentiable between float dtypes: ToCopyBackward0 converts the gradient back.
     */
    public Tensor to(DType dtype) {
        Shapes.notNull("to", "dtype", dtype);
        if (dtype == this.dtype) return this;
        return unary("to", "ToCopyBackward0", Saves.NOTHING, Layout.KEEP, (e, x) -> Composites.to(e, x, dtype));
    }

    /**
     * PyTorch's {@code zero_}: fills with 0 in place, returns this. As in PyTorch it is refused
     * on a leaf that requires a gradient unless inside {@code Grad.noGrad()}. Unlike PyTorch,
     * which would record a ZeroBackward0 node, it is also refused on a result that has
     * history (outside noGrad): jgrad records no in-place operations.
     */
    public Tensor zero() {
        if (traced != null) throw TraceOps.noValue(this, "zero()");
        if (requiresGrad && !NoGrad.active()) {
            if (gradFn == null) {
                throw new IllegalStateException("zero(): a leaf Variable that requires grad is being used in an in-place operation."
                        + " Clear it inside try (var g = Grad.noGrad()) { ... }.");
            }
            throw new IllegalStateException("zero(): this tensor has a grad_fn (" + gradFn.name + ") and jgrad records no"
                    + " in-place operations; use detach().zero() or Tensor.zeros(...) instead.");
        }
        InPlace.zero(this);
        return this;
    }

    /** Backward from a one-element output: seeds it with 1. */
    public void backward() {
        if (traced != null) throw TraceOps.noValue(this, "backward()");
        requireGraph();
        if (size() != 1) {
            throw new IllegalStateException("backward(): grad can be implicitly created only for scalar outputs;"
                    + " this tensor has shape " + Shapes.str(shape) + ", pass the seed with backward(gradient)");
        }
        Backward.run(this, Storage.filled(dtype, 1, 1));
    }

    /**
     * Backward with a seed of this tensor's shape: a vector-Jacobian product. A seed of another
     * dtype is converted to this tensor's, as PyTorch does.
     */
    public void backward(Tensor gradient) {
        if (traced != null) throw TraceOps.noValue(this, "backward(gradient)");
        Shapes.notNull("backward", "gradient", gradient);
        if (gradient.traced != null) throw TraceOps.noValue(gradient, "backward(gradient)");
        Shapes.seed(shape, gradient.shape);  // PyTorch checks the seed's shape before anything else
        requireGraph();
        Object seed = gradient.dtype == dtype ? Storage.copy(gradient.data) : Storage.convert(gradient.type(), gradient.data, dtype);
        Backward.run(this, seed);
    }

    private void requireGraph() {
        if (!requiresGrad) {
            throw new IllegalStateException("backward(): element 0 of tensors does not require grad and does not have a grad_fn");
        }
    }

    // ------------------------------------------------------------------ how an op runs
    // The machinery is EagerOps' (the trace, or a replay or the lowering over an Eval, then the
    // result and its grad_fn); these forward to it so that each op below stays one line.

    private Tensor unary(String op, String name, Saves saves, Layout layout, Lowering.One f) {
        return EagerOps.unary(this, op, name, saves, layout, f);
    }

    private Tensor unary(String op, String name, Saves saves, Layout layout, double c0, double c1, Lowering.OneC f) {
        return EagerOps.unary(this, op, name, saves, layout, c0, c1, f);
    }

    private Tensor binary(String op, String name, Saves saves, Layout layout, Tensor o, Lowering.Two f) {
        return EagerOps.binary(this, op, name, saves, layout, o, f);
    }

    private static Tensor many(String op, String name, Saves saves, Tensor[] xs, Lowering.Many f) {
        return EagerOps.many(op, name, saves, xs, f);
    }

    private static Tensor create(Lowering.None f) {
        return EagerOps.create(f);
    }

    private Tensor strided(Tensor out, EagerOps.StrideRule rule) {
        return EagerOps.strided(this, out, rule);
    }

    /** Marks this new tensor (a gradient made with history by {@code Grad.grad}) as made by {@code fn}. */
    void recordGradient(GradFn fn) {
        requiresGrad = true;
        gradFn = fn;
    }

    // ------------------------------------------------------------------ elementwise: two operands
    // Tensor operands broadcast (NumPy) and promote (F16 < F32 < F64; a 0-dim operand does not
    // promote a dimensioned one), as PyTorch; both are in the lowering.

    public Tensor add(Tensor o) { return binary("add", "AddBackward0", Saves.NOTHING, Layout.OPERANDS, o, Composites::add); }
    public Tensor sub(Tensor o) { return binary("sub", "SubBackward0", Saves.NOTHING, Layout.OPERANDS, o, Composites::sub); }
    public Tensor mul(Tensor o) { return binary("mul", "MulBackward0", Saves.CROSS, Layout.OPERANDS, o, Composites::mul); }
    public Tensor div(Tensor o) { return binary("div", "DivBackward0", Saves.DIVISOR, Layout.OPERANDS, o, Composites::div); }

    /** Elementwise maximum; NaN wins. A tie splits the gradient 50/50, as in PyTorch. */
    public Tensor maximum(Tensor o) {
        return binary("maximum", "MaximumBackward0", Saves.BOTH, Layout.OPERANDS, o, Composites::maximum);
    }

    /** Elementwise minimum; NaN wins. A tie splits the gradient 50/50, as in PyTorch. */
    public Tensor minimum(Tensor o) {
        return binary("minimum", "MinimumBackward0", Saves.BOTH, Layout.OPERANDS, o, Composites::minimum);
    }

    // ------------------------------------------------------------------ elementwise: a tensor and a constant
    // A constant never promotes: it is converted to the tensor's dtype (rounded to float for F32,
    // to half for F16), as PyTorch converts a Python scalar. The float and double overloads mean
    // the number written: on F64 data add(0.1f) adds the float nearest 0.1, add(0.1) adds 0.1.

    public Tensor add(float c) { return add((double) c); }
    public Tensor add(double c) { return unary("add", "AddBackward0", Saves.NOTHING, Layout.KEEP, c, 0, (e, x, k, u) -> Composites.add(e, x, k)); }
    public Tensor sub(float c) { return sub((double) c); }
    public Tensor sub(double c) { return unary("sub", "SubBackward0", Saves.NOTHING, Layout.KEEP, c, 0, (e, x, k, u) -> Composites.sub(e, x, k)); }
    /** {@code c - this}. */
    public Tensor rsub(float c) { return rsub((double) c); }
    /** {@code c - this}. */
    public Tensor rsub(double c) { return unary("rsub", "RsubBackward1", Saves.NOTHING, Layout.KEEP, c, 0, (e, x, k, u) -> Composites.rsub(e, x, k)); }
    public Tensor mul(float c) { return mul((double) c); }
    public Tensor mul(double c) { return unary("mul", "MulBackward0", Saves.CONSTANTS, Layout.KEEP, c, 0, (e, x, k, u) -> Composites.mul(e, x, k)); }
    public Tensor div(float c) { return div((double) c); }
    public Tensor div(double c) { return unary("div", "DivBackward0", Saves.CONSTANTS, Layout.KEEP, c, 0, (e, x, k, u) -> Composites.div(e, x, k)); }
    /** {@code c / this}; PyTorch computes it as {@code reciprocal(x) * c}, hence its node's name. */
    public Tensor rdiv(float c) { return rdiv((double) c); }
    /** {@code c / this}; PyTorch computes it as {@code reciprocal(x) * c}, hence its node's name. */
    public Tensor rdiv(double c) { return unary("rdiv", "MulBackward0", Saves.CONSTANTS, Layout.KEEP, c, 0, (e, x, k, u) -> Composites.rdiv(e, x, k)); }

    /** {@code this ** exponent}; like PyTorch, {@code x ** 0} has gradient 0 everywhere. */
    public Tensor pow(float exponent) { return pow((double) exponent); }
    /** {@code this ** exponent}; like PyTorch, {@code x ** 0} has gradient 0 everywhere. */
    public Tensor pow(double exponent) {
        return unary("pow", "PowBackward0", Saves.SELF, Layout.KEEP, exponent, 0, (e, x, p, u) -> Composites.pow(e, x, p));
    }

    /** min(max(x, min), max); the gradient passes where min ≤ x ≤ max (bounds included), as in PyTorch. */
    public Tensor clamp(float min, float max) { return clamp((double) min, (double) max); }
    /** min(max(x, min), max); the gradient passes where min ≤ x ≤ max (bounds included), as in PyTorch. */
    public Tensor clamp(double min, double max) {
        return unary("clamp", "ClampBackward1", Saves.SELF, Layout.KEEP, min, max, Composites::clamp);
    }

    // ------------------------------------------------------------------ elementwise: one operand

    public Tensor neg() { return unary("neg", "NegBackward0", Saves.NOTHING, Layout.KEEP, Composites::neg); }
    public Tensor exp() { return unary("exp", "ExpBackward0", Saves.RESULT, Layout.KEEP, Composites::exp); }
    public Tensor log() { return unary("log", "LogBackward0", Saves.SELF, Layout.KEEP, Composites::log); }
    public Tensor log1p() { return unary("log1p", "Log1PBackward0", Saves.SELF, Layout.KEEP, Composites::log1p); }
    public Tensor sin() { return unary("sin", "SinBackward0", Saves.SELF, Layout.KEEP, Composites::sin); }
    public Tensor cos() { return unary("cos", "CosBackward0", Saves.SELF, Layout.KEEP, Composites::cos); }
    public Tensor tanh() { return unary("tanh", "TanhBackward0", Saves.RESULT, Layout.KEEP, Composites::tanh); }
    public Tensor sigmoid() { return unary("sigmoid", "SigmoidBackward0", Saves.RESULT, Layout.KEEP, Composites::sigmoid); }
    /** max(x, 0); relu'(0) = 0, as in PyTorch. */
    public Tensor relu() { return unary("relu", "ReluBackward0", Saves.RESULT, Layout.KEEP, Composites::relu); }
    /** ln(1 + eˣ), and x itself above 20 (PyTorch's beta 1, threshold 20). */
    public Tensor softplus() { return unary("softplus", "SoftplusBackward0", Saves.SELF, Layout.KEEP, Composites::softplus); }
    /** √x; the gradient at 0 is +inf, as in PyTorch. */
    public Tensor sqrt() { return unary("sqrt", "SqrtBackward0", Saves.RESULT, Layout.KEEP, Composites::sqrt); }
    /** |x|; abs'(0) = 0, as in PyTorch. */
    public Tensor abs() { return unary("abs", "AbsBackward0", Saves.SELF, Layout.KEEP, Composites::abs); }
    /** {@code this ** 2}; PyTorch names its node PowBackward0. */
    public Tensor square() { return unary("square", "PowBackward0", Saves.SELF, Layout.KEEP, Composites::square); }

    // ------------------------------------------------------------------ reductions

    /** The sum of all elements, a scalar. */
    public Tensor sum() { return unary("sum", "SumBackward0", Saves.NOTHING, Layout.FRESH, Composites::sum); }

    /** The mean of all elements, a scalar (NaN when empty). */
    public Tensor mean() { return unary("mean", "MeanBackward0", Saves.NOTHING, Layout.FRESH, Composites::mean); }

    /** The sum along {@code axis} (negative counts from the end), which is removed. */
    public Tensor sum(int axis) {
        return unary("sum", "SumBackward1", Saves.NOTHING, Layout.FRESH, (e, x) -> Composites.sum(e, x, axis));
    }

    /** The mean along {@code axis} (negative counts from the end), which is removed. */
    public Tensor mean(int axis) {
        return unary("mean", "MeanBackward1", Saves.CONSTANTS, Layout.FRESH, (e, x) -> Composites.mean(e, x, axis));
    }

    /** exp(x)/Σexp(x) along {@code axis}, computed as exp(x - max) for stability. */
    public Tensor softmax(int axis) {
        return unary("softmax", "SoftmaxBackward0", Saves.RESULT, Layout.FRESH, (e, x) -> Composites.softmax(e, x, axis));
    }

    /** x - log Σexp(x) along {@code axis}, computed around the max for stability. */
    public Tensor logSoftmax(int axis) {
        return unary("logSoftmax", "LogSoftmaxBackward0", Saves.RESULT, Layout.FRESH, (e, x) -> Composites.logSoftmax(e, x, axis));
    }

    // ------------------------------------------------------------------ linear algebra and shape

    /**
     * torch.matmul for every rank: [n,k]·[k,m] → [n,m] (MmBackward0), [n,k]·[k] → [n]
     * (MvBackward0), [k]·[k,m] → [m] (SqueezeBackward3), [k]·[k] → [] (DotBackward0); batched
     * operands of any rank with broadcast batch dimensions, a 1-D operand promoted and its axis
     * removed again (UnsafeViewBackward0; CloneBackward0 for a matrix times a batch, which
     * PyTorch 1.13 computes transposed and copies).
     */
    public Tensor matmul(Tensor o) {
        Shapes.notNull("matmul", "other", o);
        return binary("matmul", matmulName(shape.length, o.shape.length), Saves.CROSS, Layout.FRESH, o, Composites::matmul);
    }

    private static String matmulName(int a, int b) {
        if (a <= 2 && b <= 2) return a == 2 ? (b == 2 ? "MmBackward0" : "MvBackward0") : (b == 2 ? "SqueezeBackward3" : "DotBackward0");
        return a == 2 ? "CloneBackward0" : "UnsafeViewBackward0";
    }

    /** The dot product of two 1-D tensors of the same length: a scalar. */
    public Tensor dot(Tensor o) {
        return binary("dot", "DotBackward0", Saves.CROSS, Layout.FRESH, o, Composites::dot);
    }

    /**
     * The transpose of a 2-D tensor; like PyTorch, a 0-D or 1-D tensor comes back as it is.
     * Where the row-major order does not change (0-D, 1-D, a single row or column) the data
     * is shared, as PyTorch's view shares it; a general matrix is copied (PyTorch returns a
     * strided view, which only {@link #zero()} of the transpose could tell apart).
     */
    public Tensor t() {
        boolean view = shape.length < 2 || shape[0] == 1 || shape[1] == 1;
        Tensor out = unary("t", "TBackward0", Saves.NOTHING, view ? Layout.VIEW : Layout.FRESH, Composites::t);
        return strided(out, (s, st, r) -> s.length < 2 ? st : Strides.permute(s, st, new int[] {1, 0}));
    }

    /**
     * The same data in another shape (one dimension may be -1, inferred). Shares the data, as
     * PyTorch's view does; the node is ReshapeAliasBackward0, or UnsafeViewBackward0 where
     * PyTorch has to copy (a transposed matrix or a partial slice flattened: {@link Strides#view}).
     */
    public Tensor reshape(int... shape) {
        Shapes.notNull("reshape", "shape", shape);
        Lowering.One f = (e, x) -> Composites.reshape(e, x, shape);
        if (traced != null) return TraceOps.unary("reshape", this, f);
        int[] s = io.jgrad.ir.Shapes.reshape("reshape", this.shape, shape);
        int[] viewStrides = Strides.view(this.shape, strides, s);
        boolean view = viewStrides != null;
        Tensor out = unary("reshape", view ? "ReshapeAliasBackward0" : "UnsafeViewBackward0", Saves.NOTHING,
                view ? Layout.VIEW : Layout.FRESH, f);
        out.strides = view ? Strides.normal(s, viewStrides) : null;
        return out;
    }

    /** Reshaped to 1-D (a 0-dim tensor gives [1]); a 1-D tensor is returned itself, as PyTorch's flatten returns self. */
    public Tensor flatten() {
        return shape.length == 1 ? this : reshape(-1);
    }

    // ================================================================== version 2: More operations
    // Each is one line: PyTorch 1.13's grad_fn name, what it saves, the Composites lowering. The
    // names and reprs are checked against PyTorch by GradFnV2Test (src/test/python/gradfn_names_v2.py).

    // ------------------------------------------------------------------ indexing and structure
    // PyTorch returns views; these are copies with the same values and gradients.

    /** {@code x[..., start:end, ...]} along axis: negative bounds count from the end, out-of-range bounds clamp (Python's). */
    public Tensor slice(int axis, int start, int end) { return strided(unary("slice", "SliceBackward0", Saves.NOTHING, Layout.FRESH, (e, x) -> Composites.slice(e, x, axis, start, end)), Strides::slice); }
    /** {@code x[..., index, ...]}: removes the axis; index in [-size, size-1]. */
    public Tensor select(int axis, int index) { return strided(unary("select", "SelectBackward0", Saves.NOTHING, Layout.FRESH, (e, x) -> Composites.select(e, x, axis, index)), (s, st, r) -> Strides.select(s, st, io.jgrad.ir.Shapes.axis("select", s, axis), r)); }
    /** The entries {@code indices} (each in [0, size-1], repeats allowed: their gradients add) along axis. */
    public Tensor indexSelect(int axis, int[] indices) {
        Shapes.notNull("indexSelect", "indices", indices);
        int[] ix = indices.clone();   // the caller may change the array later; the lowering (and a traced graph) keeps these
        return unary("indexSelect", "IndexSelectBackward0", Saves.CONSTANTS, Layout.FRESH, (e, x) -> Composites.indexSelect(e, x, axis, ix));
    }
    /** torch.cat: one or more tensors of one dtype and rank, equal sizes except along axis. */
    public static Tensor cat(int axis, Tensor... tensors) { return many("cat", "CatBackward0", Saves.NOTHING, tensors, (e, xs) -> Composites.cat(e, axis, xs)); }
    /** torch.stack: one or more tensors of one shape and dtype, joined along a new axis. */
    public static Tensor stack(int axis, Tensor... tensors) { return many("stack", "StackBackward0", Saves.NOTHING, tensors, (e, xs) -> Composites.stack(e, axis, xs)); }
    /** A new axis of size 1 at axis in [-(rank+1), rank]. */
    public Tensor unsqueeze(int axis) { return strided(unary("unsqueeze", "UnsqueezeBackward0", Saves.NOTHING, Layout.FRESH, (e, x) -> Composites.unsqueeze(e, x, axis)), (s, st, r) -> Strides.unsqueeze(s, st, io.jgrad.ir.Shapes.newAxis("unsqueeze", s, axis), r)); }
    /** Removes axis if its size is 1; otherwise the same values (still a SqueezeBackward1 node), as PyTorch. */
    public Tensor squeeze(int axis) { return strided(unary("squeeze", "SqueezeBackward1", Saves.NOTHING, Layout.FRESH, (e, x) -> Composites.squeeze(e, x, axis)), (s, st, r) -> Strides.squeeze(s, st, io.jgrad.ir.Shapes.axis("squeeze", s, axis), r)); }
    /** Result axis i is this tensor's axis axes[i] (negative allowed, each axis once). */
    public Tensor permute(int... axes) {
        Shapes.notNull("permute", "axes", axes);
        int[] p = axes.clone();
        return strided(unary("permute", "PermuteBackward0", Saves.NOTHING, Layout.FRESH, (e, x) -> Composites.permute(e, x, p)),
                (s, st, r) -> Strides.permute(s, st, io.jgrad.ir.Shapes.permute("permute", s, p)));
    }
    /** Swaps axes a and b (negative allowed). */
    public Tensor transpose(int a, int b) { return strided(unary("transpose", "TransposeBackward0", Saves.NOTHING, Layout.FRESH, (e, x) -> Composites.transpose(e, x, a, b)), (s, st, r) -> Strides.transpose(s, st, a, b)); }
    /** Broadcast to {@code shape} (NumPy rules; -1 keeps a size). */
    public Tensor expand(int... shape) {
        Shapes.notNull("expand", "shape", shape);
        int[] s = shape.clone();
        return strided(unary("expand", "ExpandBackward0", Saves.NOTHING, Layout.FRESH, (e, x) -> Composites.expand(e, x, s)), Strides::expand);
    }

    /** The n×n identity matrix, F32. */
    public static Tensor eye(int n) { return create(e -> Composites.eye(e, n)); }
    /** The n×n identity matrix of a float dtype. */
    public static Tensor eye(DType dtype, int n) { return create(e -> Composites.eye(e, dtype, n)); }
    /** [0, 1, ..., n-1], F32. */
    public static Tensor arange(int n) { return create(e -> Composites.arange(e, n)); }
    /** [0, 1, ..., n-1] of a float dtype. */
    public static Tensor arange(DType dtype, int n) { return create(e -> Composites.arange(e, dtype, n)); }

    // ------------------------------------------------------------------ comparisons and selection
    // BOOL results: never require a gradient. Tensors broadcast and promote as add; a constant is
    // converted to this tensor's dtype. NaN compares false, except ne (true).

    public Tensor gt(Tensor o) { return binary("gt", null, Saves.NOTHING, Layout.FRESH, o, Composites::gt); }
    public Tensor ge(Tensor o) { return binary("ge", null, Saves.NOTHING, Layout.FRESH, o, Composites::ge); }
    public Tensor lt(Tensor o) { return binary("lt", null, Saves.NOTHING, Layout.FRESH, o, Composites::lt); }
    public Tensor le(Tensor o) { return binary("le", null, Saves.NOTHING, Layout.FRESH, o, Composites::le); }
    public Tensor eq(Tensor o) { return binary("eq", null, Saves.NOTHING, Layout.FRESH, o, Composites::eq); }
    public Tensor ne(Tensor o) { return binary("ne", null, Saves.NOTHING, Layout.FRESH, o, Composites::ne); }
    public Tensor gt(double c) { return unary("gt", null, Saves.NOTHING, Layout.FRESH, c, 0, (e, x, k, u) -> Composites.gt(e, x, k)); }
    public Tensor ge(double c) { return unary("ge", null, Saves.NOTHING, Layout.FRESH, c, 0, (e, x, k, u) -> Composites.ge(e, x, k)); }
    public Tensor lt(double c) { return unary("lt", null, Saves.NOTHING, Layout.FRESH, c, 0, (e, x, k, u) -> Composites.lt(e, x, k)); }
    public Tensor le(double c) { return unary("le", null, Saves.NOTHING, Layout.FRESH, c, 0, (e, x, k, u) -> Composites.le(e, x, k)); }
    public Tensor eq(double c) { return unary("eq", null, Saves.NOTHING, Layout.FRESH, c, 0, (e, x, k, u) -> Composites.eq(e, x, k)); }
    public Tensor ne(double c) { return unary("ne", null, Saves.NOTHING, Layout.FRESH, c, 0, (e, x, k, u) -> Composites.ne(e, x, k)); }

    /**
     * {@code cond ? a : b} elementwise; cond must be BOOL; the three broadcast, a and b promote.
     * The gradient flows to a and b by the mask: the unselected branch receives zeros, so an
     * infinite partial inside it still gives NaN (0·inf), as PyTorch; guard that branch's input.
     */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        return many("where", "WhereBackward0", Saves.SELF, new Tensor[] {cond, a, b}, (e, xs) -> Composites.where(e, xs[0], xs[1], xs[2]));
    }

    // a float operand counts as x != 0; the result is BOOL
    public Tensor logicalNot() { return unary("logicalNot", null, Saves.NOTHING, Layout.FRESH, Composites::logicalNot); }
    public Tensor logicalAnd(Tensor o) { return binary("logicalAnd", null, Saves.NOTHING, Layout.FRESH, o, Composites::logicalAnd); }
    public Tensor logicalOr(Tensor o) { return binary("logicalOr", null, Saves.NOTHING, Layout.FRESH, o, Composites::logicalOr); }

    // ------------------------------------------------------------------ reductions
    // axis may be negative; keepDim keeps the axis with size 1

    public Tensor sum(int axis, boolean keepDim) { return unary("sum", "SumBackward1", Saves.NOTHING, Layout.FRESH, (e, x) -> Composites.sum(e, x, axis, keepDim)); }
    public Tensor mean(int axis, boolean keepDim) { return unary("mean", "MeanBackward1", Saves.CONSTANTS, Layout.FRESH, (e, x) -> Composites.mean(e, x, axis, keepDim)); }
    /** The largest element (NaN if any is); ties share the gradient evenly. */
    public Tensor amax() { return unary("amax", "AmaxBackward0", Saves.SELF_RESULT, Layout.FRESH, Composites::amax); }
    public Tensor amax(int axis) { return amax(axis, false); }
    public Tensor amax(int axis, boolean keepDim) { return unary("amax", "AmaxBackward0", Saves.SELF_RESULT, Layout.FRESH, (e, x) -> Composites.amax(e, x, axis, keepDim)); }
    /** The smallest element (NaN if any is); ties share the gradient evenly. */
    public Tensor amin() { return unary("amin", "AminBackward0", Saves.SELF_RESULT, Layout.FRESH, Composites::amin); }
    public Tensor amin(int axis) { return amin(axis, false); }
    public Tensor amin(int axis, boolean keepDim) { return unary("amin", "AminBackward0", Saves.SELF_RESULT, Layout.FRESH, (e, x) -> Composites.amin(e, x, axis, keepDim)); }
    /** log Σ exp along axis, max-shifted (stable). */
    public Tensor logsumexp(int axis) { return logsumexp(axis, false); }
    public Tensor logsumexp(int axis, boolean keepDim) { return unary("logsumexp", "LogsumexpBackward0", Saves.SELF_RESULT, Layout.FRESH, (e, x) -> Composites.logsumexp(e, x, axis, keepDim)); }
    /** The product of all elements; its gradient is exact with zeros in the input (PyTorch's). */
    public Tensor prod() { return unary("prod", "ProdBackward0", Saves.SELF_RESULT, Layout.FRESH, Composites::prod); }
    public Tensor prod(int axis) { return unary("prod", "ProdBackward1", Saves.SELF_RESULT, Layout.FRESH, (e, x) -> Composites.prod(e, x, axis)); }
    /** Unbiased variance (correction 1) along axis, as torch.var: NaN for one element. */
    public Tensor var(int axis) { return unary("var", "VarBackward0", Saves.SELF, Layout.FRESH, (e, x) -> Composites.var(e, x, axis)); }
    /** Unbiased standard deviation along axis; gradient 0 where it is 0, as PyTorch. */
    public Tensor std(int axis) { return unary("std", "StdBackward0", Saves.SELF_RESULT, Layout.FRESH, (e, x) -> Composites.std(e, x, axis)); }

    // ------------------------------------------------------------------ elementwise functions

    public Tensor tan() { return unary("tan", "TanBackward0", Saves.RESULT, Layout.KEEP, Composites::tan); }
    public Tensor asin() { return unary("asin", "AsinBackward0", Saves.SELF, Layout.KEEP, Composites::asin); }
    public Tensor acos() { return unary("acos", "AcosBackward0", Saves.SELF, Layout.KEEP, Composites::acos); }
    public Tensor atan() { return unary("atan", "AtanBackward0", Saves.SELF, Layout.KEEP, Composites::atan); }
    public Tensor sinh() { return unary("sinh", "SinhBackward0", Saves.SELF, Layout.KEEP, Composites::sinh); }
    public Tensor cosh() { return unary("cosh", "CoshBackward0", Saves.SELF, Layout.KEEP, Composites::cosh); }
    public Tensor expm1() { return unary("expm1", "Expm1Backward0", Saves.RESULT, Layout.KEEP, Composites::expm1); }
    public Tensor log2() { return unary("log2", "Log2Backward0", Saves.SELF, Layout.KEEP, Composites::log2); }
    public Tensor log10() { return unary("log10", "Log10Backward0", Saves.SELF, Layout.KEEP, Composites::log10); }
    public Tensor reciprocal() { return unary("reciprocal", "ReciprocalBackward0", Saves.RESULT, Layout.KEEP, Composites::reciprocal); }
    public Tensor rsqrt() { return unary("rsqrt", "RsqrtBackward0", Saves.RESULT, Layout.KEEP, Composites::rsqrt); }
    public Tensor erf() { return unary("erf", "ErfBackward0", Saves.SELF, Layout.KEEP, Composites::erf); }
    public Tensor erfc() { return unary("erfc", "ErfcBackward0", Saves.SELF, Layout.KEEP, Composites::erfc); }
    /** -1, 0 or 1 (sign of ±0 and NaN is 0); zero gradient. */
    public Tensor sign() { return unary("sign", "SignBackward0", Saves.NOTHING, Layout.KEEP, Composites::sign); }
    /** Zero gradient. */
    public Tensor floor() { return unary("floor", "FloorBackward0", Saves.NOTHING, Layout.KEEP, Composites::floor); }
    /** Zero gradient. */
    public Tensor ceil() { return unary("ceil", "CeilBackward0", Saves.NOTHING, Layout.KEEP, Composites::ceil); }
    /** Half to even (torch.round); zero gradient. */
    public Tensor round() { return unary("round", "RoundBackward0", Saves.NOTHING, Layout.KEEP, Composites::round); }
    /** atan2(this, o): this is y, o is x (torch.atan2); broadcasts; at the origin the value is 0 and both gradients NaN, as PyTorch. */
    public Tensor atan2(Tensor o) { return binary("atan2", "Atan2Backward0", Saves.BOTH, Layout.OPERANDS, o, Composites::atan2); }
    /** this ** exponent elementwise, broadcasting; gradient to both; at a zero base PyTorch's choice: both gradients 0 (0**0 = 1). */
    public Tensor pow(Tensor exponent) { return binary("pow", "PowBackward1", Saves.BOTH, Layout.OPERANDS, exponent, Composites::powTensor); }
    /** log σ(x), computed without overflow; gradient 1/2 at 0. */
    public Tensor logSigmoid() { return unary("logSigmoid", "LogSigmoidBackward0", Saves.SELF, Layout.KEEP, Composites::logSigmoid); }
    /** x·σ(x). */
    public Tensor silu() { return unary("silu", "SiluBackward0", Saves.SELF, Layout.KEEP, Composites::silu); }
    /** The exact (erf) form x·Φ(x). */
    public Tensor gelu() { return unary("gelu", "GeluBackward0", Saves.SELF, Layout.KEEP, Composites::gelu); }
    /** x &gt; 0 ? x : slope·x; the gradient at 0 is slope, as PyTorch. */
    public Tensor leakyRelu(double slope) { return unary("leakyRelu", "LeakyReluBackward0", Saves.SELF, Layout.KEEP, slope, 0, (e, x, k, u) -> Composites.leakyRelu(e, x, k)); }
    /** x &gt; 0 ? x : α·(eˣ - 1); the gradient at 0 is α, as PyTorch. */
    public Tensor elu(double alpha) { return unary("elu", "EluBackward0", Saves.SELF, Layout.KEEP, alpha, 0, (e, x, k, u) -> Composites.elu(e, x, k)); }
}
