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

    /**
     * A one-operand op with up to two constants, given as arguments rather than captured, so
     * that a lambda of this type captures nothing and its class (with the constants) says what
     * it computes: the eager engine replays such an op's recorded primitives ({@code Eval.replay}).
     */
    @FunctionalInterface
    interface OneC {
        int emit(Emitter e, int x, double c0, double c1);
    }

    /** A two-operand op. */
    @FunctionalInterface
    interface Two {
        int emit(Emitter e, int x, int y);
    }

    /** An op of any number of operands (cat, stack, where). */
    @FunctionalInterface
    interface Many {
        int emit(Emitter e, int[] xs);
    }

    /** A creation op: no operand (eye, arange). */
    @FunctionalInterface
    interface None {
        int emit(Emitter e);
    }
}
