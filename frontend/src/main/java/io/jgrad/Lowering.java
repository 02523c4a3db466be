package io.jgrad;

import io.jgrad.ir.Composites;
import io.jgrad.ir.Emitter;

/**
 * A user op's lowering onto IR primitives (a method of {@link Composites}), written once against
 * an {@link Emitter}: the eager engine runs it over an {@code Eval}, the tracer over the graph
 * builder.
 */
final class Lowering {
    private Lowering() {}

    /** A one-operand op. */
    @FunctionalInterface
    interface One {
        int emit(Emitter e, int x);
    }

    /** A two-operand op. */
    @FunctionalInterface
    interface Two {
        int emit(Emitter e, int x, int y);
    }
}
