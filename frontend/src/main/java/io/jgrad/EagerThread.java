package io.jgrad;

/**
 * What the eager engine keeps per thread: the depth of open {@code Grad.noGrad()} scopes, read
 * by every op that records ({@link #recording}: one ThreadLocal lookup, and none while no
 * thread has a scope open).
 */
final class EagerThread {
    private static final ThreadLocal<EagerThread> CURRENT = ThreadLocal.withInitial(EagerThread::new);
    /** Open noGrad scopes on all threads together (NoGrad keeps it beside noGradDepth). */
    static final java.util.concurrent.atomic.AtomicInteger OPEN = new java.util.concurrent.atomic.AtomicInteger();

    /** Whether an op on this thread records history now: no noGrad scope is open on it. */
    static boolean recording() {
        return OPEN.get() == 0 || CURRENT.get().noGradDepth == 0;
    }

    /** Open noGrad scopes on this thread. */
    int noGradDepth;

    static EagerThread get() {
        return CURRENT.get();
    }
}
