package io.jgrad.runtime;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked matmul of the vector path (GotoBLAS/BLIS): C = A B over packed panels,
 * cache-blocked by {@link Summation#BLOCK} terms of k (one block of the sum), MC rows of A
 * and NC columns of B, with a 12 x 2-vector micro-kernel (the preferred species: at 512 bits
 * a tile of 12 x 32 floats or 12 x 16 doubles) holding its 24 sums in vector registers
 * (24 + 2 + 1 of the 32 zmm registers of AVX-512), or below 512 bits (AVX2's 16 registers) a
 * 6 x 2-vector one (12 + 2 + 1): {@link #MR}. Per term the 12-row tile
 * issues 24 fma for 2 vector loads and 12 broadcasts, which C2 turns into broadcast loads
 * ({@code vbroadcastss zmm, [mem]}: no shuffle port). Each element of C is {@link
 * Summation#dotFused} of its row and column, bit for bit, whatever the tiling: one fma chain
 * per block of k, the block sums added by {@link Cascade}'s counter, the kernel's tile of a
 * block written straight into its stack plane (or into C at the last block) and the earlier
 * levels added to it there ({@link #levels}). Loaded only through {@link Gemm}, when the JVM
 * has jdk.incubator.vector; generated code calls {@link #run} after packing the operands itself.
 * (Written by a small generator in effect: the kernel is unrolled over its 24 accumulators by
 * hand, as C2 keeps named locals in registers.)
 *
 * <p>Layout in the scratch array from s (mp = m rounded up to MR, np = n rounded up to NR):
 * <ul>
 *   <li>packedA, mp * k elements: a(i, q) at {@code s + (i / MR) * MR * k + q * MR + i % MR}
 *       (strips of MR rows, k-major inside);</li>
 *   <li>packedB, k * np elements from {@code s + mp * k}: b(q, j) at
 *       {@code (j / NR) * NR * k + q * NR + j % NR} (strips of NR columns, k-major inside);</li>
 *   <li>a tile of MR * NR, then, if k &gt; BLOCK, {@link Cascade#depth}(k) planes of mp * np
 *       (the pairwise tree over the block sums).</li>
 * </ul>
 */
public final class VectorGemm {
    private VectorGemm() {}

    static final VectorSpecies<Float> SF = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Double> SD = DoubleVector.SPECIES_PREFERRED;
    static final int LF = SF.length(), LD = SD.length();
    /**
     * Rows of a tile: 12 when the species is 512 bits (24 sums of AVX-512's 32 vector registers),
     * else 6 (12 sums of AVX2's 16: the 12-row tile's 27 live vectors would spill there). A
     * constant for C2, so {@link #microKernel} folds to one kernel.
     */
    public static final int MR = SF.vectorBitSize() >= 512 ? 12 : 6;
    /** Columns of a tile: 2 vectors. */
    public static final int NR_F32 = 2 * LF, NR_F64 = 2 * LD;
    /** Rows of A per cache block (its packed block of MC x BLOCK stays in L2): a multiple of both tile heights. */
    static final int MC = 192;
    /** Columns of B per cache block (its packed block of BLOCK x NC stays in L2). */
    static final int NC_F32 = 16 * NR_F32, NC_F64 = 16 * NR_F64;

    /** Bits of the preferred species. */
    static int bits() {
        return SF.vectorBitSize();
    }

    static int roundUp(int x, int r) {
        return (x + r - 1) / r * r;
    }

    /** Scratch elements {@link #run} needs for [m, k] x [k, n]: the layout of the class comment. */
    public static int scratch(boolean f64, int m, int k, int n) {
        int nr = f64 ? NR_F64 : NR_F32;
        long mp = roundUp(m, MR), np = roundUp(n, nr);
        long size = mp * k + (long) k * np + (long) MR * nr + (k > Summation.BLOCK ? Cascade.depth(k) * mp * np : 0);
        if (size > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("matmul [" + m + ", " + k + "] x [" + k + ", " + n + "] is too large for one scratch array");
        return (int) size;
    }

    /**
     * The stack levels block b (counted from 1) of a sum of {@code blocks} blocks adds to its own
     * sum, as a bit mask, each level added on the left from the lowest up: the levels below b's
     * lowest set bit (the binary counter's carries: {@link Cascade#push}) and, at the last block,
     * the levels left above it ({@link Cascade#finish}). Block b's sum then goes to level
     * numberOfTrailingZeros(b), or at the last block to C.
     */
    static int levels(int b, int blocks) {
        int tz = Integer.numberOfTrailingZeros(b);
        return ((1 << tz) - 1) | (b == blocks ? blocks & -(2 << tz) : 0);
    }

    // ------------------------------------------------------------------ float

    /**
     * c[cOff ..] (row-major [m, n]) = A B from the packed panels at w[s ..] (packedA's and
     * packedB's layout of the class comment, filled by the caller; their padding is zeroed here).
     * Scratch: {@link #scratch} elements from s.
     */
    public static void run(float[] w, int s, int m, int k, int n, float[] c, int cOff) {
        final int nr = NR_F32;
        int mp = roundUp(m, MR), np = roundUp(n, nr), blocks = Cascade.blocks(k);
        int pa = s, pb = s + mp * k, tile = pb + k * np, stack = tile + MR * nr, plane = mp * np;
        zeroPadding(w, pa, pb, m, mp, k, n, np);
        for (int jc = 0; jc < np; jc += NC_F32) {
            int je = Math.min(np, jc + NC_F32);
            for (int blk = 0; blk < blocks; blk++) {
                int pc = blk * Summation.BLOCK, kc = Math.min(Summation.BLOCK, k - pc), b = blk + 1, tz = Integer.numberOfTrailingZeros(b);
                boolean last = b == blocks;
                int adds = levels(b, blocks), level = stack + tz * plane;
                for (int ic = 0; ic < mp; ic += MC) {
                    int ie = Math.min(mp, ic + MC);
                    for (int jr = jc; jr < je; jr += nr) {
                        for (int ir = ic; ir < ie; ir += MR) {
                            int a0 = pa + ir * k + pc * MR, b0 = pb + jr * k + pc * nr, at = ir * np + jr;
                            if (!last) {
                                microKernel(w, a0, b0, kc, w, level + at, np);
                                if (adds != 0) merge(w, stack + at, plane, np, adds, w, level + at, np);
                            } else if (ir + MR <= m && jr + nr <= n) {
                                microKernel(w, a0, b0, kc, c, cOff + ir * n + jr, n);
                                if (adds != 0) merge(w, stack + at, plane, np, adds, c, cOff + ir * n + jr, n);
                            } else {
                                microKernel(w, a0, b0, kc, w, tile, nr);
                                if (adds != 0) merge(w, stack + at, plane, np, adds, w, tile, nr);
                                int rows = Math.min(MR, m - ir), cols = Math.min(nr, n - jr);
                                for (int r = 0; r < rows; r++) System.arraycopy(w, tile + r * nr, c, cOff + (ir + r) * n + jr, cols);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Zeroes packedA's rows m .. mp-1 and packedB's columns n .. np-1 (a method of its own: C2 compiles it apart from run's loop nest). */
    private static void zeroPadding(float[] w, int pa, int pb, int m, int mp, int k, int n, int np) {
        final int nr = NR_F32;
        for (int i = m; i < mp; i++) for (int q = 0; q < k; q++) w[pa + (i / MR) * MR * k + q * MR + i % MR] = 0;
        for (int j = n; j < np; j++) for (int q = 0; q < k; q++) w[pb + (j / nr) * nr * k + q * nr + j % nr] = 0;
    }

    /**
     * Packs a(i, q) = a[aOff + i * rs + q * cs] (i &lt; m, q &lt; k) into w at s: packedA of the class comment.
     * A whole strip at a time, term by term (MR reads, one from each row, then MR contiguous stores: the
     * inner loop of constant trip count unrolls), faster than row by row with stores MR apart.
     */
    public static void packA(float[] a, int aOff, int rs, int cs, int m, int k, float[] w, int s) {
        int full = m / MR * MR;
        for (int i0 = 0; i0 < full; i0 += MR) {
            int dst = s + i0 * k, src = aOff + i0 * rs;
            for (int q = 0; q < k; q++) {
                int d = dst + q * MR, o = src + q * cs;
                for (int r = 0; r < MR; r++) w[d + r] = a[o + r * rs];
            }
        }
        for (int i = full; i < m; i++) {
            int dst = s + (i / MR) * MR * k + i % MR, src = aOff + i * rs;
            for (int q = 0; q < k; q++) w[dst + q * MR] = a[src + q * cs];
        }
    }

    /** Packs b(q, j) = b[bOff + q * rs + j * cs] (q &lt; k, j &lt; n) into w at s (the B panels' start): packedB of the class comment. */
    public static void packB(float[] b, int bOff, int rs, int cs, int k, int n, float[] w, int s) {
        final int nr = NR_F32;
        int full = cs == 1 ? n / nr * nr : 0;
        // contiguous rows: row q's full strips by two vector copies each (a short arraycopy per strip
        // costs about twice as much); the vectors live within one statement, so nothing boxes
        for (int q = 0; q < k; q++) {
            for (int j0 = 0, src = bOff + q * rs, dst = s + q * nr; j0 < full; j0 += nr) {
                FloatVector.fromArray(SF, b, src + j0).intoArray(w, dst + j0 * k);
                FloatVector.fromArray(SF, b, src + j0 + LF).intoArray(w, dst + j0 * k + LF);
            }
        }
        for (int j0 = full; j0 < n; j0 += nr) {
            int cols = Math.min(nr, n - j0), strip = s + j0 * k;
            for (int q = 0; q < k; q++) for (int j = 0; j < cols; j++) w[strip + q * nr + j] = b[bOff + q * rs + (j0 + j) * cs];
        }
    }

    /**
     * d's tile (MR rows of NR at row stride ld) = the stack levels of mask ({@link #levels}), from the lowest, each added
     * on the left ({@link Cascade}'s counter: the earlier blocks on the left), + the tile; level l's tile
     * at w[src + l * plane ..], row stride ls. One pass over the tile per level, through memory: no vector
     * lives across a loop or a branch. (A running sum carried through the level loop and its
     * {@code (bits & 1) != 0} test was a vector phi C2 did not unbox once the test had been seen
     * false, i.e. after one product whose block count is not a power of two (3, 5, 6, 7, ...: a
     * mask like 0b10): from then on every merge boxed two vectors per position, 43 kB per 37 x 129
     * x 53 call in GemmLoweringTest.allocatesNothing.)
     */
    private static void merge(float[] w, int src, int plane, int ls, int mask, float[] d, int doff, int ld) {
        for (int bits = mask; bits != 0; bits &= bits - 1) {
            int level = src + Integer.numberOfTrailingZeros(bits) * plane;
            for (int r = 0; r < MR; r++) {
                for (int v = 0; v < NR_F32; v += LF) {
                    int t = doff + r * ld + v;
                    FloatVector.fromArray(SF, w, level + r * ls + v).add(FloatVector.fromArray(SF, d, t)).intoArray(d, t);
                }
            }
        }
    }

    /** The tile of the species ({@link #MR} rows): one of the two kernels, chosen by a constant. */
    private static void microKernel(float[] w, int pa, int pb, int kc, float[] d, int doff, int ld) {
        if (MR == 12) kernel(w, pa, pb, kc, d, doff, ld);
        else kernel6(w, pa, pb, kc, d, doff, ld);
    }

    /**
     * One 12 x 2-vector tile of C over the kc terms of one block: 24 sums in vector registers, each from
     * -0.0, adding term p = 0 .. kc-1 by one fma (per term: 2 vector loads of the B panel, 12 broadcasts
     * of the A panel); written to d[doff + r * ld + j].
     */
    private static void kernel(float[] w, int pa, int pb, int kc, float[] d, int doff, int ld) {
        FloatVector zero = FloatVector.broadcast(SF, -0.0f);
        FloatVector c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero, c40 = zero, c41 = zero, c50 = zero, c51 = zero, c60 = zero, c61 = zero, c70 = zero, c71 = zero, c80 = zero, c81 = zero, c90 = zero, c91 = zero, c100 = zero, c101 = zero, c110 = zero, c111 = zero;
        for (int p = 0; p < kc; p++) {
            int ap = pa + p * MR, bp = pb + p * NR_F32;
            FloatVector b0 = FloatVector.fromArray(SF, w, bp);
            FloatVector b1 = FloatVector.fromArray(SF, w, bp + LF);
            FloatVector a0 = FloatVector.broadcast(SF, w[ap + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(SF, w[ap + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(SF, w[ap + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(SF, w[ap + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(SF, w[ap + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(SF, w[ap + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(SF, w[ap + 6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(SF, w[ap + 7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
            FloatVector a8 = FloatVector.broadcast(SF, w[ap + 8]);
            c80 = a8.fma(b0, c80);
            c81 = a8.fma(b1, c81);
            FloatVector a9 = FloatVector.broadcast(SF, w[ap + 9]);
            c90 = a9.fma(b0, c90);
            c91 = a9.fma(b1, c91);
            FloatVector a10 = FloatVector.broadcast(SF, w[ap + 10]);
            c100 = a10.fma(b0, c100);
            c101 = a10.fma(b1, c101);
            FloatVector a11 = FloatVector.broadcast(SF, w[ap + 11]);
            c110 = a11.fma(b0, c110);
            c111 = a11.fma(b1, c111);
        }
        c00.intoArray(d, doff);
        c01.intoArray(d, doff + LF);
        c10.intoArray(d, doff + ld);
        c11.intoArray(d, doff + ld + LF);
        c20.intoArray(d, doff + 2 * ld);
        c21.intoArray(d, doff + 2 * ld + LF);
        c30.intoArray(d, doff + 3 * ld);
        c31.intoArray(d, doff + 3 * ld + LF);
        c40.intoArray(d, doff + 4 * ld);
        c41.intoArray(d, doff + 4 * ld + LF);
        c50.intoArray(d, doff + 5 * ld);
        c51.intoArray(d, doff + 5 * ld + LF);
        c60.intoArray(d, doff + 6 * ld);
        c61.intoArray(d, doff + 6 * ld + LF);
        c70.intoArray(d, doff + 7 * ld);
        c71.intoArray(d, doff + 7 * ld + LF);
        c80.intoArray(d, doff + 8 * ld);
        c81.intoArray(d, doff + 8 * ld + LF);
        c90.intoArray(d, doff + 9 * ld);
        c91.intoArray(d, doff + 9 * ld + LF);
        c100.intoArray(d, doff + 10 * ld);
        c101.intoArray(d, doff + 10 * ld + LF);
        c110.intoArray(d, doff + 11 * ld);
        c111.intoArray(d, doff + 11 * ld + LF);
    }

    /**
     * The 6-row twin of {@link #kernel(float[], int, int, int, float[], int, int)} for 256-bit (and narrower) species:
     * 12 sums + 2 B vectors + 1 broadcast fit the 16 vector registers of AVX2, where the 12-row
     * tile's 27 would spill (the same fma chain per element: the tiling does not change the bits).
     */
    private static void kernel6(float[] w, int pa, int pb, int kc, float[] d, int doff, int ld) {
        FloatVector zero = FloatVector.broadcast(SF, -0.0f);
        FloatVector c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero, c40 = zero, c41 = zero, c50 = zero, c51 = zero;
        for (int p = 0; p < kc; p++) {
            int ap = pa + p * MR, bp = pb + p * NR_F32;
            FloatVector b0 = FloatVector.fromArray(SF, w, bp);
            FloatVector b1 = FloatVector.fromArray(SF, w, bp + LF);
            FloatVector a0 = FloatVector.broadcast(SF, w[ap + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(SF, w[ap + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(SF, w[ap + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(SF, w[ap + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(SF, w[ap + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(SF, w[ap + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
        }
        c00.intoArray(d, doff);
        c01.intoArray(d, doff + LF);
        c10.intoArray(d, doff + ld);
        c11.intoArray(d, doff + ld + LF);
        c20.intoArray(d, doff + 2 * ld);
        c21.intoArray(d, doff + 2 * ld + LF);
        c30.intoArray(d, doff + 3 * ld);
        c31.intoArray(d, doff + 3 * ld + LF);
        c40.intoArray(d, doff + 4 * ld);
        c41.intoArray(d, doff + 4 * ld + LF);
        c50.intoArray(d, doff + 5 * ld);
        c51.intoArray(d, doff + 5 * ld + LF);
    }


    // ------------------------------------------------------------------ double

    /**
     * c[cOff ..] (row-major [m, n]) = A B from the packed panels at w[s ..] (packedA's and
     * packedB's layout of the class comment, filled by the caller; their padding is zeroed here).
     * Scratch: {@link #scratch} elements from s.
     */
    public static void run(double[] w, int s, int m, int k, int n, double[] c, int cOff) {
        final int nr = NR_F64;
        int mp = roundUp(m, MR), np = roundUp(n, nr), blocks = Cascade.blocks(k);
        int pa = s, pb = s + mp * k, tile = pb + k * np, stack = tile + MR * nr, plane = mp * np;
        zeroPadding(w, pa, pb, m, mp, k, n, np);
        for (int jc = 0; jc < np; jc += NC_F64) {
            int je = Math.min(np, jc + NC_F64);
            for (int blk = 0; blk < blocks; blk++) {
                int pc = blk * Summation.BLOCK, kc = Math.min(Summation.BLOCK, k - pc), b = blk + 1, tz = Integer.numberOfTrailingZeros(b);
                boolean last = b == blocks;
                int adds = levels(b, blocks), level = stack + tz * plane;
                for (int ic = 0; ic < mp; ic += MC) {
                    int ie = Math.min(mp, ic + MC);
                    for (int jr = jc; jr < je; jr += nr) {
                        for (int ir = ic; ir < ie; ir += MR) {
                            int a0 = pa + ir * k + pc * MR, b0 = pb + jr * k + pc * nr, at = ir * np + jr;
                            if (!last) {
                                microKernel(w, a0, b0, kc, w, level + at, np);
                                if (adds != 0) merge(w, stack + at, plane, np, adds, w, level + at, np);
                            } else if (ir + MR <= m && jr + nr <= n) {
                                microKernel(w, a0, b0, kc, c, cOff + ir * n + jr, n);
                                if (adds != 0) merge(w, stack + at, plane, np, adds, c, cOff + ir * n + jr, n);
                            } else {
                                microKernel(w, a0, b0, kc, w, tile, nr);
                                if (adds != 0) merge(w, stack + at, plane, np, adds, w, tile, nr);
                                int rows = Math.min(MR, m - ir), cols = Math.min(nr, n - jr);
                                for (int r = 0; r < rows; r++) System.arraycopy(w, tile + r * nr, c, cOff + (ir + r) * n + jr, cols);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Zeroes packedA's rows m .. mp-1 and packedB's columns n .. np-1 (a method of its own: C2 compiles it apart from run's loop nest). */
    private static void zeroPadding(double[] w, int pa, int pb, int m, int mp, int k, int n, int np) {
        final int nr = NR_F64;
        for (int i = m; i < mp; i++) for (int q = 0; q < k; q++) w[pa + (i / MR) * MR * k + q * MR + i % MR] = 0;
        for (int j = n; j < np; j++) for (int q = 0; q < k; q++) w[pb + (j / nr) * nr * k + q * nr + j % nr] = 0;
    }

    /**
     * Packs a(i, q) = a[aOff + i * rs + q * cs] (i &lt; m, q &lt; k) into w at s: packedA of the class comment.
     * A whole strip at a time, term by term (MR reads, one from each row, then MR contiguous stores: the
     * inner loop of constant trip count unrolls), faster than row by row with stores MR apart.
     */
    public static void packA(double[] a, int aOff, int rs, int cs, int m, int k, double[] w, int s) {
        int full = m / MR * MR;
        for (int i0 = 0; i0 < full; i0 += MR) {
            int dst = s + i0 * k, src = aOff + i0 * rs;
            for (int q = 0; q < k; q++) {
                int d = dst + q * MR, o = src + q * cs;
                for (int r = 0; r < MR; r++) w[d + r] = a[o + r * rs];
            }
        }
        for (int i = full; i < m; i++) {
            int dst = s + (i / MR) * MR * k + i % MR, src = aOff + i * rs;
            for (int q = 0; q < k; q++) w[dst + q * MR] = a[src + q * cs];
        }
    }

    /** Packs b(q, j) = b[bOff + q * rs + j * cs] (q &lt; k, j &lt; n) into w at s (the B panels' start): packedB of the class comment. */
    public static void packB(double[] b, int bOff, int rs, int cs, int k, int n, double[] w, int s) {
        final int nr = NR_F64;
        int full = cs == 1 ? n / nr * nr : 0;
        // contiguous rows: row q's full strips by two vector copies each (a short arraycopy per strip
        // costs about twice as much); the vectors live within one statement, so nothing boxes
        for (int q = 0; q < k; q++) {
            for (int j0 = 0, src = bOff + q * rs, dst = s + q * nr; j0 < full; j0 += nr) {
                DoubleVector.fromArray(SD, b, src + j0).intoArray(w, dst + j0 * k);
                DoubleVector.fromArray(SD, b, src + j0 + LD).intoArray(w, dst + j0 * k + LD);
            }
        }
        for (int j0 = full; j0 < n; j0 += nr) {
            int cols = Math.min(nr, n - j0), strip = s + j0 * k;
            for (int q = 0; q < k; q++) for (int j = 0; j < cols; j++) w[strip + q * nr + j] = b[bOff + q * rs + (j0 + j) * cs];
        }
    }

    /**
     * d's tile (MR rows of NR at row stride ld) = the stack levels of mask ({@link #levels}), from the lowest, each added
     * on the left ({@link Cascade}'s counter: the earlier blocks on the left), + the tile; level l's tile
     * at w[src + l * plane ..], row stride ls. One pass over the tile per level, through memory: no vector
     * lives across a loop or a branch. (A running sum carried through the level loop and its
     * {@code (bits & 1) != 0} test was a vector phi C2 did not unbox once the test had been seen
     * false, i.e. after one product whose block count is not a power of two (3, 5, 6, 7, ...: a
     * mask like 0b10): from then on every merge boxed two vectors per position, 43 kB per 37 x 129
     * x 53 call in GemmLoweringTest.allocatesNothing.)
     */
    private static void merge(double[] w, int src, int plane, int ls, int mask, double[] d, int doff, int ld) {
        for (int bits = mask; bits != 0; bits &= bits - 1) {
            int level = src + Integer.numberOfTrailingZeros(bits) * plane;
            for (int r = 0; r < MR; r++) {
                for (int v = 0; v < NR_F64; v += LD) {
                    int t = doff + r * ld + v;
                    DoubleVector.fromArray(SD, w, level + r * ls + v).add(DoubleVector.fromArray(SD, d, t)).intoArray(d, t);
                }
            }
        }
    }

    /** The tile of the species ({@link #MR} rows): one of the two kernels, chosen by a constant. */
    private static void microKernel(double[] w, int pa, int pb, int kc, double[] d, int doff, int ld) {
        if (MR == 12) kernel(w, pa, pb, kc, d, doff, ld);
        else kernel6(w, pa, pb, kc, d, doff, ld);
    }

    /**
     * One 12 x 2-vector tile of C over the kc terms of one block: 24 sums in vector registers, each from
     * -0.0, adding term p = 0 .. kc-1 by one fma (per term: 2 vector loads of the B panel, 12 broadcasts
     * of the A panel); written to d[doff + r * ld + j].
     */
    private static void kernel(double[] w, int pa, int pb, int kc, double[] d, int doff, int ld) {
        DoubleVector zero = DoubleVector.broadcast(SD, -0.0);
        DoubleVector c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero, c40 = zero, c41 = zero, c50 = zero, c51 = zero, c60 = zero, c61 = zero, c70 = zero, c71 = zero, c80 = zero, c81 = zero, c90 = zero, c91 = zero, c100 = zero, c101 = zero, c110 = zero, c111 = zero;
        for (int p = 0; p < kc; p++) {
            int ap = pa + p * MR, bp = pb + p * NR_F64;
            DoubleVector b0 = DoubleVector.fromArray(SD, w, bp);
            DoubleVector b1 = DoubleVector.fromArray(SD, w, bp + LD);
            DoubleVector a0 = DoubleVector.broadcast(SD, w[ap + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            DoubleVector a1 = DoubleVector.broadcast(SD, w[ap + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            DoubleVector a2 = DoubleVector.broadcast(SD, w[ap + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            DoubleVector a3 = DoubleVector.broadcast(SD, w[ap + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            DoubleVector a4 = DoubleVector.broadcast(SD, w[ap + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            DoubleVector a5 = DoubleVector.broadcast(SD, w[ap + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
            DoubleVector a6 = DoubleVector.broadcast(SD, w[ap + 6]);
            c60 = a6.fma(b0, c60);
            c61 = a6.fma(b1, c61);
            DoubleVector a7 = DoubleVector.broadcast(SD, w[ap + 7]);
            c70 = a7.fma(b0, c70);
            c71 = a7.fma(b1, c71);
            DoubleVector a8 = DoubleVector.broadcast(SD, w[ap + 8]);
            c80 = a8.fma(b0, c80);
            c81 = a8.fma(b1, c81);
            DoubleVector a9 = DoubleVector.broadcast(SD, w[ap + 9]);
            c90 = a9.fma(b0, c90);
            c91 = a9.fma(b1, c91);
            DoubleVector a10 = DoubleVector.broadcast(SD, w[ap + 10]);
            c100 = a10.fma(b0, c100);
            c101 = a10.fma(b1, c101);
            DoubleVector a11 = DoubleVector.broadcast(SD, w[ap + 11]);
            c110 = a11.fma(b0, c110);
            c111 = a11.fma(b1, c111);
        }
        c00.intoArray(d, doff);
        c01.intoArray(d, doff + LD);
        c10.intoArray(d, doff + ld);
        c11.intoArray(d, doff + ld + LD);
        c20.intoArray(d, doff + 2 * ld);
        c21.intoArray(d, doff + 2 * ld + LD);
        c30.intoArray(d, doff + 3 * ld);
        c31.intoArray(d, doff + 3 * ld + LD);
        c40.intoArray(d, doff + 4 * ld);
        c41.intoArray(d, doff + 4 * ld + LD);
        c50.intoArray(d, doff + 5 * ld);
        c51.intoArray(d, doff + 5 * ld + LD);
        c60.intoArray(d, doff + 6 * ld);
        c61.intoArray(d, doff + 6 * ld + LD);
        c70.intoArray(d, doff + 7 * ld);
        c71.intoArray(d, doff + 7 * ld + LD);
        c80.intoArray(d, doff + 8 * ld);
        c81.intoArray(d, doff + 8 * ld + LD);
        c90.intoArray(d, doff + 9 * ld);
        c91.intoArray(d, doff + 9 * ld + LD);
        c100.intoArray(d, doff + 10 * ld);
        c101.intoArray(d, doff + 10 * ld + LD);
        c110.intoArray(d, doff + 11 * ld);
        c111.intoArray(d, doff + 11 * ld + LD);
    }

    /**
     * The 6-row twin of {@link #kernel(double[], int, int, int, double[], int, int)} for 256-bit (and narrower) species:
     * 12 sums + 2 B vectors + 1 broadcast fit the 16 vector registers of AVX2, where the 12-row
     * tile's 27 would spill (the same fma chain per element: the tiling does not change the bits).
     */
    private static void kernel6(double[] w, int pa, int pb, int kc, double[] d, int doff, int ld) {
        DoubleVector zero = DoubleVector.broadcast(SD, -0.0);
        DoubleVector c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero, c40 = zero, c41 = zero, c50 = zero, c51 = zero;
        for (int p = 0; p < kc; p++) {
            int ap = pa + p * MR, bp = pb + p * NR_F64;
            DoubleVector b0 = DoubleVector.fromArray(SD, w, bp);
            DoubleVector b1 = DoubleVector.fromArray(SD, w, bp + LD);
            DoubleVector a0 = DoubleVector.broadcast(SD, w[ap + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            DoubleVector a1 = DoubleVector.broadcast(SD, w[ap + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            DoubleVector a2 = DoubleVector.broadcast(SD, w[ap + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            DoubleVector a3 = DoubleVector.broadcast(SD, w[ap + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            DoubleVector a4 = DoubleVector.broadcast(SD, w[ap + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            DoubleVector a5 = DoubleVector.broadcast(SD, w[ap + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
        }
        c00.intoArray(d, doff);
        c01.intoArray(d, doff + LD);
        c10.intoArray(d, doff + ld);
        c11.intoArray(d, doff + ld + LD);
        c20.intoArray(d, doff + 2 * ld);
        c21.intoArray(d, doff + 2 * ld + LD);
        c30.intoArray(d, doff + 3 * ld);
        c31.intoArray(d, doff + 3 * ld + LD);
        c40.intoArray(d, doff + 4 * ld);
        c41.intoArray(d, doff + 4 * ld + LD);
        c50.intoArray(d, doff + 5 * ld);
        c51.intoArray(d, doff + 5 * ld + LD);
    }
}
