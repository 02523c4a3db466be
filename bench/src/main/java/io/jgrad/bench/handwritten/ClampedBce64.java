package io.jgrad.bench.handwritten;

/**
 * {@link ClampedBce} in double: {@code p' = clamp(p, 1e-8, 1-1e-8)} with the double bounds the
 * program writes (in float64 the upper bound is below 1, so {@code log(1 - p')} stays finite).
 */
public final class ClampedBce64 {
    private ClampedBce64() {}

    public static final double LO = 1e-8;
    public static final double HI = 1 - 1e-8;

    public static double loss(double p, double y) {
        double pc = Math.min(Math.max(p, LO), HI);
        return -(y * Math.log(pc) + (1 - y) * Math.log(1 - pc));
    }

    /** d loss / d z for p = sigmoid(z), times {@code upstream}; zero outside [LO, HI] and for NaN, as PyTorch's clamp. */
    public static double gradZ(double p, double y, double upstream) {
        if (!(p >= LO && p <= HI)) return 0;
        double dp = ((1 - y) / (1 - p) - y / p) * upstream;
        return dp * p * (1 - p);
    }
}
