package io.jgrad.bench;

import io.jgrad.Tensor;
import io.jgrad.bench.data.MlpData;
import io.jgrad.bench.data.Seeded;
import io.jgrad.bench.models.Compile;
import io.jgrad.bench.models.CompileF64;
import io.jgrad.bench.models.Models;
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
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/** jgrad on the two-layer MLP, eager and compiled (F32 and F64); compare with {@link MlpBench}. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class MlpJgradBench {
    @Param({"64x784x128x10"})
    public String shape;

    private Tensor W1, b1, W2, b2, X, T;
    private Compiled fn;
    private Workspace ws;
    private float[][] inputs, grads;
    private Compiled fn64;
    private Workspace ws64;
    private double[][] inputs64, grads64;

    @Setup
    public void setup() {
        MlpData d = MlpData.of(shape);
        W1 = Eager.param(d.W1, d.in, d.hidden);
        b1 = Eager.param(d.b1, d.hidden);
        W2 = Eager.param(d.W2, d.hidden, d.out);
        b2 = Eager.param(d.b2, d.out);
        X = Tensor.of(d.X, d.batch, d.in);
        T = Tensor.of(d.T, d.batch, d.out);
        fn = Compile.mlp(d);
        ws = fn.newWorkspace();
        inputs = new float[][] {d.W1, d.b1, d.W2, d.b2, d.X, d.T};
        grads = new float[][] {new float[d.W1.length], new float[d.hidden], new float[d.W2.length], new float[d.out], null, null};
        fn64 = CompileF64.mlp(d);
        ws64 = fn64.newWorkspace();
        inputs64 = new double[][] {Seeded.doubles(d.W1), Seeded.doubles(d.b1), Seeded.doubles(d.W2), Seeded.doubles(d.b2),
                Seeded.doubles(d.X), Seeded.doubles(d.T)};
        grads64 = new double[][] {new double[d.W1.length], new double[d.hidden], new double[d.W2.length], new double[d.out], null, null};
    }

    @Benchmark
    public void eager(Blackhole bh) {
        Eager.zeroGrad(W1, b1, W2, b2);
        Tensor loss = Models.mlp(W1, b1, W2, b2, X, T);
        loss.backward();
        bh.consume(loss.item());
        bh.consume(W1.grad());
        bh.consume(b1.grad());
        bh.consume(W2.grad());
        bh.consume(b2.grad());
    }

    @Benchmark
    public float compiled() {
        return fn.valueAndGrad(ws, inputs, grads);
    }

    /** F64, compiled through the codegen API ({@link CompileF64}); compare with {@code MlpBench.handWrittenF64}. */
    @Benchmark
    public double compiledF64() {
        return fn64.valueAndGrad(ws64, inputs64, grads64);
    }
}
