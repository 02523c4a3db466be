package io.jgrad.bench;

import io.jgrad.bench.data.VectorData;
import io.jgrad.bench.handwritten.MeanSquare;
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

import java.util.concurrent.TimeUnit;

/** {@code mean(x²)}, d/dx, at n = 3 (call overhead), 1,000 and 1,000,000 (throughput). */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class MeanSquareBench {
    @Param({"3", "1000", "1000000"})
    public int n;

    private float[] x;
    private float[] grad;

    @Setup
    public void setup() {
        x = new VectorData(n).x;
        grad = new float[n];
    }

    @Benchmark
    public float handWritten() {
        return MeanSquare.valueAndGrad(x, grad);
    }
}
