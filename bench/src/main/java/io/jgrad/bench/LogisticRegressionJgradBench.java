package io.jgrad.bench;

import io.jgrad.Tensor;
import io.jgrad.bench.data.LogisticRegressionData;
import io.jgrad.bench.models.Compile;
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

/** jgrad on logistic regression, eager and compiled; compare with {@link LogisticRegressionBench}. */
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
}
