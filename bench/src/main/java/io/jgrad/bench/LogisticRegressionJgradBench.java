package io.jgrad.bench;

import io.jgrad.Tensor;
import io.jgrad.bench.data.LogisticRegressionData;
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

/** jgrad on logistic regression, eager and compiled (F32 and F64); compare with {@link LogisticRegressionBench}. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class LogisticRegressionJgradBench {
    @Param({"256x32", "4096x64"})
    public String shape;

    private Tensor w, b, X, y;
    private Compiled fn;
    private Workspace ws;
    private float[][] inputs, grads;
    private Compiled fn64;
    private Workspace ws64;
    private double[][] inputs64, grads64;

    @Setup
    public void setup() {
        LogisticRegressionData d = LogisticRegressionData.of(shape);
        w = Eager.param(d.w, d.features);
        b = Eager.param(d.b);
        X = Tensor.of(d.X, d.batch, d.features);
        y = Tensor.of(d.y, d.batch);
        fn = Compile.logisticRegression(d.batch, d.features);
        ws = fn.newWorkspace();
        inputs = new float[][] {d.w, {d.b}, d.X, d.y};
        grads = new float[][] {new float[d.features], new float[1], null, null};
        fn64 = CompileF64.logisticRegression(d.batch, d.features);
        ws64 = fn64.newWorkspace();
        inputs64 = new double[][] {Seeded.doubles(d.w), {d.b}, Seeded.doubles(d.X), Seeded.doubles(d.y)};
        grads64 = new double[][] {new double[d.features], new double[1], null, null};
    }

    @Benchmark
    public void eager(Blackhole bh) {
        Eager.zeroGrad(w, b);
        Tensor loss = Models.logisticRegression(w, b, X, y);
        loss.backward();
        bh.consume(loss.item());
        bh.consume(w.grad());
        bh.consume(b.grad());
    }

    @Benchmark
    public float compiled() {
        return fn.valueAndGrad(ws, inputs, grads);
    }

    /** F64, compiled through the codegen API ({@link CompileF64}); compare with {@code LogisticRegressionBench.handWrittenF64}. */
    @Benchmark
    public double compiledF64() {
        return fn64.valueAndGrad(ws64, inputs64, grads64);
    }
}
