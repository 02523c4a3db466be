package io.jgrad;

/**
 * What the eager engine keeps per thread: the depth of open {@code Grad.noGrad()} scopes, read
 * by every op (one ThreadLocal lookup).
 */
final class EagerThread {
    private static final ThreadLocal<EagerThread> CURRENT = ThreadLocal.withInitial(EagerThread::new);

    /** Open noGrad scopes on this thread. */
    int noGradDepth;

    static EagerThread get() {
        return CURRENT.get();
    }
}
