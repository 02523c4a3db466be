package io.jgrad.runtime;

/**
 * The scalar path's matmul kernel (no jdk.incubator.vector, or a product below {@link Gemm}'s
 * threshold): C = A B with every element {@link Summation#dot} of its row and column, bit for
 * bit — four accumulators per element (term q to accumulator q % 4, the sum's last k % 4 terms
 * to accumulator 0), each product rounded, blocks of {@link Summation#BLOCK} terms added
 * pairwise by {@link Cascade}'s counter. Register-blocked: a 2 x 2 tile of C keeps its 16
 * accumulators in locals over the k loop (innermost), its two rows of A and two columns of B
 * loaded once per term from packed pairs (a(i, q), a(i+1, q) adjacent; b(q, j), b(q, j+1)
 * adjacent: two unit-stride streams whatever the operands' strides); 16 independent add chains
 * hide the adds' latency, where an i-k-j loop over accumulator arrays is bound by their loads
 * and stores. The edges of an odd m or n are {@link Summation#dot} element by element (the
 * same order). Products with at least {@link #ROWS_MIN_N} columns and few terms (one block, or
 * B's panel within {@link #ROWS_MAX_PANEL}) run {@link #rows row by row} instead, in loops
 * HotSpot vectorises: the same additions, the same bits.
 * With jdk.incubator.vector ({@link Gemm#enabled()}), other products whose rows of A and columns
 * of B are contiguous run in {@link VectorDot} (the four accumulators as four lanes): again the same bits.
 *
 * <p>Operands are given by strides: a(i, q) = a[aOff + i * aRs + q * aCs] and
 * b(q, j) = b[bOff + q * bRs + j * bCs], so a transposed operand (the backward products Aᵀ·G,
 * G·Bᵀ) is read where it is; the packing absorbs the transpose. C is row-major [m, n] at
 * c[cOff ..]. A batched product runs the kernel per batch ({@link #batched}), reusing the scratch.
 */
public final class ScalarGemm {
    private ScalarGemm() {}

    /** Products with at least this many columns run row by row ({@link #rows}) when B's panel fits {@link #ROWS_MAX_PANEL}. */
    static final int ROWS_MIN_N = 64;
    /**
     * Elements of B's panel (k rows of min(n, {@link #PANEL}) columns) at most for a product of
     * several blocks of terms to run row by row: 512 kB in F64, so that the panel, read once per
     * row of A, stays in the L2 cache (1 MB per core on Zen 4); the panel arrays this thread keeps
     * are then at most 5 + k + depth rows of PANEL (about 2 MB in F64).
     */
    static final int ROWS_MAX_PANEL = 1 << 16;

    /**
     * Whether [m, k] x [k, n] runs row by row ({@link #rows}) rather than in 2 x 2 tiles: the same
     * bits either way (the choice is speed only). Measured (thread CPU, AMD EPYC Zen 3, HotSpot 17):
     * 25 x [10,10]·[10,1000] 2.5 → 0.63 ms, 50 x [20,20]·[20,1000] 15.9 → 5.9 ms,
     * 100 x [64,64]·[64,1000] 310 → 92 ms, 400 x [10,10]·[10,64] 2.8 → 1.0 ms; several blocks of
     * terms (AMD EPYC Zen 4, HotSpot 17): GMM d64's G·Cᵀ, 100 x [64,1000]·[1000,64] with B transposed,
     * 162-176 → 123-132 ms.
     */
    static boolean byRows(int k, int n) {
        return n >= ROWS_MIN_N && (k <= Summation.BLOCK || (long) k * Math.min(n, PANEL) <= ROWS_MAX_PANEL);
    }

    /**
     * Scratch elements {@link #batched} needs for [m, k] x [k, n]: A packed in row pairs (m rounded
     * down to even, times k), one packed column pair of B (2k), the tile's block sums and four
     * {@link Cascade} stacks (k &gt; BLOCK); none when the product runs row by row (its panels are per thread).
     */
    public static int scratch(int m, int k, int n) {
        if (byRows(k, n)) return 0;
        long size = (long) (m & ~1) * k + 2L * k + (k > Summation.BLOCK ? 4 + 4 * Cascade.depth(k) : 0);
        if (size > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("ScalarGemm: [" + m + ", " + k + "] x [" + k + ", " + n + "] is too large for one scratch array");
        return (int) size;
    }

    private static void check(int aLength, int aOff, int aBs, int aRs, int aCs, int bLength, int bOff, int bBs, int bRs, int bCs,
                              int batch, int m, int k, int n, int cLength, int cOff, int wLength, int s) {
        if (batch < 0 || m < 0 || k < 0 || n < 0) throw new IllegalArgumentException("ScalarGemm: negative size batch=" + batch + " m=" + m + " k=" + k + " n=" + n);
        if (batch == 0 || m == 0 || n == 0) return;
        long aLast = aOff + (long) (batch - 1) * aBs + (long) (m - 1) * aRs + (long) Math.max(k - 1, 0) * aCs;
        long bLast = bOff + (long) (batch - 1) * bBs + (long) Math.max(k - 1, 0) * bRs + (long) (n - 1) * bCs;
        long cLast = cOff + (long) batch * m * n - 1;
        if (aOff < 0 || aBs < 0 || aRs < 0 || aCs < 0 || (k > 0 && aLast >= aLength))
            throw new IllegalArgumentException("ScalarGemm: a reads up to index " + aLast + " (offset " + aOff + ", strides " + aBs + ", " + aRs + ", " + aCs + "), a has length " + aLength);
        if (bOff < 0 || bBs < 0 || bRs < 0 || bCs < 0 || (k > 0 && bLast >= bLength))
            throw new IllegalArgumentException("ScalarGemm: b reads up to index " + bLast + " (offset " + bOff + ", strides " + bBs + ", " + bRs + ", " + bCs + "), b has length " + bLength);
        if (cOff < 0 || cLast >= cLength) throw new IllegalArgumentException("ScalarGemm: c needs index " + cLast + ", c has length " + cLength);
        if (s < 0 || (long) s + scratch(m, k, n) > wLength) throw new IllegalArgumentException("ScalarGemm: scratch needs " + scratch(m, k, n) + " elements from " + s + ", w has length " + wLength);
    }

    // ------------------------------------------------------------------ float (the same order, float arithmetic)

    /**
     * For each bi &lt; batch: c[cOff + bi·m·n ..] (row-major [m, n]) = A_bi B_bi, with
     * a_bi(i, q) = a[aOff + bi·aBs + i·aRs + q·aCs] and b_bi(q, j) = b[bOff + bi·bBs + q·bRs + j·bCs];
     * scratch w[s .. s + {@link #scratch}(m, k, n)). An empty sum (k = 0) is +0.0, as PyTorch's.
     */
    public static void batched(float[] a, int aOff, int aBs, int aRs, int aCs, float[] b, int bOff, int bBs, int bRs, int bCs,
                               int batch, int m, int k, int n, float[] c, int cOff, float[] w, int s) {
        check(a.length, aOff, aBs, aRs, aCs, b.length, bOff, bBs, bRs, bCs, batch, m, k, n, c.length, cOff, w == null ? 0 : w.length, s);   // no workspace when the product needs no scratch
        for (int bi = 0; bi < batch; bi++) kernel(a, aOff + bi * aBs, aRs, aCs, b, bOff + bi * bBs, bRs, bCs, m, k, n, c, cOff + bi * m * n, w, s);
    }

    private static void kernel(float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, int bCs, int m, int k, int n,
                               float[] c, int cOff, float[] w, int s) {
        if (k == 0) {
            java.util.Arrays.fill(c, cOff, cOff + m * n, 0.0f);
            return;
        }
        if (byRows(k, n)) {
            rows(a, aOff, aRs, aCs, b, bOff, bRs, bCs, m, k, n, c, cOff);
            return;
        }
        if (aCs == 1 && bRs == 1 && Gemm.enabled()) {   // rows of A and columns of B contiguous: four lanes for the four accumulators
            VectorDot.kernel(a, aOff, aRs, b, bOff, bCs, m, k, n, c, cOff, w, s);
            return;
        }
        int blocks = Cascade.blocks(k), tail = k & ~3, m2 = m & ~1, n2 = n & ~1, depth = Cascade.depth(k);
        int pa = s, pb = s + m2 * k, st = pb + 2 * k;   // packed A (row pairs), one packed column pair of B, the tile's stacks
        if (n2 > 0) for (int i = 0; i < m2; i += 2) {   // rows i, i+1 interleaved: a(i, q) at pa + i k + 2 q
            int src = aOff + i * aRs, dst = pa + i * k;
            for (int q = 0; q < k; q++, src += aCs, dst += 2) {
                w[dst] = a[src];
                w[dst + 1] = a[src + aRs];
            }
        }
        for (int j = 0; j < n2; j += 2) {
            for (int q = 0, src = bOff + j * bCs, dst = pb; q < k; q++, src += bRs, dst += 2) {   // columns j, j+1 interleaved
                w[dst] = b[src];
                w[dst + 1] = b[src + bCs];
            }
            for (int i = 0; i < m2; i += 2) {
                int ai = pa + i * k, ci = cOff + i * n + j;
                if (blocks == 1) {
                    tile(w, ai, pb, 0, k, tail, c, ci, n);
                    continue;
                }
                for (int bl = 0; bl < blocks; bl++) {   // the tile's four block sums at w[st ..], pushed on four stacks
                    int q0 = bl * Summation.BLOCK, q1 = Math.min(k, q0 + Summation.BLOCK);
                    tile(w, ai + 2 * q0, pb + 2 * q0, q0, q1, tail, w, st, 2);
                    for (int e = 0; e < 4; e++) Cascade.push(w, st + 4 + e * depth, bl + 1, w[st + e]);
                }
                c[ci] = Cascade.finish(w, st + 4, blocks);
                c[ci + 1] = Cascade.finish(w, st + 4 + depth, blocks);
                c[ci + n] = Cascade.finish(w, st + 4 + 2 * depth, blocks);
                c[ci + n + 1] = Cascade.finish(w, st + 4 + 3 * depth, blocks);
            }
        }
        // the edges of an odd m or n: one dot product per element, in the same order
        for (int i = m2; i < m; i++) for (int j = 0; j < n; j++) c[cOff + i * n + j] = Summation.dot(a, aOff + i * aRs, aCs, b, bOff + j * bCs, bRs, k);
        for (int j = n2; j < n; j++) for (int i = 0; i < m2; i++) c[cOff + i * n + j] = Summation.dot(a, aOff + i * aRs, aCs, b, bOff + j * bCs, bRs, k);
    }

    /**
     * One 2 x 2 tile over terms q0 .. q1-1 of the sum (one block) from the packed pairs at
     * w[pa ..] (a(i, q), a(i+1, q) adjacent) and w[pb ..] (b(q, j), b(q, j+1) adjacent), both
     * already at term q0: 16 accumulators, term q to accumulator q % 4 below {@code tail} = k &amp; ~3,
     * to accumulator 0 from there; the four block sums (a0 + a1) + (a2 + a3) to d[d0], d[d0 + 1],
     * d[d0 + ld], d[d0 + ld + 1].
     */
    private static void tile(float[] w, int pa, int pb, int q0, int q1, int tail, float[] d, int d0, int ld) {
        float s00a = -0.0f, s00b = -0.0f, s00c = -0.0f, s00d = -0.0f, s01a = -0.0f, s01b = -0.0f, s01c = -0.0f, s01d = -0.0f;
        float s10a = -0.0f, s10b = -0.0f, s10c = -0.0f, s10d = -0.0f, s11a = -0.0f, s11b = -0.0f, s11c = -0.0f, s11d = -0.0f;
        int main = Math.max(0, Math.min(q1, tail) - q0), terms = q1 - q0;
        for (int q = 0; q < main; q += 4, pa += 8, pb += 8) {
            float x0 = w[pa], x1 = w[pa + 1], y0 = w[pb], y1 = w[pb + 1];
            s00a += x0 * y0;
            s01a += x0 * y1;
            s10a += x1 * y0;
            s11a += x1 * y1;
            x0 = w[pa + 2];
            x1 = w[pa + 3];
            y0 = w[pb + 2];
            y1 = w[pb + 3];
            s00b += x0 * y0;
            s01b += x0 * y1;
            s10b += x1 * y0;
            s11b += x1 * y1;
            x0 = w[pa + 4];
            x1 = w[pa + 5];
            y0 = w[pb + 4];
            y1 = w[pb + 5];
            s00c += x0 * y0;
            s01c += x0 * y1;
            s10c += x1 * y0;
            s11c += x1 * y1;
            x0 = w[pa + 6];
            x1 = w[pa + 7];
            y0 = w[pb + 6];
            y1 = w[pb + 7];
            s00d += x0 * y0;
            s01d += x0 * y1;
            s10d += x1 * y0;
            s11d += x1 * y1;
        }
        for (int q = main; q < terms; q++, pa += 2, pb += 2) {   // the sum's last k % 4 terms: accumulator 0
            float x0 = w[pa], x1 = w[pa + 1], y0 = w[pb], y1 = w[pb + 1];
            s00a += x0 * y0;
            s01a += x0 * y1;
            s10a += x1 * y0;
            s11a += x1 * y1;
        }
        d[d0] = (s00a + s00b) + (s00c + s00d);
        d[d0 + 1] = (s01a + s01b) + (s01c + s01d);
        d[d0 + ld] = (s10a + s10b) + (s10c + s10d);
        d[d0 + ld + 1] = (s11a + s11b) + (s11c + s11d);
    }

    // ------------------------------------------------------------------ double

    /**
     * For each bi &lt; batch: c[cOff + bi·m·n ..] (row-major [m, n]) = A_bi B_bi, with
     * a_bi(i, q) = a[aOff + bi·aBs + i·aRs + q·aCs] and b_bi(q, j) = b[bOff + bi·bBs + q·bRs + j·bCs];
     * scratch w[s .. s + {@link #scratch}(m, k, n)). An empty sum (k = 0) is +0.0, as PyTorch's.
     */
    public static void batched(double[] a, int aOff, int aBs, int aRs, int aCs, double[] b, int bOff, int bBs, int bRs, int bCs,
                               int batch, int m, int k, int n, double[] c, int cOff, double[] w, int s) {
        check(a.length, aOff, aBs, aRs, aCs, b.length, bOff, bBs, bRs, bCs, batch, m, k, n, c.length, cOff, w == null ? 0 : w.length, s);   // no workspace when the product needs no scratch
        for (int bi = 0; bi < batch; bi++) kernel(a, aOff + bi * aBs, aRs, aCs, b, bOff + bi * bBs, bRs, bCs, m, k, n, c, cOff + bi * m * n, w, s);
    }

    private static void kernel(double[] a, int aOff, int aRs, int aCs, double[] b, int bOff, int bRs, int bCs, int m, int k, int n,
                               double[] c, int cOff, double[] w, int s) {
        if (k == 0) {
            java.util.Arrays.fill(c, cOff, cOff + m * n, 0.0);
            return;
        }
        if (byRows(k, n)) {
            rows(a, aOff, aRs, aCs, b, bOff, bRs, bCs, m, k, n, c, cOff);
            return;
        }
        if (aCs == 1 && bRs == 1 && Gemm.enabled()) {   // rows of A and columns of B contiguous: four lanes for the four accumulators
            VectorDot.kernel(a, aOff, aRs, b, bOff, bCs, m, k, n, c, cOff, w, s);
            return;
        }
        int blocks = Cascade.blocks(k), tail = k & ~3, m2 = m & ~1, n2 = n & ~1, depth = Cascade.depth(k);
        int pa = s, pb = s + m2 * k, st = pb + 2 * k;   // packed A (row pairs), one packed column pair of B, the tile's stacks
        if (n2 > 0) for (int i = 0; i < m2; i += 2) {   // rows i, i+1 interleaved: a(i, q) at pa + i k + 2 q
            int src = aOff + i * aRs, dst = pa + i * k;
            for (int q = 0; q < k; q++, src += aCs, dst += 2) {
                w[dst] = a[src];
                w[dst + 1] = a[src + aRs];
            }
        }
        for (int j = 0; j < n2; j += 2) {
            for (int q = 0, src = bOff + j * bCs, dst = pb; q < k; q++, src += bRs, dst += 2) {   // columns j, j+1 interleaved
                w[dst] = b[src];
                w[dst + 1] = b[src + bCs];
            }
            for (int i = 0; i < m2; i += 2) {
                int ai = pa + i * k, ci = cOff + i * n + j;
                if (blocks == 1) {
                    tile(w, ai, pb, 0, k, tail, c, ci, n);
                    continue;
                }
                for (int bl = 0; bl < blocks; bl++) {   // the tile's four block sums at w[st ..], pushed on four stacks
                    int q0 = bl * Summation.BLOCK, q1 = Math.min(k, q0 + Summation.BLOCK);
                    tile(w, ai + 2 * q0, pb + 2 * q0, q0, q1, tail, w, st, 2);
                    for (int e = 0; e < 4; e++) Cascade.push(w, st + 4 + e * depth, bl + 1, w[st + e]);
                }
                c[ci] = Cascade.finish(w, st + 4, blocks);
                c[ci + 1] = Cascade.finish(w, st + 4 + depth, blocks);
                c[ci + n] = Cascade.finish(w, st + 4 + 2 * depth, blocks);
                c[ci + n + 1] = Cascade.finish(w, st + 4 + 3 * depth, blocks);
            }
        }
        // the edges of an odd m or n: one dot product per element, in the same order
        for (int i = m2; i < m; i++) for (int j = 0; j < n; j++) c[cOff + i * n + j] = Summation.dot(a, aOff + i * aRs, aCs, b, bOff + j * bCs, bRs, k);
        for (int j = n2; j < n; j++) for (int i = 0; i < m2; i++) c[cOff + i * n + j] = Summation.dot(a, aOff + i * aRs, aCs, b, bOff + j * bCs, bRs, k);
    }

    /**
     * One 2 x 2 tile over terms q0 .. q1-1 of the sum (one block) from the packed pairs at
     * w[pa ..] (a(i, q), a(i+1, q) adjacent) and w[pb ..] (b(q, j), b(q, j+1) adjacent), both
     * already at term q0: 16 accumulators, term q to accumulator q % 4 below {@code tail} = k &amp; ~3,
     * to accumulator 0 from there; the four block sums (a0 + a1) + (a2 + a3) to d[d0], d[d0 + 1],
     * d[d0 + ld], d[d0 + ld + 1].
     */
    private static void tile(double[] w, int pa, int pb, int q0, int q1, int tail, double[] d, int d0, int ld) {
        double s00a = -0.0, s00b = -0.0, s00c = -0.0, s00d = -0.0, s01a = -0.0, s01b = -0.0, s01c = -0.0, s01d = -0.0;
        double s10a = -0.0, s10b = -0.0, s10c = -0.0, s10d = -0.0, s11a = -0.0, s11b = -0.0, s11c = -0.0, s11d = -0.0;
        int main = Math.max(0, Math.min(q1, tail) - q0), terms = q1 - q0;
        for (int q = 0; q < main; q += 4, pa += 8, pb += 8) {
            double x0 = w[pa], x1 = w[pa + 1], y0 = w[pb], y1 = w[pb + 1];
            s00a += x0 * y0;
            s01a += x0 * y1;
            s10a += x1 * y0;
            s11a += x1 * y1;
            x0 = w[pa + 2];
            x1 = w[pa + 3];
            y0 = w[pb + 2];
            y1 = w[pb + 3];
            s00b += x0 * y0;
            s01b += x0 * y1;
            s10b += x1 * y0;
            s11b += x1 * y1;
            x0 = w[pa + 4];
            x1 = w[pa + 5];
            y0 = w[pb + 4];
            y1 = w[pb + 5];
            s00c += x0 * y0;
            s01c += x0 * y1;
            s10c += x1 * y0;
            s11c += x1 * y1;
            x0 = w[pa + 6];
            x1 = w[pa + 7];
            y0 = w[pb + 6];
            y1 = w[pb + 7];
            s00d += x0 * y0;
            s01d += x0 * y1;
            s10d += x1 * y0;
            s11d += x1 * y1;
        }
        for (int q = main; q < terms; q++, pa += 2, pb += 2) {   // the sum's last k % 4 terms: accumulator 0
            double x0 = w[pa], x1 = w[pa + 1], y0 = w[pb], y1 = w[pb + 1];
            s00a += x0 * y0;
            s01a += x0 * y1;
            s10a += x1 * y0;
            s11a += x1 * y1;
        }
        d[d0] = (s00a + s00b) + (s00c + s00d);
        d[d0 + 1] = (s01a + s01b) + (s01c + s01d);
        d[d0 + ld] = (s10a + s10b) + (s10c + s10d);
        d[d0 + ld + 1] = (s11a + s11b) + (s11c + s11d);
    }

    /**
     * Row by row over column panels of {@link #PANEL} (products of few terms, where the tile's
     * fixed cost per 2 x 2 block is most of its time). B's panel is copied into k rows of this
     * thread's panel arrays once per panel; for row i, accumulator r (of four) of C's panel row
     * is one more panel, filled with -0.0 and then given its terms in order — q = r, r + 4, ...
     * below tail = k &amp; ~3, and for accumulator 0 then the last k % 4 terms — up to four terms
     * per loop over the panel (a multiply and an add per term: the products rounded, as in the
     * tile); C's panel row is then (a0 + a1) + (a2 + a3). Past one block of terms (k &gt; BLOCK)
     * this is done block by block and each block's row of sums is added into rows kept as
     * {@link Cascade}'s stack ({@link #pushRow}). The same additions as {@link #tile}, so
     * the same bits. Each loop indexes every array by its counter alone and adds at most four
     * rows: HotSpot 17's C2 vectorises only such loops (not loops reading arrays at different
     * variable offsets, as into the workspace, nor bodies too long for its unrolling limit).
     */
    private static void rows(double[] a, int aOff, int aRs, int aCs, double[] b, int bOff, int bRs, int bCs, int m, int k, int n,
                             double[] c, int cOff) {
        Panels h = PANELS.get();
        int blocks = Cascade.blocks(k), stack = 5 + k;
        double[][] p = h.doubles(stack + (blocks == 1 ? 0 : Cascade.depth(k)));
        int[] terms = h.terms;
        int tail = k & ~3;
        for (int j0 = 0; j0 < n; j0 += PANEL) {
            int len = Math.min(PANEL, n - j0);
            for (int q = 0; q < k; q++) {   // row q of B's panel
                double[] row = p[5 + q];
                int from = bOff + q * bRs + j0 * bCs;
                if (bCs == 1) System.arraycopy(b, from, row, 0, len);
                else for (int j = 0; j < len; j++, from += bCs) row[j] = b[from];
            }
            for (int i = 0; i < m; i++) {
                int ai = aOff + i * aRs;
                for (int bl = 0; bl < blocks; bl++) {
                    int q0 = bl * Summation.BLOCK, q1 = Math.min(k, q0 + Summation.BLOCK), end = Math.min(q1, tail);
                    for (int r = 0; r < 4; r++) {
                        double[] acc = p[r];
                        java.util.Arrays.fill(acc, 0, len, -0.0);
                        int count = 0;
                        for (int q = q0 + r; q < end; q += 4) {
                            terms[count++] = q;
                            if (count == 4) count = addTerms(acc, a, ai, aCs, p, terms, count, len);
                        }
                        if (r == 0) for (int q = Math.max(q0, tail); q < q1; q++) {   // accumulator 0 takes the tail after its own terms
                            terms[count++] = q;
                            if (count == 4) count = addTerms(acc, a, ai, aCs, p, terms, count, len);
                        }
                        if (count > 0) addTerms(acc, a, ai, aCs, p, terms, count, len);
                    }
                    double[] s0 = p[0], s1 = p[1], s2 = p[2], s3 = p[3], out = p[4];
                    for (int j = 0; j < len; j++) out[j] = (s0[j] + s1[j]) + (s2[j] + s3[j]);
                    if (blocks > 1) pushRow(p, stack, bl + 1, blocks, len);
                }
                System.arraycopy(p[4], 0, c, cOff + i * n + j0, len);
            }
        }
    }

    /** acc[j] = (((acc[j] + x0 b0[j]) + x1 b1[j]) + ...) for the count (1 to 4) terms listed, x = a(i, q), b = B's row q; returns 0 (the terms left). */
    private static int addTerms(double[] acc, double[] a, int ai, int aCs, double[][] p, int[] terms, int count, int len) {
        double[] b0 = p[5 + terms[0]];
        double x0 = a[ai + terms[0] * aCs];
        if (count == 1) {
            for (int j = 0; j < len; j++) acc[j] = acc[j] + x0 * b0[j];
            return 0;
        }
        double[] b1 = p[5 + terms[1]];
        double x1 = a[ai + terms[1] * aCs];
        if (count == 2) {
            for (int j = 0; j < len; j++) acc[j] = (acc[j] + x0 * b0[j]) + x1 * b1[j];
            return 0;
        }
        double[] b2 = p[5 + terms[2]];
        double x2 = a[ai + terms[2] * aCs];
        if (count == 3) {
            for (int j = 0; j < len; j++) acc[j] = ((acc[j] + x0 * b0[j]) + x1 * b1[j]) + x2 * b2[j];
            return 0;
        }
        double[] b3 = p[5 + terms[3]];
        double x3 = a[ai + terms[3] * aCs];
        for (int j = 0; j < len; j++) acc[j] = (((acc[j] + x0 * b0[j]) + x1 * b1[j]) + x2 * b2[j]) + x3 * b3[j];
        return 0;
    }

    /** The float twin of the double kernel above (the same order in float arithmetic). */
    private static void rows(float[] a, int aOff, int aRs, int aCs, float[] b, int bOff, int bRs, int bCs, int m, int k, int n,
                             float[] c, int cOff) {
        Panels h = PANELS.get();
        int blocks = Cascade.blocks(k), stack = 5 + k;
        float[][] p = h.floats(stack + (blocks == 1 ? 0 : Cascade.depth(k)));
        int[] terms = h.terms;
        int tail = k & ~3;
        for (int j0 = 0; j0 < n; j0 += PANEL) {
            int len = Math.min(PANEL, n - j0);
            for (int q = 0; q < k; q++) {   // row q of B's panel
                float[] row = p[5 + q];
                int from = bOff + q * bRs + j0 * bCs;
                if (bCs == 1) System.arraycopy(b, from, row, 0, len);
                else for (int j = 0; j < len; j++, from += bCs) row[j] = b[from];
            }
            for (int i = 0; i < m; i++) {
                int ai = aOff + i * aRs;
                for (int bl = 0; bl < blocks; bl++) {
                    int q0 = bl * Summation.BLOCK, q1 = Math.min(k, q0 + Summation.BLOCK), end = Math.min(q1, tail);
                    for (int r = 0; r < 4; r++) {
                        float[] acc = p[r];
                        java.util.Arrays.fill(acc, 0, len, -0.0f);
                        int count = 0;
                        for (int q = q0 + r; q < end; q += 4) {
                            terms[count++] = q;
                            if (count == 4) count = addTerms(acc, a, ai, aCs, p, terms, count, len);
                        }
                        if (r == 0) for (int q = Math.max(q0, tail); q < q1; q++) {   // accumulator 0 takes the tail after its own terms
                            terms[count++] = q;
                            if (count == 4) count = addTerms(acc, a, ai, aCs, p, terms, count, len);
                        }
                        if (count > 0) addTerms(acc, a, ai, aCs, p, terms, count, len);
                    }
                    float[] s0 = p[0], s1 = p[1], s2 = p[2], s3 = p[3], out = p[4];
                    for (int j = 0; j < len; j++) out[j] = (s0[j] + s1[j]) + (s2[j] + s3[j]);
                    if (blocks > 1) pushRow(p, stack, bl + 1, blocks, len);
                }
                System.arraycopy(p[4], 0, c, cOff + i * n + j0, len);
            }
        }
    }

    /** The float twin: acc[j] = (((acc[j] + x0 b0[j]) + x1 b1[j]) + ...) for the count (1 to 4) terms listed, x = a(i, q), b = B's row q; returns 0 (the terms left). */
    private static int addTerms(float[] acc, float[] a, int ai, int aCs, float[][] p, int[] terms, int count, int len) {
        float[] b0 = p[5 + terms[0]];
        float x0 = a[ai + terms[0] * aCs];
        if (count == 1) {
            for (int j = 0; j < len; j++) acc[j] = acc[j] + x0 * b0[j];
            return 0;
        }
        float[] b1 = p[5 + terms[1]];
        float x1 = a[ai + terms[1] * aCs];
        if (count == 2) {
            for (int j = 0; j < len; j++) acc[j] = (acc[j] + x0 * b0[j]) + x1 * b1[j];
            return 0;
        }
        float[] b2 = p[5 + terms[2]];
        float x2 = a[ai + terms[2] * aCs];
        if (count == 3) {
            for (int j = 0; j < len; j++) acc[j] = ((acc[j] + x0 * b0[j]) + x1 * b1[j]) + x2 * b2[j];
            return 0;
        }
        float[] b3 = p[5 + terms[3]];
        float x3 = a[ai + terms[3] * aCs];
        for (int j = 0; j < len; j++) acc[j] = (((acc[j] + x0 * b0[j]) + x1 * b1[j]) + x2 * b2[j]) + x3 * b3[j];
        return 0;
    }

    /**
     * {@link Cascade}'s binary counter over rows of block sums, as {@link Cascade#push} and then
     * {@link Cascade#finish} per element: merges the block sums p[4] of block number b (from 1)
     * into the stack rows p[stack + l]; after the last block p[4] holds the finished sums. The
     * same additions (earlier blocks on the left), one loop per level indexed by its counter alone.
     */
    private static void pushRow(double[][] p, int stack, int b, int blocks, int len) {
        double[] out = p[4];
        int l = 0;
        for (int bb = b; (bb & 1) == 0; bb >>>= 1, l++) {
            double[] level = p[stack + l];
            for (int j = 0; j < len; j++) out[j] = level[j] + out[j];
        }
        if (b < blocks) {
            System.arraycopy(out, 0, p[stack + l], 0, len);
            return;
        }
        for (int bb = blocks >>> (l + 1), q = l + 1; bb != 0; bb >>>= 1, q++) {
            if ((bb & 1) == 0) continue;
            double[] level = p[stack + q];
            for (int j = 0; j < len; j++) out[j] = level[j] + out[j];
        }
    }

    /** The float twin of {@link #pushRow(double[][], int, int, int, int)}. */
    private static void pushRow(float[][] p, int stack, int b, int blocks, int len) {
        float[] out = p[4];
        int l = 0;
        for (int bb = b; (bb & 1) == 0; bb >>>= 1, l++) {
            float[] level = p[stack + l];
            for (int j = 0; j < len; j++) out[j] = level[j] + out[j];
        }
        if (b < blocks) {
            System.arraycopy(out, 0, p[stack + l], 0, len);
            return;
        }
        for (int bb = blocks >>> (l + 1), q = l + 1; bb != 0; bb >>>= 1, q++) {
            if ((bb & 1) == 0) continue;
            float[] level = p[stack + q];
            for (int j = 0; j < len; j++) out[j] = level[j] + out[j];
        }
    }

    /** Columns per panel of the row-by-row kernel (2 kB in F64: B's rows and the accumulators of k &lt;= 10 stay in the L1 cache). */
    static final int PANEL = 256;

    /** The row-by-row kernel's arrays, per thread (0-3: the accumulators, 4: C's row (block sums), 5 + q: B's row q, then the block sums' stack rows), grown once to the largest k. */
    private static final class Panels {
        final int[] terms = new int[4];
        double[][] d = new double[0][];
        float[][] f = new float[0][];

        double[][] doubles(int count) {
            if (d.length < count) {
                d = new double[count][];
                for (int r = 0; r < count; r++) d[r] = new double[PANEL];
            }
            return d;
        }

        float[][] floats(int count) {
            if (f.length < count) {
                f = new float[count][];
                for (int r = 0; r < count; r++) f[r] = new float[PANEL];
            }
            return f;
        }
    }

    private static final ThreadLocal<Panels> PANELS = ThreadLocal.withInitial(Panels::new);
}
