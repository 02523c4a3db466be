package io.jgrad.bench;

import io.jgrad.Tensor;
import io.jgrad.bench.data.RecurrenceData;
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

/**
 * jgrad on the 1,000-step tanh recurrence, eager (a 3,000-node graph per call) and compiled
 * (straight-line code that must be split below the 8,000-byte JIT limit); compare with
 * {@link TanhRecurrenceBench}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class TanhRecurrenceJgradBench {
    @Param({"1000"})
    public int steps;

    private Tensor a, b;
    private Compiled fn;
    private Workspace ws;
    private float[][] inputs, inputsNoSubnormals, grads;

    @Setup
    public void setup() {
        RecurrenceData d = new RecurrenceData(steps);
        a = Eager.param(d.a);
        b = Eager.param(d.b);
        fn = Compile.tanhRecurrence(steps);
        ws = fn.newWorkspace();
        inputs = new float[][] {{d.a}, {d.b}};
        inputsNoSubnormals = new float[][] {{0.5f}, {0.3f}};
        grads = new float[][] {new float[1], new float[1]};
    }

    @Benchmark
    public void eager(Blackhole bh) {
        Eager.zeroGrad(a, b);
        Tensor h = Models.tanhRecurrence(a, b, steps);
        h.backward();
        bh.consume(h.item());
        bh.consume(a.grad());
        bh.consume(b.grad());
    }

    @Benchmark
    public float compiled() {
        return fn.valueAndGrad(ws, inputs, grads);
    }

    /**
     * The same function at a = 0.5, b = 0.3. With the default a = 0.9, b = 0.2 the F32 adjoint
     * underflows after ~130 steps and sticks at the smallest subnormal (each step multiplies it
     * by ≈ 0.506, which rounds 1.4e-45 back up), so most of the reverse pass computes on
     * subnormals; here it rounds to zero instead. See README, Performance.
     */
    @Benchmark
    public float compiledNoSubnormals() {
        return fn.valueAndGrad(ws, inputsNoSubnormals, grads);
    }
}
