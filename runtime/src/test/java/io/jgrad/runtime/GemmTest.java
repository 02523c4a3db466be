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
        assertTrue(Gemm.applies(16, 64, 64));     // m from 16 (README: 0.78x the lane loops at 80decdd; GMM d20)
        assertTrue(Gemm.applies(20, 20, 1000));   // a GMM d20 slice
        assertFalse(Gemm.applies(15, 64, 64));    // m below 16
        assertFalse(Gemm.applies(8, 32, 128));    // m below 16: 1.22x the lane loops (README)
        assertEquals(MODULE && !"false".equalsIgnoreCase(System.getProperty("jgrad.simd")), Gemm.enabled());
    }

    static final int[][] SHAPES = {
            {32, 16, 512}, {33, 17, 683}, {16, 64, 64}, {20, 20, 1000}, {17, 33, 70}, {31, 45, 24}, {256, 256, 256}, {64, 784, 128}, {784, 64, 128}, {37, 129, 53}, {35, 1000, 17}, {43, 385, 70},
            {100, 131, 33}, {37, 387, 40}, {130, 17, 1030}, {64, 512, 16}, {39, 640, 31},
            // the tile: every m % 6, n % 32 (F32) and % 16 (F64) on both sides of a tile,
            // 1 to 14 blocks of k (the stack levels each block adds: 3, 6, 14 blocks)
            {36, 128, 64}, {48, 300, 32}, {41, 257, 47}, {42, 700, 33}, {50, 1700, 20}, {45, 100, 48}, {34, 130, 31}, {47, 200, 95}, {44, 90, 17}, {43, 150, 40},
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

    /**
     * {@link VectorGemm#run} writes exactly c[cOff .. cOff + m n) and its scratch w[s .. s + scratch):
     * operands packed at an offset into a larger workspace (as generated code does), sentinels around.
     */
    @Test
    void runWritesOnlyItsRegions() {
        if (!Gemm.enabled()) return;
        SplittableRandom r = new SplittableRandom(5);
        for (int[] sh : new int[][] {{37, 129, 53}, {48, 256, 64}, {33, 17, 40}, {45, 385, 50}}) {
            int m = sh[0], k = sh[1], n = sh[2], s = 7, cOff = 5;
            float[] a = new float[m * k], b = new float[k * n];
            for (int i = 0; i < a.length; i++) a[i] = (float) r.nextDouble(-1, 1);
            for (int i = 0; i < b.length; i++) b[i] = (float) r.nextDouble(-1, 1);
            float[] ref = new float[m * n];
            Summation.matmulFused(a, b, ref, m, k, n);
            int size = VectorGemm.scratch(false, m, k, n);
            float[] w = new float[s + size + 9], c = new float[cOff + m * n + 11];
            java.util.Arrays.fill(w, 42f);
            java.util.Arrays.fill(c, 43f);
            VectorGemm.packA(a, 0, k, 1, m, k, w, s);
            VectorGemm.packB(b, 0, n, 1, k, n, w, s + Gemm.packedB(m, k));
            VectorGemm.run(w, s, m, k, n, c, cOff);
            assertArrayEquals(ref, java.util.Arrays.copyOfRange(c, cOff, cOff + m * n), m + "x" + k + "x" + n);
            for (int i = 0; i < cOff; i++) assertEquals(43f, c[i]);
            for (int i = cOff + m * n; i < c.length; i++) assertEquals(43f, c[i]);
            for (int i = 0; i < s; i++) assertEquals(42f, w[i]);
            for (int i = s + size; i < w.length; i++) assertEquals(42f, w[i]);
            double[] da = new double[a.length], db = new double[b.length], dref = new double[m * n];
            for (int i = 0; i < a.length; i++) da[i] = r.nextDouble(-1, 1);
            for (int i = 0; i < b.length; i++) db[i] = r.nextDouble(-1, 1);
            Summation.matmulFused(da, db, dref, m, k, n);
            int dsize = VectorGemm.scratch(true, m, k, n);
            double[] dw = new double[s + dsize + 9], dc = new double[cOff + m * n + 11];
            java.util.Arrays.fill(dw, 42);
            java.util.Arrays.fill(dc, 43);
            VectorGemm.packA(da, 0, k, 1, m, k, dw, s);
            VectorGemm.packB(db, 0, n, 1, k, n, dw, s + Gemm.packedB(m, k));
            VectorGemm.run(dw, s, m, k, n, dc, cOff);
            assertArrayEquals(dref, java.util.Arrays.copyOfRange(dc, cOff, cOff + m * n), m + "x" + k + "x" + n + " f64");
            for (int i = 0; i < cOff; i++) assertEquals(43, dc[i]);
            for (int i = cOff + m * n; i < dc.length; i++) assertEquals(43, dc[i]);
            for (int i = 0; i < s; i++) assertEquals(42, dw[i]);
            for (int i = s + dsize; i < dw.length; i++) assertEquals(42, dw[i]);
        }
    }

    /**
     * 0 bytes per call of {@link VectorGemm#run} once C2 has compiled it, also after a product whose
     * merge masks have a clear bit below a set one (k = 640, five blocks: the last adds level 2
     * but not levels 0 and 1). Such a profile once made C2 box the merge's running sum for every later
     * product (43 kB per 37x129x53 call). Judged in batches of 200 calls until one allocates
     * nothing, for at most 20 s (until C2 is done the vector code runs in C1, which boxes).
     */
    @Test
    void runAllocatesNothingAfterAGappedMerge() {
        if (!Gemm.enabled()) return;
        int m = 37, k = 129, n = 53;
        for (int rep = 0; rep < 3; rep++) {
            VectorGemm.run(new float[VectorGemm.scratch(false, 40, 640, 50)], 0, 40, 640, 50, new float[40 * 50], 0);
            VectorGemm.run(new double[VectorGemm.scratch(true, 40, 640, 50)], 0, 40, 640, 50, new double[40 * 50], 0);
        }
        float[] w = new float[VectorGemm.scratch(false, m, k, n)], c = new float[m * n];
        double[] dw = new double[VectorGemm.scratch(true, m, k, n)], dc = new double[m * n];
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long per = Long.MAX_VALUE, start = System.nanoTime();
        while (per >= 64 && System.nanoTime() - start < 20_000_000_000L) {
            long before = tb.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 200; i++) {
                VectorGemm.run(w, 0, m, k, n, c, 0);
                VectorGemm.run(dw, 0, m, k, n, dc, 0);
            }
            per = (tb.getCurrentThreadAllocatedBytes() - before) / 200;
        }
        assertTrue(per < 64, per + " B per call (F32 + F64)");
    }

    /** The stack levels a block adds (Cascade's counter, worked by hand). */
    @Test
    void levelsFollowTheBinaryCounter() {
        if (!Gemm.enabled()) return;
        assertEquals(0, VectorGemm.levels(1, 1));      // one block: nothing to add
        assertEquals(0, VectorGemm.levels(1, 2));      // block 1 of 2 goes to level 0
        assertEquals(0b1, VectorGemm.levels(2, 2));    // block 2 of 2: level 0 + it, into C
        assertEquals(0b10, VectorGemm.levels(3, 3));   // (s1 + s2) + s3
        assertEquals(0b11, VectorGemm.levels(4, 4));   // (s1 + s2) + (s3 + s4): level 0 (s3), then level 1
        assertEquals(0b100, VectorGemm.levels(5, 5));  // (s1..s4) + s5
        assertEquals(0b1, VectorGemm.levels(6, 7));    // s5 + s6 to level 1
        assertEquals(0b110, VectorGemm.levels(7, 7));  // (s1..s4) + ((s5 + s6) + s7)
        assertEquals(0b1000, VectorGemm.levels(9, 9));
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
