package io.jgrad.bench;

import io.jgrad.bench.data.LogisticRegressionData;
import io.jgrad.bench.peers.FinmathAad;
import io.jgrad.bench.peers.HipparchusForward;
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
 * The JVM peers on logistic regression, at 256 x 32 only (Hipparchus's forward mode grows with
 * the parameter count, so 4096 x 64 would only measure that). Same workload name as
 * {@link LogisticRegressionBench}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class LogisticRegressionPeersBench {
    @Param({"256x32"})
    public String shape;

    private double[] w;
    private double b;
    private double[] gradW;
    private final double[] gradB = new double[1];
    private FinmathAad.LogisticRegression finmath;
    private HipparchusForward.LogisticRegression hipparchus;

    @Setup
    public void setup() {
        LogisticRegressionData data = LogisticRegressionData.of(shape);
        w = new double[data.features];
        for (int j = 0; j < w.length; j++) w[j] = data.w[j];
        b = data.b;
        gradW = new double[data.features];
        finmath = new FinmathAad.LogisticRegression(data);
        hipparchus = new HipparchusForward.LogisticRegression(data);
    }

    @Benchmark
    public double finmath() {
        return finmath.valueAndGrad(w, b, gradW, gradB);
    }

    @Benchmark
    public double hipparchus() {
        return hipparchus.valueAndGrad(w, b, gradW, gradB);
    }
}
