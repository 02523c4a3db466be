package io.jgrad.runtime;

import java.util.Arrays;

/**
 * A compiled function: value and gradient over primitive arrays (see API.md).
 *
 * <p>Every concrete subclass is a hidden class made by the code generator. It overrides the
 * compute entry points itself (validation through {@link Checks}, then its own static
 * kernels), so a user's call site sees one class and stays monomorphic. This base class holds
 * only what does not depend on the function: the signature, the workspace factory and the
 * per-thread workspace used by the calls without an explicit {@link Workspace}.
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

    // ---- compute: overridden by every generated class
    public abstract void forward(float[][] inputs, float[] output);
    public abstract void forward(Workspace ws, float[][] inputs, float[] output);
    public abstract void vjp(float[][] inputs, float[] seed, float[] output, float[][] grads);
    public abstract void vjp(Workspace ws, float[][] inputs, float[] seed, float[] output, float[][] grads);

    /** Scalar outputs only: a generated class with a scalar output overrides this. */
    public float value(float[][] inputs) {
        throw new IllegalStateException("value() needs a scalar output; this function's output has shape "
                + Arrays.toString(sig.outputShape) + ": use forward(inputs, output)");
    }

    /** Scalar outputs only: a generated class with a scalar output overrides this. */
    public float valueAndGrad(float[][] inputs, float[][] grads) {
        throw notScalar();
    }

    /** Scalar outputs only: a generated class with a scalar output overrides this. */
    public float valueAndGrad(Workspace ws, float[][] inputs, float[][] grads) {
        throw notScalar();
    }

    private IllegalStateException notScalar() {
        return new IllegalStateException("valueAndGrad needs a scalar output; this function's output has shape "
                + Arrays.toString(sig.outputShape) + ": use vjp(inputs, seed, output, grads) with a seed of that shape");
    }

    /** A workspace for this function's explicit-workspace calls; use it from one thread at a time. */
    public final Workspace newWorkspace() { return new Workspace(token, sig.workspaceFloats); }

    /**
     * The calling thread's workspace array, made on the thread's first call: for the entry
     * points without a Workspace argument. Allocates nothing after the first call.
     */
    protected final float[] threadWorkspace() {
        Workspace w = local.get();
        if (w == null) {
            w = newWorkspace();
            local.set(w);
        }
        return w.f32;
    }

    /**
     * The array of a workspace that {@code Checks.workspace} accepted: for generated
     * subclasses only, so that users cannot reach (or pass around) a workspace's insides.
     */
    protected static float[] workspaceArray(Workspace ws) {
        return ws.f32;
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
        return sb.append(") -> ").append(Arrays.toString(sig.outputShape)).toString();
    }
}
