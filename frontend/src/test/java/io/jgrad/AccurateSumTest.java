package io.jgrad;

import io.jgrad.runtime.Compiled;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 8, part 1: compiled float sums accumulate in {@code io.jgrad.runtime.Summation}'s
 * blocked pairwise order, whose error grows like log n, not n. Expected values are exact
 * sums in double of the float inputs; the compiled and eager results must each be that
 * accurate, so they agree whatever scheme each uses.
 */
class AccurateSumTest {
    /** The reproduction: ten million 0.1f summed gave 975599.1 with four running float accumulators. */
    @Test
    void tenMillionTenths() {
        int n = 10_000_000;
        float[] x = new float[n];
        Arrays.fill(x, 0.1f);
        Compiled sum = Grad.compile((Tensor t) -> t.sum(), Arg.of(n));
        float got = sum.value(new float[][] {x});
        double exact = n * (double) 0.1f; // 1000000.0149...
        assertTrue(Math.abs(got - exact) / exact <= 1e-6, "compiled sum of 10^7 x 0.1f = " + got);
        float[] grad = new float[n];
        assertEquals(got, sum.valueAndGrad(new float[][] {x}, new float[][] {grad}), "value and valueAndGrad agree to the bit");
        assertEquals(1f, grad[n - 1]);
    }

    /** The second reproduction: mean(0).sum() of a [10^6, 10] tensor of 0.1 gave 1.0095835. */
    @Test
    void columnMeansOfAMillionRows() {
        int rows = 1_000_000, cols = 10;
        float[] x = new float[rows * cols];
        Arrays.fill(x, 0.1f);
        Compiled f = Grad.compile((Tensor t) -> t.mean(0).sum(), Arg.of(rows, cols));
        float got = f.value(new float[][] {x});
        assertEquals(1.0, got, 1e-6, "compiled mean(0).sum() of [10^6, 10] x 0.1f");
    }

    /** Sums of U(0,1) from 10^3 to 10^7 terms against the double sum of the same floats. */
    @Test
    void uniformSumsAgainstDouble() {
        Random r = new Random(8);
        for (int n = 1000; n <= 10_000_000; n *= 10) {
            float[] x = new float[n];
            double exact = 0;
            for (int i = 0; i < n; i++) {
                x[i] = r.nextFloat();
                exact += x[i];
            }
            float compiled = Grad.compile((Tensor t) -> t.sum(), Arg.of(n)).value(new float[][] {x});
            float eager = Tensor.of(x).sum().item();
            double relCompiled = Math.abs(compiled - exact) / exact, relEager = Math.abs(eager - exact) / exact;
            assertTrue(relCompiled <= 1e-6, "n=" + n + ": compiled relative error " + relCompiled);
            assertTrue(relEager <= 1e-6, "n=" + n + ": eager relative error " + relEager);
            assertTrue(Math.abs(compiled - eager) <= 2e-6 * exact, "n=" + n + ": compiled " + compiled + ", eager " + eager);
        }
    }

    /** Sums along an axis and means, compiled and eager, each within 1e-6 relative of double. */
    @Test
    void axisSumsAndMeansAgreeWithEager() {
        Random r = new Random(9);
        int[][] shapes = {{100_000, 7}, {7, 100_000}, {300, 300}};
        for (int[] s : shapes) {
            float[] x = new float[s[0] * s[1]];
            for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
            for (int axis = 0; axis < 2; axis++) {
                final int a = axis;
                int len = s[a], outLen = s[1 - a];
                double[] exact = new double[outLen];
                for (int i = 0; i < s[0]; i++)
                    for (int j = 0; j < s[1]; j++) exact[a == 0 ? j : i] += x[i * s[1] + j];
                float[] compiled = new float[outLen];
                Grad.compile((Tensor t) -> t.sum(a), Arg.of(s)).forward(new float[][] {x}, compiled);
                float[] eager = Tensor.of(x, s).sum(a).toArray();
                for (int k = 0; k < outLen; k++) {
                    double e = exact[k];
                    String where = Arrays.toString(s) + " axis " + a + " element " + k;
                    assertTrue(Math.abs(compiled[k] - e) <= 1e-6 * e, where + ": compiled " + compiled[k] + ", exact " + e);
                    assertTrue(Math.abs(eager[k] - e) <= 1e-6 * e, where + ": eager " + eager[k] + ", exact " + e);
                }
            }
            double all = 0;
            for (float v : x) all += v;
            float mean = Grad.compile((Tensor t) -> t.mean(), Arg.of(s)).value(new float[][] {x});
            float eagerMean = Tensor.of(x, s).mean().item();
            double m = all / x.length;
            assertTrue(Math.abs(mean - m) <= 1e-6 * m, Arrays.toString(s) + ": compiled mean " + mean + ", exact " + m);
            assertTrue(Math.abs(eagerMean - m) <= 1e-6 * m, Arrays.toString(s) + ": eager mean " + eagerMean + ", exact " + m);
        }
    }

    /**
     * Matmul over a long inner dimension: each element within 1e-6 relative of the double dot
     * product (positive terms). Compiled only: today's eager matmul accumulates in one float
     * (1.6e-5 relative here) until the eager kernels call Summation.matmul.
     */
    @Test
    void longInnerDimensionMatmul() {
        Random r = new Random(10);
        int m = 3, k = 200_000, n = 2;
        float[] a = new float[m * k], b = new float[k * n];
        for (int i = 0; i < a.length; i++) a[i] = r.nextFloat();
        for (int i = 0; i < b.length; i++) b[i] = r.nextFloat();
        float[] c = new float[m * n];
        Grad.compile((Tensor x, Tensor y) -> x.matmul(y), Arg.of(m, k), Arg.of(k, n)).forward(new float[][] {a, b}, c);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double e = 0;
                for (int q = 0; q < k; q++) e += (double) a[i * k + q] * b[q * n + j];
                assertTrue(Math.abs(c[i * n + j] - e) <= 1e-6 * e, "compiled c[" + i + "," + j + "] = " + c[i * n + j] + ", exact " + e);
            }
    }
}
