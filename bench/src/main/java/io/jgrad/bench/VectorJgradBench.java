package io.jgrad.bench;

import io.jgrad.Tensor;
import io.jgrad.bench.data.VectorData;
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
 * jgrad on a function of one vector, eager and compiled (JMH names each benchmark after the
 * concrete subclass): the state, setup and both benchmarks are written once here.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public abstract class VectorJgradBench {
    @Param({"3", "1000", "1000000"})
    public int n;

    private Tensor x;
    private Compiled fn;
    private Workspace ws;
    private float[][] inputs, grads;

    /** The workload compiled for vectors of length n. */
    abstract Compiled compile(int n);

    /** The workload on an eager tensor. */
    abstract Tensor model(Tensor x);

    @Setup
    public void setup() {
        float[] data = new VectorData(n).x;
        x = Eager.param(data, n);
        fn = compile(n);
        ws = fn.newWorkspace();
        inputs = new float[][] {data};
        grads = new float[][] {new float[n]};
    }

    @Benchmark
    public void eager(Blackhole bh) {
        Eager.zeroGrad(x);
        Tensor loss = model(x);
        loss.backward();
        bh.consume(loss.item());
        bh.consume(x.grad());
    }

    @Benchmark
    public float compiled() {
        return fn.valueAndGrad(ws, inputs, grads);
    }
}
