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

    private Workspace thread() {
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
