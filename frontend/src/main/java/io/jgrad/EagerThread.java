package io.jgrad;

import io.jgrad.ir.Eval;

/**
 * What the eager engine keeps per thread, behind one ThreadLocal lookup per op: the depth of
 * open {@code Grad.noGrad()} scopes, and a few empty {@link Eval}s to reuse. An op's Eval is its
 * tape while its grad_fn can still run backward; once backward has freed the node (or when the
 * op recorded nothing) the Eval is emptied and kept for the next op, so a training loop stops
 * allocating tapes.
 */
final class EagerThread {
    private static final ThreadLocal<EagerThread> CURRENT = ThreadLocal.withInitial(EagerThread::new);
    private static final int POOL = 32;

    /** Open noGrad scopes on this thread. */
    int noGradDepth;
    private final Eval[] pool = new Eval[POOL];
    private int pooled;

    static EagerThread get() {
        return CURRENT.get();
    }

    /** An empty Eval. */
    Eval eval() {
        if (pooled == 0) return new Eval();
        Eval e = pool[--pooled];
        pool[pooled] = null;
        return e;
    }

    /** Takes back an Eval nothing refers to any more (its values stay valid where they are held). */
    void recycle(Eval e) {
        if (pooled == POOL) return;
        e.reset();
        pool[pooled++] = e;
    }
}
