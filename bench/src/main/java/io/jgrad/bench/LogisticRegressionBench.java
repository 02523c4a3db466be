package io.jgrad.bench;

import io.jgrad.bench.data.LogisticRegressionData;
import io.jgrad.bench.data.Seeded;
import io.jgrad.bench.handwritten.LogisticRegression;
import io.jgrad.bench.handwritten.LogisticRegression64;
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

/** Logistic regression, mean clamped BCE, d/dw and d/db, at batch x features = 256 x 32 and 4096 x 64; float and double. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class LogisticRegressionBench {
    @Param({"256x32", "4096x64"})
    public String shape;

    private LogisticRegressionData data;
    private float[] gradW;
    private final float[] gradB = new float[1];
    private double[] w64, X64, y64, gradW64;
    private double b64;
    private final double[] gradB64 = new double[1];

    @Setup
    public void setup() {
        data = LogisticRegressionData.of(shape);
        gradW = new float[data.features];
        w64 = Seeded.doubles(data.w);
        b64 = data.b;
        X64 = Seeded.doubles(data.X);
        y64 = Seeded.doubles(data.y);
        gradW64 = new double[data.features];
    }

    @Benchmark
    public float handWritten() {
        return LogisticRegression.valueAndGrad(data.w, data.b, data.X, data.y, gradW, gradB);
    }

    @Benchmark
    public double handWrittenF64() {
        return LogisticRegression64.valueAndGrad(w64, b64, X64, y64, gradW64, gradB64);
    }
}
