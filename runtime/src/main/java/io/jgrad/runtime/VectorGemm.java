package io.jgrad.runtime;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.FMA;

/**
 * The register-blocked matmul of the vector path (GotoBLAS/BLIS): C = A B over packed panels,
 * cache-blocked by {@link Summation#BLOCK} terms of k (one block of the sum), MC rows of A
 * and NC columns of B, with a 6 x 2-vector micro-kernel (the preferred species: a tile of 6 x 32
 * floats or 6 x 16 doubles at 512 bits) holding its 12 sums in vector registers (12 + 2 + 1 fit
 * even AVX2's 16). Per term the tile issues 12 fma for 2 vector loads and 6 broadcasts, which C2
 * turns into broadcast loads ({@code vbroadcastss zmm, [mem]}: no shuffle port). Each element of
 * C is {@link Summation#dotFused} of its row and column, bit for bit, whatever the tiling: one fma
 * chain per block of k, the block sums added by {@link Cascade}'s counter, the kernel's tile of a
 * block written straight into its stack plane (or into C at the last block) and the earlier
 * levels added to it there ({@link #levels}). Loaded only through {@link Gemm}, when the JVM
 * has jdk.incubator.vector; generated code calls {@link #run} after packing the operands itself.
 * (The kernel is unrolled over its 12 accumulators by hand, as C2 keeps named locals in registers.)
 *
 * <p>Why 6 rows and not 12 on AVX-512 (the 12 x 2 tile, 24 sums, was the kernel there until
 * 2026-12-03): C2 compiled the 12-row kernel, 86 vector operations in one method, into code that
 * boxed vectors, for good, in some JVMs, even once every call in it had a receiver of exact class
 * (below): 7.7 MB per F32 37 x 263 x 53 product (every operation boxed, 25x slower) in one of
 * four plain JVMs on a loaded machine and in every JVM under JFR ({@code -XX:StartFlightRecording})
 * that had used other vector shapes; 41 kB (F32) and 83 kB (F64) per product after other shapes
 * without JFR (VectorProfileTest); and, before the exact receivers, 5.6 MB per call of
 * GemmLoweringTest.allocatesNothing in one CI run. Past
 * C2's inlining budget for one compilation (NodeCountInliningCutoff) even the Vector API's
 * {@code @ForceInline} methods are inlined late, their results typed {@code FloatVector} when the
 * next call is bound, so that call goes through a type profile (below, at {@link #NEG_ZERO_F}).
 * The 6-row kernel has half the operations and allocated nothing in every one of those
 * conditions (GemmTest, VectorProfileTest). It was 0.8x the 12-row one's speed at 256^3 on an
 * Intel AVX-512 machine under load and within the noise of it when quiet (README, "The 12 x 2
 * micro-kernel"); the README gives this change's measurement.
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
     * -0.0 in every lane: the start of every sum, and the receiver that gives a vector an exact
     * class. Every call on a vector here is made on a vector C2 knows the exact class of when it
     * parses the call (this constant, or what a shape's own {@code broadcast}/{@code lanewise}
     * returned), so it binds statically. A load ({@code fromArray}) or a loop's accumulator is
     * only ever an argument; where one must be a receiver (a store) it is first added to -0.0
     * (x + -0.0 = x). Otherwise the call binds through a type profile: the convenience methods
     * ({@code fma}, {@code add}) dispatch again inside the JDK at a call site every user of the
     * Vector API shares, and once that site has seen two shapes, or the compilation has counted
     * too many class-check traps in the JDK methods it inlined (PerMethodTrapLimit), C2 merges
     * two paths into a vector of no exact class and boxes every later operation on it: 5.6 MB per
     * call of GemmLoweringTest.allocatesNothing in one CI run, for good (VectorProfileTest
     * reproduces it every time with the convenience methods). Loop accumulators start from
     * {@code NEG_ZERO_F.broadcast(-0.0f)}, an intrinsic, never from this object itself: a loop phi
     * with a real object as one input cannot be unboxed, and every fma result was boxed
     * (12.7 MB per 37 x 263 x 53 product).
     */
    static final FloatVector NEG_ZERO_F = FloatVector.broadcast(SF, -0.0f);
    static final DoubleVector NEG_ZERO_D = DoubleVector.broadcast(SD, -0.0);
    /** Rows of a tile (the class comment says why 6 on every machine). */
    public static final int MR = 6;
    /** Columns of a tile: 2 vectors. */
    public static final int NR_F32 = 2 * LF, NR_F64 = 2 * LD;
    /** Rows of A per cache block (its packed block of MC x BLOCK stays in L2): a multiple of MR. */
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
                                kernel(w, a0, b0, kc, w, level + at, np);
                                if (adds != 0) merge(w, stack + at, plane, np, adds, w, level + at, np);
                            } else if (ir + MR <= m && jr + nr <= n) {
                                kernel(w, a0, b0, kc, c, cOff + ir * n + jr, n);
                                if (adds != 0) merge(w, stack + at, plane, np, adds, c, cOff + ir * n + jr, n);
                            } else {
                                kernel(w, a0, b0, kc, w, tile, nr);
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
                NEG_ZERO_F.lanewise(ADD, FloatVector.fromArray(SF, b, src + j0)).intoArray(w, dst + j0 * k);
                NEG_ZERO_F.lanewise(ADD, FloatVector.fromArray(SF, b, src + j0 + LF)).intoArray(w, dst + j0 * k + LF);
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
                    NEG_ZERO_F.lanewise(ADD, FloatVector.fromArray(SF, w, level + r * ls + v)).lanewise(ADD, FloatVector.fromArray(SF, d, t)).intoArray(d, t);
                }
            }
        }
    }

    /**
     * One 6 x 2-vector tile of C over the kc terms of one block: 12 sums in vector registers, each from
     * -0.0, adding term p = 0 .. kc-1 by one fma (per term: 2 vector loads of the B panel, 6 broadcasts
     * of the A panel); written to d[doff + r * ld + j]. The stores come first in the bytecode, so C2
     * parses (and binds) them before the loop body has used up its inlining budget.
     */
    private static void kernel(float[] w, int pa, int pb, int kc, float[] d, int doff, int ld) {
        FloatVector zero = NEG_ZERO_F.broadcast(-0.0f);   // an intrinsic, not the constant object: see NEG_ZERO_F
        FloatVector c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero, c40 = zero, c41 = zero, c50 = zero, c51 = zero;
        for (int p = 0; ; p++) {
            if (p == kc) {   // the stores first in the bytecode: see the method comment
                NEG_ZERO_F.lanewise(ADD, c00).intoArray(d, doff);
                NEG_ZERO_F.lanewise(ADD, c01).intoArray(d, doff + LF);
                NEG_ZERO_F.lanewise(ADD, c10).intoArray(d, doff + ld);
                NEG_ZERO_F.lanewise(ADD, c11).intoArray(d, doff + ld + LF);
                NEG_ZERO_F.lanewise(ADD, c20).intoArray(d, doff + 2 * ld);
                NEG_ZERO_F.lanewise(ADD, c21).intoArray(d, doff + 2 * ld + LF);
                NEG_ZERO_F.lanewise(ADD, c30).intoArray(d, doff + 3 * ld);
                NEG_ZERO_F.lanewise(ADD, c31).intoArray(d, doff + 3 * ld + LF);
                NEG_ZERO_F.lanewise(ADD, c40).intoArray(d, doff + 4 * ld);
                NEG_ZERO_F.lanewise(ADD, c41).intoArray(d, doff + 4 * ld + LF);
                NEG_ZERO_F.lanewise(ADD, c50).intoArray(d, doff + 5 * ld);
                NEG_ZERO_F.lanewise(ADD, c51).intoArray(d, doff + 5 * ld + LF);
                return;
            }
            int ap = pa + p * MR, bp = pb + p * NR_F32;
            FloatVector b0 = FloatVector.fromArray(SF, w, bp);
            FloatVector b1 = FloatVector.fromArray(SF, w, bp + LF);
            FloatVector a0 = NEG_ZERO_F.broadcast(w[ap + 0]);
            c00 = a0.lanewise(FMA, b0, c00);
            c01 = a0.lanewise(FMA, b1, c01);
            FloatVector a1 = NEG_ZERO_F.broadcast(w[ap + 1]);
            c10 = a1.lanewise(FMA, b0, c10);
            c11 = a1.lanewise(FMA, b1, c11);
            FloatVector a2 = NEG_ZERO_F.broadcast(w[ap + 2]);
            c20 = a2.lanewise(FMA, b0, c20);
            c21 = a2.lanewise(FMA, b1, c21);
            FloatVector a3 = NEG_ZERO_F.broadcast(w[ap + 3]);
            c30 = a3.lanewise(FMA, b0, c30);
            c31 = a3.lanewise(FMA, b1, c31);
            FloatVector a4 = NEG_ZERO_F.broadcast(w[ap + 4]);
            c40 = a4.lanewise(FMA, b0, c40);
            c41 = a4.lanewise(FMA, b1, c41);
            FloatVector a5 = NEG_ZERO_F.broadcast(w[ap + 5]);
            c50 = a5.lanewise(FMA, b0, c50);
            c51 = a5.lanewise(FMA, b1, c51);
        }
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
                                kernel(w, a0, b0, kc, w, level + at, np);
                                if (adds != 0) merge(w, stack + at, plane, np, adds, w, level + at, np);
                            } else if (ir + MR <= m && jr + nr <= n) {
                                kernel(w, a0, b0, kc, c, cOff + ir * n + jr, n);
                                if (adds != 0) merge(w, stack + at, plane, np, adds, c, cOff + ir * n + jr, n);
                            } else {
                                kernel(w, a0, b0, kc, w, tile, nr);
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
                NEG_ZERO_D.lanewise(ADD, DoubleVector.fromArray(SD, b, src + j0)).intoArray(w, dst + j0 * k);
                NEG_ZERO_D.lanewise(ADD, DoubleVector.fromArray(SD, b, src + j0 + LD)).intoArray(w, dst + j0 * k + LD);
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
                    NEG_ZERO_D.lanewise(ADD, DoubleVector.fromArray(SD, w, level + r * ls + v)).lanewise(ADD, DoubleVector.fromArray(SD, d, t)).intoArray(d, t);
                }
            }
        }
    }

    /** The double twin of the float kernel above. */
    private static void kernel(double[] w, int pa, int pb, int kc, double[] d, int doff, int ld) {
        DoubleVector zero = NEG_ZERO_D.broadcast(-0.0);   // an intrinsic, not the constant object: see NEG_ZERO_F
        DoubleVector c00 = zero, c01 = zero, c10 = zero, c11 = zero, c20 = zero, c21 = zero, c30 = zero, c31 = zero, c40 = zero, c41 = zero, c50 = zero, c51 = zero;
        for (int p = 0; ; p++) {
            if (p == kc) {   // the stores first in the bytecode: see the method comment
                NEG_ZERO_D.lanewise(ADD, c00).intoArray(d, doff);
                NEG_ZERO_D.lanewise(ADD, c01).intoArray(d, doff + LD);
                NEG_ZERO_D.lanewise(ADD, c10).intoArray(d, doff + ld);
                NEG_ZERO_D.lanewise(ADD, c11).intoArray(d, doff + ld + LD);
                NEG_ZERO_D.lanewise(ADD, c20).intoArray(d, doff + 2 * ld);
                NEG_ZERO_D.lanewise(ADD, c21).intoArray(d, doff + 2 * ld + LD);
                NEG_ZERO_D.lanewise(ADD, c30).intoArray(d, doff + 3 * ld);
                NEG_ZERO_D.lanewise(ADD, c31).intoArray(d, doff + 3 * ld + LD);
                NEG_ZERO_D.lanewise(ADD, c40).intoArray(d, doff + 4 * ld);
                NEG_ZERO_D.lanewise(ADD, c41).intoArray(d, doff + 4 * ld + LD);
                NEG_ZERO_D.lanewise(ADD, c50).intoArray(d, doff + 5 * ld);
                NEG_ZERO_D.lanewise(ADD, c51).intoArray(d, doff + 5 * ld + LD);
                return;
            }
            int ap = pa + p * MR, bp = pb + p * NR_F64;
            DoubleVector b0 = DoubleVector.fromArray(SD, w, bp);
            DoubleVector b1 = DoubleVector.fromArray(SD, w, bp + LD);
            DoubleVector a0 = NEG_ZERO_D.broadcast(w[ap + 0]);
            c00 = a0.lanewise(FMA, b0, c00);
            c01 = a0.lanewise(FMA, b1, c01);
            DoubleVector a1 = NEG_ZERO_D.broadcast(w[ap + 1]);
            c10 = a1.lanewise(FMA, b0, c10);
            c11 = a1.lanewise(FMA, b1, c11);
            DoubleVector a2 = NEG_ZERO_D.broadcast(w[ap + 2]);
            c20 = a2.lanewise(FMA, b0, c20);
            c21 = a2.lanewise(FMA, b1, c21);
            DoubleVector a3 = NEG_ZERO_D.broadcast(w[ap + 3]);
            c30 = a3.lanewise(FMA, b0, c30);
            c31 = a3.lanewise(FMA, b1, c31);
            DoubleVector a4 = NEG_ZERO_D.broadcast(w[ap + 4]);
            c40 = a4.lanewise(FMA, b0, c40);
            c41 = a4.lanewise(FMA, b1, c41);
            DoubleVector a5 = NEG_ZERO_D.broadcast(w[ap + 5]);
            c50 = a5.lanewise(FMA, b0, c50);
            c51 = a5.lanewise(FMA, b1, c51);
        }
    }
}
