package io.jgrad.bench.models;

import io.jgrad.Arg;
import io.jgrad.Grad;
import io.jgrad.Tensor;
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

    public static Compiled lstm(io.jgrad.bench.data.LstmData d) {
        return Grad.compile(in -> Models.lstm(in[0], in[1], in[2], in[3]), JgradArgs.lstm(d.batch, d.steps, d.in, d.hidden));
    }

    public static Compiled tanhRecurrence(int steps) {
        var args = JgradArgs.tanhRecurrence();
        return Grad.compile((a, b) -> Models.tanhRecurrence(a, b, steps), args[0], args[1]);
    }

    /**
     * A Gaussian-mixture-style objective (issue 8, part 2): a 0/1 scatter matrix S [256, 4096]
     * maps the 256 parameters of each of 8 components into a 64x64 factor L, and the objective
     * is mean((x Lᵀ)²) + 1e-3 |θ|² over data x [32, 64]. {@code s} is S's data, captured by
     * the traced function as a constant.
     */
    public static Compiled scatterCaptured(float[] s) {
        return scatterCaptured(Tensor.of(s, SCATTER_ROWS, SCATTER_COLS));
    }

    /** The same capturing an existing tensor S [256, 4096] (so only the compile is timed, not making S). */
    public static Compiled scatterCaptured(Tensor S) {
        return Grad.compile((Tensor theta, Tensor x) -> scatterObjective(theta, x, S), Arg.of(8, SCATTER_ROWS), Arg.of(32, 64).noGrad());
    }

    /** The same objective with S passed as an input instead. */
    public static Compiled scatterInput() {
        return Grad.compile(Compile::scatterObjective, Arg.of(8, SCATTER_ROWS), Arg.of(32, 64).noGrad(), Arg.of(SCATTER_ROWS, SCATTER_COLS).noGrad());
    }

    public static final int SCATTER_ROWS = 256, SCATTER_COLS = 4096;

    private static Tensor scatterObjective(Tensor theta, Tensor x, Tensor s) {
        Tensor l = theta.matmul(s).reshape(8 * 64, 64);
        return x.matmul(l.t()).square().mean().add(theta.square().sum().mul(1e-3f));
    }
}
