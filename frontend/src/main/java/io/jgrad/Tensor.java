package io.jgrad;

import io.jgrad.runtime.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A float32, row-major tensor of any rank (rank 0 is a scalar) with PyTorch's eager autograd.
 *
 * <p>A result that requires a gradient records a {@link Node} (PyTorch's {@code grad_fn}):
 * its name, its operands and its vector-Jacobian product, written beside the forward loop
 * with the math in a comment. {@link #backward()} walks the graph in reverse topological
 * order, iteratively (no recursion, so graphs of any depth), and adds into the
 * {@link #grad()} of every leaf that requires a gradient.
 *
 * <p>Data is never changed after creation except by {@link #zero()} and by gradient
 * accumulation into a {@code grad()} tensor. {@link #detach()} and {@link #reshape} share
 * their input's data, as PyTorch's views do; so does {@link #t()} where the order of the
 * elements does not change.
 * Shared data shares a version counter: a node whose saved input was changed in place
 * refuses to run, with PyTorch's message.
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
     * for a traced tensor.
     */
    final Object data;
    /** Set only while tracing; see {@link Traced}. */
    final Traced traced;
    /** Shared by every tensor that shares {@link #data}; bumped by each in-place write. */
    private final int[] version;

    private boolean requiresGrad;
    private Tensor grad;
    /** How this tensor was made (PyTorch's grad_fn); null for a leaf. */
    private Node gradFn;
    /**
     * True where PyTorch would hold this tensor as a transposed, non-contiguous view
     * (after {@code t()} of a matrix). It only decides the name of {@code reshape}'s node,
     * as in PyTorch: ReshapeAliasBackward0 for a view, UnsafeViewBackward0 for a copy.
     */
    private boolean transposedLayout;

    // scratch of one backward pass
    private float[] pending;
    private long visitedBy;
    private static final AtomicLong BACKWARD_PASSES = new AtomicLong();

    private Tensor(DType dtype, int[] shape, Object data, int[] version) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
        this.traced = null;
        this.version = version;
    }

    private Tensor(int[] shape, float[] data, int[] version) {
        this(DType.F32, shape, data, version);
    }

    private Tensor(int[] shape, float[] data) {
        this(shape, data, new int[1]);
    }

    private Tensor(DType dtype, int[] shape, Object data) {
        this(dtype, shape, data, new int[1]);
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

    /** The values as float32; the engine's float kernels accept nothing else yet. */
    private float[] f32() {
        if (dtype != DType.F32) {
            throw new UnsupportedOperationException("this eager operation runs on F32 tensors only until the evaluating engine"
                    + " lands; this tensor is " + dtype + " (convert with to(DType.F32))");
        }
        return (float[]) data;
    }

    // ------------------------------------------------------------------ creation

    /** A float32 scalar. */
    public static Tensor scalar(float value) {
        return new Tensor(Shapes.SCALAR, new float[] {value});
    }

    /** A float64 scalar: the Java type decides the dtype. */
    public static Tensor scalar(double value) {
        return new Tensor(DType.F64, Shapes.SCALAR, new double[] {value});
    }

    /** A 1-D float32 tensor of the given values (copied). */
    public static Tensor of(float... values) {
        Shapes.notNull("Tensor.of", "values", values);
        return new Tensor(new int[] {values.length}, values.clone());
    }

    /** A 1-D float64 tensor of the given values (copied). */
    public static Tensor of(double... values) {
        Shapes.notNull("Tensor.of", "values", values);
        return new Tensor(DType.F64, new int[] {values.length}, values.clone());
    }

    /** A float32 tensor of the given shape holding a copy of {@code data} (row-major). */
    public static Tensor of(float[] data, int... shape) {
        int[] s = Shapes.data("Tensor.of", data, data == null ? 0 : data.length, shape);
        return new Tensor(s, data.clone());
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
        if (traced != null) return TraceOps.detach(this);
        Tensor d = new Tensor(dtype, shape, data, version);
        d.transposedLayout = transposedLayout;
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
        if (traced != null) {
            throw new UnsupportedOperationException("to(" + dtype + "): a traced conversion needs ir's CONVERT primitive, not merged yet");
        }
        if (recording(this)) {
            throw new UnsupportedOperationException("to(" + dtype + "): a recorded conversion (ToCopyBackward0) arrives with the"
                    + " evaluating engine; convert inside Grad.noGrad() or before requiresGrad(true)");
        }
        return new Tensor(dtype, shape, Storage.convert(data, dtype));
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
        Storage.zero(data);
        version[0]++;
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
        runBackward(new float[] {1f});
    }

    /** Backward with a seed of this tensor's shape: a vector-Jacobian product. */
    public void backward(Tensor gradient) {
        if (traced != null) throw TraceOps.noValue(this, "backward(gradient)");
        Shapes.notNull("backward", "gradient", gradient);
        if (gradient.traced != null) throw TraceOps.noValue(gradient, "backward(gradient)");
        Shapes.seed(shape, gradient.shape);  // PyTorch checks the seed's shape before anything else
        requireGraph();
        runBackward(gradient.f32().clone());
    }

    private void requireGraph() {
        if (!requiresGrad) {
            throw new IllegalStateException("backward(): element 0 of tensors does not require grad and does not have a grad_fn");
        }
    }

    // ------------------------------------------------------------------ the graph

    /** A vector-Jacobian product: given ḡ = d out, adds ḡ·J into the operands' pending gradients. */
    @FunctionalInterface
    private interface Vjp {
        void apply(float[] g);
    }

    /** PyTorch's grad_fn: a recorded operation. */
    private static final class Node {
        final String name;
        /** The operands that required a gradient when the op ran (others are null). */
        final Tensor[] inputs;
        /** Null: saves no tensors, so it can run again (like PyTorch's AddBackward0). */
        Tensor[] saved;
        final int[] savedVersions;
        final boolean freedAfterBackward;
        Vjp vjp;

        Node(String name, Tensor[] inputs, Tensor[] saved, Vjp vjp) {
            this.name = name;
            this.inputs = inputs;
            this.vjp = vjp;
            this.freedAfterBackward = saved != null;
            if (saved != null) {
                int n = 0;
                for (Tensor s : saved) if (s != null) n++;
                this.saved = new Tensor[n];
                this.savedVersions = new int[n];
                for (Tensor s : saved) {
                    if (s != null) {
                        this.saved[--n] = s;
                        this.savedVersions[n] = s.version[0];
                    }
                }
            } else {
                this.savedVersions = null;
            }
        }

        void checkRunnable() {
            if (vjp == null) {
                throw new IllegalStateException("backward(): Trying to backward through the graph a second time (or directly"
                        + " access saved tensors after they have already been freed). Saved intermediate values of the graph"
                        + " are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to"
                        + " backward through the graph a second time or if you need to access saved tensors after calling"
                        + " backward. (node " + name + ")");
            }
            if (saved == null) return;
            for (int i = 0; i < saved.length; i++) {
                if (saved[i].version[0] != savedVersions[i]) {
                    throw new IllegalStateException("backward(): one of the variables needed for gradient computation has"
                            + " been modified by an inplace operation: [torch.FloatTensor " + Shapes.str(saved[i].shape)
                            + "] is at version " + saved[i].version[0] + "; expected version " + savedVersions[i]
                            + " instead. (node " + name + ")");
                }
            }
        }

        /** PyTorch frees saved tensors after backward: a second pass through this node then fails. */
        void release() {
            if (freedAfterBackward) {
                vjp = null;
                saved = null;
            }
        }
    }

    /** Marks this new result as made by {@code name} from {@code inputs}; {@code saved} as in {@link Node}. */
    private Tensor record(String name, Tensor[] inputs, Tensor[] saved, Vjp vjp) {
        Tensor[] edges = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) edges[i] = inputs[i].requiresGrad ? inputs[i] : null;
        requiresGrad = true;
        gradFn = new Node(name, edges, saved, vjp);
        return this;
    }

    /**
     * For nodes where PyTorch saves only a constant or an internal value (x·c, x/c, c/x,
     * mean(axis)): nothing to version-check, but backward frees the node all the same.
     */
    private static final Tensor[] SAVES_ONLY_CONSTANTS = new Tensor[0];

    private static boolean recording(Tensor a) {
        return a.requiresGrad && !NoGrad.active();
    }

    private static boolean recording(Tensor a, Tensor b) {
        return (a.requiresGrad || b.requiresGrad) && !NoGrad.active();
    }

    /** The gradient being gathered for {@code t} in this backward pass (zeros at first). */
    private static float[] sink(Tensor t) {
        if (t.pending == null) t.pending = new float[t.size()];
        return t.pending;
    }

    /**
     * Where to write the gradient of operand {@code t} of a broadcasting op whose output has
     * shape {@code out}: straight into its pending gradient when the shapes agree, else into
     * a scratch array of the output's shape that {@link #reduceInto} then sums down.
     */
    private static float[] gradFor(Tensor t, boolean needed, int[] out) {
        if (!needed) return null;
        return Arrays.equals(t.shape, out) ? sink(t) : new float[Shapes.size(out)];
    }

    /** Broadcasting's VJP: sums the output-shaped {@code g} over the axes {@code t} was broadcast along. */
    private static void reduceInto(Tensor t, float[] g, int[] out) {
        float[] dst = sink(t);
        if (g == dst) return;
        if (dst.length == 1) {
            double s = 0;
            for (float v : g) s += v;
            dst[0] += (float) s;
            return;
        }
        if (isTrailingBlock(t.shape, out)) {  // a bias row: add each block of the output
            for (int off = 0; off < g.length; off += dst.length) for (int j = 0; j < dst.length; j++) dst[j] += g[off + j];
            return;
        }
        int[] strides = broadcastStrides(t.shape, out);
        int[] idx = new int[out.length];
        int off = 0;
        for (int i = 0; i < g.length; i++) {
            dst[off] += g[i];
            off = step(idx, out, strides, off);
        }
    }

    /** The values of {@code t} repeated to shape {@code out} (the array itself if the shapes agree). */
    private static float[] expand(Tensor t, int[] out) {
        float[] td = t.f32();
        if (Arrays.equals(t.shape, out)) return td;
        float[] dst = new float[Shapes.size(out)];
        if (td.length == 1) {
            Arrays.fill(dst, td[0]);
            return dst;
        }
        if (isTrailingBlock(t.shape, out)) {  // a bias row: copy it once per block
            for (int off = 0; off < dst.length; off += td.length) System.arraycopy(td, 0, dst, off, td.length);
            return dst;
        }
        int[] strides = broadcastStrides(t.shape, out);
        int[] idx = new int[out.length];
        int off = 0;
        for (int i = 0; i < dst.length; i++) {
            dst[i] = td[off];
            off = step(idx, out, strides, off);
        }
        return dst;
    }

    /** True when {@code from}, leading 1s aside, is the trailing part of {@code out}: it repeats as one block. */
    private static boolean isTrailingBlock(int[] from, int[] out) {
        int lead = 0;
        while (lead < from.length && from[lead] == 1) lead++;
        int k = from.length - lead;
        if (k == 0 || k > out.length) return false;
        for (int i = 0; i < k; i++) if (from[lead + i] != out[out.length - k + i]) return false;
        return true;
    }

    /** Strides of {@code from} seen in the index space of {@code out}: 0 along broadcast axes. */
    private static int[] broadcastStrides(int[] from, int[] out) {
        int[] s = new int[out.length];
        int stride = 1;
        for (int i = out.length - 1, j = from.length - 1; i >= 0; i--, j--) {
            int d = j >= 0 ? from[j] : 1;
            s[i] = d == 1 ? 0 : stride;
            stride *= d;
        }
        return s;
    }

    /** Advances the row-major odometer {@code idx} over {@code shape}; returns the new offset. */
    private static int step(int[] idx, int[] shape, int[] strides, int off) {
        for (int d = shape.length - 1; d >= 0; d--) {
            off += strides[d];
            if (++idx[d] < shape[d]) return off;
            off -= strides[d] * shape[d];
            idx[d] = 0;
        }
        return off;
    }

    /** Reverse-mode sweep from this tensor, seeded with {@code seed}. */
    private void runBackward(float[] seed) {
        List<Tensor> order = topologicalOrder();
        for (Tensor t : order) if (t.gradFn != null) t.gradFn.checkRunnable();  // fail before anything changes
        try {
            pending = seed;
            for (int i = order.size() - 1; i >= 0; i--) {  // outputs before the operands that made them
                Tensor t = order.get(i);
                float[] g = t.pending;
                t.pending = null;
                if (g == null) continue;
                if (t.gradFn != null) t.gradFn.vjp.apply(g);
                else if (t.requiresGrad) t.accumulate(g);  // a leaf that stopped requiring a gradient gets none, as in PyTorch
            }
        } finally {
            for (Tensor t : order) {
                t.pending = null;
                if (t.gradFn != null) t.gradFn.release();
            }
        }
    }

    /** Leaves add: {@code grad += g}, in place once a grad exists (PyTorch's AccumulateGrad). */
    private void accumulate(float[] g) {
        if (grad == null) {
            grad = new Tensor(shape, g);
            return;
        }
        float[] d = grad.f32();
        for (int i = 0; i < d.length; i++) d[i] += g[i];
        grad.version[0]++;
    }

    /** Post-order DFS without recursion: every tensor comes after the operands it was made from. */
    private List<Tensor> topologicalOrder() {
        long pass = BACKWARD_PASSES.incrementAndGet();
        List<Tensor> order = new ArrayList<>();
        List<Tensor> stack = new ArrayList<>();
        List<Boolean> expanded = new ArrayList<>();
        stack.add(this);
        expanded.add(false);
        while (!stack.isEmpty()) {
            int top = stack.size() - 1;
            Tensor t = stack.remove(top);
            boolean done = expanded.remove(top);
            if (done) {
                order.add(t);
                continue;
            }
            if (t.visitedBy == pass) continue;
            t.visitedBy = pass;
            stack.add(t);
            expanded.add(true);
            if (t.gradFn != null) {
                for (Tensor in : t.gradFn.inputs) {
                    if (in != null && in.visitedBy != pass) {
                        stack.add(in);
                        expanded.add(false);
                    }
                }
            }
        }
        return order;
    }

    // ------------------------------------------------------------------ elementwise: two operands

    private static Tensor result(int[] shape, float[] y) {
        return new Tensor(shape, y);
    }

    /** The layout PyTorch's TensorIterator gives: the first operand not broadcast decides. */
    private static boolean layoutOf(Tensor a, Tensor b, int[] out) {
        if (Arrays.equals(a.shape, out)) return a.transposedLayout;
        return Arrays.equals(b.shape, out) && b.transposedLayout;
    }

    private Tensor unaryResult(float[] y) {
        Tensor t = new Tensor(shape, y);
        t.transposedLayout = transposedLayout;
        return t;
    }

    public Tensor add(Tensor o) {
        Shapes.notNull("add", "other", o);
        if (traced != null || o.traced != null) return TraceOps.add(this, o);
        int[] s = Shapes.broadcast("add", shape, o.shape);
        float[] a = expand(this, s), b = expand(o, s), y = new float[a.length];
        for (int i = 0; i < y.length; i++) y[i] = a[i] + b[i];
        Tensor out = result(s, y);
        out.transposedLayout = layoutOf(this, o, s);
        if (recording(this, o)) {
            boolean da = requiresGrad, db = o.requiresGrad;
            out.record("AddBackward0", new Tensor[] {this, o}, null, g -> {  // d(a+b) = ḡ, ḡ
                addGrad(this, da, g, s);
                addGrad(o, db, g, s);
            });
        }
        return out;
    }

    /** {@code t.grad += ḡ}, summed over broadcast axes. */
    private static void addGrad(Tensor t, boolean needed, float[] g, int[] out) {
        if (!needed) return;
        if (Arrays.equals(t.shape, out)) {
            float[] d = sink(t);
            for (int i = 0; i < d.length; i++) d[i] += g[i];
        } else {
            reduceInto(t, g, out);
        }
    }

    public Tensor sub(Tensor o) {
        Shapes.notNull("sub", "other", o);
        if (traced != null || o.traced != null) return TraceOps.sub(this, o);
        int[] s = Shapes.broadcast("sub", shape, o.shape);
        float[] a = expand(this, s), b = expand(o, s), y = new float[a.length];
        for (int i = 0; i < y.length; i++) y[i] = a[i] - b[i];
        Tensor out = result(s, y);
        out.transposedLayout = layoutOf(this, o, s);
        if (recording(this, o)) {
            boolean da = requiresGrad, db = o.requiresGrad;
            out.record("SubBackward0", new Tensor[] {this, o}, null, g -> {  // d(a-b) = ḡ, -ḡ
                addGrad(this, da, g, s);
                float[] gb = gradFor(o, db, s);
                if (gb != null) {
                    for (int i = 0; i < g.length; i++) gb[i] -= g[i];
                    reduceInto(o, gb, s);
                }
            });
        }
        return out;
    }

    public Tensor mul(Tensor o) {
        Shapes.notNull("mul", "other", o);
        if (traced != null || o.traced != null) return TraceOps.mul(this, o);
        int[] s = Shapes.broadcast("mul", shape, o.shape);
        float[] a = expand(this, s), b = expand(o, s), y = new float[a.length];
        for (int i = 0; i < y.length; i++) y[i] = a[i] * b[i];
        Tensor out = result(s, y);
        out.transposedLayout = layoutOf(this, o, s);
        if (recording(this, o)) {
            boolean da = requiresGrad, db = o.requiresGrad;
            // PyTorch saves a only when b needs a gradient, and b only when a does
            out.record("MulBackward0", new Tensor[] {this, o}, new Tensor[] {db ? this : null, da ? o : null}, g -> {
                // d(a*b) = ḡ·b, ḡ·a
                float[] ga = gradFor(this, da, s);
                if (ga != null) {
                    for (int i = 0; i < g.length; i++) ga[i] += g[i] * b[i];
                    reduceInto(this, ga, s);
                }
                float[] gb = gradFor(o, db, s);
                if (gb != null) {
                    for (int i = 0; i < g.length; i++) gb[i] += g[i] * a[i];
                    reduceInto(o, gb, s);
                }
            });
        }
        return out;
    }

    public Tensor div(Tensor o) {
        Shapes.notNull("div", "other", o);
        if (traced != null || o.traced != null) return TraceOps.div(this, o);
        int[] s = Shapes.broadcast("div", shape, o.shape);
        float[] a = expand(this, s), b = expand(o, s), y = new float[a.length];
        for (int i = 0; i < y.length; i++) y[i] = a[i] / b[i];
        Tensor out = result(s, y);
        out.transposedLayout = layoutOf(this, o, s);
        if (recording(this, o)) {
            boolean da = requiresGrad, db = o.requiresGrad;
            out.record("DivBackward0", new Tensor[] {this, o}, new Tensor[] {db ? this : null, o}, g -> {
                // d(a/b) = ḡ/b, -ḡ·(a/b)/b   (PyTorch's order of operations)
                float[] ga = gradFor(this, da, s);
                if (ga != null) {
                    for (int i = 0; i < g.length; i++) ga[i] += g[i] / b[i];
                    reduceInto(this, ga, s);
                }
                float[] gb = gradFor(o, db, s);
                if (gb != null) {
                    for (int i = 0; i < g.length; i++) gb[i] += -g[i] * ((a[i] / b[i]) / b[i]);
                    reduceInto(o, gb, s);
                }
            });
        }
        return out;
    }

    /** Elementwise maximum; NaN wins. A tie splits the gradient 50/50, as in PyTorch. */
    public Tensor maximum(Tensor o) {
        Shapes.notNull("maximum", "other", o);
        if (traced != null || o.traced != null) return TraceOps.maximum(this, o);
        return extremum("maximum", o, true);
    }

    /** Elementwise minimum; NaN wins. A tie splits the gradient 50/50, as in PyTorch. */
    public Tensor minimum(Tensor o) {
        Shapes.notNull("minimum", "other", o);
        if (traced != null || o.traced != null) return TraceOps.minimum(this, o);
        return extremum("minimum", o, false);
    }

    private Tensor extremum(String op, Tensor o, boolean max) {
        int[] s = Shapes.broadcast(op, shape, o.shape);
        float[] a = expand(this, s), b = expand(o, s), y = new float[a.length];
        if (max) for (int i = 0; i < y.length; i++) y[i] = Math.max(a[i], b[i]);
        else for (int i = 0; i < y.length; i++) y[i] = Math.min(a[i], b[i]);
        Tensor out = result(s, y);
        out.transposedLayout = layoutOf(this, o, s);
        if (recording(this, o)) {
            boolean da = requiresGrad, db = o.requiresGrad;
            out.record(max ? "MaximumBackward0" : "MinimumBackward0", new Tensor[] {this, o}, new Tensor[] {this, o}, g -> {
                // d max(a,b) = ḡ·[a>b] + ḡ/2·[a=b], ḡ·[b>a] + ḡ/2·[a=b]  (a NaN operand passes ḡ to both, as in PyTorch)
                float[] ga = gradFor(this, da, s);
                if (ga != null) {
                    for (int i = 0; i < g.length; i++) {
                        boolean loses = max ? a[i] < b[i] : a[i] > b[i];
                        ga[i] += loses ? 0f : a[i] == b[i] ? g[i] / 2 : g[i];
                    }
                    reduceInto(this, ga, s);
                }
                float[] gb = gradFor(o, db, s);
                if (gb != null) {
                    for (int i = 0; i < g.length; i++) {
                        boolean loses = max ? a[i] > b[i] : a[i] < b[i];
                        gb[i] += loses ? 0f : a[i] == b[i] ? g[i] / 2 : g[i];
                    }
                    reduceInto(o, gb, s);
                }
            });
        }
        return out;
    }

    // ------------------------------------------------------------------ elementwise: a tensor and a constant

    public Tensor add(float c) {
        if (traced != null) return TraceOps.add(this, c);
        float[] x = f32(), y = new float[x.length];
        for (int i = 0; i < y.length; i++) y[i] = x[i] + c;
        Tensor out = unaryResult(y);
        if (recording(this)) out.record("AddBackward0", new Tensor[] {this}, null, g -> {  // d(x+c) = ḡ
            float[] gx = sink(this);
            for (int i = 0; i < gx.length; i++) gx[i] += g[i];
        });
        return out;
    }

    public Tensor sub(float c) {
        if (traced != null) return TraceOps.sub(this, c);
        float[] x = f32(), y = new float[x.length];
        for (int i = 0; i < y.length; i++) y[i] = x[i] - c;
        Tensor out = unaryResult(y);
        if (recording(this)) out.record("SubBackward0", new Tensor[] {this}, null, g -> {  // d(x-c) = ḡ
            float[] gx = sink(this);
            for (int i = 0; i < gx.length; i++) gx[i] += g[i];
        });
        return out;
    }

    /** {@code c - this}. */
    public Tensor rsub(float c) {
        if (traced != null) return TraceOps.rsub(this, c);
        float[] x = f32(), y = new float[x.length];
        for (int i = 0; i < y.length; i++) y[i] = c - x[i];
        Tensor out = unaryResult(y);
        if (recording(this)) out.record("RsubBackward1", new Tensor[] {this}, null, g -> {  // d(c-x) = -ḡ
            float[] gx = sink(this);
            for (int i = 0; i < gx.length; i++) gx[i] -= g[i];
        });
        return out;
    }

    public Tensor mul(float c) {
        if (traced != null) return TraceOps.mul(this, c);
        float[] x = f32(), y = new float[x.length];
        for (int i = 0; i < y.length; i++) y[i] = x[i] * c;
        Tensor out = unaryResult(y);
        if (recording(this)) out.record("MulBackward0", new Tensor[] {this}, SAVES_ONLY_CONSTANTS, g -> {  // d(x·c) = ḡ·c
            float[] gx = sink(this);
            for (int i = 0; i < gx.length; i++) gx[i] += g[i] * c;
        });
        return out;
    }

    public Tensor div(float c) {
        if (traced != null) return TraceOps.div(this, c);
        float[] x = f32(), y = new float[x.length];
        for (int i = 0; i < y.length; i++) y[i] = x[i] / c;
        Tensor out = unaryResult(y);
        if (recording(this)) out.record("DivBackward0", new Tensor[] {this}, SAVES_ONLY_CONSTANTS, g -> {  // d(x/c) = ḡ/c
            float[] gx = sink(this);
            for (int i = 0; i < gx.length; i++) gx[i] += g[i] / c;
        });
        return out;
    }

    /** {@code c / this}; PyTorch computes it as {@code reciprocal(x) * c}, hence its node's name. */
    public Tensor rdiv(float c) {
        if (traced != null) return TraceOps.rdiv(this, c);
        float[] x = f32(), r = new float[x.length], y = new float[x.length];
        for (int i = 0; i < y.length; i++) {
            r[i] = 1f / x[i];
            y[i] = r[i] * c;
        }
        Tensor out = unaryResult(y);
        if (recording(this)) out.record("MulBackward0", new Tensor[] {this}, SAVES_ONLY_CONSTANTS, g -> {
            // d(c·r) with r = 1/x: -(ḡ·c)·r²
            float[] gx = sink(this);
            for (int i = 0; i < gx.length; i++) gx[i] += -(g[i] * c) * (r[i] * r[i]);
        });
        return out;
    }

    /** {@code this ** exponent}; like PyTorch, {@code x ** 0} has gradient 0 everywhere. */
    public Tensor pow(float exponent) {
        if (traced != null) return TraceOps.pow(this, exponent);
        float p = exponent;
        float[] x = f32(), y = new float[x.length];
        // runtime.Ops.pow is PyTorch's rule (±0.5 via sqrt: (−0)^0.5 = −0, (−inf)^0.5 = NaN), shared with compiled code
        for (int i = 0; i < y.length; i++) y[i] = io.jgrad.runtime.Ops.pow(x[i], p);
        Tensor out = unaryResult(y);
        if (recording(this)) out.record("PowBackward0", new Tensor[] {this}, new Tensor[] {this}, g -> {
            // d x^p = ḡ·p·x^(p-1); p = 0 → 0 (not 0·0^-1 = NaN at 0)
            float[] gx = sink(this);
            if (p == 0f) return;
            double pm1 = (double) p - 1;   // the exponent in double, as PyTorch's
            for (int i = 0; i < gx.length; i++) gx[i] += g[i] * (p * io.jgrad.runtime.Ops.pow(x[i], pm1));
        });
        return out;
    }

    /** {@code this ** 2}; PyTorch names its node PowBackward0. */
    public Tensor square() {
        if (traced != null) return TraceOps.square(this);
        return pow(2f);
    }

    /** min(max(x, min), max); the gradient passes where min ≤ x ≤ max (bounds included), as in PyTorch. */
    public Tensor clamp(float min, float max) {
        if (traced != null) return TraceOps.clamp(this, min, max);
        float[] x = f32(), y = new float[x.length];
        for (int i = 0; i < y.length; i++) y[i] = Math.min(Math.max(x[i], min), max);
        Tensor out = unaryResult(y);
        if (recording(this)) out.record("ClampBackward1", new Tensor[] {this}, new Tensor[] {this}, g -> {
            // d clamp(x) = ḡ·[min ≤ x ≤ max]
            float[] gx = sink(this);
            for (int i = 0; i < gx.length; i++) if (x[i] >= min && x[i] <= max) gx[i] += g[i];
        });
        return out;
    }

    // The double overloads: the constant takes the tensor's dtype (PyTorch converts a Python
    // scalar to the tensor's dtype; it never promotes). On an F32 tensor that is the float.

    public Tensor add(double c) { return add((float) c); }
    public Tensor sub(double c) { return sub((float) c); }
    /** {@code c - this}. */
    public Tensor rsub(double c) { return rsub((float) c); }
    public Tensor mul(double c) { return mul((float) c); }
    public Tensor div(double c) { return div((float) c); }
    /** {@code c / this}. */
    public Tensor rdiv(double c) { return rdiv((float) c); }
    public Tensor pow(double exponent) { return pow((float) exponent); }
    public Tensor clamp(double min, double max) { return clamp((float) min, (float) max); }

    // ------------------------------------------------------------------ elementwise: one operand

    public Tensor neg() {
        if (traced != null) return TraceOps.neg(this);
        float[] x = f32(), y = new float[x.length];
        for (int i = 0; i < y.length; i++) y[i] = -x[i];
        Tensor out = unaryResult(y);
        if (recording(this)) out.record("NegBackward0", new Tensor[] {this}, null, g -> {  // d(-x) = -ḡ
            float[] gx = sink(this);
            for (int i = 0; i < gx.length; i++) gx[i] -= g[i];
        });
        return out;
    }

    public Tensor exp() {
        if (traced != null) return TraceOps.exp(this);
        float[] x = f32(), y = new float[x.length];
        for (int i = 0; i < y.length; i++) y[i] = (float) Math.exp(x[i]);
        Tensor out = unaryResult(y);
        if (recording(this)) out.record("ExpBackward0", new Tensor[] {this}, new Tensor[] {out}, g -> {  // d eˣ = ḡ·eˣ
            float[] gx = sink(this);
            for (int i = 0; i < gx.length; i++) gx[i] += g[i] * y[i];
        });
        return out;
    }

    public Tensor log() {
        if (traced != null) return TraceOps.log(this);
        float[] x = f32(), y = new float[x.length];
        for (int i = 0; i < y.length; i++) y[i] = (float) Math.log(x[i]);
        Tensor out = unaryResult(y);
        if (recording(this)) out.record("LogBackward0", new Tensor[] {this}, new Tensor[] {this}, g -> {  // d ln x = ḡ/x
            float[] gx = sink(this);
            for (int i = 0; i < gx.length; i++) gx[i] += g[i] / x[i];
        });
        return out;
    }

    public Tensor log1p() {
        if (traced != null) return TraceOps.log1p(this);
        float[] x = f32(), y = new float[x.length];
        for (int i = 0; i < y.length; i++) y[i] = (float) Math.log1p(x[i]);
        Tensor out = unaryResult(y);
        if (recording(this)) out.record("Log1PBackward0", new Tensor[] {this}, new Tensor[] {this}, g -> {  // d ln(1+x) = ḡ/(x+1)
            float[] gx = sink(this);
            for (int i = 0; i < gx.length; i++) gx[i] += g[i] / (x[i] + 1f);
        });
        return out;
    }

    public Tensor sin() {
        if (traced != null) return TraceOps.sin(this);
        float[] x = f32(), y = new float[x.length];
        for (int i = 0; i < y.length; i++) y[i] = (float) Math.sin(x[i]);
        Tensor out = unaryResult(y);
        if (recording(this)) out.record("SinBackward0", new Tensor[] {this}, new Tensor[] {this}, g -> {  // d sin x = ḡ·cos x
            float[] gx = sink(this);
            for (int i = 0; i < gx.length; i++) gx[i] += g[i] * (float) Math.cos(x[i]);
        });
        return out;
    }

    public Tensor cos() {
        if (traced != null) return TraceOps.cos(this);
        float[] x = f32(), y = new float[x.length];
        for (int i = 0; i < y.length; i++) y[i] = (float) Math.cos(x[i]);
        Tensor out = unaryResult(y);
        if (recording(this)) out.record("CosBackward0", new Tensor[] {this}, new Tensor[] {this}, g -> {  // d cos x = -ḡ·sin x
            float[] gx = sink(this);
            for (int i = 0; i < gx.length; i++) gx[i] += g[i] * -(float) Math.sin(x[i]);
        });
        return out;
    }

    public Tensor tanh() {
        if (traced != null) return TraceOps.tanh(this);
        float[] x = f32(), y = new float[x.length];
        for (int i = 0; i < y.length; i++) y[i] = (float) Math.tanh(x[i]);
        Tensor out = unaryResult(y);
        if (recording(this)) out.record("TanhBackward0", new Tensor[] {this}, new Tensor[] {out}, g -> {  // d tanh x = ḡ·(1 - y²)
            float[] gx = sink(this);
            for (int i = 0; i < gx.length; i++) gx[i] += g[i] * (1f - y[i] * y[i]);
        });
        return out;
    }

    public Tensor sigmoid() {
        if (traced != null) return TraceOps.sigmoid(this);
        float[] x = f32(), y = new float[x.length];
        // in float, as PyTorch computes it, so printed values agree to the last digit
        for (int i = 0; i < y.length; i++) y[i] = 1f / (1f + (float) Math.exp(-x[i]));
        Tensor out = unaryResult(y);
        if (recording(this)) out.record("SigmoidBackward0", new Tensor[] {this}, new Tensor[] {out}, g -> {  // d σ(x) = ḡ·(1 - y)·y
            float[] gx = sink(this);
            for (int i = 0; i < gx.length; i++) gx[i] += g[i] * (1f - y[i]) * y[i];
        });
        return out;
    }

    /** max(x, 0); relu'(0) = 0, as in PyTorch. */
    public Tensor relu() {
        if (traced != null) return TraceOps.relu(this);
        float[] x = f32(), y = new float[x.length];
        for (int i = 0; i < y.length; i++) y[i] = Math.max(x[i], 0f);
        Tensor out = unaryResult(y);
        if (recording(this)) out.record("ReluBackward0", new Tensor[] {this}, new Tensor[] {out}, g -> {  // d relu = ḡ·[y > 0]
            float[] gx = sink(this);
            for (int i = 0; i < gx.length; i++) if (!(y[i] <= 0f)) gx[i] += g[i];
        });
        return out;
    }

    /** ln(1 + eˣ), and x itself above 20 (PyTorch's beta 1, threshold 20). */
    public Tensor softplus() {
        if (traced != null) return TraceOps.softplus(this);
        float[] x = f32(), y = new float[x.length];
        for (int i = 0; i < y.length; i++) y[i] = x[i] > 20f ? x[i] : (float) Math.log1p(Math.exp(x[i]));
        Tensor out = unaryResult(y);
        if (recording(this)) out.record("SoftplusBackward0", new Tensor[] {this}, new Tensor[] {this}, g -> {
            // d softplus = ḡ·eˣ/(eˣ+1) = ḡ·σ(x); ḡ above the threshold
            float[] gx = sink(this);
            for (int i = 0; i < gx.length; i++) {
                if (x[i] > 20f) {
                    gx[i] += g[i];
                } else {
                    float z = (float) Math.exp(x[i]);
                    gx[i] += g[i] * z / (z + 1f);
                }
            }
        });
        return out;
    }

    /** √x; the gradient at 0 is +inf, as in PyTorch. */
    public Tensor sqrt() {
        if (traced != null) return TraceOps.sqrt(this);
        float[] x = f32(), y = new float[x.length];
        for (int i = 0; i < y.length; i++) y[i] = (float) Math.sqrt(x[i]);
        Tensor out = unaryResult(y);
        if (recording(this)) out.record("SqrtBackward0", new Tensor[] {this}, new Tensor[] {out}, g -> {  // d √x = ḡ/(2√x)
            float[] gx = sink(this);
            for (int i = 0; i < gx.length; i++) gx[i] += g[i] / (2f * y[i]);
        });
        return out;
    }

    /** |x|; abs'(0) = 0, as in PyTorch. */
    public Tensor abs() {
        if (traced != null) return TraceOps.abs(this);
        float[] x = f32(), y = new float[x.length];
        for (int i = 0; i < y.length; i++) y[i] = Math.abs(x[i]);
        Tensor out = unaryResult(y);
        if (recording(this)) out.record("AbsBackward0", new Tensor[] {this}, new Tensor[] {this}, g -> {  // d|x| = ḡ·sign(x)
            float[] gx = sink(this);
            // sign with sgn(NaN) = 0, as PyTorch's sgn (Math.signum would give NaN)
            for (int i = 0; i < gx.length; i++) gx[i] += g[i] * (x[i] > 0 ? 1f : x[i] < 0 ? -1f : 0f);
        });
        return out;
    }

    // ------------------------------------------------------------------ reductions

    /** The sum of all elements, a scalar. */
    public Tensor sum() {
        if (traced != null) return TraceOps.sum(this);
        Tensor out = result(Shapes.SCALAR, new float[] {(float) sumOf(f32())});
        if (recording(this)) out.record("SumBackward0", new Tensor[] {this}, null, g -> {  // d Σx = ḡ everywhere
            float[] gx = sink(this);
            for (int i = 0; i < gx.length; i++) gx[i] += g[0];
        });
        return out;
    }

    /** The mean of all elements, a scalar (NaN when empty). */
    public Tensor mean() {
        if (traced != null) return TraceOps.mean(this);
        int n = size();
        Tensor out = result(Shapes.SCALAR, new float[] {(float) (sumOf(f32()) / n)});
        if (recording(this)) out.record("MeanBackward0", new Tensor[] {this}, null, g -> {  // d mean = ḡ/n everywhere
            float[] gx = sink(this);
            float share = g[0] / n;
            for (int i = 0; i < gx.length; i++) gx[i] += share;
        });
        return out;
    }

    /** Four independent double accumulators: accurate, and not one long dependency chain. */
    private static double sumOf(float[] x) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 3 < x.length; i += 4) {
            s0 += x[i];
            s1 += x[i + 1];
            s2 += x[i + 2];
            s3 += x[i + 3];
        }
        for (; i < x.length; i++) s0 += x[i];
        return (s0 + s1) + (s2 + s3);
    }

    /** The sum along {@code axis} (negative counts from the end), which is removed. */
    public Tensor sum(int axis) {
        if (traced != null) return TraceOps.sum(this, axis);
        return reduceAxis("sum", axis, false);
    }

    /** The mean along {@code axis} (negative counts from the end), which is removed. */
    public Tensor mean(int axis) {
        if (traced != null) return TraceOps.mean(this, axis);
        return reduceAxis("mean", axis, true);
    }

    /** Views the shape as [outer, len, inner] around an axis; a scalar is [1, 1, 1]. */
    private int[] around(int axis) {
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= shape[d];
        for (int d = axis + 1; d < shape.length; d++) inner *= shape[d];
        return new int[] {outer, shape.length == 0 ? 1 : shape[axis], inner};
    }

    private Tensor reduceAxis(String op, int axis, boolean mean) {
        int ax = Shapes.axis(op, shape, axis);
        int[] oli = around(ax);
        int outer = oli[0], len = oli[1], inner = oli[2];
        float[] x = f32();
        double[] acc = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < len; k++) {
                int base = (o * len + k) * inner, ob = o * inner;
                for (int j = 0; j < inner; j++) acc[ob + j] += x[base + j];
            }
        }
        float[] y = new float[acc.length];
        for (int i = 0; i < y.length; i++) y[i] = (float) (mean ? acc[i] / len : acc[i]);
        Tensor out = result(Shapes.removeAxis(shape, ax), y);
        if (recording(this)) {
            // d Σ_axis x = ḡ repeated along the axis (divided by its length for the mean)
            out.record(mean ? "MeanBackward1" : "SumBackward1", new Tensor[] {this}, mean ? SAVES_ONLY_CONSTANTS : null, g -> {
                float[] gx = sink(this);
                for (int o = 0; o < outer; o++) {
                    for (int k = 0; k < len; k++) {
                        int base = (o * len + k) * inner, ob = o * inner;
                        if (mean) for (int j = 0; j < inner; j++) gx[base + j] += g[ob + j] / len;
                        else for (int j = 0; j < inner; j++) gx[base + j] += g[ob + j];
                    }
                }
            });
        }
        return out;
    }

    /** exp(x)/Σexp(x) along {@code axis}, computed as exp(x - max) for stability. */
    public Tensor softmax(int axis) {
        if (traced != null) return TraceOps.softmax(this, axis);
        return softmaxAlong("softmax", axis, false);
    }

    /** x - log Σexp(x) along {@code axis}, computed around the max for stability. */
    public Tensor logSoftmax(int axis) {
        if (traced != null) return TraceOps.logSoftmax(this, axis);
        return softmaxAlong("logSoftmax", axis, true);
    }

    private Tensor softmaxAlong(String op, int axis, boolean log) {
        int ax = Shapes.axis(op, shape, axis);
        int[] oli = around(ax);
        int outer = oli[0], len = oli[1], inner = oli[2];
        float[] x = f32(), y = new float[x.length];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                int base = o * len * inner + j;
                float max = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < len; k++) max = Math.max(max, x[base + k * inner]);
                if (max == Float.NEGATIVE_INFINITY) max = 0f;  // all -inf: avoid -inf - -inf = NaN in the shift
                double s = 0;
                for (int k = 0; k < len; k++) s += Math.exp(x[base + k * inner] - max);
                if (log) {
                    float logSum = (float) Math.log(s);
                    for (int k = 0; k < len; k++) y[base + k * inner] = x[base + k * inner] - max - logSum;
                } else {
                    for (int k = 0; k < len; k++) y[base + k * inner] = (float) (Math.exp(x[base + k * inner] - max) / s);
                }
            }
        }
        Tensor out = result(shape, y);
        if (recording(this)) {
            out.record(log ? "LogSoftmaxBackward0" : "SoftmaxBackward0", new Tensor[] {this}, new Tensor[] {out}, g -> {
                // softmax: dx = y·(ḡ - Σ ḡ·y);  logSoftmax: dx = ḡ - exp(y)·Σ ḡ   (sums along the axis)
                float[] gx = sink(this);
                for (int o = 0; o < outer; o++) {
                    for (int j = 0; j < inner; j++) {
                        int base = o * len * inner + j;
                        double s = 0;
                        for (int k = 0; k < len; k++) {
                            int i = base + k * inner;
                            s += log ? g[i] : g[i] * y[i];
                        }
                        float sf = (float) s;
                        for (int k = 0; k < len; k++) {
                            int i = base + k * inner;
                            gx[i] += log ? g[i] - (float) Math.exp(y[i]) * sf : y[i] * (g[i] - sf);
                        }
                    }
                }
            });
        }
        return out;
    }

    // ------------------------------------------------------------------ linear algebra and shape

    /**
     * torch.matmul for 1-D and 2-D operands: [n,k]·[k,m] → [n,m] (MmBackward0),
     * [n,k]·[k] → [n] (MvBackward0), [k]·[k,m] → [m] (SqueezeBackward3), [k]·[k] → [] (DotBackward0).
     */
    public Tensor matmul(Tensor o) {
        Shapes.notNull("matmul", "other", o);
        if (traced != null || o.traced != null) return TraceOps.matmul(this, o);
        int[] s = Shapes.matmul("matmul", shape, o.shape);
        String name = shape.length == 2 ? (o.shape.length == 2 ? "MmBackward0" : "MvBackward0")
                : (o.shape.length == 2 ? "SqueezeBackward3" : "DotBackward0");
        return product(o, s, name);
    }

    /** The dot product of two 1-D tensors of the same length: a scalar. */
    public Tensor dot(Tensor o) {
        Shapes.notNull("dot", "other", o);
        if (traced != null || o.traced != null) return TraceOps.dot(this, o);
        return product(o, Shapes.dot("dot", shape, o.shape), "DotBackward0");
    }

    /** Every case as [n,k]·[k,m]: a 1-D left operand is one row, a 1-D right operand one column. */
    private Tensor product(Tensor o, int[] outShape, String name) {
        int n = shape.length == 2 ? shape[0] : 1;
        int k = shape[shape.length - 1];
        int m = o.shape.length == 2 ? o.shape[1] : 1;
        float[] a = f32(), b = o.f32(), y = new float[n * m];
        matmulInto(a, b, y, n, k, m);
        Tensor out = result(outShape, y);
        if (recording(this, o)) {
            boolean da = requiresGrad, db = o.requiresGrad;
            out.record(name, new Tensor[] {this, o}, new Tensor[] {db ? this : null, da ? o : null}, g -> {
                // d(A·B) = ḡ·Bᵀ, Aᵀ·ḡ
                if (da) {
                    float[] ga = sink(this);
                    for (int i = 0; i < n; i++) {
                        for (int kk = 0; kk < k; kk++) {
                            float acc = 0f;
                            for (int j = 0; j < m; j++) acc += g[i * m + j] * b[kk * m + j];
                            ga[i * k + kk] += acc;
                        }
                    }
                }
                if (db) {
                    float[] gb = sink(o);
                    for (int i = 0; i < n; i++) {
                        for (int kk = 0; kk < k; kk++) {
                            float av = a[i * k + kk];
                            int row = kk * m, grow = i * m;
                            for (int j = 0; j < m; j++) gb[row + j] += av * g[grow + j];
                        }
                    }
                }
            });
        }
        return out;
    }

    /** y[n,m] = a[n,k]·b[k,m], in i-k-j order so the inner loop is contiguous (vectorisable). */
    private static void matmulInto(float[] a, float[] b, float[] y, int n, int k, int m) {
        if (m == 1) {  // matrix-vector and dot: one row dot product per output
            for (int i = 0; i < n; i++) {
                float acc = 0f;
                for (int kk = 0; kk < k; kk++) acc += a[i * k + kk] * b[kk];
                y[i] = acc;
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            int row = i * m;
            for (int kk = 0; kk < k; kk++) {
                float av = a[i * k + kk];
                int brow = kk * m;
                for (int j = 0; j < m; j++) y[row + j] += av * b[brow + j];
            }
        }
    }

    /**
     * The transpose of a 2-D tensor; like PyTorch, a 0-D or 1-D tensor comes back as it is.
     * Where the row-major order does not change (0-D, 1-D, a single row or column) the data
     * is shared, as PyTorch's view shares it; a general matrix is copied (PyTorch returns a
     * strided view, which only {@link #zero()} of the transpose could tell apart).
     */
    public Tensor t() {
        if (traced != null) return TraceOps.t(this);
        int[] s = Shapes.transpose("t", shape);
        Tensor out;
        if (shape.length < 2 || shape[0] == 1 || shape[1] == 1) {
            out = new Tensor(dtype, s, data, version);
            out.transposedLayout = shape.length < 2 && transposedLayout;
        } else {
            int rows = shape[0], cols = shape[1];
            float[] x = f32(), y = new float[x.length];
            for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) y[j * rows + i] = x[i * cols + j];
            out = result(s, y);
            out.transposedLayout = rows > 1 && cols > 1 && !transposedLayout;
        }
        if (recording(this)) {
            int rows = shape.length == 2 ? shape[0] : 1, cols = size() / Math.max(rows, 1);
            out.record("TBackward0", new Tensor[] {this}, null, g -> {  // d xᵀ = ḡᵀ
                float[] gx = sink(this);
                for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) gx[i * cols + j] += g[j * rows + i];
            });
        }
        return out;
    }

    /**
     * The same data in another shape (one dimension may be -1, inferred). Shares the data, as
     * PyTorch's view does; the node is ReshapeAliasBackward0, or UnsafeViewBackward0 where
     * PyTorch has to copy (a transposed matrix flattened).
     */
    public Tensor reshape(int... shape) {
        if (traced != null) return TraceOps.reshape(this, shape);
        int[] s = Shapes.reshape("reshape", this.shape, shape);
        boolean view = !transposedLayout || Arrays.equals(nonUnitDims(this.shape), nonUnitDims(s));
        Tensor out = view ? new Tensor(dtype, s, data, version) : result(s, f32().clone());
        out.transposedLayout = view && transposedLayout;
        if (recording(this)) {
            out.record(view ? "ReshapeAliasBackward0" : "UnsafeViewBackward0", new Tensor[] {this}, null, g -> {
                float[] gx = sink(this);  // d reshape(x) = reshape(ḡ) back: same row-major order
                for (int i = 0; i < gx.length; i++) gx[i] += g[i];
            });
        }
        return out;
    }

    private static int[] nonUnitDims(int[] shape) {
        return Arrays.stream(shape).filter(d -> d != 1).toArray();
    }
}
