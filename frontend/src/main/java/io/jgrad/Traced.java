package io.jgrad;

/**
 * The tracing half of a {@link Tensor}: which trace it belongs to and which IR value it is.
 * Eager tensors have none ({@code traced == null}); a traced tensor holds no data.
 */
final class Traced {
    final Trace trace;
    /** The id of this tensor's value in {@link Trace#builder}. */
    final int value;

    Traced(Trace trace, int value) {
        this.trace = trace;
        this.value = value;
    }
}
