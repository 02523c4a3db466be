package io.jgrad;

/**
 * The tracing half of a {@link Tensor}: filled in by the tracer (which trace, which IR value).
 * Eager tensors have none ({@code traced == null}); a traced tensor holds no data.
 */
final class Traced {
}
