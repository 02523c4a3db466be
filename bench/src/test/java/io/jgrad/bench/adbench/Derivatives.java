package io.jgrad.bench.adbench;

import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Central finite differences of the Java references, and the comparisons the tests share. */
final class Derivatives {
    private Derivatives() {}

    /**
     * The Jacobian [outputs, Σ parameter lengths] of {@code f} by central differences, perturbing
     * the parameter arrays in place (the records hold them by reference) and restoring them.
     */
    static double[][] finiteDifferences(Supplier<double[]> f, List<double[]> parameters) {
        int outputs = f.get().length, columns = parameters.stream().mapToInt(a -> a.length).sum();
        double[][] jacobian = new double[outputs][columns];
        int column = 0;
        for (double[] parameter : parameters) {
            for (int i = 0; i < parameter.length; i++, column++) {
                double saved = parameter[i], h = 1e-6 * Math.max(1, Math.abs(saved));
                parameter[i] = saved + h;
                double[] plus = f.get();
                parameter[i] = saved - h;
                double[] minus = f.get();
                parameter[i] = saved;
                for (int r = 0; r < outputs; r++) jacobian[r][column] = (plus[r] - minus[r]) / (2 * h);
            }
        }
        return jacobian;
    }

    /** |actual - expected| <= relative·|expected| + floor, element by element, naming the first miss. */
    static void assertClose(String what, double[] expected, double[] actual, double relative, double floor) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double tolerance = relative * Math.abs(expected[i]) + floor;
            if (!(Math.abs(actual[i] - expected[i]) <= tolerance)) {
                fail(what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i] + " (difference "
                        + Math.abs(actual[i] - expected[i]) + " > tolerance " + tolerance + ")");
            }
        }
    }

    static double maxAbs(double[] values) {
        double max = 0;
        for (double v : values) max = Math.max(max, Math.abs(v));
        return max;
    }

    /** A finite-difference check: relative 1e-6 with a floor of 1e-7 of the largest entry. */
    static void assertMatchesFiniteDifferences(String what, double[] analytic, double[] numeric) {
        assertClose(what + " vs central differences", numeric, analytic, 1e-6, 1e-7 * Math.max(maxAbs(numeric), 1e-300));
    }

    static double[] flatten(double[][] m) {
        int columns = m.length == 0 ? 0 : m[0].length;
        double[] out = new double[m.length * columns];
        for (int r = 0; r < m.length; r++) System.arraycopy(m[r], 0, out, r * columns, columns);
        return out;
    }
}
