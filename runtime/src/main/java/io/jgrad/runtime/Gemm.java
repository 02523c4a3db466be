package io.jgrad.runtime;

/**
 * Which matmuls take the register-blocked kernel ({@link VectorGemm}), for every engine alike
 * (the eager kernels, the IR interpreter, generated code), so that they give the same bits.
 * The kernel runs when the JVM has jdk.incubator.vector (detected once; {@code -Djgrad.simd=false}
 * turns it off, as it turns off codegen's vector path) and the product is large enough
 * ({@link #applies}, a function of the shape alone). Its order is {@link Summation#dotFused}:
 * Summation's blocks of 128 terms added pairwise, each block one chain of fma. Below the threshold, and without the
 * module, a matmul is {@link Summation#dot} per element (products rounded). This class never
 * names a Vector API type, so it loads on a plain JDK 17; {@link VectorGemm} loads only when
 * {@link #enabled()}.
 */
public final class Gemm {
    private Gemm() {}

    /**
     * The threshold, measured (README, "The vector path"): below it the existing lane loops are
     * as fast or faster, and the seed-sized products keep their order. Machine independent, so
     * the order of a product is a function of its shape and of the path.
     */
    public static final int MIN_M = 16, MIN_K = 16, MIN_N = 16;
    /** Multiply-adds (m k n) at least. */
    public static final long MIN_WORK = 1L << 15;
    private static volatile long minWork = MIN_WORK;
    private static volatile int minM = MIN_M;

    private static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private static volatile boolean enabled = AVAILABLE && !"false".equalsIgnoreCase(System.getProperty("jgrad.simd")) && VectorGemm.bits() >= 128;

    /** Whether [m, k] x [k, n] is large enough for the kernel (whatever the path). */
    public static boolean applies(int m, int k, int n) {
        return m >= minM && k >= MIN_K && n >= MIN_N && (long) m * k * n >= minWork;
    }

    /** The kernel is in use (the module is there and not turned off). */
    public static boolean enabled() {
        return enabled;
    }

    /** Whether a product [m, k] x [k, n] computed now runs in the kernel. */
    public static boolean uses(int m, int k, int n) {
        return enabled && applies(m, k, n);
    }

    /** Tests only (through codegen's Simd.force): turn the kernel on (needs the module) or off from now on. */
    public static void force(boolean on) {
        if (on && !AVAILABLE) throw new IllegalStateException("jdk.incubator.vector is not in the boot layer");
        enabled = on;
    }

    /**
     * Measuring only ({@code bench GemmThreshold}): move the thresholds on m (&gt;= 1) and on the
     * work (&gt;= 1); {@link #MIN_M}, {@link #MIN_WORK} restore them. It changes which order a
     * product uses, so set it before compiling anything.
     */
    public static void thresholds(int m, long work) {
        if (m < 1 || work < 1) throw new IllegalArgumentException("Gemm.thresholds: needs m >= 1 and work >= 1, got " + m + ", " + work);
        minM = m;
        minWork = work;
    }

    /** Rows of a packed A strip (generated packing code needs it; only when {@link #enabled()}). */
    public static int mr() {
        return VectorGemm.MR;
    }

    /** Columns of a packed B strip for the dtype (only when {@link #enabled()}). */
    public static int nr(boolean f64) {
        return f64 ? VectorGemm.NR_F64 : VectorGemm.NR_F32;
    }

    /** Scratch elements the kernel needs for [m, k] x [k, n] (only when {@link #enabled()}). */
    public static int scratch(boolean f64, int m, int k, int n) {
        return VectorGemm.scratch(f64, m, k, n);
    }

    /** Offset of the packed B panels from the scratch's start: after mp * k of packed A. */
    public static int packedB(int m, int k) {
        return VectorGemm.roundUp(m, VectorGemm.MR) * k;
    }

    // ------------------------------------------------------------------ the eager kernels' entry

    private static final ThreadLocal<float[]> FLOATS = ThreadLocal.withInitial(() -> new float[0]);
    private static final ThreadLocal<double[]> DOUBLES = ThreadLocal.withInitial(() -> new double[0]);

    /** c = a b for row-major a [m, k] and b [k, n] through the kernel (callers check {@link #uses}). */
    public static float[] matmul(float[] a, float[] b, int m, int k, int n) {
        check(a.length, b.length, m, k, n);
        float[] w = FLOATS.get();
        int size = scratch(false, m, k, n);
        if (w.length < size) FLOATS.set(w = new float[size]);
        VectorGemm.packA(a, 0, k, 1, m, k, w, 0);
        VectorGemm.packB(b, 0, n, 1, k, n, w, packedB(m, k));
        float[] c = new float[m * n];
        VectorGemm.run(w, 0, m, k, n, c, 0);
        return c;
    }

    /** The double twin of {@link #matmul(float[], float[], int, int, int)}. */
    public static double[] matmul(double[] a, double[] b, int m, int k, int n) {
        check(a.length, b.length, m, k, n);
        double[] w = DOUBLES.get();
        int size = scratch(true, m, k, n);
        if (w.length < size) DOUBLES.set(w = new double[size]);
        VectorGemm.packA(a, 0, k, 1, m, k, w, 0);
        VectorGemm.packB(b, 0, n, 1, k, n, w, packedB(m, k));
        double[] c = new double[m * n];
        VectorGemm.run(w, 0, m, k, n, c, 0);
        return c;
    }

    // ------------------------------------------------------------------ batched products (DOT_GENERAL)

    /**
     * A batched product [B, m, k] x [B, k, n] through the kernel, one {@link VectorGemm#run} per
     * batch: for each bi &lt; batch, c[cOff + bi·m·n ..] (row-major [m, n]) = A_bi B_bi with
     * a_bi(i, q) = a[aOff + bi·aBs + i·aRs + q·aCs] and b_bi(q, j) = b[bOff + bi·bBs + q·bRs + j·bCs],
     * each batch's operands packed into w[s ..] ({@link #batchedScratch} elements, reused by every
     * batch; the packing absorbs a transposed operand). Past one block of k (128 terms) it runs
     * the kernel once per block and adds the block sums plane by plane ({@link #pushPlane}): the
     * kernel's own multi-block path boxes its vectors on JDK 17 (measured: 434 MB per call of
     * GMM 10k d32's gradient), this one allocates nothing. Each element is {@link Summation#dotFused}, as a
     * 2-D matmul of the same [m, k] x [k, n] on this path. Callers check {@link #uses}(m, k, n).
     */
    public static void batched(float[] a, int aOff, int aBs, int aRs, int aCs, float[] b, int bOff, int bBs, int bRs, int bCs,
                               int batch, int m, int k, int n, float[] c, int cOff, float[] w, int s) {
        checkBatched(a.length, aOff, aBs, aRs, aCs, b.length, bOff, bBs, bRs, bCs, batch, m, k, n, c.length, cOff, w.length, s, batchedScratch(false, m, k, n));
        int kc = Math.min(k, Summation.BLOCK), blocks = Cascade.blocks(k), mn = m * n;
        int pb = s + packedB(m, kc), plane = s + scratch(false, m, kc, n), stack = plane + mn;
        for (int bi = 0; bi < batch; bi++) {
            int ab = aOff + bi * aBs, bb = bOff + bi * bBs, cb = cOff + bi * mn;
            if (blocks == 1) {
                VectorGemm.packA(a, ab, aRs, aCs, m, k, w, s);
                VectorGemm.packB(b, bb, bRs, bCs, k, n, w, pb);
                VectorGemm.run(w, s, m, k, n, c, cb);
                continue;
            }
            // one kernel call per block of 128 terms (each element's block sum: one fma chain),
            // the block sums added pairwise plane by plane: dotFused's tree, as Cascade's counter
            for (int bl = 0; bl < blocks; bl++) {
                int q0 = bl * Summation.BLOCK, len = Math.min(Summation.BLOCK, k - q0);
                VectorGemm.packA(a, ab + q0 * aCs, aRs, aCs, m, len, w, s);
                VectorGemm.packB(b, bb + q0 * bRs, bRs, bCs, len, n, w, s + packedB(m, len));
                VectorGemm.run(w, s, m, len, n, w, plane);
                pushPlane(w, plane, stack, mn, bl + 1, blocks);
            }
            System.arraycopy(w, plane, c, cb, mn);
        }
    }

    /** The double twin of {@link #batched(float[], int, int, int, int, float[], int, int, int, int, int, int, int, int, float[], int, float[], int)}. */
    public static void batched(double[] a, int aOff, int aBs, int aRs, int aCs, double[] b, int bOff, int bBs, int bRs, int bCs,
                               int batch, int m, int k, int n, double[] c, int cOff, double[] w, int s) {
        checkBatched(a.length, aOff, aBs, aRs, aCs, b.length, bOff, bBs, bRs, bCs, batch, m, k, n, c.length, cOff, w.length, s, batchedScratch(true, m, k, n));
        int kc = Math.min(k, Summation.BLOCK), blocks = Cascade.blocks(k), mn = m * n;
        int pb = s + packedB(m, kc), plane = s + scratch(true, m, kc, n), stack = plane + mn;
        for (int bi = 0; bi < batch; bi++) {
            int ab = aOff + bi * aBs, bb = bOff + bi * bBs, cb = cOff + bi * mn;
            if (blocks == 1) {
                VectorGemm.packA(a, ab, aRs, aCs, m, k, w, s);
                VectorGemm.packB(b, bb, bRs, bCs, k, n, w, pb);
                VectorGemm.run(w, s, m, k, n, c, cb);
                continue;
            }
            // one kernel call per block of 128 terms (each element's block sum: one fma chain),
            // the block sums added pairwise plane by plane: dotFused's tree, as Cascade's counter
            for (int bl = 0; bl < blocks; bl++) {
                int q0 = bl * Summation.BLOCK, len = Math.min(Summation.BLOCK, k - q0);
                VectorGemm.packA(a, ab + q0 * aCs, aRs, aCs, m, len, w, s);
                VectorGemm.packB(b, bb + q0 * bRs, bRs, bCs, len, n, w, s + packedB(m, len));
                VectorGemm.run(w, s, m, len, n, w, plane);
                pushPlane(w, plane, stack, mn, bl + 1, blocks);
            }
            System.arraycopy(w, plane, c, cb, mn);
        }
    }

    /** Scratch elements {@link #batched} needs: the kernel's for one block of k, then (k &gt; BLOCK) a plane of block sums and {@link Cascade#depth}(k) stack planes of m n. */
    public static int batchedScratch(boolean f64, int m, int k, int n) {
        int kc = Math.min(k, Summation.BLOCK);
        long size = scratch(f64, m, kc, n) + (k > Summation.BLOCK ? (1L + Cascade.depth(k)) * m * n : 0);
        if (size > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("batched product [" + m + ", " + k + "] x [" + k + ", " + n + "] is too large for one scratch array");
        return (int) size;
    }

    /**
     * {@link Cascade}'s binary counter over planes of m n block sums (VectorGemm's, a plane at a
     * time): merges the plane at w[p ..] of block number b (from 1) into the stack planes at
     * w[st + l mn ..]; after the last block the plane holds the finished sums. The same additions
     * as {@link Summation#dotFused}'s pairwise tree (earlier blocks on the left).
     */
    private static void pushPlane(float[] w, int p, int st, int mn, int b, int blocks) {
        int l = 0;
        for (int bb = b; (bb & 1) == 0; bb >>>= 1, l++) for (int e = 0, sl = st + l * mn; e < mn; e++) w[p + e] = w[sl + e] + w[p + e];
        if (b < blocks) {
            System.arraycopy(w, p, w, st + l * mn, mn);
            return;
        }
        for (int bb = blocks >>> (l + 1), q = l + 1; bb != 0; bb >>>= 1, q++)
            if ((bb & 1) != 0) for (int e = 0, sq = st + q * mn; e < mn; e++) w[p + e] = w[sq + e] + w[p + e];
    }

    /** The double twin of {@link #pushPlane(float[], int, int, int, int, int)}. */
    private static void pushPlane(double[] w, int p, int st, int mn, int b, int blocks) {
        int l = 0;
        for (int bb = b; (bb & 1) == 0; bb >>>= 1, l++) for (int e = 0, sl = st + l * mn; e < mn; e++) w[p + e] = w[sl + e] + w[p + e];
        if (b < blocks) {
            System.arraycopy(w, p, w, st + l * mn, mn);
            return;
        }
        for (int bb = blocks >>> (l + 1), q = l + 1; bb != 0; bb >>>= 1, q++)
            if ((bb & 1) != 0) for (int e = 0, sq = st + q * mn; e < mn; e++) w[p + e] = w[sq + e] + w[p + e];
    }

    /**
     * The batched product in the order of this path, as the interpreter and the eager engine
     * compute it: {@link #batched} when {@link #uses}(m, k, n), else {@link ScalarGemm#batched}
     * (Summation.dot per element). Row-major operands [B, m, k] and [B, k, n]; a new array.
     */
    public static float[] product(float[] a, float[] b, int batch, int m, int k, int n) {
        float[] c = new float[batch * m * n];
        if (uses(m, k, n)) {
            batched(a, 0, m * k, k, 1, b, 0, k * n, n, 1, batch, m, k, n, c, 0, new float[batchedScratch(false, m, k, n)], 0);
        } else {
            ScalarGemm.batched(a, 0, m * k, k, 1, b, 0, k * n, n, 1, batch, m, k, n, c, 0, new float[ScalarGemm.scratch(m, k, n)], 0);
        }
        return c;
    }

    /** The double twin of {@link #product(float[], float[], int, int, int, int)}. */
    public static double[] product(double[] a, double[] b, int batch, int m, int k, int n) {
        double[] c = new double[batch * m * n];
        if (uses(m, k, n)) {
            batched(a, 0, m * k, k, 1, b, 0, k * n, n, 1, batch, m, k, n, c, 0, new double[batchedScratch(true, m, k, n)], 0);
        } else {
            ScalarGemm.batched(a, 0, m * k, k, 1, b, 0, k * n, n, 1, batch, m, k, n, c, 0, new double[ScalarGemm.scratch(m, k, n)], 0);
        }
        return c;
    }

    private static void checkBatched(int aLength, int aOff, int aBs, int aRs, int aCs, int bLength, int bOff, int bBs, int bRs, int bCs,
                                     int batch, int m, int k, int n, int cLength, int cOff, int wLength, int s, int scratch) {
        if (!enabled) throw new IllegalStateException("Gemm: the kernel is off (no jdk.incubator.vector, or -Djgrad.simd=false)");
        if (!applies(m, k, n)) throw new IllegalArgumentException("Gemm: [" + m + ", " + k + "] x [" + k + ", " + n + "] is below the kernel's threshold");
        if (batch < 0) throw new IllegalArgumentException("Gemm: negative batch " + batch);
        if (batch == 0) return;
        long aLast = aOff + (long) (batch - 1) * aBs + (long) (m - 1) * aRs + (long) (k - 1) * aCs;
        long bLast = bOff + (long) (batch - 1) * bBs + (long) (k - 1) * bRs + (long) (n - 1) * bCs;
        if (aOff < 0 || aBs < 0 || aRs < 0 || aCs < 0 || aLast >= aLength)
            throw new IllegalArgumentException("Gemm: a reads up to index " + aLast + " (offset " + aOff + ", strides " + aBs + ", " + aRs + ", " + aCs + "), a has length " + aLength);
        if (bOff < 0 || bBs < 0 || bRs < 0 || bCs < 0 || bLast >= bLength)
            throw new IllegalArgumentException("Gemm: b reads up to index " + bLast + " (offset " + bOff + ", strides " + bBs + ", " + bRs + ", " + bCs + "), b has length " + bLength);
        if (cOff < 0 || cOff + (long) batch * m * n > cLength) throw new IllegalArgumentException("Gemm: c needs " + ((long) batch * m * n) + " elements from " + cOff + ", c has length " + cLength);
        if (s < 0 || (long) s + scratch > wLength) throw new IllegalArgumentException("Gemm: scratch needs " + scratch + " elements from " + s + ", w has length " + wLength);
    }

    private static void check(int aLength, int bLength, int m, int k, int n) {
        if (!applies(m, k, n)) throw new IllegalArgumentException("Gemm: [" + m + ", " + k + "] x [" + k + ", " + n + "] is below the kernel's threshold");
        if ((long) m * k != aLength || (long) k * n != bLength) {
            throw new IllegalArgumentException("Gemm: [" + m + ", " + k + "] x [" + k + ", " + n + "] needs arrays of " + ((long) m * k)
                    + " and " + ((long) k * n) + " elements; got a " + aLength + ", b " + bLength);
        }
        if (!enabled) throw new IllegalStateException("Gemm: the kernel is off (no jdk.incubator.vector, or -Djgrad.simd=false)");
    }
}
