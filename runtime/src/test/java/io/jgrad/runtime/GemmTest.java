package io.jgrad.runtime;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The register-blocked kernel against the scalar definition of its order, {@link Summation#dotFused}. */
class GemmTest {
    static final boolean MODULE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /** Worked by hand: a = 1 + 2^-12, a·a = 1 + 2^-11 + 2^-24 (a tie in float, rounded to 1 + 2^-11). */
    @Test
    void fusedAddsEachProductUnrounded() {
        float a = 1 + 0x1p-12f;
        // both terms are the sum's tail (n % 4 = 2): a0 = fma(-1, 1, -0) = -1, then fma(a, a, -1)
        assertEquals(0x1p-11f + 0x1p-24f, Summation.dotFused(new float[] {-1, a}, 0, 1, new float[] {1, a}, 0, 1, 2));
        assertEquals(0x1p-11f, Summation.dot(new float[] {-1, a}, 0, 1, new float[] {1, a}, 0, 1, 2));
        double d = 1 + 0x1p-27;
        assertEquals(0x1p-26 + 0x1p-54, Summation.dotFused(new double[] {-1, d}, 0, 1, new double[] {1, d}, 0, 1, 2));
        // the same terms: where every partial sum is exact, both orders give the exact sum
        SplittableRandom r = new SplittableRandom(3);
        for (int n : new int[] {1, 4, 7, 128, 129, 300, 515}) {
            float[] x = new float[n], y = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = (float) r.nextInt(-64, 64);
                y[i] = r.nextInt(-64, 64) / 64f;
            }
            assertEquals(Summation.dot(x, 0, 1, y, 0, 1, n), Summation.dotFused(x, 0, 1, y, 0, 1, n), "n=" + n);
        }
    }

    /**
     * The blocks, worked by hand: 1 then 255 terms of 2^-24. Inside block 1 one chain: 1 + 2^-24
     * is a tie and rounds to 1, so the block is 1 (Summation's four accumulators give
     * 1 + 3·2^-19: three of them sum 32 small terms exactly); block 2 is 128·2^-24 = 2^-17 exactly;
     * the total 1 + 2^-17 (one chain over all 256 terms would give 1).
     */
    @Test
    void fusedBlocksAreOneChainEach() {
        float[] x = new float[256], y = new float[256];
        java.util.Arrays.fill(x, 0x1p-24f);
        java.util.Arrays.fill(y, 1f);
        x[0] = 1f;
        assertEquals(1f, Summation.dotFused(x, 0, 1, y, 0, 1, 128));
        assertEquals(1f + 3 * 0x1p-19f, Summation.dot(x, 0, 1, y, 0, 1, 128));
        assertEquals(1f + 0x1p-17f, Summation.dotFused(x, 0, 1, y, 0, 1, 256));
        double[] dx = new double[256], dy = new double[256];
        java.util.Arrays.fill(dx, 0x1p-53);
        java.util.Arrays.fill(dy, 1);
        dx[0] = 1;
        assertEquals(1 + 0x1p-46, Summation.dotFused(dx, 0, 1, dy, 0, 1, 256));
    }

    @Test
    void threshold() {
        assertTrue(Gemm.applies(256, 256, 256));
        assertTrue(Gemm.applies(64, 784, 128));
        assertFalse(Gemm.applies(64, 128, 10));   // n below 16
        assertFalse(Gemm.applies(4096, 64, 1));   // matrix-vector
        assertFalse(Gemm.applies(1, 3, 1));       // the seed neuron
        assertFalse(Gemm.applies(16, 16, 16));    // 4096 multiply-adds
        assertFalse(Gemm.applies(16, 64, 64));    // m below 32: packing costs more than it saves (README)
        assertEquals(MODULE && !"false".equalsIgnoreCase(System.getProperty("jgrad.simd")), Gemm.enabled());
    }

    static final int[][] SHAPES = {
            {32, 16, 512}, {33, 17, 683}, {256, 256, 256}, {64, 784, 128}, {784, 64, 128}, {37, 129, 53}, {35, 1000, 17}, {43, 385, 70},
            {100, 131, 33}, {37, 387, 40}, {130, 17, 1030}, {64, 512, 16}, {39, 640, 31},
    };

    @Test
    void kernelGivesTheBitsOfDotFused() {
        if (!Gemm.enabled()) return;   // the module's execution runs it
        SplittableRandom r = new SplittableRandom(13);
        for (int[] s : SHAPES) {
            int m = s[0], k = s[1], n = s[2];
            assertTrue(Gemm.applies(m, k, n), m + "x" + k + "x" + n);
            float[] a = new float[m * k], b = new float[k * n];
            for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
            for (int i = 0; i < b.length; i++) b[i] = (float) r.nextDouble(-1, 1);
            float[] ref = new float[m * n];
            Summation.matmulFused(a, b, ref, m, k, n);
            for (int rep = 0; rep < 2; rep++) assertArrayEquals(ref, Gemm.matmul(a, b, m, k, n), m + "x" + k + "x" + n + " f32");
            float[] plain = new float[m * n];
            Summation.matmul(a, b, plain, m, k, n);
            assertNotEquals(java.util.Arrays.toString(plain), java.util.Arrays.toString(ref), "fma changes some bits");
            double[] da = new double[a.length], db = new double[b.length];
            for (int i = 0; i < a.length; i++) da[i] = r.nextDouble(-1, 1);
            for (int i = 0; i < b.length; i++) db[i] = r.nextDouble(-1, 1);
            double[] dref = new double[m * n];
            Summation.matmulFused(da, db, dref, m, k, n);
            for (int rep = 0; rep < 2; rep++) assertArrayEquals(dref, Gemm.matmul(da, db, m, k, n), m + "x" + k + "x" + n + " f64");
        }
    }

    /** Special values travel as in the scalar definition: NaN, infinities, -0.0 (an all -0.0 product sums to -0.0). */
    @Test
    void specialValues() {
        if (!Gemm.enabled()) return;
        int m = 32, k = 20, n = 300;
        float[] a = new float[m * k], b = new float[k * n];
        for (int i = 0; i < a.length; i++) a[i] = i % 7 == 0 ? -0.0f : (i % 5) - 2;
        for (int i = 0; i < b.length; i++) b[i] = 0.5f * ((i % 3) - 1);
        a[3] = Float.NaN;
        a[k + 4] = Float.POSITIVE_INFINITY;
        b[5 * n + 7] = Float.NEGATIVE_INFINITY;
        for (int q = 0; q < k; q++) a[5 * k + q] = -0.0f;
        for (int q = 0; q < k; q++) b[q * n + 299] = 0.0f;
        float[] ref = new float[m * n];
        Summation.matmulFused(a, b, ref, m, k, n);
        float[] got = Gemm.matmul(a, b, m, k, n);
        for (int i = 0; i < ref.length; i++) assertEquals(Float.floatToIntBits(ref[i]), Float.floatToIntBits(got[i]), "element " + i);
    }

    @Test
    void badInput() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gemm.matmul(new float[4], new float[4], 2, 2, 2));
        assertTrue(e.getMessage().contains("threshold"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Gemm.matmul(new float[10], new float[16 * 512], 32, 16, 512));
        assertTrue(e.getMessage().contains("needs arrays of 512 and 8192"), e.getMessage());
    }
}
