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

    /**
     * A Jacobian kernel whose m reverse passes are one body (codegen's fused rows): m, and
     * {@code grads} then holds one scratch array per row and requested block, row-major
     * (grads[r · blocks + b]), which the kernel copies into the blocks; when there is one row or every
     * requested block's input has one element the body writes the blocks itself and {@code grads} is
     * null. 0 for a looped kernel.
     */
    protected int fusedRows() {
        return 0;
    }

    /**
     * True exactly when {@link Checks#jacobian} accepts these arguments and the non-null blocks
     * of the differentiable inputs are this kernel's: the checks unrolled with the signature's
     * counts and lengths as constants (codegen's DerivedChecks). False sends the call to
     * {@link Checks}, which names what is wrong, or finds the kernel of another set of blocks.
     * {@code checked} is this kernel's memo in the workspace (n + 1 entries, see Scratch): when
     * the blocks are those it holds, they are known to be distinct arrays; a call with other
     * blocks is checked in full and recorded there.
     */
    protected boolean acceptsJacobian(float[][] inputs, float[] output, float[][] jacobian, Object[] checked) {
        return false;
    }

    protected boolean acceptsJacobian(double[][] inputs, double[] output, double[][] jacobian, Object[] checked) {
        return false;
    }

    /**
     * True exactly when {@link Checks#jvp} accepts these arguments: its checks unrolled with the
     * signature's counts and lengths as constants (codegen's DerivedChecks). False (also for a
     * signature too big to unroll) sends the call to {@link Checks}, which names what is wrong.
     */
    protected boolean acceptsJvp(float[][] inputs, float[][] tangents, float[] output, float[] outputTangent) {
        return false;
    }

    protected boolean acceptsJvp(double[][] inputs, double[][] tangents, double[] output, double[] outputTangent) {
        return false;
    }

    /** The same for {@link Checks#hvp} (an hvp kernel exists only for a scalar function). */
    protected boolean acceptsHvp(float[][] inputs, float[][] v, float[][] hv) {
        return false;
    }

    protected boolean acceptsHvp(double[][] inputs, double[][] v, double[][] hv) {
        return false;
    }
}
