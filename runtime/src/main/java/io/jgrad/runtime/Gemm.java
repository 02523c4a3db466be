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
    public static final int MIN_M = 32, MIN_K = 16, MIN_N = 16;
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

    private static void check(int aLength, int bLength, int m, int k, int n) {
        if (!applies(m, k, n)) throw new IllegalArgumentException("Gemm: [" + m + ", " + k + "] x [" + k + ", " + n + "] is below the kernel's threshold");
        if ((long) m * k != aLength || (long) k * n != bLength) {
            throw new IllegalArgumentException("Gemm: [" + m + ", " + k + "] x [" + k + ", " + n + "] needs arrays of " + ((long) m * k)
                    + " and " + ((long) k * n) + " elements; got a " + aLength + ", b " + bLength);
        }
        if (!enabled) throw new IllegalStateException("Gemm: the kernel is off (no jdk.incubator.vector, or -Djgrad.simd=false)");
    }
}
