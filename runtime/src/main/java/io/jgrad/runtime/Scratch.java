package io.jgrad.runtime;

/**
 * What one derivative kernel needs besides the caller's arrays, per {@link Workspace}: its own
 * workspace array, and reusable arrays (of the function's dtype) that the calls fill with
 * references or one-hot vectors instead of allocating. Made on the kernel's first use with a
 * workspace; every call after that allocates nothing.
 */
final class Scratch {
    final Derived kernel;
    /** The kernel's workspace regions (null for one it does not use). */
    final float[] wsf;
    final double[] wsd;
    /** float[][] or double[][]: the inputs then the extra inputs (tangents, directions). */
    final Object refs;
    /** float[][] or double[][]: where the kernel's extra outputs go. */
    final Object grads;
    /** float[] or double[]: a zero array as long as the largest input (a null tangent), or the Jacobian's one-hot seed. */
    final Object vector;

    /**
     * A Jacobian kernel's memo for its unrolled checks (Derived.acceptsJacobian): the blocks
     * (by input index) and, at the end, the output of the last call they checked in full. It
     * holds those arrays (references only) until the next call, so that a call with the same
     * blocks skips the O(blocks²) "not an earlier block" compares. Null for other kernels. It
     * starts filled with {@link #UNCHECKED}: all nulls would match a call whose blocks are all
     * null, which would then run this kernel without its blocks.
     */
    final Object[] checked;

    /** An entry of {@link #checked} before any call was checked in full: equal to no argument. */
    static final Object UNCHECKED = new Object();

    Scratch(Derived kernel, Object refs, Object grads, Object vector) {
        this(kernel, refs, grads, vector, null);
    }

    Scratch(Derived kernel, Object refs, Object grads, Object vector, Object[] checked) {
        this.kernel = kernel;
        this.checked = checked;
        this.wsf = kernel.workspaceFloats == 0 ? null : new float[kernel.workspaceFloats];
        this.wsd = kernel.workspaceDoubles == 0 ? null : new double[kernel.workspaceDoubles];
        this.refs = refs;
        this.grads = grads;
        this.vector = vector;
    }
}
