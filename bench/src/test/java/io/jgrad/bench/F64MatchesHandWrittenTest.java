package io.jgrad.bench;

import io.jgrad.bench.data.LogisticRegressionData;
import io.jgrad.bench.data.MlpData;
import io.jgrad.bench.data.SeedNeuronData;
import io.jgrad.bench.data.Seeded;
import io.jgrad.bench.handwritten.LogisticRegression64;
import io.jgrad.bench.handwritten.SeedNeuron64;
import io.jgrad.bench.handwritten.TwoLayerMlp64;
import io.jgrad.bench.models.CompileF64;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The F64 variants of the benchmarks, before any number is believed: the hand-written double
 * code against the double {@link Reference} (value) and finite differences (gradients), and
 * the F64 compiled functions against the hand-written double code to double rounding (the two
 * sum in different orders: 1e-10 relative leaves room for that and for nothing float32).
 */
class F64MatchesHandWrittenTest {
    static final double RTOL = 1e-10, ATOL_SCALE = 1e-12;

    @Test
    void seedNeuron() {
        SeedNeuronData d = new SeedNeuronData();
        double[] expected = new double[2];
        double loss = SeedNeuron64.valueAndGrad(d.w, d.b, d.x, d.y, expected);
        // PyTorch float64 on these inputs (golden seed_bce_scalar, value/grads), by the golden f64 rule
        golden(6.701229964451243, loss);
        golden(6.6917628371679205, expected[0]);
        golden(0.9987706011445215, expected[1]);

        Compiled fn = CompileF64.seedNeuron();
        assertEquals(DType.F64, fn.dtype());
        double[][] grads = {new double[1], new double[1], null, null};
        double value = fn.valueAndGrad(new double[][] {{d.w}, {d.b}, {d.x}, {d.y}}, grads);
        close("compiled loss", new double[] {loss}, new double[] {value});
        close("compiled d/dw", new double[] {expected[0]}, grads[0]);
        close("compiled d/db", new double[] {expected[1]}, grads[1]);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"256x32", "4096x64"})
    void logisticRegression(String shape) {
        LogisticRegressionData d = LogisticRegressionData.of(shape);
        double[] w = Seeded.doubles(d.w), X = Seeded.doubles(d.X), y = Seeded.doubles(d.y);
        double[] gradW = new double[d.features], gradB = new double[1];
        double loss = LogisticRegression64.valueAndGrad(w, d.b, X, y, gradW, gradB);
        close("hand-written loss vs reference", new double[] {Reference.logisticRegression(w, d.b, X, y)}, new double[] {loss});
        GradCheck.check(new String[] {"w", "b"}, new double[][] {w.clone(), {d.b}}, new float[][] {floats(gradW), floats(gradB)},
                p -> Reference.logisticRegression(p[0], p[1][0], X, y), 1e-6, 1e-8);

        Compiled fn = CompileF64.logisticRegression(d.batch, d.features);
        double[][] grads = {new double[d.features], new double[1], null, null};
        close("compiled loss", new double[] {loss}, new double[] {fn.valueAndGrad(new double[][] {w, {d.b}, X, y}, grads)});
        close("compiled d/dw", gradW, grads[0]);
        close("compiled d/db", gradB, grads[1]);
    }

    @Test
    void mlp() {
        MlpData d = MlpData.of("64x784x128x10");
        double[][] params = {Seeded.doubles(d.W1), Seeded.doubles(d.b1), Seeded.doubles(d.W2), Seeded.doubles(d.b2)};
        double[] X = Seeded.doubles(d.X), T = Seeded.doubles(d.T);
        double[][] expected = {new double[d.W1.length], new double[d.hidden], new double[d.W2.length], new double[d.out]};
        double loss = new TwoLayerMlp64(d.batch, d.in, d.hidden, d.out)
                .valueAndGrad(params[0], params[1], params[2], params[3], X, T, expected[0], expected[1], expected[2], expected[3]);
        close("hand-written loss vs reference",
                new double[] {Reference.mlp(params[0], params[1], params[2], params[3], X, T, d.batch, d.in, d.hidden, d.out)}, new double[] {loss});
        String[] names = {"W1", "b1", "W2", "b2"};
        float[][] g32 = new float[4][];
        for (int p = 0; p < 4; p++) g32[p] = floats(expected[p]);
        double[][] perturbed = new double[4][];
        for (int p = 0; p < 4; p++) perturbed[p] = params[p].clone();
        GradCheck.check(names, perturbed, g32,
                p -> Reference.mlp(p[0], p[1], p[2], p[3], X, T, d.batch, d.in, d.hidden, d.out), 1e-6, 1e-8);

        Compiled fn = CompileF64.mlp(d);
        double[][] grads = {new double[d.W1.length], new double[d.hidden], new double[d.W2.length], new double[d.out], null, null};
        double value = fn.valueAndGrad(new double[][] {params[0], params[1], params[2], params[3], X, T}, grads);
        close("compiled loss", new double[] {loss}, new double[] {value});
        for (int p = 0; p < 4; p++) close("compiled d/d" + names[p], expected[p], grads[p]);
    }

    private static void golden(double t, double g) {
        assertTrue(Math.abs(g - t) <= 1e-12 + 2e-9 * Math.abs(t), g + " vs PyTorch float64 " + t);
    }

    private static float[] floats(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }

    private static void close(String what, double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        double maxAbs = 0;
        for (double v : expected) maxAbs = Math.max(maxAbs, Math.abs(v));
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < expected.length && failures.size() < 10; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= RTOL * Math.abs(expected[i]) + ATOL_SCALE * maxAbs)) {
                failures.add(what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]);
            }
        }
        if (!failures.isEmpty()) fail(String.join("\n", failures));
    }
}
