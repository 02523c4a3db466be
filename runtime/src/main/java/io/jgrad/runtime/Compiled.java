package io.jgrad.runtime;

import java.util.Arrays;

/**
 * A compiled function: value and gradient over primitive arrays (see API.md).
 *
 * <p>Every concrete subclass is a hidden class made by the code generator. It overrides the
 * compute entry points itself (validation through {@link Checks}, then its own static
 * kernels), so a user's call site sees one class and stays monomorphic. This base class holds
 * only what does not depend on the function: the signature, the workspace factory and the
 * per-thread workspace used by the calls without an explicit {@link Workspace}, and the answers
 * to calls a function does not override: a call over the other dtype's arrays (an
 * IllegalArgumentException naming the right overload) or a scalar-only call on a tensor output.
 */
public abstract class Compiled {
    final Signature sig;
    /** Identity of this Compiled held by its Workspaces (see {@link Workspace#owner}). */
    final Object token = new Object();
    private final ThreadLocal<Workspace> local = new ThreadLocal<>();

    protected Compiled(Signature sig) {
        if (sig == null) throw new IllegalArgumentException("signature is null");
        this.sig = sig;
    }

    public final int inputCount() { return sig.names.length; }

    public final int[] inputShape(int i) { return sig.shapes[checkIndex(i)].clone(); }

    public final String inputName(int i) { return sig.names[checkIndex(i)]; }

    public final boolean inputRequiresGrad(int i) { return sig.requiresGrad[checkIndex(i)]; }

    public final int[] outputShape() { return sig.outputShape.clone(); }

    private int checkIndex(int i) {
        if (i < 0 || i >= sig.names.length)
            throw new IllegalArgumentException("input index " + i + " is out of range: this function has " + sig.names.length + " inputs");
        return i;
    }

    /** F32 or F64: every input, the output, the seed and the gradients share it. */
    public final DType dtype() { return sig.dtype; }

    // ---- compute. A generated class overrides the calls of its own dtype (and value and
    // valueAndGrad only when its output is a scalar); what it leaves to these bodies is a
    // call of the other dtype, or a scalar-only call on a tensor output.

    public void forward(float[][] inputs, float[] output) {
        throw wrongDType("forward(double[][] inputs, double[] output)");
    }

    public void forward(Workspace ws, float[][] inputs, float[] output) {
        throw wrongDType("forward(Workspace ws, double[][] inputs, double[] output)");
    }

    public void vjp(float[][] inputs, float[] seed, float[] output, float[][] grads) {
        throw wrongDType("vjp(double[][] inputs, double[] seed, double[] output, double[][] grads)");
    }

    public void vjp(Workspace ws, float[][] inputs, float[] seed, float[] output, float[][] grads) {
        throw wrongDType("vjp(Workspace ws, double[][] inputs, double[] seed, double[] output, double[][] grads)");
    }

    /** Scalar outputs only: a generated class with a scalar output overrides this. */
    public float value(float[][] inputs) {
        if (sig.dtype != DType.F32) throw wrongDType("value(double[][] inputs)");
        throw notScalarValue();
    }

    /** Scalar outputs only: a generated class with a scalar output overrides this. */
    public float valueAndGrad(float[][] inputs, float[][] grads) {
        if (sig.dtype != DType.F32) throw wrongDType("valueAndGrad(double[][] inputs, double[][] grads)");
        throw notScalar();
    }

    /** Scalar outputs only: a generated class with a scalar output overrides this. */
    public float valueAndGrad(Workspace ws, float[][] inputs, float[][] grads) {
        if (sig.dtype != DType.F32) throw wrongDType("valueAndGrad(Workspace ws, double[][] inputs, double[][] grads)");
        throw notScalar();
    }

    // ---- the same calls over double[], for F64 functions

    public void forward(double[][] inputs, double[] output) {
        throw wrongDType("forward(float[][] inputs, float[] output)");
    }

    public void forward(Workspace ws, double[][] inputs, double[] output) {
        throw wrongDType("forward(Workspace ws, float[][] inputs, float[] output)");
    }

    public void vjp(double[][] inputs, double[] seed, double[] output, double[][] grads) {
        throw wrongDType("vjp(float[][] inputs, float[] seed, float[] output, float[][] grads)");
    }

    public void vjp(Workspace ws, double[][] inputs, double[] seed, double[] output, double[][] grads) {
        throw wrongDType("vjp(Workspace ws, float[][] inputs, float[] seed, float[] output, float[][] grads)");
    }

    /** Scalar outputs only: a generated F64 class with a scalar output overrides this. */
    public double value(double[][] inputs) {
        if (sig.dtype != DType.F64) throw wrongDType("value(float[][] inputs)");
        throw notScalarValue();
    }

    /** Scalar outputs only: a generated F64 class with a scalar output overrides this. */
    public double valueAndGrad(double[][] inputs, double[][] grads) {
        if (sig.dtype != DType.F64) throw wrongDType("valueAndGrad(float[][] inputs, float[][] grads)");
        throw notScalar();
    }

    /** Scalar outputs only: a generated F64 class with a scalar output overrides this. */
    public double valueAndGrad(Workspace ws, double[][] inputs, double[][] grads) {
        if (sig.dtype != DType.F64) throw wrongDType("valueAndGrad(Workspace ws, float[][] inputs, float[][] grads)");
        throw notScalar();
    }

    // ---- version 2: forward mode, Jacobians, Hessian-vector products. Not generated with the
    // class: each kind's kernel is made on the first call (DerivedFactory), once, so compiling
    // costs nothing for derivatives nobody asks for. Every check runs before anything is made
    // or written.

    /**
     * Forward mode: {@code output} receives the value, {@code outputTangent} the directional
     * derivative J · tangents = Σ_i (d output / d input i) · tangents[i] over the differentiable
     * inputs; {@code tangents[i]} may be null (a zero tangent) and is not read for an input
     * that does not require a gradient.
     */
    public final void jvp(float[][] inputs, float[][] tangents, float[] output, float[] outputTangent) {
        requireDType(DType.F32, "jvp(double[][] inputs, double[][] tangents, double[] output, double[] outputTangent)");
        DerivedCalls.jvp(this, thread(), inputs, tangents, output, outputTangent);
    }

    public final void jvp(Workspace ws, float[][] inputs, float[][] tangents, float[] output, float[] outputTangent) {
        requireDType(DType.F32, "jvp(Workspace ws, double[][] inputs, double[][] tangents, double[] output, double[] outputTangent)");
        Checks.workspace(this, ws);
        DerivedCalls.jvp(this, ws, inputs, tangents, output, outputTangent);
    }

    /**
     * The Jacobian: {@code output} receives the value and {@code jacobian[i]} d output / d input i,
     * row-major [output size x input i size], for every differentiable input whose block is not
     * null (a null block is neither computed nor counted). Computed by reverse passes (one per
     * output element) or forward passes (one per element of the requested inputs), whichever
     * are fewer (reverse on a tie), looping inside generated code.
     */
    public final void jacobian(float[][] inputs, float[] output, float[][] jacobian) {
        requireDType(DType.F32, "jacobian(double[][] inputs, double[] output, double[][] jacobian)");
        DerivedCalls.jacobian(this, thread(), inputs, output, jacobian);
    }

    public final void jacobian(Workspace ws, float[][] inputs, float[] output, float[][] jacobian) {
        requireDType(DType.F32, "jacobian(Workspace ws, double[][] inputs, double[] output, double[][] jacobian)");
        Checks.workspace(this, ws);
        DerivedCalls.jacobian(this, ws, inputs, output, jacobian);
    }

    /**
     * Scalar functions: the Hessian-vector product, {@code hv[i]} = Σ_j (d²f / d input i d input j) · v[j]
     * over the differentiable inputs; {@code v[j]} may be null (zero), {@code hv[i]} is required
     * for every differentiable input (both are left alone for the others).
     */
    public final void hvp(float[][] inputs, float[][] v, float[][] hv) {
        requireDType(DType.F32, "hvp(double[][] inputs, double[][] v, double[][] hv)");
        DerivedCalls.hvp(this, thread(), inputs, v, hv);
    }

    public final void hvp(Workspace ws, float[][] inputs, float[][] v, float[][] hv) {
        requireDType(DType.F32, "hvp(Workspace ws, double[][] inputs, double[][] v, double[][] hv)");
        Checks.workspace(this, ws);
        DerivedCalls.hvp(this, ws, inputs, v, hv);
    }

    public final void jvp(double[][] inputs, double[][] tangents, double[] output, double[] outputTangent) {
        requireDType(DType.F64, "jvp(float[][] inputs, float[][] tangents, float[] output, float[] outputTangent)");
        DerivedCalls.jvp(this, thread(), inputs, tangents, output, outputTangent);
    }

    public final void jvp(Workspace ws, double[][] inputs, double[][] tangents, double[] output, double[] outputTangent) {
        requireDType(DType.F64, "jvp(Workspace ws, float[][] inputs, float[][] tangents, float[] output, float[] outputTangent)");
        Checks.workspace(this, ws);
        DerivedCalls.jvp(this, ws, inputs, tangents, output, outputTangent);
    }

    public final void jacobian(double[][] inputs, double[] output, double[][] jacobian) {
        requireDType(DType.F64, "jacobian(float[][] inputs, float[] output, float[][] jacobian)");
        DerivedCalls.jacobian(this, thread(), inputs, output, jacobian);
    }

    public final void jacobian(Workspace ws, double[][] inputs, double[] output, double[][] jacobian) {
        requireDType(DType.F64, "jacobian(Workspace ws, float[][] inputs, float[] output, float[][] jacobian)");
        Checks.workspace(this, ws);
        DerivedCalls.jacobian(this, ws, inputs, output, jacobian);
    }

    public final void hvp(double[][] inputs, double[][] v, double[][] hv) {
        requireDType(DType.F64, "hvp(float[][] inputs, float[][] v, float[][] hv)");
        DerivedCalls.hvp(this, thread(), inputs, v, hv);
    }

    public final void hvp(Workspace ws, double[][] inputs, double[][] v, double[][] hv) {
        requireDType(DType.F64, "hvp(Workspace ws, float[][] inputs, float[][] v, float[][] hv)");
        Checks.workspace(this, ws);
        DerivedCalls.hvp(this, ws, inputs, v, hv);
    }

    private void requireDType(DType d, String otherOverload) {
        if (sig.dtype != d) throw wrongDType(otherOverload);
    }

    // ---- the lazily made kernels: double-checked under one lock, published through volatile fields

    /** A Jacobian kernel and the blocks it computes (by input index). */
    record JacobianKernel(boolean[] blocks, Derived kernel) {}

    private final Object kernelLock = new Object();
    private volatile Derived jvpKernel, hvpKernel;
    /** Copy-on-write: one entry per set of requested blocks seen so far (usually one). */
    private volatile JacobianKernel[] jacobianKernels = new JacobianKernel[0];

    Derived jvpKernel() {
        Derived d = jvpKernel;
        if (d != null) return d;
        synchronized (kernelLock) {
            if (jvpKernel == null) jvpKernel = factory().jvp();
            return jvpKernel;
        }
    }

    /** The jvp kernel if it is made, else null (DerivedCalls runs the generic checks before making it). */
    Derived madeJvpKernel() {
        return jvpKernel;
    }

    Derived madeHvpKernel() {
        return hvpKernel;
    }

    Derived hvpKernel() {
        Derived d = hvpKernel;
        if (d != null) return d;
        synchronized (kernelLock) {
            if (hvpKernel == null) hvpKernel = factory().hvp();
            return hvpKernel;
        }
    }

    /** The kernel for the non-null blocks of {@code jacobian} (differentiable inputs only); allocates nothing once made. */
    JacobianKernel jacobianKernel(Object[] jacobian) {
        JacobianKernel k = findJacobian(jacobianKernels, jacobian);
        if (k != null) return k;
        synchronized (kernelLock) {
            JacobianKernel[] known = jacobianKernels;
            k = findJacobian(known, jacobian);
            if (k != null) return k;
            boolean[] blocks = new boolean[jacobian.length];
            for (int i = 0; i < blocks.length; i++) blocks[i] = sig.requiresGrad[i] && jacobian[i] != null;
            k = new JacobianKernel(blocks, factory().jacobian(blocks.clone()));
            JacobianKernel[] grown = Arrays.copyOf(known, known.length + 1);
            grown[known.length] = k;
            jacobianKernels = grown;
            return k;
        }
    }

    /**
     * The kernel of the last Jacobian call, tried first (DerivedCalls.jacobian). A plain field:
     * a racing thread at worst misses the shortcut; the record and the kernel's fields are
     * final, so a thread that sees it sees them.
     */
    JacobianKernel lastJacobian;

    private JacobianKernel findJacobian(JacobianKernel[] known, Object[] jacobian) {
        search:
        for (JacobianKernel k : known) {
            for (int i = 0; i < jacobian.length; i++)
                if (k.blocks[i] != (sig.requiresGrad[i] && jacobian[i] != null)) continue search;
            return k;
        }
        return null;
    }

    private DerivedFactory factory() {
        if (sig.derived == null)
            throw new UnsupportedOperationException("this compiled function was made without derivative kernels (no DerivedFactory in its Signature)");
        return sig.derived;
    }

    /** A call over the other dtype's arrays: names the overload that fits this function. */
    private IllegalArgumentException wrongDType(String overload) {
        String arrays = sig.dtype == DType.F64 ? "double[]" : "float[]";
        return new IllegalArgumentException("this function is " + sig.dtype + " (its inputs, output and gradients are "
                + arrays + "): call " + overload);
    }

    private IllegalStateException notScalarValue() {
        return new IllegalStateException("value() needs a scalar output; this function's output has shape "
                + Arrays.toString(sig.outputShape) + ": use forward(inputs, output)");
    }

    private IllegalStateException notScalar() {
        return new IllegalStateException("valueAndGrad needs a scalar output; this function's output has shape "
                + Arrays.toString(sig.outputShape) + ": use vjp(inputs, seed, output, grads) with a seed of that shape");
    }

    /** A workspace for this function's explicit-workspace calls; use it from one thread at a time. */
    public final Workspace newWorkspace() { return new Workspace(token, sig.workspaceFloats, sig.workspaceDoubles); }

    /**
     * The calling thread's workspace array, made on the thread's first call: for the entry
     * points without a Workspace argument. Allocates nothing after the first call.
     */
    protected final float[] threadWorkspace() {
        return thread().f32;
    }

    /** The calling thread's workspace array of doubles (see {@link #threadWorkspace()}). */
    protected final double[] threadWorkspaceDoubles() {
        return thread().f64;
    }

    Workspace thread() {
        Workspace w = local.get();
        if (w == null) {
            w = newWorkspace();
            local.set(w);
        }
        return w;
    }

    /**
     * The array of a workspace that {@code Checks.workspace} accepted: for generated
     * subclasses only, so that users cannot reach (or pass around) a workspace's insides.
     */
    protected static float[] workspaceArray(Workspace ws) {
        return ws.f32;
    }

    /** The double array of a workspace that {@code Checks.workspace} accepted (see {@link #workspaceArray}). */
    protected static double[] workspaceDoubles(Workspace ws) {
        return ws.f64;
    }

    public final String ir() { return sig.ir(); }

    public final byte[] bytecode() { return sig.bytecode.clone(); }

    public final String dot() { return sig.dot(); }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Compiled(");
        for (int i = 0; i < sig.names.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(sig.names[i]).append(Arrays.toString(sig.shapes[i]));
            if (!sig.requiresGrad[i]) sb.append(" nograd");
        }
        sb.append(") -> ").append(Arrays.toString(sig.outputShape));
        return sig.dtype == DType.F32 ? sb.toString() : sb.append(' ').append(sig.dtype).toString();
    }
}
