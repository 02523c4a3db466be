package io.jgrad.bench;

import io.jgrad.Tensor;
import io.jgrad.bench.data.LstmData;
import io.jgrad.bench.handwritten.Lstm;
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
 * Issue 10's LSTM workload (one layer, hidden 128, batch 32, 16 time steps, input 64, the four
 * gates sliced from one matmul per step; loss and gradients wrt W and b): jgrad eager, jgrad
 * compiled, and the hand-written forward and backward ({@link Lstm}), side by side.
 *
 * <p>A longer warm-up than the other workloads: one call takes ~10⁵ µs and each generated chunk
 * method runs once per call, so HotSpot reaches C2 for all of them only after a few hundred
 * calls (until then: C1 code and on-stack replacement of single loops). The hand-written code's
 * hot loops are small methods called ~10⁵ times per call, compiled at once.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 15, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class LstmBench {
    /** batch x steps x in x hidden */
    @Param({"32x16x64x128"})
    public String shape;

    private Tensor W, b, X, Y;
    private Compiled fn;
    private Workspace ws;
    private float[][] inputs, grads;
    private Lstm hand;
    private float[] gW, gb;
    private LstmData d;

    @Setup
    public void setup() {
        d = LstmData.of(shape);
        W = Eager.param(d.W, d.in + d.hidden, 4 * d.hidden);
        b = Eager.param(d.b, 4 * d.hidden);
        X = Tensor.of(d.X, d.steps, d.batch, d.in);
        Y = Tensor.of(d.Y, d.batch, d.hidden);
        fn = Compile.lstm(d);
        ws = fn.newWorkspace();
        inputs = new float[][] {d.W, d.b, d.X, d.Y};
        grads = new float[][] {new float[d.W.length], new float[d.b.length], null, null};
        hand = new Lstm(d.batch, d.steps, d.in, d.hidden);
        gW = new float[d.W.length];
        gb = new float[d.b.length];
    }

    @Benchmark
    public void eager(Blackhole bh) {
        Eager.zeroGrad(W, b);
        Tensor loss = Models.lstm(W, b, X, Y);
        loss.backward();
        bh.consume(loss.item());
        bh.consume(W.grad());
        bh.consume(b.grad());
    }

    @Benchmark
    public float compiled() {
        return fn.valueAndGrad(ws, inputs, grads);
    }

    @Benchmark
    public float handWritten() {
        return hand.valueAndGrad(d.W, d.b, d.X, d.Y, gW, gb);
    }
}
