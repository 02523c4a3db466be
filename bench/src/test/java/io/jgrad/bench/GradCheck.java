package io.jgrad.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks a float32 gradient against central finite differences of a double forward function:
 * per coordinate (all of them for small parameters, a seeded sample for large ones) and along one
 * random direction through all parameters at once.
 */
final class GradCheck {
    private GradCheck() {}

    /** Step of the central difference: truncation ~h², rounding ~1e-16·|f|/h, both far below float32 noise. */
    static final double H = 1e-5;
    /** How many coordinates of a large parameter are checked one by one. */
    static final int SAMPLE = 24;

    /**
     * @param names   parameter names, for messages
     * @param params  the parameters in double (they are perturbed in place and restored)
     * @param grads   the gradient under test, one float array per parameter
     * @param f       the function of all parameters, in double
     * @param rtol    relative tolerance per element
     * @param atolScale absolute tolerance as a fraction of the largest |finite difference| of that parameter
     */
    static void check(String[] names, double[][] params, float[][] grads, ToDoubleFunction<double[][]> f,
                      double rtol, double atolScale) {
        SplittableRandom random = new SplittableRandom(7);
        List<String> failures = new ArrayList<>();
        for (int p = 0; p < params.length; p++) {
            double[] theta = params[p];
            if (grads[p].length != theta.length) fail(names[p] + ": gradient has length " + grads[p].length + ", parameter " + theta.length);
            int[] coords = coordinates(theta.length, random);
            double[] fd = new double[coords.length];
            double maxFd = 0;
            for (int c = 0; c < coords.length; c++) {
                fd[c] = centralDifference(params, p, coords[c], f);
                maxFd = Math.max(maxFd, Math.abs(fd[c]));
            }
            double atol = atolScale * maxFd + 1e-9;
            for (int c = 0; c < coords.length; c++) {
                double g = grads[p][coords[c]];
                if (!(Math.abs(g - fd[c]) <= atol + rtol * Math.abs(fd[c]))) {
                    failures.add(String.format("%s[%d]: gradient %.9g, finite difference %.9g", names[p], coords[c], g, fd[c]));
                }
            }
        }
        // ⟨g, u⟩ against (f(θ + hu) - f(θ - hu)) / 2h over every coordinate, sampled or not.
        double[][] u = new double[params.length][];
        double predicted = 0, scale = 0;
        for (int p = 0; p < params.length; p++) {
            u[p] = new double[params[p].length];
            for (int i = 0; i < u[p].length; i++) {
                u[p][i] = random.nextDouble(-1, 1);
                predicted += grads[p][i] * u[p][i];
                scale += Math.abs(grads[p][i] * u[p][i]);
            }
        }
        double directional = (shifted(params, u, H, f) - shifted(params, u, -H, f)) / (2 * H);
        if (!(Math.abs(predicted - directional) <= rtol * scale + 1e-9)) {
            failures.add(String.format("random direction: <g,u> = %.9g, finite difference %.9g", predicted, directional));
        }
        if (!failures.isEmpty()) fail(failures.size() + " mismatches:\n  " + String.join("\n  ", failures));
    }

    private static int[] coordinates(int n, SplittableRandom random) {
        if (n <= 2 * SAMPLE) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) all[i] = i;
            return all;
        }
        int[] some = new int[SAMPLE + 2];
        some[0] = 0;
        some[1] = n - 1;
        for (int i = 2; i < some.length; i++) some[i] = random.nextInt(n);
        return some;
    }

    private static double centralDifference(double[][] params, int p, int i, ToDoubleFunction<double[][]> f) {
        double saved = params[p][i];
        double h = H * Math.max(1, Math.abs(saved));
        params[p][i] = saved + h;
        double up = f.applyAsDouble(params);
        params[p][i] = saved - h;
        double down = f.applyAsDouble(params);
        params[p][i] = saved;
        return (up - down) / (2 * h);
    }

    private static double shifted(double[][] params, double[][] u, double h, ToDoubleFunction<double[][]> f) {
        double[][] moved = new double[params.length][];
        for (int p = 0; p < params.length; p++) {
            moved[p] = params[p].clone();
            for (int i = 0; i < moved[p].length; i++) moved[p][i] += h * u[p][i];
        }
        return f.applyAsDouble(moved);
    }
}
