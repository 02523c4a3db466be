package io.jgrad.runtime;

/**
 * What one derivative kernel needs besides the caller's arrays, per {@link Workspace}: its own
 * workspace array, and reusable arrays (of the function's dtype) that the calls fill with
 * references or one-hot vectors instead of allocating. Made on the kernel's first use with a
 * workspace; every call after that allocates nothing.
 */
final class Scratch {
    final Derived kernel;
    /** The kernel's workspace array (float[] or double[]), or null if it needs none. */
    final Object ws;
    /** float[][] or double[][]: the inputs then the extra inputs (tangents, directions). */
    final Object refs;
    /** float[][] or double[][]: where the kernel's extra outputs go. */
    final Object grads;
    /** float[] or double[]: a zero array as long as the largest input (a null tangent), or the Jacobian's one-hot seed. */
    final Object vector;

    Scratch(Derived kernel, Object refs, Object grads, Object vector) {
        this.kernel = kernel;
        this.ws = kernel.newWorkspace();
        this.refs = refs;
        this.grads = grads;
        this.vector = vector;
    }
}
