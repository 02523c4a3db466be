package io.jgrad.runtime;

/**
 * The scalar path's matmul kernel (no jdk.incubator.vector, or a product below {@link Gemm}'s
 * threshold): C = A B with every element {@link Summation#dot} of its row and column, bit for
 * bit — four accumulators per element (term q to accumulator q % 4, the sum's last k % 4 terms
 * to accumulator 0), each product rounded, blocks of {@link Summation#BLOCK} terms added
 * pairwise by {@link Cascade}'s counter. Register-blocked: a 4 x 4 tile of C over one block
 * of terms runs as four passes, one per accumulator: 16 sums in locals (one per element) over
 * that accumulator's terms q, q + 4, .. (innermost), its four rows of A and four columns of B
 * loaded once per term from packed quads (a(i..i+3, q) adjacent, b(q, j..j+3) adjacent: two
 * unit-stride streams whatever the operands' strides), indexed by the loop counter (C2 then
 * hoists the range checks); then the four passes' sums (a0 + a1) + (a2 + a3) per element. Eight
 * loads per 16 multiply-adds, 16 independent add chains, 24 registers (C2 allocates xmm16-31
 * with AVX-512; the 2 x 2 tile this replaces, 16 accumulators over all four at once, had C2 load
 * its 16 operands first and spill an accumulator to the stack every iteration). Measured: see
 * {@link #tiled}. An edge tile (m or n not a multiple of 4) is padded with
 * zero rows and columns whose elements are never stored; products narrower than a tile are
 * {@link Summation#dot} element by element (the same order). Products with at least {@link #ROWS_MIN_N} columns and
 * few terms (one block, or B's panel within {@link #ROWS_MAX_PANEL}) run {@link #rows row by row}
 * instead, in loops HotSpot vectorises: the same additions, the same bits.
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
     * Whether [m, k] x [k, n] runs row by row ({@link #rows}) rather than in tiles: the same
     * bits either way (the choice is speed only). Measured (thread CPU, AMD EPYC Zen 3, HotSpot 17):
     * 25 x [10,10]·[10,1000] 2.5 → 0.63 ms, 50 x [20,20]·[20,1000] 15.9 → 5.9 ms,
     * 100 x [64,64]·[64,1000] 310 → 92 ms, 400 x [10,10]·[10,64] 2.8 → 1.0 ms; several blocks of
     * terms (AMD EPYC Zen 4, HotSpot 17): GMM d64's G·Cᵀ, 100 x [64,1000]·[1000,64] with B transposed,
     * 162-176 → 123-132 ms.
     */
    static boolean byRows(int k, int n) {
        return n >= ROWS_MIN_N && (k <= Summation.BLOCK || (long) k * Math.min(n, PANEL) <= ROWS_MAX_PANEL);
    }

    /** Rows and columns of a tile. */
    static final int TILE = 4;

    /**
     * Whether a product not run row by row runs in {@link #TILE} x TILE tiles rather than as one
     * {@link Summation#dot} per element: at least a whole tile each way (a narrower product would be
     * mostly padding). Measured (thread CPU, best of 12-40, AMD EPYC Zen 4, HotSpot 17, load 2-3),
     * GMM's G·Cᵀ on random data, B transposed: 50 x [20,1000]·[1000,20] 7.3 → 5.4 ms,
     * 10 x [32,10000]·[10000,32] 31.8 → 24.5 ms (the 2 x 2 tile → 4 x 4); 25 x [10,1000]·[1000,10]
     * 0.9-1.0 ms either way (padded to 12 x 12); one dot per element about 1.4 multiply-adds per ns,
     * the 4 x 4 tiles 3-4.
     */
    static boolean tiled(int m, int n) {
        return m >= TILE && n >= TILE;
    }

    /**
     * Scratch elements {@link #batched} needs for [m, k] x [k, n]: for tiles, A packed in row quads
     * (m rounded up to a multiple of 4, times k), one packed column quad of B (4k), the four passes'
     * 64 sums and, past one block of terms, 16 {@link Cascade} stacks; else, past one block, what
     * {@link VectorDot} needs (four block sums and four stacks); none when the product runs row by
     * row (its panels are per thread).
     */
    public static int scratch(int m, int k, int n) {
        if (byRows(k, n)) return 0;
        int depth = k > Summation.BLOCK ? Cascade.depth(k) : 0;
        long size = tiled(m, n) ? ((m + 3L) & ~3) * k + 4L * k + 64 + 16L * depth : depth == 0 ? 0 : 4 + 4L * depth;
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
        if (!tiled(m, n)) {   // a row or column of tiles would be mostly padding: one dot product per element, in the same order
            for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) c[cOff + i * n + j] = Summation.dot(a, aOff + i * aRs, aCs, b, bOff + j * bCs, bRs, k);
            return;
        }
        int blocks = Cascade.blocks(k), tail = k & ~3, depth = Cascade.depth(k);
        int pa = s, pb = pa + ((m + 3) & ~3) * k, sums = pb + 4 * k, stacks = sums + 64;
        for (int i = 0; i < m; i += 4) pack(a, aOff + i * aRs, aRs, aCs, Math.min(4, m - i), k, w, pa + i * k);
        for (int j = 0; j < n; j += 4) {
            int cols = Math.min(4, n - j);
            pack(b, bOff + j * bCs, bCs, bRs, cols, k, w, pb);
            for (int i = 0; i < m; i += 4) {
                int rows = Math.min(4, m - i), ai = pa + i * k, ci = cOff + i * n + j;
                for (int bl = 0; bl < blocks; bl++) {
                    int q0 = bl * Summation.BLOCK, q1 = Math.min(k, q0 + Summation.BLOCK), end = Math.min(q1, tail);
                    chain(w, ai, pb, q0, end, Math.max(q0, tail), q1, sums);   // accumulator 0 takes the sum's last k % 4 terms after its own
                    chain(w, ai, pb, q0 + 1, end, 0, 0, sums + 16);
                    chain(w, ai, pb, q0 + 2, end, 0, 0, sums + 32);
                    chain(w, ai, pb, q0 + 3, end, 0, 0, sums + 48);
                    for (int e = 0; e < 16; e++) {
                        float sum = (w[sums + e] + w[sums + 16 + e]) + (w[sums + 32 + e] + w[sums + 48 + e]);
                        if (blocks == 1) w[sums + e] = sum;
                        else Cascade.push(w, stacks + e * depth, bl + 1, sum);
                    }
                }
                for (int r = 0; r < rows; r++)
                    for (int t = 0; t < cols; t++) c[ci + r * n + t] = blocks == 1 ? w[sums + 4 * r + t] : Cascade.finish(w, stacks + (4 * r + t) * depth, blocks);
            }
        }
    }

    /**
     * Packs {@code lines} (1 to 4) rows of A (or columns of B) of k terms, line t's term q from
     * x[off + t·lineStride + q·termStride] to w[dst + 4 q + t]; the lines past {@code lines} are
     * zeros (a tile's padding: its elements are computed but never stored).
     */
    private static void pack(float[] x, int off, int lineStride, int termStride, int lines, int k, float[] w, int dst) {
        if (lines == 4) {
            for (int q = 0, src = off; q < k; q++, src += termStride, dst += 4) {
                w[dst] = x[src];
                w[dst + 1] = x[src + lineStride];
                w[dst + 2] = x[src + 2 * lineStride];
                w[dst + 3] = x[src + 3 * lineStride];
            }
            return;
        }
        for (int q = 0, src = off; q < k; q++, src += termStride, dst += 4)
            for (int t = 0; t < 4; t++) w[dst + t] = t < lines ? x[src + t * lineStride] : 0.0f;
    }

    /**
     * One of the four accumulators of a 4 x 4 tile's 16 elements over one block: from -0.0f, the
     * terms q = first, first + 4, .. below end, then q = tailFrom .. tailEnd - 1 (accumulator 0
     * only: the sum's last k % 4 terms), each x(i + r, q) y(q, j + t) rounded and added in that
     * order, from the packed quads at w[pa + 4 q ..] and w[pb + 4 q ..]; element (r, t)'s sum to
     * w[d + 4 r + t]. Indexed by the loop counter, so C2 hoists the range checks.
     */
    private static void chain(float[] w, int pa, int pb, int first, int end, int tailFrom, int tailEnd, int d) {
        float s00 = -0.0f, s01 = -0.0f, s02 = -0.0f, s03 = -0.0f, s10 = -0.0f, s11 = -0.0f, s12 = -0.0f, s13 = -0.0f;
        float s20 = -0.0f, s21 = -0.0f, s22 = -0.0f, s23 = -0.0f, s30 = -0.0f, s31 = -0.0f, s32 = -0.0f, s33 = -0.0f;
        for (int q = first; q < end; q += 4) {
            int o = 4 * q;
            float x0 = w[pa + o], x1 = w[pa + o + 1], x2 = w[pa + o + 2], x3 = w[pa + o + 3];
            float y0 = w[pb + o], y1 = w[pb + o + 1], y2 = w[pb + o + 2], y3 = w[pb + o + 3];
            s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
            s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
            s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
            s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
        }
        for (int q = tailFrom; q < tailEnd; q++) {
            int o = 4 * q;
            float x0 = w[pa + o], x1 = w[pa + o + 1], x2 = w[pa + o + 2], x3 = w[pa + o + 3];
            float y0 = w[pb + o], y1 = w[pb + o + 1], y2 = w[pb + o + 2], y3 = w[pb + o + 3];
            s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
            s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
            s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
            s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
        }
        w[d] = s00; w[d + 1] = s01; w[d + 2] = s02; w[d + 3] = s03;
        w[d + 4] = s10; w[d + 5] = s11; w[d + 6] = s12; w[d + 7] = s13;
        w[d + 8] = s20; w[d + 9] = s21; w[d + 10] = s22; w[d + 11] = s23;
        w[d + 12] = s30; w[d + 13] = s31; w[d + 14] = s32; w[d + 15] = s33;
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
        if (!tiled(m, n)) {   // a row or column of tiles would be mostly padding: one dot product per element, in the same order
            for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) c[cOff + i * n + j] = Summation.dot(a, aOff + i * aRs, aCs, b, bOff + j * bCs, bRs, k);
            return;
        }
        int blocks = Cascade.blocks(k), tail = k & ~3, depth = Cascade.depth(k);
        int pa = s, pb = pa + ((m + 3) & ~3) * k, sums = pb + 4 * k, stacks = sums + 64;
        for (int i = 0; i < m; i += 4) pack(a, aOff + i * aRs, aRs, aCs, Math.min(4, m - i), k, w, pa + i * k);
        for (int j = 0; j < n; j += 4) {
            int cols = Math.min(4, n - j);
            pack(b, bOff + j * bCs, bCs, bRs, cols, k, w, pb);
            for (int i = 0; i < m; i += 4) {
                int rows = Math.min(4, m - i), ai = pa + i * k, ci = cOff + i * n + j;
                for (int bl = 0; bl < blocks; bl++) {
                    int q0 = bl * Summation.BLOCK, q1 = Math.min(k, q0 + Summation.BLOCK), end = Math.min(q1, tail);
                    chain(w, ai, pb, q0, end, Math.max(q0, tail), q1, sums);   // accumulator 0 takes the sum's last k % 4 terms after its own
                    chain(w, ai, pb, q0 + 1, end, 0, 0, sums + 16);
                    chain(w, ai, pb, q0 + 2, end, 0, 0, sums + 32);
                    chain(w, ai, pb, q0 + 3, end, 0, 0, sums + 48);
                    for (int e = 0; e < 16; e++) {
                        double sum = (w[sums + e] + w[sums + 16 + e]) + (w[sums + 32 + e] + w[sums + 48 + e]);
                        if (blocks == 1) w[sums + e] = sum;
                        else Cascade.push(w, stacks + e * depth, bl + 1, sum);
                    }
                }
                for (int r = 0; r < rows; r++)
                    for (int t = 0; t < cols; t++) c[ci + r * n + t] = blocks == 1 ? w[sums + 4 * r + t] : Cascade.finish(w, stacks + (4 * r + t) * depth, blocks);
            }
        }
    }

    /**
     * Packs {@code lines} (1 to 4) rows of A (or columns of B) of k terms, line t's term q from
     * x[off + t·lineStride + q·termStride] to w[dst + 4 q + t]; the lines past {@code lines} are
     * zeros (a tile's padding: its elements are computed but never stored).
     */
    private static void pack(double[] x, int off, int lineStride, int termStride, int lines, int k, double[] w, int dst) {
        if (lines == 4) {
            for (int q = 0, src = off; q < k; q++, src += termStride, dst += 4) {
                w[dst] = x[src];
                w[dst + 1] = x[src + lineStride];
                w[dst + 2] = x[src + 2 * lineStride];
                w[dst + 3] = x[src + 3 * lineStride];
            }
            return;
        }
        for (int q = 0, src = off; q < k; q++, src += termStride, dst += 4)
            for (int t = 0; t < 4; t++) w[dst + t] = t < lines ? x[src + t * lineStride] : 0.0;
    }

    /**
     * One of the four accumulators of a 4 x 4 tile's 16 elements over one block: from -0.0, the
     * terms q = first, first + 4, .. below end, then q = tailFrom .. tailEnd - 1 (accumulator 0
     * only: the sum's last k % 4 terms), each x(i + r, q) y(q, j + t) rounded and added in that
     * order, from the packed quads at w[pa + 4 q ..] and w[pb + 4 q ..]; element (r, t)'s sum to
     * w[d + 4 r + t]. Indexed by the loop counter, so C2 hoists the range checks.
     */
    private static void chain(double[] w, int pa, int pb, int first, int end, int tailFrom, int tailEnd, int d) {
        double s00 = -0.0, s01 = -0.0, s02 = -0.0, s03 = -0.0, s10 = -0.0, s11 = -0.0, s12 = -0.0, s13 = -0.0;
        double s20 = -0.0, s21 = -0.0, s22 = -0.0, s23 = -0.0, s30 = -0.0, s31 = -0.0, s32 = -0.0, s33 = -0.0;
        for (int q = first; q < end; q += 4) {
            int o = 4 * q;
            double x0 = w[pa + o], x1 = w[pa + o + 1], x2 = w[pa + o + 2], x3 = w[pa + o + 3];
            double y0 = w[pb + o], y1 = w[pb + o + 1], y2 = w[pb + o + 2], y3 = w[pb + o + 3];
            s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
            s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
            s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
            s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
        }
        for (int q = tailFrom; q < tailEnd; q++) {
            int o = 4 * q;
            double x0 = w[pa + o], x1 = w[pa + o + 1], x2 = w[pa + o + 2], x3 = w[pa + o + 3];
            double y0 = w[pb + o], y1 = w[pb + o + 1], y2 = w[pb + o + 2], y3 = w[pb + o + 3];
            s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
            s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
            s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
            s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
        }
        w[d] = s00; w[d + 1] = s01; w[d + 2] = s02; w[d + 3] = s03;
        w[d + 4] = s10; w[d + 5] = s11; w[d + 6] = s12; w[d + 7] = s13;
        w[d + 8] = s20; w[d + 9] = s21; w[d + 10] = s22; w[d + 11] = s23;
        w[d + 12] = s30; w[d + 13] = s31; w[d + 14] = s32; w[d + 15] = s33;
    }

    /**
     * Row by row over column panels of {@link #PANEL} (products of few terms, where the tile's
     * fixed cost per tile is most of its time). B's panel is copied into k rows of this
     * thread's panel arrays once per panel; for row i, accumulator r (of four) of C's panel row
     * is one more panel, filled with -0.0 and then given its terms in order — q = r, r + 4, ...
     * below tail = k &amp; ~3, and for accumulator 0 then the last k % 4 terms — up to four terms
     * per loop over the panel (a multiply and an add per term: the products rounded, as in the
     * tile); C's panel row is then (a0 + a1) + (a2 + a3). Past one block of terms (k &gt; BLOCK)
     * this is done block by block and each block's row of sums is added into rows kept as
     * {@link Cascade}'s stack ({@link #pushRow}). The same additions as the tiles ({@link #chain}), so
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
