package io.jgrad.runtime;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batched kernels (issue 12, GMM): {@link ScalarGemm#batched} element for element against
 * {@link Summation#dot} (its definition) and {@link Gemm#batched} against {@link Summation#dotFused}
 * (the vector path's; run by the module's execution), both bit for bit, and both against a naive
 * triple loop in double within the orders' error bounds. Shapes: m and n of every residue mod 4
 * (the 4 x 4 tiles' padded edges) and below 4 (one dot per element), k in and across blocks of 128 with every k % 4 (the tail rule), the row-by-row
 * kernel's shapes (n &gt;= 64 and k &lt;= 128 or over several blocks: partial panels, k &lt; 4), batches 1..4; with the module
 * (the second execution) the pairs with A row-major and B transposed (rows of A and columns of B
 * contiguous) run in {@link VectorDot} and must give the same bits,
 * operands strided in place (row-major, transposed, with batch padding) as generated code passes them.
 */
class ScalarGemmTest {
    static final int[][] SHAPES = {
            {1, 1, 1}, {2, 4, 2}, {3, 5, 3}, {2, 3, 7}, {5, 1, 4}, {4, 7, 2}, {7, 8, 9}, {10, 10, 30}, {6, 127, 5},
            {4, 128, 6}, {5, 129, 3}, {3, 300, 4}, {2, 515, 2}, {9, 64, 33}, {1, 40, 6}, {6, 40, 1},
            // 4 x 4 tiles: whole tiles, padded edge tiles (m, n % 4 = 1, 2, 3), k below, at and across
            // blocks with every k % 4, block counts 2, 3, 8 and 11 (gaps in their bits)
            {4, 1, 4}, {4, 4, 4}, {8, 2, 8}, {4, 3, 5}, {5, 6, 4}, {6, 126, 7}, {8, 128, 8}, {7, 129, 6},
            {12, 131, 13}, {9, 257, 10}, {4, 384, 4}, {11, 1001, 6}, {6, 1283, 5}, {20, 130, 20},
            // row by row (k <= 128, n >= 64): every k % 4, k < 4, a panel and a part, two panels and a part
            {1, 1, 64}, {2, 2, 65}, {3, 3, 70}, {2, 4, 64}, {3, 5, 100}, {1, 7, 257}, {3, 10, 300}, {2, 13, 64},
            {4, 20, 80}, {2, 31, 64}, {3, 64, 130}, {2, 128, 70},
            // row by row over several blocks of terms (B's panel within ROWS_MAX_PANEL): 2, 3, 4, 5 and
            // 8 blocks (counts with a gap in their bits), every k % 4, two panels, the largest k at n = 64;
            // then just past the panel limit (the tiles again)
            {2, 129, 64}, {3, 130, 65}, {2, 257, 64}, {1, 512, 128}, {3, 515, 70}, {2, 1000, 64}, {2, 200, 300},
            {1, 1023, 64}, {2, 1025, 64},
    };
    /** Shapes above Gemm's threshold, for the vector kernel per batch. */
    static final int[][] GEMM_SHAPES = {{32, 32, 32}, {33, 17, 61}, {64, 64, 100}, {40, 300, 20}, {35, 129, 17}, {32, 256, 32}, {33, 640, 19}, {32, 1100, 17}};

    /** An operand layout: how [batch, rows, cols] sits in its array (offset and three strides). */
    record Layout(int off, int bs, int rs, int cs, int length) {
        static Layout of(int kind, int batch, int rows, int cols) {
            return switch (kind) {
                case 0 -> new Layout(0, rows * cols, cols, 1, batch * rows * cols);                     // row-major
                case 1 -> new Layout(0, rows * cols, 1, rows, batch * rows * cols);                     // each batch transposed
                default -> new Layout(3, rows * cols + 5, cols, 1, 3 + batch * (rows * cols + 5));     // offset and padding between batches
            };
        }

        int at(int b, int r, int c) {
            return off + b * bs + r * rs + c * cs;
        }
    }

    @Test
    void scalarKernelGivesTheBitsOfDot() {
        SplittableRandom r = new SplittableRandom(21);
        for (int[] s : SHAPES) {
            for (int batch = 1; batch <= 4; batch += 3) {
                for (int la = 0; la < 3; la++) {
                    int lb = (la + batch) % 3, m = s[0], k = s[1], n = s[2];
                    Layout a = Layout.of(la, batch, m, k), b = Layout.of(lb, batch, k, n);
                    String what = batch + "x" + m + "x" + k + "x" + n + " layouts " + la + "," + lb;
                    // double
                    double[] da = random(r, a.length), db = random(r, b.length);
                    double[] w = new double[ScalarGemm.scratch(m, k, n) + 2];
                    double[] c = new double[batch * m * n + 3];
                    ScalarGemm.batched(da, a.off, a.bs, a.rs, a.cs, db, b.off, b.bs, b.rs, b.cs, batch, m, k, n, c, 3, w, 2);
                    for (int bi = 0; bi < batch; bi++)
                        for (int i = 0; i < m; i++)
                            for (int j = 0; j < n; j++) {
                                double want = Summation.dot(da, a.at(bi, i, 0), a.cs, db, b.at(bi, 0, j), b.rs, k);
                                double got = c[3 + bi * m * n + i * n + j];
                                assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got), what + " f64 element " + bi + "," + i + "," + j);
                                assertNaive(got, naive(da, a, db, b, bi, i, j, k), absNaive(da, a, db, b, bi, i, j, k), 61 + k, 0x1p-53, what);   // dot's bound plus the naive loop's own (k - 1) u
                            }
                    // float
                    float[] fa = toFloat(da), fb = toFloat(db);
                    float[] fw = new float[ScalarGemm.scratch(m, k, n)];
                    float[] fc = new float[batch * m * n];
                    ScalarGemm.batched(fa, a.off, a.bs, a.rs, a.cs, fb, b.off, b.bs, b.rs, b.cs, batch, m, k, n, fc, 0, fw, 0);
                    for (int bi = 0; bi < batch; bi++)
                        for (int i = 0; i < m; i++)
                            for (int j = 0; j < n; j++) {
                                float want = Summation.dot(fa, a.at(bi, i, 0), a.cs, fb, b.at(bi, 0, j), b.rs, k);
                                float got = fc[bi * m * n + i * n + j];
                                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got), what + " f32 element " + bi + "," + i + "," + j);
                                double[] da2 = toDouble(fa), db2 = toDouble(fb);
                                assertNaive(got, naive(da2, a, db2, b, bi, i, j, k), absNaive(da2, a, db2, b, bi, i, j, k), 62, 0x1p-24, what);
                            }
                }
            }
        }
    }

    /** Gemm.batched (the vector path's kernel per batch) is Summation.dotFused per element, whatever the operands' strides. */
    @Test
    void vectorKernelPerBatchGivesTheBitsOfDotFused() {
        if (!Gemm.enabled()) return;   // the module's execution runs it
        SplittableRandom r = new SplittableRandom(22);
        for (int[] s : GEMM_SHAPES) {
            int m = s[0], k = s[1], n = s[2];
            assertTrue(Gemm.uses(m, k, n), m + "x" + k + "x" + n);
            for (int batch = 1; batch <= 3; batch += 2) {
                for (int la = 0; la < 3; la++) {
                    int lb = (la + 1) % 3;
                    Layout a = Layout.of(la, batch, m, k), b = Layout.of(lb, batch, k, n);
                    String what = batch + "x" + m + "x" + k + "x" + n + " layouts " + la + "," + lb;
                    double[] da = random(r, a.length), db = random(r, b.length);
                    double[] c = new double[batch * m * n];
                    Gemm.batched(da, a.off, a.bs, a.rs, a.cs, db, b.off, b.bs, b.rs, b.cs, batch, m, k, n, c, 0, new double[Gemm.batchedScratch(true, m, k, n)], 0);
                    float[] fa = toFloat(da), fb = toFloat(db);
                    float[] fc = new float[batch * m * n];
                    Gemm.batched(fa, a.off, a.bs, a.rs, a.cs, fb, b.off, b.bs, b.rs, b.cs, batch, m, k, n, fc, 0, new float[Gemm.batchedScratch(false, m, k, n)], 0);
                    for (int bi = 0; bi < batch; bi++)
                        for (int i = 0; i < m; i++)
                            for (int j = 0; j < n; j++) {
                                double want = Summation.dotFused(da, a.at(bi, i, 0), a.cs, db, b.at(bi, 0, j), b.rs, k);
                                double got = c[bi * m * n + i * n + j];
                                assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got), what + " f64 element " + bi + "," + i + "," + j);
                                assertNaive(got, naive(da, a, db, b, bi, i, j, k), absNaive(da, a, db, b, bi, i, j, k), 152 + k, 0x1p-53, what);
                                float fwant = Summation.dotFused(fa, a.at(bi, i, 0), a.cs, fb, b.at(bi, 0, j), b.rs, k);
                                assertEquals(Float.floatToRawIntBits(fwant), Float.floatToRawIntBits(fc[bi * m * n + i * n + j]), what + " f32 element " + bi + "," + i + "," + j);
                            }
                }
            }
        }
    }

    /** The products of the path, as the interpreter takes them: Gemm.product picks the kernel per batch shape. */
    @Test
    void productFollowsThePath() {
        SplittableRandom r = new SplittableRandom(23);
        for (int[] s : new int[][] {{40, 30, 20}, {5, 9, 7}}) {
            int m = s[0], k = s[1], n = s[2], batch = 2;
            double[] a = random(r, batch * m * k), b = random(r, batch * k * n);
            double[] c = Gemm.product(a, b, batch, m, k, n);
            for (int bi = 0; bi < batch; bi++)
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++) {
                        int ao = bi * m * k + i * k, bo = bi * k * n + j;
                        double want = Gemm.uses(m, k, n) ? Summation.dotFused(a, ao, 1, b, bo, n, k) : Summation.dot(a, ao, 1, b, bo, n, k);
                        assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(c[bi * m * n + i * n + j]));
                    }
        }
        // an empty sum is +0.0 (PyTorch's), as the 2-D kernel gives it
        double[] z = Gemm.product(new double[0], new double[0], 2, 3, 0, 2);
        for (double v : z) assertEquals(0L, Double.doubleToRawLongBits(v));
    }

    @Test
    void specialValuesTravelAsInDot() {
        int m = 3, k = 9, n = 4;
        double[] a = new double[m * k], b = new double[k * n];
        for (int i = 0; i < a.length; i++) a[i] = i % 5 == 0 ? -0.0 : (i % 7) - 3;
        for (int i = 0; i < b.length; i++) b[i] = 0.5 * ((i % 3) - 1);
        a[2] = Double.NaN;
        a[k + 4] = Double.POSITIVE_INFINITY;
        b[5 * n + 3] = Double.NEGATIVE_INFINITY;
        for (int q = 0; q < k; q++) a[2 * k + q] = -0.0;   // row 2 all -0.0: its sums with column 0 (-0.0·…) stay -0.0 or +0.0 as dot says
        double[] c = new double[m * n];
        ScalarGemm.batched(a, 0, 0, k, 1, b, 0, 0, n, 1, 1, m, k, n, c, 0, new double[ScalarGemm.scratch(m, k, n)], 0);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                assertEquals(Double.doubleToRawLongBits(Summation.dot(a, i * k, 1, b, j, n, k)), Double.doubleToRawLongBits(c[i * n + j]), "element " + i + "," + j);
    }

    /** Which shapes the row-by-row kernel takes: the tests above must reach both of its loops (one block, several) and the tiles past its limits. */
    @Test
    void rowByRowTakesFewColumnsOfManyTermsWithinItsPanel() {
        assertTrue(ScalarGemm.byRows(128, 64) && ScalarGemm.byRows(1, 1000));                     // one block
        assertTrue(ScalarGemm.byRows(1000, 64) && ScalarGemm.byRows(1023, 64) && ScalarGemm.byRows(200, 300));   // several blocks, B's panel <= 65,536
        assertTrue(!ScalarGemm.byRows(1025, 64) && !ScalarGemm.byRows(300, 300) && !ScalarGemm.byRows(1000, 63));
        assertEquals(0, ScalarGemm.scratch(64, 1000, 64), "row by row needs no scratch");
    }

    /**
     * 0 bytes per call of the row-by-row kernel over several blocks (GMM d64's G·Cᵀ shape, transposed
     * B as generated code passes it) once its per-thread panels exist. Judged in batches of 20 calls
     * until one allocates nothing, for at most 20 s.
     */
    @Test
    void rowByRowOverSeveralBlocksAllocatesNothing() {
        int m = 64, k = 1000, n = 64, batch = 2;
        double[] a = random(new SplittableRandom(5), batch * m * k), b = random(new SplittableRandom(6), batch * k * n), c = new double[batch * m * n];
        float[] fa = toFloat(a), fb = toFloat(b), fc = new float[batch * m * n];
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long per = Long.MAX_VALUE, start = System.nanoTime();
        while (per >= 16 && System.nanoTime() - start < 20_000_000_000L) {
            long before = tb.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20; i++) {
                ScalarGemm.batched(a, 0, m * k, k, 1, b, 0, k * n, 1, k, batch, m, k, n, c, 0, null, 0);
                ScalarGemm.batched(fa, 0, m * k, k, 1, fb, 0, k * n, 1, k, batch, m, k, n, fc, 0, null, 0);
            }
            per = (tb.getCurrentThreadAllocatedBytes() - before) / 20;
        }
        assertTrue(per < 16, per + " B per call (F32 + F64)");
    }

    /** The row-by-row kernel's -0.0 start: a row of -0.0 times columns of +0.0 and -0.0 (every k % 4, k < 4, several blocks), NaN and infinities, as dot. */
    @Test
    void specialValuesTravelAsInDotRowByRow() {
        for (int k : new int[] {1, 2, 3, 4, 6, 9, 130, 515}) {
            int m = 3, n = 70;
            assertEquals(0, ScalarGemm.scratch(m, k, n), "row by row needs no scratch");
            double[] a = new double[m * k], b = new double[k * n];
            for (int q = 0; q < k; q++) {
                a[q] = -0.0;                                    // row 0: all -0.0
                a[k + q] = q % 2 == 0 ? 1.5 : -0.0;
                a[2 * k + q] = q == k - 1 ? Double.NaN : 2.0;
            }
            for (int i = 0; i < b.length; i++) b[i] = i % 3 == 0 ? -0.0 : i % 3 == 1 ? 0.0 : (i % 11) - 5;
            if (k > 1) b[n + 5] = Double.POSITIVE_INFINITY;
            b[7] = Double.NEGATIVE_INFINITY;
            double[] c = new double[m * n];
            ScalarGemm.batched(a, 0, 0, k, 1, b, 0, 0, n, 1, 1, m, k, n, c, 0, null, 0);   // no workspace: generated code passes null when a function has none
            float[] fa = toFloat(a), fb = toFloat(b), fc = new float[m * n];
            ScalarGemm.batched(fa, 0, 0, k, 1, fb, 0, 0, n, 1, 1, m, k, n, fc, 0, new float[0], 0);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    assertEquals(Double.doubleToRawLongBits(Summation.dot(a, i * k, 1, b, j, n, k)), Double.doubleToRawLongBits(c[i * n + j]), "k " + k + " element " + i + "," + j);
                    assertEquals(Float.floatToRawIntBits(Summation.dot(fa, i * k, 1, fb, j, n, k)), Float.floatToRawIntBits(fc[i * n + j]), "k " + k + " f32 element " + i + "," + j);
                }
        }
    }

    @Test
    void badArgumentsAreRejectedBeforeWriting() {
        double[] a = new double[6], b = new double[6], c = new double[4], w = new double[ScalarGemm.scratch(2, 3, 2)];
        java.util.Arrays.fill(c, 7);
        assertThrows(IllegalArgumentException.class, () -> ScalarGemm.batched(a, 0, 6, 3, 1, b, 0, 6, 2, 1, 2, 2, 3, 2, c, 0, w, 0));   // a too short for 2 batches
        assertThrows(IllegalArgumentException.class, () -> ScalarGemm.batched(a, 0, 6, 3, 1, b, 1, 6, 2, 1, 1, 2, 3, 2, c, 0, w, 0));   // b past its end
        assertThrows(IllegalArgumentException.class, () -> ScalarGemm.batched(a, 0, 6, 3, 1, b, 0, 6, 2, 1, 1, 2, 3, 2, c, 1, w, 0));   // c too short
        double[] a4 = new double[12], b4 = new double[12], c4 = new double[16];   // 4 x 4: tiled, so it needs scratch (2 x 2 is one dot per element)
        java.util.Arrays.fill(c4, 7);
        assertThrows(IllegalArgumentException.class, () -> ScalarGemm.batched(a4, 0, 12, 3, 1, b4, 0, 12, 4, 1, 1, 4, 3, 4, c4, 0, new double[ScalarGemm.scratch(4, 3, 4) - 1], 0));   // scratch one short
        for (double v : c4) assertEquals(7.0, v);
        assertThrows(IllegalArgumentException.class, () -> ScalarGemm.batched(a, 0, 6, 3, 1, b, 0, 6, 2, 1, 1, -2, 3, 2, c, 0, w, 0));
        for (double v : c) assertEquals(7.0, v);
    }

    private static void assertNaive(double got, double naive, double abs, double roundings, double u, String what) {
        double bound = roundings * u * abs + Double.MIN_NORMAL;
        assertTrue(Math.abs(got - naive) <= bound, what + ": " + got + " vs naive " + naive + " (bound " + bound + ")");
    }

    /** The naive triple loop's element, in double (products and sum in order). */
    private static double naive(double[] a, Layout la, double[] b, Layout lb, int bi, int i, int j, int k) {
        double s = 0;
        for (int q = 0; q < k; q++) s += a[la.at(bi, i, q)] * b[lb.at(bi, q, j)];
        return s;
    }

    private static double absNaive(double[] a, Layout la, double[] b, Layout lb, int bi, int i, int j, int k) {
        double s = 0;
        for (int q = 0; q < k; q++) s += Math.abs(a[la.at(bi, i, q)] * b[lb.at(bi, q, j)]);
        return s;
    }

    private static double[] random(SplittableRandom r, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = r.nextInt(25) == 0 ? -0.0 : r.nextDouble(-1, 1);
        return x;
    }

    private static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
        return f;
    }

    private static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }
}
