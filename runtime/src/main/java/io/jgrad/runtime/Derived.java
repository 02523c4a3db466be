package io.jgrad.runtime;

/**
 * The base of a class generated on first use of {@link Compiled#jvp}, {@link Compiled#hvp} or
 * {@link Compiled#jacobian} (internal: public only because generated classes live in another
 * package). A {@link Compiled} makes each kind once, through its {@link DerivedFactory}, and
 * calls it after every argument check: the methods here trust their arguments.
 *
 * <p>A generated subclass overrides the methods of its function's dtype. Their arguments are
 * those of the generated bodies ({@code (inputs, workspace, seed, output, grads)}): {@code ws}
 * is this kernel's own workspace array ({@code float[]} or {@code double[]}, see
 * {@link #workspaceDoubles}), made per {@link Workspace} on first use.
 */
public abstract class Derived {
    /** Elements of this kernel's workspace array. */
    final int workspaceSize;
    /** The workspace array holds doubles (else floats). */
    final boolean workspaceDoubles;
    /** A Jacobian kernel: rows by reverse passes (true) or columns by forward passes (false). */
    final boolean reverse;

    protected Derived(int workspaceSize, boolean workspaceDoubles, boolean reverse) {
        if (workspaceSize < 0) throw new IllegalArgumentException("workspace size " + workspaceSize);
        this.workspaceSize = workspaceSize;
        this.workspaceDoubles = workspaceDoubles;
        this.reverse = reverse;
    }

    /** One run of the body; returns the value output when it is one element (the body then writes no output array). */
    protected float run(float[][] inputs, Object ws, float[] seed, float[] output, float[][] grads) {
        throw new AssertionError("not an F32 kernel");
    }

    protected double run(double[][] inputs, Object ws, double[] seed, double[] output, double[][] grads) {
        throw new AssertionError("not an F64 kernel");
    }

    /**
     * The Jacobian: the value into {@code output}, then the passes, looping in generated code.
     * Reverse: {@code seed} is a zero array of the output's size (each pass sets one element to
     * 1 and back) and {@code grads[i]} a scratch array per requested block, copied into row r of
     * {@code jacobian[i]} after pass r. Forward: {@code inputs} holds the inputs then one zero
     * tangent array per requested block (each pass sets one element to 1 and back), and
     * {@code grads[0]} receives the output tangent, copied into the pass's column.
     */
    protected void jacobian(float[][] inputs, Object ws, float[] seed, float[] output, float[][] grads, float[][] jacobian) {
        throw new AssertionError("not an F32 Jacobian kernel");
    }

    protected void jacobian(double[][] inputs, Object ws, double[] seed, double[] output, double[][] grads, double[][] jacobian) {
        throw new AssertionError("not an F64 Jacobian kernel");
    }

    /** A new workspace array for this kernel. */
    Object newWorkspace() {
        if (workspaceSize == 0) return null;
        return workspaceDoubles ? new double[workspaceSize] : new float[workspaceSize];
    }
}
