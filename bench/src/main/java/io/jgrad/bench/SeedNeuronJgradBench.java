package io.jgrad.bench;

import io.jgrad.Tensor;
import io.jgrad.bench.data.SeedNeuronData;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/** jgrad on the seed neuron, eager and compiled (F32 and F64); compare with {@link SeedNeuronBench}. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class SeedNeuronJgradBench {
    private Tensor w, b, x, y;
    private Compiled fn;
    private Workspace ws;
    private float[][] inputs, grads;
    private Compiled fn64;
    private Workspace ws64;
    private double[][] inputs64, grads64;

    @Setup
    public void setup() {
        SeedNeuronData d = new SeedNeuronData();
        w = Eager.param(d.w);
        b = Eager.param(d.b);
        x = Tensor.scalar(d.x);
        y = Tensor.scalar(d.y);
        fn = Compile.seedNeuron();
        ws = fn.newWorkspace();
        inputs = new float[][] {{d.w}, {d.b}, {d.x}, {d.y}};
        grads = new float[][] {new float[1], new float[1], null, null};
        fn64 = CompileF64.seedNeuron();
        ws64 = fn64.newWorkspace();
        inputs64 = new double[][] {{d.w}, {d.b}, {d.x}, {d.y}};
        grads64 = new double[][] {new double[1], new double[1], null, null};
    }

    @Benchmark
    public void eager(Blackhole bh) {
        Eager.zeroGrad(w, b);
        Tensor loss = Models.seedNeuron(w, b, x, y);
        loss.backward();
        bh.consume(loss.item());
        bh.consume(w.grad());
        bh.consume(b.grad());
    }

    /** The zero-allocation entry point with an explicit workspace, like the hand-written code's own scratch. */
    @Benchmark
    public float compiled() {
        return fn.valueAndGrad(ws, inputs, grads);
    }

    /** F64, compiled through the codegen API ({@link CompileF64}); compare with {@code SeedNeuronBench.handWrittenF64}. */
    @Benchmark
    public double compiledF64() {
        return fn64.valueAndGrad(ws64, inputs64, grads64);
    }
}
