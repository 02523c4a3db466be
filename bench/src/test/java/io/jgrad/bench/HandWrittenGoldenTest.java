package io.jgrad.bench;

import io.jgrad.bench.handwritten.LogisticRegression;
import io.jgrad.bench.handwritten.SeedNeuron;
import io.jgrad.bench.handwritten.TwoLayerMlp;
import org.junit.jupiter.api.Test;

/** The hand-written workloads reproduce PyTorch's own values and gradients on the golden cases. */
class HandWrittenGoldenTest {

    @Test
    void seedNeuron() {
        GoldenCase c = GoldenCase.load("seed_bce_scalar");
        float[] grad = new float[2];
        float loss = SeedNeuron.valueAndGrad(c.scalar("w"), c.scalar("b"), c.scalar("x"), c.scalar("y"), grad);
        c.assertValue(loss);
        c.assertGrad("w", new float[] {grad[0]});
        c.assertGrad("b", new float[] {grad[1]});
    }

    @Test
    void logisticRegression() {
        GoldenCase c = GoldenCase.load("model_logreg_bce");
        float[] w = c.input("w");
        float[] gradW = new float[w.length];
        float[] gradB = new float[1];
        float loss = LogisticRegression.valueAndGrad(w, c.scalar("b"), c.input("X"), c.input("y"), gradW, gradB);
        c.assertValue(loss);
        c.assertGrad("w", gradW);
        c.assertGrad("b", gradB);
    }

    @Test
    void mlp() {
        GoldenCase c = GoldenCase.load("model_mlp_softmax_ce");
        // W1 [10, 12], W2 [12, 4], X [16, 10]
        TwoLayerMlp mlp = new TwoLayerMlp(16, 10, 12, 4);
        float[] gW1 = new float[10 * 12], gb1 = new float[12], gW2 = new float[12 * 4], gb2 = new float[4];
        float loss = mlp.valueAndGrad(c.input("W1"), c.input("b1"), c.input("W2"), c.input("b2"), c.input("X"), c.input("T"),
                gW1, gb1, gW2, gb2);
        c.assertValue(loss);
        c.assertGrad("W1", gW1);
        c.assertGrad("b1", gb1);
        c.assertGrad("W2", gW2);
        c.assertGrad("b2", gb2);
    }
}
