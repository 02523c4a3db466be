package io.jgrad.runtime;

/**
 * The base of a class generated on first use of {@link Compiled#jvp}, {@link Compiled#hvp} or
 * {@link Compiled#jacobian} (internal: public only because generated classes live in another
 * package). A {@link Compiled} makes each kind once, through its {@link DerivedFactory}, and
 * calls it after every argument check: the methods here trust their arguments.
 *
 * <p>A generated subclass overrides the methods of its function's dtype. Their arguments are
 * those of the generated bodies ({@code (inputs, workspace floats, workspace doubles, seed,
 * output, grads)}): the two workspace regions are this kernel's own, made per {@link Workspace}
 * on first use (null for a region it does not use).
 */
public abstract class Derived {
    /** Elements of this kernel's float and double workspace regions. */
    final int workspaceFloats, workspaceDoubles;
    /** A Jacobian kernel: rows by reverse passes (true) or columns by forward passes (false). */
    final boolean reverse;

    protected Derived(int workspaceFloats, int workspaceDoubles, boolean reverse) {
        if (workspaceFloats < 0 || workspaceDoubles < 0)
            throw new IllegalArgumentException("workspace size " + workspaceFloats + " floats, " + workspaceDoubles + " doubles");
        this.workspaceFloats = workspaceFloats;
        this.workspaceDoubles = workspaceDoubles;
        this.reverse = reverse;
    }

    /** One run of the body; returns the value output when it is one element (the body then writes no output array). */
    protected float run(float[][] inputs, float[] wsf, double[] wsd, float[] seed, float[] output, float[][] grads) {
        throw new AssertionError("not an F32 kernel");
    }

    protected double run(double[][] inputs, float[] wsf, double[] wsd, double[] seed, double[] output, double[][] grads) {
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
    protected void jacobian(float[][] inputs, float[] wsf, double[] wsd, float[] seed, float[] output, float[][] grads, float[][] jacobian) {
        throw new AssertionError("not an F32 Jacobian kernel");
    }

    protected void jacobian(double[][] inputs, float[] wsf, double[] wsd, double[] seed, double[] output, double[][] grads, double[][] jacobian) {
        throw new AssertionError("not an F64 Jacobian kernel");
    }
}
