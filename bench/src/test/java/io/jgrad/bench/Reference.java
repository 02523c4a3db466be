package io.jgrad.bench;

/**
 * The workloads' forward functions in double, written as plainly as possible and independently
 * of the hand-written backward passes: finite differences of these are what the gradients are
 * checked against.
 */
final class Reference {
    private Reference() {}

    static final double LO = 1e-8, HI = 1 - 1e-8;

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    static double clampedBce(double p, double y) {
        double pc = Math.min(Math.max(p, LO), HI);
        return -(y * Math.log(pc) + (1 - y) * Math.log(1 - pc));
    }

    static double seedNeuron(double w, double b, double x, double y) {
        return clampedBce(sigmoid(w * x + b), y);
    }

    static double sumSinSquare(double[] x) {
        double s = 0;
        for (double v : x) s += Math.sin(v * v);
        return s;
    }

    static double meanSquare(double[] x) {
        double s = 0;
        for (double v : x) s += v * v;
        return s / x.length;
    }

    /** X row-major [y.length, w.length]. */
    static double logisticRegression(double[] w, double b, double[] X, double[] y) {
        int f = w.length;
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            double z = b;
            for (int j = 0; j < f; j++) z += X[i * f + j] * w[j];
            s += clampedBce(sigmoid(z), y[i]);
        }
        return s / y.length;
    }

    /** -(1/batch)·Σ T ⊙ logSoftmax(tanh(X·W1 + b1)·W2 + b2). */
    static double mlp(double[] W1, double[] b1, double[] W2, double[] b2, double[] X, double[] T,
                      int batch, int in, int hidden, int out) {
        double total = 0;
        double[] h = new double[hidden];
        double[] o = new double[out];
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < hidden; j++) {
                double a = b1[j];
                for (int k = 0; k < in; k++) a += X[i * in + k] * W1[k * hidden + j];
                h[j] = Math.tanh(a);
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < out; j++) {
                double a = b2[j];
                for (int k = 0; k < hidden; k++) a += h[k] * W2[k * out + j];
                o[j] = a;
                max = Math.max(max, a);
            }
            double sumExp = 0;
            for (int j = 0; j < out; j++) sumExp += Math.exp(o[j] - max);
            double logSumExp = max + Math.log(sumExp);
            for (int j = 0; j < out; j++) total += T[i * out + j] * (o[j] - logSumExp);
        }
        return -total / batch;
    }

    static double tanhRecurrence(double a, double b, int steps) {
        double h = 0;
        for (int t = 0; t < steps; t++) h = Math.tanh(a * h + b);
        return h;
    }

    static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
