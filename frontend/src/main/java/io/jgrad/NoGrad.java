package io.jgrad;

/**
 * A scope in which eager operations record no history: {@code try (var g = Grad.noGrad()) {...}}.
 * Per thread; scopes nest. Closing restores the state that was in force when it was opened.
 */
public final class NoGrad implements AutoCloseable {
    private final Thread owner = Thread.currentThread();
    private boolean closed;

    NoGrad() {
        EagerThread.get().noGradDepth++;
        EagerThread.OPEN.incrementAndGet();
    }

    /** True while any {@code noGrad} scope is open on this thread. */
    static boolean active() {
        return EagerThread.get().noGradDepth > 0;
    }

    /** How many scopes are open on this thread (the tracer compares it with its start). */
    static int depth() {
        return EagerThread.get().noGradDepth;
    }

    @Override
    public void close() {
        if (closed) return;
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a Grad.noGrad() scope must be closed by the thread that opened it");
        }
        closed = true;
        EagerThread.get().noGradDepth--;
        EagerThread.OPEN.decrementAndGet();
    }
}
