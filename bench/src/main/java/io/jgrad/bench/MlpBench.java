package io.jgrad.bench;

import io.jgrad.bench.data.MlpData;
import io.jgrad.bench.data.Seeded;
import io.jgrad.bench.handwritten.TwoLayerMlp;
import io.jgrad.bench.handwritten.TwoLayerMlp64;
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

/** Two-layer tanh MLP with softmax cross-entropy, batch x in x hidden x out = 64 x 784 x 128 x 10; d/d(W1, b1, W2, b2). */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class MlpBench {
    @Param({"64x784x128x10"})
    public String shape;

    private MlpData data;
    private TwoLayerMlp mlp;
    private float[] gW1, gb1, gW2, gb2;
    private TwoLayerMlp64 mlp64;
    private double[] W1d, b1d, W2d, b2d, Xd, Td, gW1d, gb1d, gW2d, gb2d;

    @Setup
    public void setup() {
        data = MlpData.of(shape);
        mlp = new TwoLayerMlp(data.batch, data.in, data.hidden, data.out);
        gW1 = new float[data.in * data.hidden];
        gb1 = new float[data.hidden];
        gW2 = new float[data.hidden * data.out];
        gb2 = new float[data.out];
        mlp64 = new TwoLayerMlp64(data.batch, data.in, data.hidden, data.out);
        W1d = Seeded.doubles(data.W1);
        b1d = Seeded.doubles(data.b1);
        W2d = Seeded.doubles(data.W2);
        b2d = Seeded.doubles(data.b2);
        Xd = Seeded.doubles(data.X);
        Td = Seeded.doubles(data.T);
        gW1d = new double[data.in * data.hidden];
        gb1d = new double[data.hidden];
        gW2d = new double[data.hidden * data.out];
        gb2d = new double[data.out];
    }

    @Benchmark
    public float handWritten() {
        return mlp.valueAndGrad(data.W1, data.b1, data.W2, data.b2, data.X, data.T, gW1, gb1, gW2, gb2);
    }

    @Benchmark
    public double handWrittenF64() {
        return mlp64.valueAndGrad(W1d, b1d, W2d, b2d, Xd, Td, gW1d, gb1d, gW2d, gb2d);
    }
}
