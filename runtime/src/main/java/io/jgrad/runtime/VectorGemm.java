package io.jgrad.runtime;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked matmul of the vector path (GotoBLAS/BLIS): C = A B over packed panels,
 * cache-blocked by {@link Summation#BLOCK} terms of k (one block of the sum), MC rows of A
 * and NC columns of B, with a 6 x 2-vector micro-kernel (the preferred species: at 512 bits
 * a tile of 6 x 32 floats or 6 x 16 doubles) holding its 12 sums in vector
 * registers (12 + 2 + 1 of them: it fits AVX2's 16 too). Each element of C is {@link
 * Summation#dotFused} of its row and column, bit for bit, whatever the tiling: one fma chain
 * per block of k, the block sums added by {@link Cascade}'s counter. Loaded only through
 * {@link Gemm}, when the JVM has jdk.incubator.vector; generated code calls {@link #run}
 * after packing the operands itself. (Written by a small generator in effect: the kernel is
 * unrolled over its 12 accumulators by hand, as C2 keeps named locals in registers.)
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
    /** Rows of a tile. */
    public static final int MR = 6;
    /** Columns of a tile: 2 vectors. */
    public static final int NR_F32 = 2 * LF, NR_F64 = 2 * LD;
    /** Rows of A per cache block (its packed block of MC x BLOCK stays in L2). */
    static final int MC = 16 * MR;
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
        for (int i = m; i < mp; i++) for (int q = 0; q < k; q++) w[pa + (i / MR) * MR * k + q * MR + i % MR] = 0;
        for (int j = n; j < np; j++) for (int q = 0; q < k; q++) w[pb + (j / nr) * nr * k + q * nr + j % nr] = 0;
        for (int jc = 0; jc < np; jc += NC_F32) {
            int je = Math.min(np, jc + NC_F32);
            for (int blk = 0; blk < blocks; blk++) {
                int pc = blk * Summation.BLOCK, kc = Math.min(Summation.BLOCK, k - pc);
                boolean last = blk + 1 == blocks;
                for (int ic = 0; ic < mp; ic += MC) {
                    int ie = Math.min(mp, ic + MC);
                    for (int jr = jc; jr < je; jr += nr) {
                        for (int ir = ic; ir < ie; ir += MR) {
                            int a0 = pa + ir * k + pc * MR, b0 = pb + jr * k + pc * nr;
                            if (blocks == 1 && ir + MR <= m && jr + nr <= n) {
                                kernel(w, a0, b0, kc, c, cOff + ir * n + jr, n);
                                continue;
                            }
                            kernel(w, a0, b0, kc, w, tile, nr);
                            if (blocks > 1) push(w, tile, stack + ir * np + jr, plane, np, blk + 1, blocks);
                            if (last) {
                                int rows = Math.min(MR, m - ir), cols = Math.min(nr, n - jr);
                                for (int r = 0; r < rows; r++) System.arraycopy(w, tile + r * nr, c, cOff + (ir + r) * n + jr, cols);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * {@link Cascade}'s binary counter, a tile at a time: merges the tile's sums of block number b
     * (from 1) into the stack planes at w[st + l * plane ..] (row stride np); after the last block
     * the tile holds the finished sums.
     */
    private static void push(float[] w, int tile, int st, int plane, int np, int b, int blocks) {
        final int nr = NR_F32, vl = LF;
        for (int r = 0; r < MR; r++) {
            for (int v = 0; v < nr; v += vl) {
                int t = tile + r * nr + v, pos = st + r * np + v;
                FloatVector c = FloatVector.fromArray(SF, w, t);
                int l = 0;
                for (int bb = b; (bb & 1) == 0; bb >>>= 1, l++) c = FloatVector.fromArray(SF, w, pos + l * plane).add(c);
                if (b < blocks) {
                    c.intoArray(w, pos + l * plane);
                } else {
                    for (int bb = blocks >>> (l + 1), q = l + 1; bb != 0; bb >>>= 1, q++) if ((bb & 1) != 0) c = FloatVector.fromArray(SF, w, pos + q * plane).add(c);
                    c.intoArray(w, t);
                }
            }
        }
    }

    /** Packs a(i, q) = a[aOff + i * rs + q * cs] (i &lt; m, q &lt; k) into w at s: packedA of the class comment. */
    public static void packA(float[] a, int aOff, int rs, int cs, int m, int k, float[] w, int s) {
        for (int i = 0; i < m; i++) {
            int dst = s + (i / MR) * MR * k + i % MR, src = aOff + i * rs;
            for (int q = 0; q < k; q++) w[dst + q * MR] = a[src + q * cs];
        }
    }

    /** Packs b(q, j) = b[bOff + q * rs + j * cs] (q &lt; k, j &lt; n) into w at s (the B panels' start): packedB of the class comment. */
    public static void packB(float[] b, int bOff, int rs, int cs, int k, int n, float[] w, int s) {
        final int nr = NR_F32;
        for (int j0 = 0; j0 < n; j0 += nr) {
            int cols = Math.min(nr, n - j0), strip = s + j0 * k;
            for (int q = 0; q < k; q++) {
                if (cs == 1) System.arraycopy(b, bOff + q * rs + j0, w, strip + q * nr, cols);
                else for (int j = 0; j < cols; j++) w[strip + q * nr + j] = b[bOff + q * rs + (j0 + j) * cs];
            }
        }
    }

    /**
     * One 6 x 2-vector tile of C over the kc terms of one block: 12 sums in vector
     * registers, each from -0.0, adding term p = 0 .. kc-1 by one fma; written to
     * d[doff + r * ld + j]. Per term: 2 vector loads of the B panel, 6 broadcasts of the A panel.
     */
    private static void kernel(float[] w, int pa, int pb, int kc, float[] d, int doff, int ld) {
        FloatVector c00 = FloatVector.broadcast(SF, -0.0f), c01 = FloatVector.broadcast(SF, -0.0f), c10 = FloatVector.broadcast(SF, -0.0f), c11 = FloatVector.broadcast(SF, -0.0f), c20 = FloatVector.broadcast(SF, -0.0f), c21 = FloatVector.broadcast(SF, -0.0f), c30 = FloatVector.broadcast(SF, -0.0f), c31 = FloatVector.broadcast(SF, -0.0f), c40 = FloatVector.broadcast(SF, -0.0f), c41 = FloatVector.broadcast(SF, -0.0f), c50 = FloatVector.broadcast(SF, -0.0f), c51 = FloatVector.broadcast(SF, -0.0f);
        for (int p = 0; p < kc; p++) {
            int ap = pa + p * MR, bp = pb + p * NR_F32;
            FloatVector b0 = FloatVector.fromArray(SF, w, bp);
            FloatVector b1 = FloatVector.fromArray(SF, w, bp + 1 * LF);
            FloatVector a0 = FloatVector.broadcast(SF, w[ap]);
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
        c01.intoArray(d, doff + 1 * LF);
        c10.intoArray(d, doff + 1 * ld);
        c11.intoArray(d, doff + 1 * ld + 1 * LF);
        c20.intoArray(d, doff + 2 * ld);
        c21.intoArray(d, doff + 2 * ld + 1 * LF);
        c30.intoArray(d, doff + 3 * ld);
        c31.intoArray(d, doff + 3 * ld + 1 * LF);
        c40.intoArray(d, doff + 4 * ld);
        c41.intoArray(d, doff + 4 * ld + 1 * LF);
        c50.intoArray(d, doff + 5 * ld);
        c51.intoArray(d, doff + 5 * ld + 1 * LF);
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
        for (int i = m; i < mp; i++) for (int q = 0; q < k; q++) w[pa + (i / MR) * MR * k + q * MR + i % MR] = 0;
        for (int j = n; j < np; j++) for (int q = 0; q < k; q++) w[pb + (j / nr) * nr * k + q * nr + j % nr] = 0;
        for (int jc = 0; jc < np; jc += NC_F64) {
            int je = Math.min(np, jc + NC_F64);
            for (int blk = 0; blk < blocks; blk++) {
                int pc = blk * Summation.BLOCK, kc = Math.min(Summation.BLOCK, k - pc);
                boolean last = blk + 1 == blocks;
                for (int ic = 0; ic < mp; ic += MC) {
                    int ie = Math.min(mp, ic + MC);
                    for (int jr = jc; jr < je; jr += nr) {
                        for (int ir = ic; ir < ie; ir += MR) {
                            int a0 = pa + ir * k + pc * MR, b0 = pb + jr * k + pc * nr;
                            if (blocks == 1 && ir + MR <= m && jr + nr <= n) {
                                kernel(w, a0, b0, kc, c, cOff + ir * n + jr, n);
                                continue;
                            }
                            kernel(w, a0, b0, kc, w, tile, nr);
                            if (blocks > 1) push(w, tile, stack + ir * np + jr, plane, np, blk + 1, blocks);
                            if (last) {
                                int rows = Math.min(MR, m - ir), cols = Math.min(nr, n - jr);
                                for (int r = 0; r < rows; r++) System.arraycopy(w, tile + r * nr, c, cOff + (ir + r) * n + jr, cols);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * {@link Cascade}'s binary counter, a tile at a time: merges the tile's sums of block number b
     * (from 1) into the stack planes at w[st + l * plane ..] (row stride np); after the last block
     * the tile holds the finished sums.
     */
    private static void push(double[] w, int tile, int st, int plane, int np, int b, int blocks) {
        final int nr = NR_F64, vl = LD;
        for (int r = 0; r < MR; r++) {
            for (int v = 0; v < nr; v += vl) {
                int t = tile + r * nr + v, pos = st + r * np + v;
                DoubleVector c = DoubleVector.fromArray(SD, w, t);
                int l = 0;
                for (int bb = b; (bb & 1) == 0; bb >>>= 1, l++) c = DoubleVector.fromArray(SD, w, pos + l * plane).add(c);
                if (b < blocks) {
                    c.intoArray(w, pos + l * plane);
                } else {
                    for (int bb = blocks >>> (l + 1), q = l + 1; bb != 0; bb >>>= 1, q++) if ((bb & 1) != 0) c = DoubleVector.fromArray(SD, w, pos + q * plane).add(c);
                    c.intoArray(w, t);
                }
            }
        }
    }

    /** Packs a(i, q) = a[aOff + i * rs + q * cs] (i &lt; m, q &lt; k) into w at s: packedA of the class comment. */
    public static void packA(double[] a, int aOff, int rs, int cs, int m, int k, double[] w, int s) {
        for (int i = 0; i < m; i++) {
            int dst = s + (i / MR) * MR * k + i % MR, src = aOff + i * rs;
            for (int q = 0; q < k; q++) w[dst + q * MR] = a[src + q * cs];
        }
    }

    /** Packs b(q, j) = b[bOff + q * rs + j * cs] (q &lt; k, j &lt; n) into w at s (the B panels' start): packedB of the class comment. */
    public static void packB(double[] b, int bOff, int rs, int cs, int k, int n, double[] w, int s) {
        final int nr = NR_F64;
        for (int j0 = 0; j0 < n; j0 += nr) {
            int cols = Math.min(nr, n - j0), strip = s + j0 * k;
            for (int q = 0; q < k; q++) {
                if (cs == 1) System.arraycopy(b, bOff + q * rs + j0, w, strip + q * nr, cols);
                else for (int j = 0; j < cols; j++) w[strip + q * nr + j] = b[bOff + q * rs + (j0 + j) * cs];
            }
        }
    }

    /**
     * One 6 x 2-vector tile of C over the kc terms of one block: 12 sums in vector
     * registers, each from -0.0, adding term p = 0 .. kc-1 by one fma; written to
     * d[doff + r * ld + j]. Per term: 2 vector loads of the B panel, 6 broadcasts of the A panel.
     */
    private static void kernel(double[] w, int pa, int pb, int kc, double[] d, int doff, int ld) {
        DoubleVector c00 = DoubleVector.broadcast(SD, -0.0), c01 = DoubleVector.broadcast(SD, -0.0), c10 = DoubleVector.broadcast(SD, -0.0), c11 = DoubleVector.broadcast(SD, -0.0), c20 = DoubleVector.broadcast(SD, -0.0), c21 = DoubleVector.broadcast(SD, -0.0), c30 = DoubleVector.broadcast(SD, -0.0), c31 = DoubleVector.broadcast(SD, -0.0), c40 = DoubleVector.broadcast(SD, -0.0), c41 = DoubleVector.broadcast(SD, -0.0), c50 = DoubleVector.broadcast(SD, -0.0), c51 = DoubleVector.broadcast(SD, -0.0);
        for (int p = 0; p < kc; p++) {
            int ap = pa + p * MR, bp = pb + p * NR_F64;
            DoubleVector b0 = DoubleVector.fromArray(SD, w, bp);
            DoubleVector b1 = DoubleVector.fromArray(SD, w, bp + 1 * LD);
            DoubleVector a0 = DoubleVector.broadcast(SD, w[ap]);
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
        c01.intoArray(d, doff + 1 * LD);
        c10.intoArray(d, doff + 1 * ld);
        c11.intoArray(d, doff + 1 * ld + 1 * LD);
        c20.intoArray(d, doff + 2 * ld);
        c21.intoArray(d, doff + 2 * ld + 1 * LD);
        c30.intoArray(d, doff + 3 * ld);
        c31.intoArray(d, doff + 3 * ld + 1 * LD);
        c40.intoArray(d, doff + 4 * ld);
        c41.intoArray(d, doff + 4 * ld + 1 * LD);
        c50.intoArray(d, doff + 5 * ld);
        c51.intoArray(d, doff + 5 * ld + 1 * LD);
    }

}
