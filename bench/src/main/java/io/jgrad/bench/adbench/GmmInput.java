package io.jgrad.bench.adbench;

/**
 * One GMM instance (README "GMM"). Arrays are flat and row-major, ready for
 * {@code Tensor.of(data, shape)}.
 *
 * @param d      dimension
 * @param k      number of components
 * @param n      number of points
 * @param alphas [K] unnormalised log mixture weights (differentiated)
 * @param means  [K, d] component means (differentiated)
 * @param icf    [K, d(d+1)/2] per component: d log-diagonal entries, then the strictly lower
 *               triangle column by column (differentiated)
 * @param x      [n, d] the points (data)
 * @param gamma  Wishart prior scale (1 in every ADBench file)
 * @param m      Wishart prior degrees-of-freedom offset (0 in every ADBench file)
 */
public record GmmInput(int d, int k, int n, double[] alphas, double[] means, double[] icf, double[] x,
                       double gamma, int m) {

    public GmmInput {
        Check.positive("GMM d", d);
        Check.positive("GMM K", k);
        Check.positive("GMM n", n);
        Check.length("GMM alphas", alphas, k);
        Check.length("GMM means", means, (long) k * d);
        Check.length("GMM icf", icf, (long) k * icfSize(d));
        Check.length("GMM x", x, (long) n * d);
        Check.finite("GMM alphas", alphas);
        Check.finite("GMM means", means);
        Check.finite("GMM icf", icf);
        Check.finite("GMM x", x);
        if (!(gamma > 0) || Double.isInfinite(gamma)) throw new IllegalArgumentException("GMM gamma must be positive and finite, got " + gamma);
        if (m < 0) throw new IllegalArgumentException("GMM m must be >= 0, got " + m);
    }

    /** Entries of one component's inverse-covariance factor: d + d(d-1)/2. */
    public static int icfSize(int d) {
        return d * (d + 1) / 2;
    }

    /** Length of the gradient: K (alphas) + K·d (means) + K·d(d+1)/2 (icf). */
    public int parameterCount() {
        return k + k * d + k * icfSize(d);
    }
}
