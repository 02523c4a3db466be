package io.jgrad.bench.models;

import io.jgrad.Arg;

/** The {@link Arg} declarations of each workload for {@code Grad.compile}, in {@link Models}' parameter order. */
public final class JgradArgs {
    private JgradArgs() {}

    public static Arg[] seedNeuron() {
        return new Arg[] {
            Arg.scalar().named("w"), Arg.scalar().named("b"),
            Arg.scalar().noGrad().named("x"), Arg.scalar().noGrad().named("y"),
        };
    }

    public static Arg vector(int n) {
        return Arg.of(n).named("x");
    }

    public static Arg[] logisticRegression(int batch, int features) {
        return new Arg[] {
            Arg.of(features).named("w"), Arg.scalar().named("b"),
            Arg.of(batch, features).noGrad().named("X"), Arg.of(batch).noGrad().named("y"),
        };
    }

    public static Arg[] mlp(int batch, int in, int hidden, int out) {
        return new Arg[] {
            Arg.of(in, hidden).named("W1"), Arg.of(hidden).named("b1"),
            Arg.of(hidden, out).named("W2"), Arg.of(out).named("b2"),
            Arg.of(batch, in).noGrad().named("X"), Arg.of(batch, out).noGrad().named("T"),
        };
    }

    public static Arg[] lstm(int batch, int steps, int in, int hidden) {
        return new Arg[] {
            Arg.of(in + hidden, 4 * hidden).named("W"), Arg.of(4 * hidden).named("b"),
            Arg.of(steps, batch, in).noGrad().named("X"), Arg.of(batch, hidden).noGrad().named("Y"),
        };
    }

    public static Arg[] tanhRecurrence() {
        return new Arg[] {Arg.scalar().named("a"), Arg.scalar().named("b")};
    }
}
