package io.jgrad.bench.handwritten;

import java.util.Arrays;

/**
 * {@link TwoLayerMlp} in double, line for line. A two-layer tanh MLP with softmax cross-entropy:
 * {@code H = tanh(X·W1 + b1)}, {@code O = H·W2 + b2},
 * {@code loss = -(1/batch)·Σ T ⊙ logSoftmax(O, axis 1)}; gradients wrt W1, b1, W2, b2.
 *
 * <p>An instance owns the scratch for one shape and is used by one thread at a time: a call
 * allocates nothing.
 */
public final class TwoLayerMlp64 {
    private final int batch, in, hidden, out;
    /** [batch, hidden]: tanh activations; in the backward pass, d loss / d pre-activation. */
    private final double[] hiddenBuf;
    /** [batch, out]: logits, then exp(logit - max), then d loss / d logit. */
    private final double[] logitBuf;

    public TwoLayerMlp64(int batch, int in, int hidden, int out) {
        this.batch = batch;
        this.in = in;
        this.hidden = hidden;
        this.out = out;
        this.hiddenBuf = new double[batch * hidden];
        this.logitBuf = new double[batch * out];
    }

    /**
     * Returns the loss and writes the gradients into gW1 [in, hidden], gb1 [hidden],
     * gW2 [hidden, out], gb2 [out] (overwriting). All matrices are row-major.
     */
    public double valueAndGrad(double[] W1, double[] b1, double[] W2, double[] b2, double[] X, double[] T,
                              double[] gW1, double[] gb1, double[] gW2, double[] gb2) {
        checkLength("W1", W1, in * hidden);
        checkLength("b1", b1, hidden);
        checkLength("W2", W2, hidden * out);
        checkLength("b2", b2, out);
        checkLength("X", X, batch * in);
        checkLength("T", T, batch * out);
        checkLength("gW1", gW1, in * hidden);
        checkLength("gb1", gb1, hidden);
        checkLength("gW2", gW2, hidden * out);
        checkLength("gb2", gb2, out);
        final double[] H = hiddenBuf;
        final double[] G = logitBuf;

        // Layer 1: H = tanh(X·W1 + b1). i-k-j order: the inner loop runs along contiguous rows of
        // W1 and H, which C2 vectorises; the bias joins in the tanh pass.
        for (int i = 0; i < batch; i++) {
            int hRow = i * hidden;
            int xRow = i * in;
            Arrays.fill(H, hRow, hRow + hidden, 0);
            for (int k = 0; k < in; k++) Kernels.axpy(X[xRow + k], W1, k * hidden, H, hRow, hidden);
            for (int j = 0; j < hidden; j++) H[hRow + j] = Math.tanh(H[hRow + j] + b1[j]);
        }

        // Layer 2 and the loss, one row at a time while the row is hot:
        // Σ_j T_j·logSoftmax(o)_j = Σ_j T_j·(o_j - max) - (Σ_j T_j)·log Σ_j exp(o_j - max).
        // The row's gradient d loss/d o = (softmax(o)·Σ_j T_j - T)/batch is written over the logits.
        double invBatch = 1.0 / batch;
        double lossSum = 0;
        for (int i = 0; i < batch; i++) {
            int hRow = i * hidden;
            int oRow = i * out;
            Arrays.fill(G, oRow, oRow + out, 0);
            for (int k = 0; k < hidden; k++) Kernels.axpy(H[hRow + k], W2, k * out, G, oRow, out);
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < out; j++) {
                double o = G[oRow + j] + b2[j];
                G[oRow + j] = o;
                max = Math.max(max, o);
            }
            double sumExp = 0, targetDotShifted = 0, targetSum = 0;
            for (int j = 0; j < out; j++) {
                double shifted = G[oRow + j] - max;
                double t = T[oRow + j];
                targetDotShifted += t * shifted;
                targetSum += t;
                double e = Math.exp(shifted);
                G[oRow + j] = e;
                sumExp += e;
            }
            lossSum += targetDotShifted - targetSum * Math.log(sumExp);
            double softmaxScale = targetSum / sumExp; // softmax_j·ΣT = e_j·(ΣT/Σe)
            for (int j = 0; j < out; j++) G[oRow + j] = (G[oRow + j] * softmaxScale - T[oRow + j]) * invBatch;
        }

        // dW2 = Hᵀ·G, one row of dW2 at a time so it stays in L1 while i runs; db2 = Σ_i G_i.
        for (int k = 0; k < hidden; k++) {
            int gRow = k * out;
            Arrays.fill(gW2, gRow, gRow + out, 0);
            for (int i = 0; i < batch; i++) Kernels.axpy(H[i * hidden + k], G, i * out, gW2, gRow, out);
        }
        Arrays.fill(gb2, 0);
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < out; j++) gb2[j] += G[i * out + j];
        }

        // d loss/d pre-activation = (G·W2ᵀ) ⊙ (1 - H²), written over H, which is not needed
        // after dW2. W2ᵀ is never formed: row k of W2 is dotted with row i of G.
        for (int i = 0; i < batch; i++) {
            int hRow = i * hidden;
            int oRow = i * out;
            for (int k = 0; k < hidden; k++) {
                double h = H[hRow + k];
                H[hRow + k] = Kernels.dot(G, oRow, W2, k * out, out) * (1 - h * h);
            }
        }

        // dW1 = Xᵀ·dA, k-outer: each row of dW1 (hidden doubles) is finished while it sits in L1,
        // instead of streaming all of dW1 once per example. The first example assigns, so no
        // separate zeroing pass over dW1 is needed. db1 = Σ_i dA_i.
        for (int k = 0; k < in; k++) {
            int gRow = k * hidden;
            double x0k = X[k];
            for (int j = 0; j < hidden; j++) gW1[gRow + j] = x0k * H[j];
            for (int i = 1; i < batch; i++) Kernels.axpy(X[i * in + k], H, i * hidden, gW1, gRow, hidden);
        }
        Arrays.fill(gb1, 0);
        for (int i = 0; i < batch; i++) {
            int aRow = i * hidden;
            for (int j = 0; j < hidden; j++) gb1[j] += H[aRow + j];
        }
        return -lossSum * invBatch;
    }

    public int batch() { return batch; }
    public int in() { return in; }
    public int hidden() { return hidden; }
    public int out() { return out; }

    private static void checkLength(String name, double[] a, int expected) {
        if (a.length != expected) throw new IllegalArgumentException(name + " has " + a.length + " doubles, expected " + expected);
    }
}
