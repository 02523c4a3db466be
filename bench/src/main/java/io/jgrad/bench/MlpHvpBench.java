package io.jgrad.bench;

import io.jgrad.bench.data.MlpData;
import io.jgrad.bench.models.Compile;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.Workspace;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The Hessian-vector product of the MLP loss (MlpJgradBench's model, F32) beside its gradient,
 * both compiled and called with a Workspace: the cheap-gradient bound says an HVP costs a small
 * constant times the gradient (goal: at most 4×). {@code hvpMode} selects how the HVP kernel is
 * derived (reverse over reverse, or forward over reverse: {@code -Djgrad.hvp}); it is set before
 * anything compiles in the fork.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class MlpHvpBench {
    @Param({"64x784x128x10"})
    public String shape;

    @Param({"reverse", "forward"})
    public String hvpMode;

    private Compiled fn;
    private Workspace ws;
    private float[][] inputs, grads, v, hv;

    @Setup
    public void setup() {
        System.setProperty("jgrad.hvp", hvpMode);
        MlpData d = MlpData.of(shape);
        fn = Compile.mlp(d);
        ws = fn.newWorkspace();
        inputs = new float[][] {d.W1, d.b1, d.W2, d.b2, d.X, d.T};
        grads = new float[][] {new float[d.W1.length], new float[d.hidden], new float[d.W2.length], new float[d.out], null, null};
        hv = new float[][] {new float[d.W1.length], new float[d.hidden], new float[d.W2.length], new float[d.out], null, null};
        SplittableRandom r = new SplittableRandom(11);
        v = new float[6][];
        for (int i = 0; i < 4; i++) {
            v[i] = new float[inputs[i].length];
            for (int k = 0; k < v[i].length; k++) v[i][k] = (float) (r.nextDouble() * 2 - 1);
        }
        fn.hvp(ws, inputs, v, hv);
    }

    @Benchmark
    public float gradient() {
        return fn.valueAndGrad(ws, inputs, grads);
    }

    @Benchmark
    public float hvp() {
        fn.hvp(ws, inputs, v, hv);
        return hv[0][0];
    }
}
