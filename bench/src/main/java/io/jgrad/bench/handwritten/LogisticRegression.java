package io.jgrad.bench.handwritten;

import java.util.Arrays;

/**
 * Logistic regression with the seeds' mean clamped BCE:
 * {@code loss = mean_i bce(sigmoid(X_i·w + b), y_i)}, gradient wrt w [features] and b.
 */
public final class LogisticRegression {
    private LogisticRegression() {}

    /**
     * Returns the loss and writes d loss/dw into {@code gradW} and d loss/db into {@code gradB[0]}.
     * X is row-major [batch, features]; y has one label per row.
     */
    public static float valueAndGrad(float[] w, float b, float[] X, float[] y, float[] gradW, float[] gradB) {
        int features = w.length;
        int batch = y.length;
        if (X.length != batch * features) {
            throw new IllegalArgumentException("X has " + X.length + " floats, expected " + batch + "x" + features);
        }
        if (gradW.length != features || gradB.length != 1) throw new IllegalArgumentException("gradient arrays have the wrong length");
        Arrays.fill(gradW, 0f);
        float upstream = 1f / batch; // mean
        float lossSum = 0f;
        float gradBias = 0f;
        // One pass over the rows: forward and backward of row i both need X_i, so it is read
        // once while hot in L1 (X is 1 MB at 4096 x 64).
        for (int i = 0, row = 0; i < batch; i++, row += features) {
            float z = Kernels.dot(X, row, w, 0, features) + b;
            float p = 1f / (1f + (float) Math.exp(-z));
            float yi = y[i];
            lossSum += ClampedBce.loss(p, yi);
            float dz = ClampedBce.gradZ(p, yi, upstream);
            gradBias += dz;
            Kernels.axpy(dz, X, row, gradW, 0, features);
        }
        gradB[0] = gradBias;
        return lossSum / batch;
    }
}
