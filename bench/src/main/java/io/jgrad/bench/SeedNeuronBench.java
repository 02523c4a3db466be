package io.jgrad.bench;

import io.jgrad.bench.data.SeedNeuronData;
import io.jgrad.bench.handwritten.SeedNeuron;
import io.jgrad.bench.handwritten.SeedNeuron64;
import io.jgrad.bench.peers.FinmathAad;
import io.jgrad.bench.peers.HipparchusForward;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/** The seed neuron: {@code bce(sigmoid(w·x + b), y)}, d/d(w, b). Hand-written (float and double) and the JVM peers. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class SeedNeuronBench {
    // Inputs are read from mutable fields on every call, so the JIT cannot fold them into constants.
    private final SeedNeuronData data = new SeedNeuronData();
    private final float[] grad = new float[2];
    private final double[] gradDouble = new double[2];
    // The same inputs as doubles, in mutable fields too.
    private double w64 = data.w, b64 = data.b, x64 = data.x, y64 = data.y;
    private final double[] grad64 = new double[2];

    @Benchmark
    public float handWritten() {
        return SeedNeuron.valueAndGrad(data.w, data.b, data.x, data.y, grad);
    }

    @Benchmark
    public double handWrittenF64() {
        return SeedNeuron64.valueAndGrad(w64, b64, x64, y64, grad64);
    }

    @Benchmark
    public double finmath() {
        return FinmathAad.seedNeuron(data.w, data.b, data.x, data.y, gradDouble);
    }

    @Benchmark
    public double hipparchus() {
        return HipparchusForward.seedNeuron(data.w, data.b, data.x, data.y, gradDouble);
    }
}
