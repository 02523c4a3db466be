package io.jgrad.bench;

import io.jgrad.Tensor;
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
import io.jgrad.bench.models.Compile;
import io.jgrad.bench.models.Models;
import io.jgrad.runtime.Compiled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Before any number is believed: on every benchmark's own inputs, jgrad eager and compiled compute
 * the value and gradients that the hand-written code computes (itself checked by finite
 * differences and against PyTorch), to float32 rounding.
 */
class JgradMatchesHandWrittenTest {
    /** Relative, plus this fraction of the array's largest |value|: float32 rounding, different summation orders. */
    static final double RTOL = 1e-4, ATOL_SCALE = 1e-5;

    @Test
    void seedNeuron() {
        SeedNeuronData d = new SeedNeuronData();
        float[] expected = new float[2];
        float loss = SeedNeuron.valueAndGrad(d.w, d.b, d.x, d.y, expected);

        Tensor w = Eager.param(d.w), b = Eager.param(d.b);
        Tensor eager = Models.seedNeuron(w, b, Tensor.scalar(d.x), Tensor.scalar(d.y));
        eager.backward();
        close("eager loss", new float[] {loss}, new float[] {eager.item()});
        close("eager d/dw", new float[] {expected[0]}, w.grad().toArray());
        close("eager d/db", new float[] {expected[1]}, b.grad().toArray());

        Compiled fn = Compile.seedNeuron();
        float[][] grads = {new float[1], new float[1], null, null};
        float value = fn.valueAndGrad(new float[][] {{d.w}, {d.b}, {d.x}, {d.y}}, grads);
        close("compiled loss", new float[] {loss}, new float[] {value});
        close("compiled d/dw", new float[] {expected[0]}, grads[0]);
        close("compiled d/db", new float[] {expected[1]}, grads[1]);
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {3, 1000, 1_000_000})
    void sumSinSquare(int n) {
        float[] x = new VectorData(n).x;
        float[] expected = new float[n];
        float value = SumSinSquare.valueAndGrad(x, expected);
        vector(n, x, value, expected, Models::sumSinSquare, Compile.sumSinSquare(n));
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {3, 1000, 1_000_000})
    void meanSquare(int n) {
        float[] x = new VectorData(n).x;
        float[] expected = new float[n];
        float value = MeanSquare.valueAndGrad(x, expected);
        vector(n, x, value, expected, Models::meanSquare, Compile.meanSquare(n));
    }

    private static void vector(int n, float[] x, float value, float[] expected, java.util.function.UnaryOperator<Tensor> model, Compiled fn) {
        Tensor leaf = Eager.param(x, n);
        Tensor eager = model.apply(leaf);
        eager.backward();
        // Values are sums of up to 10⁶ terms: summation order alone moves them by ~1e-6 relative.
        close("eager value", new float[] {value}, new float[] {eager.item()});
        close("eager grad", expected, leaf.grad().toArray());
        float[][] grads = {new float[n]};
        close("compiled value", new float[] {value}, new float[] {fn.valueAndGrad(new float[][] {x}, grads)});
        close("compiled grad", expected, grads[0]);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"256x32", "4096x64"})
    void logisticRegression(String shape) {
        LogisticRegressionData d = LogisticRegressionData.of(shape);
        float[] gradW = new float[d.features], gradB = new float[1];
        float loss = LogisticRegression.valueAndGrad(d.w, d.b, d.X, d.y, gradW, gradB);

        Tensor w = Eager.param(d.w, d.features), b = Eager.param(d.b);
        Tensor eager = Models.logisticRegression(w, b, Tensor.of(d.X, d.batch, d.features), Tensor.of(d.y, d.batch));
        eager.backward();
        close("eager loss", new float[] {loss}, new float[] {eager.item()});
        close("eager d/dw", gradW, w.grad().toArray());
        close("eager d/db", gradB, b.grad().toArray());

        Compiled fn = Compile.logisticRegression(d.batch, d.features);
        float[][] grads = {new float[d.features], new float[1], null, null};
        close("compiled loss", new float[] {loss}, new float[] {fn.valueAndGrad(new float[][] {d.w, {d.b}, d.X, d.y}, grads)});
        close("compiled d/dw", gradW, grads[0]);
        close("compiled d/db", gradB, grads[1]);
    }

    @Test
    void mlp() {
        MlpData d = MlpData.of("64x784x128x10");
        float[][] expected = {new float[d.W1.length], new float[d.hidden], new float[d.W2.length], new float[d.out]};
        float loss = new TwoLayerMlp(d.batch, d.in, d.hidden, d.out)
                .valueAndGrad(d.W1, d.b1, d.W2, d.b2, d.X, d.T, expected[0], expected[1], expected[2], expected[3]);
        String[] names = {"W1", "b1", "W2", "b2"};

        Tensor[] params = {Eager.param(d.W1, d.in, d.hidden), Eager.param(d.b1, d.hidden),
                Eager.param(d.W2, d.hidden, d.out), Eager.param(d.b2, d.out)};
        Tensor eager = Models.mlp(params[0], params[1], params[2], params[3], Tensor.of(d.X, d.batch, d.in), Tensor.of(d.T, d.batch, d.out));
        eager.backward();
        close("eager loss", new float[] {loss}, new float[] {eager.item()});
        for (int p = 0; p < 4; p++) close("eager d/d" + names[p], expected[p], params[p].grad().toArray());

        Compiled fn = Compile.mlp(d);
        float[][] grads = {new float[d.W1.length], new float[d.hidden], new float[d.W2.length], new float[d.out], null, null};
        float value = fn.valueAndGrad(new float[][] {d.W1, d.b1, d.W2, d.b2, d.X, d.T}, grads);
        close("compiled loss", new float[] {loss}, new float[] {value});
        for (int p = 0; p < 4; p++) close("compiled d/d" + names[p], expected[p], grads[p]);
    }

    /** The LSTM workload (LstmBench's shape, and a small one): gates sliced from one matmul of cat(x_t, h). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"3x4x2x5", "32x16x64x128"})
    void lstm(String shape) {
        io.jgrad.bench.data.LstmData d = io.jgrad.bench.data.LstmData.of(shape);
        float[] gW = new float[d.W.length], gb = new float[d.b.length];
        float loss = new io.jgrad.bench.handwritten.Lstm(d.batch, d.steps, d.in, d.hidden).valueAndGrad(d.W, d.b, d.X, d.Y, gW, gb);

        Tensor W = Eager.param(d.W, d.in + d.hidden, 4 * d.hidden), b = Eager.param(d.b, 4 * d.hidden);
        Tensor eager = Models.lstm(W, b, Tensor.of(d.X, d.steps, d.batch, d.in), Tensor.of(d.Y, d.batch, d.hidden));
        eager.backward();
        close("eager loss", new float[] {loss}, new float[] {eager.item()});
        close("eager d/dW", gW, W.grad().toArray());
        close("eager d/db", gb, b.grad().toArray());

        Compiled fn = Compile.lstm(d);
        float[][] grads = {new float[d.W.length], new float[d.b.length], null, null};
        float value = fn.valueAndGrad(new float[][] {d.W, d.b, d.X, d.Y}, grads);
        close("compiled loss", new float[] {loss}, new float[] {value});
        close("compiled d/dW", gW, grads[0]);
        close("compiled d/db", gb, grads[1]);
    }

    @Test
    void tanhRecurrence() {
        RecurrenceData d = new RecurrenceData(1000);
        float[] expected = new float[2];
        float h = TanhRecurrence.valueAndGrad(d.a, d.b, d.steps, expected);

        Tensor a = Eager.param(d.a), b = Eager.param(d.b);
        Tensor eager = Models.tanhRecurrence(a, b, d.steps);
        eager.backward();
        close("eager h", new float[] {h}, new float[] {eager.item()});
        close("eager d/da", new float[] {expected[0]}, a.grad().toArray());
        close("eager d/db", new float[] {expected[1]}, b.grad().toArray());

        Compiled fn = Compile.tanhRecurrence(d.steps);
        float[][] grads = {new float[1], new float[1]};
        close("compiled h", new float[] {h}, new float[] {fn.valueAndGrad(new float[][] {{d.a}, {d.b}}, grads)});
        close("compiled d/da", new float[] {expected[0]}, grads[0]);
        close("compiled d/db", new float[] {expected[1]}, grads[1]);
    }

    private static void close(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        double maxAbs = 0;
        for (float v : expected) maxAbs = Math.max(maxAbs, Math.abs(v));
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < expected.length && failures.size() < 10; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= RTOL * Math.abs(expected[i]) + ATOL_SCALE * maxAbs)) {
                failures.add(what + "[" + i + "]: hand-written " + expected[i] + ", jgrad " + actual[i]);
            }
        }
        if (!failures.isEmpty()) fail(String.join("\n", failures));
    }
}
