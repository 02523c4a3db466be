package io.jgrad.bench;

import io.jgrad.bench.data.LogisticRegressionData;
import io.jgrad.bench.data.MlpData;
import io.jgrad.bench.data.RecurrenceData;
import io.jgrad.bench.data.SeedNeuronData;
import io.jgrad.bench.data.VectorData;
import io.jgrad.bench.handwritten.LogisticRegression;
import io.jgrad.bench.handwritten.MeanSquare;
import io.jgrad.bench.handwritten.SeedNeuron;
import io.jgrad.bench.handwritten.SumSinSquare;
import io.jgrad.bench.handwritten.TanhRecurrence;
import io.jgrad.bench.handwritten.TwoLayerMlp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.jgrad.bench.Reference.widen;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every hand-written workload's gradient against central finite differences of an independent
 * double-precision forward function, at the benchmarked sizes and at awkward ones (loop tails).
 * Float32 gradients agree with the double truth to about 1e-6 relative; the tolerances (1e-4
 * relative, plus 1e-5 of the parameter's largest gradient) leave room for that and nothing like a
 * wrong term, sign or factor.
 */
class HandWrittenGradientTest {
    static final double RTOL = 1e-4, ATOL_SCALE = 1e-5;

    @ParameterizedTest(name = "w={0} b={1} x={2} y={3}")
    @CsvSource({
            "1, 0, 6.7, 0",        // the seed notebook
            "0.3, -0.2, 1.5, 1",
            "-0.7, 0.4, 2.0, 0.25", // soft label: both log terms contribute
            "1, -20, 0, 1",         // sigmoid(-20) < 1e-8: the clamp engages and blocks the gradient
    })
    void seedNeuron(float w, float b, float x, float y) {
        float[] grad = new float[2];
        float loss = SeedNeuron.valueAndGrad(w, b, x, y, grad);
        assertEquals(Reference.seedNeuron(w, b, x, y), loss, 1e-5 * Math.max(1, Math.abs(loss)));
        GradCheck.check(new String[] {"w", "b"}, new double[][] {{w}, {b}}, new float[][] {{grad[0]}, {grad[1]}},
                p -> Reference.seedNeuron(p[0][0], p[1][0], x, y), RTOL, ATOL_SCALE);
    }

    @Test
    void seedNeuronClampBlocksTheGradientOutsideItsBounds() {
        float[] grad = new float[2];
        SeedNeuron.valueAndGrad(1f, -20f, 0f, 1f, grad);
        assertEquals(0f, grad[0]);
        assertEquals(0f, grad[1]);
    }

    @Test
    void seedNeuronBenchmarkInputs() {
        SeedNeuronData d = new SeedNeuronData();
        seedNeuron(d.w, d.b, d.x, d.y);
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 3, 1000, 4099, 1_000_000})
    void sumSinSquare(int n) {
        float[] x = new VectorData(n).x;
        float[] grad = new float[n];
        float value = SumSinSquare.valueAndGrad(x, grad);
        double[] xd = widen(x);
        double expected = Reference.sumSinSquare(xd);
        // Rounding in a float sum of n terms grows like sqrt(n)·2⁻²⁴·Σ|terms| (n·2⁻²⁴·Σ|terms| at worst).
        double magnitude = 0;
        for (double v : xd) magnitude += Math.abs(Math.sin(v * v));
        assertEquals(expected, value, 1e-6 + 4 * Math.sqrt(n) * 0x1p-24 * magnitude);
        GradCheck.check(new String[] {"x"}, new double[][] {xd}, new float[][] {grad},
                p -> Reference.sumSinSquare(p[0]), RTOL, ATOL_SCALE);
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {1, 2, 3, 5, 1000, 4099, 1_000_000})
    void meanSquare(int n) {
        float[] x = new VectorData(n).x;
        float[] grad = new float[n];
        float value = MeanSquare.valueAndGrad(x, grad);
        double[] xd = widen(x);
        assertEquals(Reference.meanSquare(xd), value, 1e-5 * Reference.meanSquare(xd));
        GradCheck.check(new String[] {"x"}, new double[][] {xd}, new float[][] {grad},
                p -> Reference.meanSquare(p[0]), RTOL, ATOL_SCALE);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"256x32", "4096x64", "7x5", "1x1"})
    void logisticRegression(String shape) {
        LogisticRegressionData d = LogisticRegressionData.of(shape);
        float[] gradW = new float[d.features];
        float[] gradB = new float[1];
        float loss = LogisticRegression.valueAndGrad(d.w, d.b, d.X, d.y, gradW, gradB);
        double[] X = widen(d.X), y = widen(d.y);
        assertEquals(Reference.logisticRegression(widen(d.w), d.b, X, y), loss, 1e-5);
        GradCheck.check(new String[] {"w", "b"}, new double[][] {widen(d.w), {d.b}}, new float[][] {gradW, gradB},
                p -> Reference.logisticRegression(p[0], p[1][0], X, y), RTOL, ATOL_SCALE);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"64x784x128x10", "5x7x6x3", "1x1x1x2"})
    void mlp(String shape) {
        MlpData d = MlpData.of(shape);
        TwoLayerMlp mlp = new TwoLayerMlp(d.batch, d.in, d.hidden, d.out);
        float[] gW1 = new float[d.W1.length], gb1 = new float[d.b1.length], gW2 = new float[d.W2.length], gb2 = new float[d.b2.length];
        // Twice: the second call must not see anything the first left in the scratch or the gradients.
        mlp.valueAndGrad(d.W1, d.b1, d.W2, d.b2, d.X, d.T, gW1, gb1, gW2, gb2);
        float loss = mlp.valueAndGrad(d.W1, d.b1, d.W2, d.b2, d.X, d.T, gW1, gb1, gW2, gb2);
        double[] X = widen(d.X), T = widen(d.T);
        assertEquals(Reference.mlp(widen(d.W1), widen(d.b1), widen(d.W2), widen(d.b2), X, T, d.batch, d.in, d.hidden, d.out), loss, 1e-5);
        GradCheck.check(new String[] {"W1", "b1", "W2", "b2"},
                new double[][] {widen(d.W1), widen(d.b1), widen(d.W2), widen(d.b2)}, new float[][] {gW1, gb1, gW2, gb2},
                p -> Reference.mlp(p[0], p[1], p[2], p[3], X, T, d.batch, d.in, d.hidden, d.out), RTOL, ATOL_SCALE);
    }

    @ParameterizedTest(name = "steps={0}")
    @ValueSource(ints = {1, 2, 1000})
    void tanhRecurrence(int steps) {
        RecurrenceData d = new RecurrenceData(steps);
        float[] grad = new float[2];
        float h = TanhRecurrence.valueAndGrad(d.a, d.b, steps, grad);
        assertEquals(Reference.tanhRecurrence(d.a, d.b, steps), h, 1e-5);
        GradCheck.check(new String[] {"a", "b"}, new double[][] {{d.a}, {d.b}}, new float[][] {{grad[0]}, {grad[1]}},
                p -> Reference.tanhRecurrence(p[0][0], p[1][0], steps), RTOL, ATOL_SCALE);
    }
}
