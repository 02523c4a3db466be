package io.jgrad.bench;

import io.jgrad.bench.data.RecurrenceData;
import io.jgrad.bench.handwritten.TanhRecurrence;
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

/** The scalar recurrence {@code h ← tanh(a·h + b)}, 1,000 steps from h = 0; loss = h; d/d(a, b). */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class TanhRecurrenceBench {
    @Param({"1000"})
    public int steps;

    private RecurrenceData data;
    private final float[] grad = new float[2];

    @Setup
    public void setup() {
        data = new RecurrenceData(steps);
    }

    @Benchmark
    public float handWritten() {
        return TanhRecurrence.valueAndGrad(data.a, data.b, data.steps, grad);
    }

    /** The hand-written version at a = 0.5, b = 0.3: the counterpart of {@code TanhRecurrenceJgradBench.compiledNoSubnormals}. */
    @Benchmark
    public float handWrittenNoSubnormals() {
        return TanhRecurrence.valueAndGrad(0.5f, 0.3f, data.steps, grad);
    }
}
