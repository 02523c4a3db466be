package io.jgrad.bench.adbench;

/**
 * The GMM objective in plain Java, double, written straight from the README's formula (the
 * "objective only" reference the Tensor version is tested against):
 *
 * <pre>
 * E = -n·d/2·log(2π)
 *     + Σ_i logsumexp_k( α_k + Σ_j q_k[j] - ½‖Q_k (x_i - μ_k)‖² )
 *     - n·logsumexp_k(α_k)
 *     + Σ_k [ ½γ²(‖exp(q_k)‖² + ‖l_k‖²) - m·Σ_j q_k[j] ]
 *     - K·C,     C = N·d·(log γ - ½ log 2) - logΓ_d(N/2),  N = d + m + 1
 * </pre>
 * with {@code Q_k = diag(exp(q_k)) + L_k}, L_k strictly lower triangular filled column by column.
 */
public final class GmmReference {
    private GmmReference() {}

    /** ADBench's C++ uses this truncated π in both constants of E (README note); kept for identical values. */
    public static final double ADBENCH_PI = 3.14159265359;

    public static double objective(GmmInput in) {
        int d = in.d(), k = in.k(), n = in.n(), icfSize = GmmInput.icfSize(d);
        double[] alphas = in.alphas(), means = in.means(), icf = in.icf(), x = in.x();

        // per component: Σ_j q_k[j] (= log det Q_k) and the diagonal exp(q_k)
        double[] sumQ = new double[k];
        double[] diagonal = new double[k * d];
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < d; j++) {
                double q = icf[c * icfSize + j];
                sumQ[c] += q;
                diagonal[c * d + j] = Math.exp(q);
            }
        }

        // Σ_i logsumexp_k( α_k + Σ_j q_k[j] - ½‖Q_k (x_i - μ_k)‖² )
        double[] centred = new double[d], product = new double[d], main = new double[k];
        double sumOverPoints = 0;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                for (int j = 0; j < d; j++) centred[j] = x[i * d + j] - means[c * d + j];
                multiplyQ(icf, c * icfSize, diagonal, c * d, d, centred, product);
                double squaredNorm = 0;
                for (int j = 0; j < d; j++) squaredNorm += product[j] * product[j];
                main[c] = alphas[c] + sumQ[c] - 0.5 * squaredNorm;
            }
            sumOverPoints += logsumexp(main);
        }

        // Σ_k [ ½γ²(‖exp(q_k)‖² + ‖l_k‖²) - m·Σ_j q_k[j] ]
        double gamma = in.gamma();
        int m = in.m();
        double prior = 0;
        for (int c = 0; c < k; c++) {
            double squares = 0;
            for (int j = 0; j < d; j++) squares += diagonal[c * d + j] * diagonal[c * d + j];
            for (int j = d; j < icfSize; j++) squares += icf[c * icfSize + j] * icf[c * icfSize + j];
            prior += 0.5 * gamma * gamma * squares - m * sumQ[c];
        }

        int bigN = d + m + 1;
        double constantC = bigN * d * (Math.log(gamma) - 0.5 * Math.log(2)) - logMultivariateGamma(d, 0.5 * bigN);

        return -n * d * 0.5 * Math.log(2 * ADBENCH_PI)
                + sumOverPoints
                - n * logsumexp(alphas)
                + prior
                - k * constantC;
    }

    /**
     * out = Q y with Q = diag(exp(q)) + L: the diagonal part, then for each column i the strictly
     * lower entries l (stored column by column after the d log-diagonal entries) add l·y[i] to rows j > i.
     */
    static void multiplyQ(double[] icf, int icfOffset, double[] diagonal, int diagonalOffset, int d, double[] y, double[] out) {
        for (int j = 0; j < d; j++) out[j] = diagonal[diagonalOffset + j] * y[j];
        int idx = icfOffset + d;
        for (int column = 0; column < d - 1; column++) {
            for (int row = column + 1; row < d; row++) out[row] += icf[idx++] * y[column];
        }
    }

    /** logsumexp(v) = max(v) + log Σ exp(v - max(v)). */
    static double logsumexp(double[] v) {
        double max = Double.NEGATIVE_INFINITY;
        for (double value : v) max = Math.max(max, value);
        double sum = 0;
        for (double value : v) sum += Math.exp(value - max);
        return max + Math.log(sum);
    }

    /** logΓ_d(a) = d(d-1)/4·log π + Σ_{j=1..d} lgamma(a + (1-j)/2). */
    static double logMultivariateGamma(int d, double a) {
        double sum = 0.25 * d * (d - 1) * Math.log(ADBENCH_PI);
        for (int j = 1; j <= d; j++) sum += logGammaHalfInteger(a + 0.5 * (1 - j));
        return sum;
    }

    /**
     * lgamma at a positive integer or half-integer, the only arguments logΓ_d(N/2) meets (N an
     * integer): Γ(x) = (x-1)! for integers, Γ(x) = √π·Π_{i=0}^{x-3/2} (i + ½) for half-integers.
     * (Γ(½) = √π is C's lgamma(0.5), so full-precision π here.)
     */
    static double logGammaHalfInteger(double x) {
        double twice = 2 * x;
        if (!(x > 0) || twice != Math.rint(twice)) throw new IllegalArgumentException("lgamma is only needed at positive (half-)integers, got " + x);
        double sum = 0;
        if (x == Math.rint(x)) {
            for (int i = 2; i < x; i++) sum += Math.log(i);
        } else {
            sum = 0.5 * Math.log(Math.PI);
            for (double f = 0.5; f < x - 0.75; f += 1) sum += Math.log(f);
        }
        return sum;
    }
}
