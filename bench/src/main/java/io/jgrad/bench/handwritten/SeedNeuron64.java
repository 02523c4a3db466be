package io.jgrad.bench.handwritten;

/** {@link SeedNeuron} in double. */
public final class SeedNeuron64 {
    private SeedNeuron64() {}

    /** Returns the loss and writes {@code grad[0] = d loss/dw}, {@code grad[1] = d loss/db}. */
    public static double valueAndGrad(double w, double b, double x, double y, double[] grad) {
        double z = w * x + b;
        double p = 1 / (1 + Math.exp(-z));
        double loss = ClampedBce64.loss(p, y);
        double dz = ClampedBce64.gradZ(p, y, 1);
        grad[0] = dz * x;
        grad[1] = dz;
        return loss;
    }
}
