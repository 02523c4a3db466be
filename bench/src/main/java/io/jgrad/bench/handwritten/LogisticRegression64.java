package io.jgrad.bench.handwritten;

import java.util.Arrays;

/** {@link LogisticRegression} in double: mean clamped BCE of sigmoid(X·w + b), d/dw and d/db. */
public final class LogisticRegression64 {
    private LogisticRegression64() {}

    public static double valueAndGrad(double[] w, double b, double[] X, double[] y, double[] gradW, double[] gradB) {
        int features = w.length;
        int batch = y.length;
        if (X.length != batch * features) {
            throw new IllegalArgumentException("X has " + X.length + " doubles, expected " + batch + "x" + features);
        }
        if (gradW.length != features || gradB.length != 1) throw new IllegalArgumentException("gradient arrays have the wrong length");
        Arrays.fill(gradW, 0);
        double upstream = 1.0 / batch;
        double lossSum = 0;
        double gradBias = 0;
        for (int i = 0, row = 0; i < batch; i++, row += features) {
            double z = Kernels.dot(X, row, w, 0, features) + b;
            double p = 1 / (1 + Math.exp(-z));
            double yi = y[i];
            lossSum += ClampedBce64.loss(p, yi);
            double dz = ClampedBce64.gradZ(p, yi, upstream);
            gradBias += dz;
            Kernels.axpy(dz, X, row, gradW, 0, features);
        }
        gradB[0] = gradBias;
        return lossSum / batch;
    }
}
