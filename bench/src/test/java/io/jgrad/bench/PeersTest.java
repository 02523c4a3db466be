package io.jgrad.bench;

import io.jgrad.bench.data.LogisticRegressionData;
import io.jgrad.bench.data.SeedNeuronData;
import io.jgrad.bench.handwritten.LogisticRegression;
import io.jgrad.bench.handwritten.SeedNeuron;
import io.jgrad.bench.peers.FinmathAad;
import io.jgrad.bench.peers.HipparchusForward;
import org.junit.jupiter.api.Test;

import static io.jgrad.bench.Reference.widen;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The JVM peers compute what the hand-written code computes: exactly (to 1e-12) PyTorch's float64
 * goldens, since they work in double, and the hand-written float32 results on the benchmark inputs
 * within float32 rounding.
 */
class PeersTest {
    interface LogRegPeer {
        double valueAndGrad(double[] w, double b, double[] gradW, double[] gradB);
    }

    interface SeedPeer {
        double valueAndGrad(double w, double b, double x, double y, double[] grad);
    }

    @Test
    void seedNeuronMatchesPyTorchFloat64() {
        GoldenCase c = GoldenCase.load("seed_bce_scalar");
        for (SeedPeer peer : new SeedPeer[] {FinmathAad::seedNeuron, HipparchusForward::seedNeuron}) {
            double[] grad = new double[2];
            double loss = peer.valueAndGrad(c.scalar("w"), c.scalar("b"), c.scalar("x"), c.scalar("y"), grad);
            c.assertValueDouble(loss);
            c.assertGradDouble("w", new double[] {grad[0]});
            c.assertGradDouble("b", new double[] {grad[1]});
        }
    }

    @Test
    void seedNeuronMatchesHandWritten() {
        SeedNeuronData d = new SeedNeuronData();
        d.w = 0.3f;
        d.b = -0.2f;
        d.x = 1.5f;
        d.y = 1f;
        float[] expected = new float[2];
        float expectedLoss = SeedNeuron.valueAndGrad(d.w, d.b, d.x, d.y, expected);
        for (SeedPeer peer : new SeedPeer[] {FinmathAad::seedNeuron, HipparchusForward::seedNeuron}) {
            double[] grad = new double[2];
            assertEquals(expectedLoss, peer.valueAndGrad(d.w, d.b, d.x, d.y, grad), 1e-6);
            assertEquals(expected[0], grad[0], 1e-6);
            assertEquals(expected[1], grad[1], 1e-6);
        }
    }

    @Test
    void logisticRegressionMatchesPyTorchFloat64() {
        GoldenCase c = GoldenCase.load("model_logreg_bce");
        float[] X = c.input("X");
        float[] y = c.input("y");
        float[] w = c.input("w");
        LogisticRegressionData data = withData(y.length, w.length, w, c.scalar("b"), X, y);
        for (LogRegPeer peer : peers(data)) {
            double[] gradW = new double[w.length];
            double[] gradB = new double[1];
            c.assertValueDouble(peer.valueAndGrad(widen(w), c.scalar("b"), gradW, gradB));
            c.assertGradDouble("w", gradW);
            c.assertGradDouble("b", gradB);
        }
    }

    @Test
    void logisticRegressionMatchesHandWrittenOnBenchmarkInputs() {
        LogisticRegressionData d = LogisticRegressionData.of("256x32");
        float[] gradW = new float[d.features];
        float[] gradB = new float[1];
        float loss = LogisticRegression.valueAndGrad(d.w, d.b, d.X, d.y, gradW, gradB);
        for (LogRegPeer peer : peers(d)) {
            double[] peerW = new double[d.features];
            double[] peerB = new double[1];
            // Twice: a peer holding state between calls must not let the first call leak into the second.
            peer.valueAndGrad(widen(d.w), d.b, peerW, peerB);
            assertEquals(loss, peer.valueAndGrad(widen(d.w), d.b, peerW, peerB), 1e-6);
            for (int j = 0; j < d.features; j++) assertEquals(gradW[j], peerW[j], 1e-6, "d/dw[" + j + "]");
            assertEquals(gradB[0], peerB[0], 1e-6);
        }
    }

    private static LogRegPeer[] peers(LogisticRegressionData data) {
        FinmathAad.LogisticRegression finmath = new FinmathAad.LogisticRegression(data);
        HipparchusForward.LogisticRegression hipparchus = new HipparchusForward.LogisticRegression(data);
        return new LogRegPeer[] {finmath::valueAndGrad, hipparchus::valueAndGrad};
    }

    /** A data set with the given contents (the golden case's), through the benchmark's data class. */
    private static LogisticRegressionData withData(int batch, int features, float[] w, float b, float[] X, float[] y) {
        LogisticRegressionData d = new LogisticRegressionData(batch, features);
        System.arraycopy(w, 0, d.w, 0, features);
        d.b = b;
        System.arraycopy(X, 0, d.X, 0, X.length);
        System.arraycopy(y, 0, d.y, 0, y.length);
        return d;
    }
}
