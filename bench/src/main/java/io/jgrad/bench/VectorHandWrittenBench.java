package io.jgrad.bench;

import io.jgrad.bench.data.VectorData;
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

/**
 * A hand-written function of one vector and its gradient, at n = 3 (call overhead), 1,000 and
 * 1,000,000 (throughput): the state and the benchmark written once (JMH names it after the
 * concrete subclass; the kernel call is monomorphic in each fork, so the JIT inlines it).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public abstract class VectorHandWrittenBench {
    @Param({"3", "1000", "1000000"})
    public int n;

    private float[] x;
    private float[] grad;

    /** Returns the value and writes d value / dx into grad. */
    abstract float valueAndGrad(float[] x, float[] grad);

    @Setup
    public void setup() {
        x = new VectorData(n).x;
        grad = new float[n];
    }

    @Benchmark
    public float handWritten() {
        return valueAndGrad(x, grad);
    }
}
