package io.jgrad.bench.models;

import io.jgrad.Grad;
import io.jgrad.bench.data.MlpData;
import io.jgrad.runtime.Compiled;

/** {@code Grad.compile} of each workload, shared by the benchmarks and the tests. */
public final class Compile {
    private Compile() {}

    public static Compiled seedNeuron() {
        var args = JgradArgs.seedNeuron();
        return Grad.compile(Models::seedNeuron, args[0], args[1], args[2], args[3]);
    }

    public static Compiled sumSinSquare(int n) {
        return Grad.compile(Models::sumSinSquare, JgradArgs.vector(n));
    }

    public static Compiled meanSquare(int n) {
        return Grad.compile(Models::meanSquare, JgradArgs.vector(n));
    }

    public static Compiled logisticRegression(int batch, int features) {
        var args = JgradArgs.logisticRegression(batch, features);
        return Grad.compile(Models::logisticRegression, args[0], args[1], args[2], args[3]);
    }

    public static Compiled mlp(MlpData d) {
        return Grad.compile(in -> Models.mlp(in[0], in[1], in[2], in[3], in[4], in[5]),
                JgradArgs.mlp(d.batch, d.in, d.hidden, d.out));
    }

    public static Compiled tanhRecurrence(int steps) {
        var args = JgradArgs.tanhRecurrence();
        return Grad.compile((a, b) -> Models.tanhRecurrence(a, b, steps), args[0], args[1]);
    }
}
