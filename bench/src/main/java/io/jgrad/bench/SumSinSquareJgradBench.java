package io.jgrad.bench;

import io.jgrad.Tensor;
import io.jgrad.bench.data.VectorData;
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

/** jgrad on {@code sum(sin(x²))}, eager and compiled; compare with {@link SumSinSquareBench}. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class SumSinSquareJgradBench {
    @Param({"3", "1000", "1000000"})
    public int n;

    private Tensor x;
    private Compiled fn;
    private Workspace ws;
    private float[][] inputs, grads;

    @Setup
    public void setup() {
        float[] data = new VectorData(n).x;
        x = Eager.param(data, n);
        fn = Compile.sumSinSquare(n);
        ws = fn.newWorkspace();
        inputs = new float[][] {data};
        grads = new float[][] {new float[n]};
    }

    @Benchmark
    public void eager(Blackhole bh) {
        Eager.zeroGrad(x);
        Tensor loss = Models.sumSinSquare(x);
        loss.backward();
        bh.consume(loss.item());
        bh.consume(x.grad());
    }

    @Benchmark
    public float compiled() {
        return fn.valueAndGrad(ws, inputs, grads);
    }
}
