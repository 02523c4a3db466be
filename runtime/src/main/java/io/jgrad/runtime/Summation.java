package io.jgrad.runtime;

/**
 * jgrad's one definition of the order in which a sum of floats (or doubles) is added up: the
 * compiled code, the eager kernels and the codegen tests' reference executor all produce the
 * bits this class produces. The order depends on the number of terms alone (and, for a
 * reduction of a tensor, on its shape and reduced axes alone), never on the data, the thread
 * or which entry point ran.
 *
 * <h2>A sum of n terms x<sub>0</sub> .. x<sub>n-1</sub></h2>
 * <ol>
 *   <li><b>Blocks.</b> The terms are cut into blocks of {@value #BLOCK} consecutive terms; the
 *       last block may be shorter.</li>
 *   <li><b>Inside a block</b>, four accumulators a0..a3 start at -0.0 (IEEE's additive identity:
 *       a sum of one term is that term, -0.0 included). Term x<sub>q</sub> (q counted from the
 *       start of the whole sum) is added, in increasing q, to accumulator {@code q % 4}, except
 *       the last {@code n % 4} terms of the whole sum, which go to a0. The block's sum is
 *       {@code (a0 + a1) + (a2 + a3)}. (BLOCK is a multiple of 4, so only the last block has
 *       such a tail.)</li>
 *   <li><b>Blocks are added pairwise.</b> With m = ceil(n / BLOCK) blocks, if m = 1 the sum
 *       is that block's sum; otherwise, with h = BLOCK * 2<sup>floor(log2(m - 1))</sup> (the
 *       largest power-of-two number of whole blocks below m), the sum is
 *       {@code sum(x_0 .. x_{h-1}) + sum(x_h .. x_{n-1})}, each side by this same rule. A
 *       streaming implementation gets the same tree from a binary counter over the block
 *       sums ({@link Cascade}).</li>
 * </ol>
 * Every operation is a float (resp. double) addition rounded to nearest. Error bound: a term
 * passes through at most BLOCK/4 + 5 roundings inside its block (its accumulator's chain, the
 * tail, the two combining additions) and ceil(log2(m)) above it, so to first order
 * |computed - exact| &lt;= (BLOCK/4 + 5 + ceil(log2 ceil(n/BLOCK))) * u * sum|x<sub>i</sub>|
 * (u = 2<sup>-24</sup> for float, 2<sup>-53</sup> for double): at most 61 u for any n a Java
 * array holds, growing like log n (a plain running sum: (n - 1) u). The four accumulators are independent add chains (a float sum is
 * latency-bound, not vectorised by C2), and one cascade step per block costs next to nothing.
 *
 * <h2>A dot product, a matmul element</h2>
 * {@code dot(a, b)} is the sum above of the terms a<sub>q</sub> * b<sub>q</sub>, each product
 * rounded to the element type first (no fma). Element (i, j) of a matmul is the dot product
 * of row i of A with column j of B over the inner index q.
 *
 * <h3>The fused, blocked dot product (the vector path's large matmuls)</h3>
 * {@link #dotFused} cuts its terms into the same blocks of {@value #BLOCK} and adds the block
 * sums by the same pairwise rule (3 above), but inside a block it keeps one accumulator: from
 * -0.0, term q is added in increasing q by one fused multiply-add, {@code a = fma(a_q, b_q, a)},
 * its product not rounded on its own. That is the order of {@link Gemm}'s register-blocked
 * kernel (one vector register per element of C; four per element would not fit in the
 * registers). Error bound: a term passes through at most BLOCK roundings inside its block
 * and ceil(log2 ceil(n/BLOCK)) above it, so |computed - exact| &lt;= (BLOCK + ceil(log2 ceil(n/BLOCK)))
 * * u * sum|a_i b_i| to first order: at most 152 u for any n (the four accumulators' rule: 61 u).
 *
 * <h2>A reduction over several axes</h2>
 * Reduced axes of extent 1 are ignored (they hold one element). Let r be the innermost of the
 * remaining reduced axes. For each output element:
 * <ol>
 *   <li>each run along axis r (the other coordinates fixed) is summed by the rule above into
 *       one partial sum;</li>
 *   <li>if there are other reduced axes, the partial sums, taken in row-major order of the
 *       other reduced coordinates (the outer reduced axes flattened), are summed again by the
 *       rule above.</li>
 * </ol>
 * With no reduced axis of extent &gt; 1 the result is the one element itself. So a reduction
 * over one axis is exactly {@link #sum(float[], int, int, int)} with that axis's stride, and a
 * sum over all axes of a [R, C] matrix is the sum of its R row sums.
 *
 * <p>An empty sum (n = 0) is -0.0.
 */
public final class Summation {
    private Summation() {}

    /** Terms per block: each of the four accumulators adds at most BLOCK / 4 = 32 terms. A power of two, a multiple of 4. */
    public static final int BLOCK = 128;
    /** Independent accumulators inside a block. */
    public static final int ACCUMULATORS = 4;

    // ------------------------------------------------------------------ float

    /** The sum of x[offset + i * stride] for i < n, in the order of the class comment. */
    public static float sum(float[] x, int offset, int n, int stride) {
        checkRange("x", x.length, offset, n, stride);
        return cascade(x, offset, n, stride);
    }

    /** The sum of a[aOffset + i * aStride] * b[bOffset + i * bStride] for i < n, each product rounded to float. */
    public static float dot(float[] a, int aOffset, int aStride, float[] b, int bOffset, int bStride, int n) {
        checkRange("a", a.length, aOffset, n, aStride);
        checkRange("b", b.length, bOffset, n, bStride);
        return cascade(a, aOffset, aStride, b, bOffset, bStride, n);
    }

    /** c = a b for row-major a [m, k], b [k, n], c [m, n]: each element a {@link #dot} over k. */
    public static void matmul(float[] a, float[] b, float[] c, int m, int k, int n) {
        checkMatmul(a.length, b.length, c.length, m, k, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) c[i * n + j] = cascade(a, i * k, 1, b, j, n, k);
        }
    }

    /**
     * Sums the row-major tensor x of the given shape over the given axes (distinct, each in
     * [0, rank)) into out (row-major over the kept axes, in their order): the composition of
     * the class comment.
     */
    public static void reduceSum(float[] x, int[] shape, int[] axes, float[] out) {
        Reduction r = new Reduction(shape, axes, x.length, out.length);
        float[] partials = new float[r.outerCount];
        for (int o = 0; o < out.length; o++) {
            int base = r.base(o);
            if (r.innerAxis < 0) {
                out[o] = r.empty ? -0.0f : x[base];
                continue;
            }
            for (int p = 0; p < r.outerCount; p++) partials[p] = cascade(x, base + r.outerOffset(p), r.innerExtent, r.innerStride);
            out[o] = r.outerCount == 1 ? partials[0] : cascade(partials, 0, r.outerCount, 1);
        }
    }

    private static float cascade(float[] x, int off, int n, int stride) {
        if (n <= BLOCK) return block(x, off, n, stride);
        int h = half(n);
        return cascade(x, off, h, stride) + cascade(x, off + h * stride, n - h, stride);
    }

    /** One block: n <= BLOCK terms; only the sum's last block has n % 4 != 0. */
    private static float block(float[] x, int off, int n, int stride) {
        float a0 = -0.0f, a1 = -0.0f, a2 = -0.0f, a3 = -0.0f;
        int main = n & ~3, i = 0;
        for (; i < main; i += 4, off += 4 * stride) {
            a0 += x[off];
            a1 += x[off + stride];
            a2 += x[off + 2 * stride];
            a3 += x[off + 3 * stride];
        }
        for (; i < n; i++, off += stride) a0 += x[off];
        return (a0 + a1) + (a2 + a3);
    }

    private static float cascade(float[] a, int ao, int as, float[] b, int bo, int bs, int n) {
        if (n <= BLOCK) return block(a, ao, as, b, bo, bs, n);
        int h = half(n);
        return cascade(a, ao, as, b, bo, bs, h) + cascade(a, ao + h * as, as, b, bo + h * bs, bs, n - h);
    }

    private static float block(float[] a, int ao, int as, float[] b, int bo, int bs, int n) {
        float a0 = -0.0f, a1 = -0.0f, a2 = -0.0f, a3 = -0.0f;
        int main = n & ~3, i = 0;
        for (; i < main; i += 4, ao += 4 * as, bo += 4 * bs) {
            a0 += a[ao] * b[bo];
            a1 += a[ao + as] * b[bo + bs];
            a2 += a[ao + 2 * as] * b[bo + 2 * bs];
            a3 += a[ao + 3 * as] * b[bo + 3 * bs];
        }
        for (; i < n; i++, ao += as, bo += bs) a0 += a[ao] * b[bo];
        return (a0 + a1) + (a2 + a3);
    }

    // ------------------------------------------------------------------ double (the same order)

    /** The double twin of {@link #sum(float[], int, int, int)}: the same order, double additions. */
    public static double sum(double[] x, int offset, int n, int stride) {
        checkRange("x", x.length, offset, n, stride);
        return cascade(x, offset, n, stride);
    }

    /** The double twin of {@link #dot(float[], int, int, float[], int, int, int)}. */
    public static double dot(double[] a, int aOffset, int aStride, double[] b, int bOffset, int bStride, int n) {
        checkRange("a", a.length, aOffset, n, aStride);
        checkRange("b", b.length, bOffset, n, bStride);
        return cascade(a, aOffset, aStride, b, bOffset, bStride, n);
    }

    /** The double twin of {@link #matmul(float[], float[], float[], int, int, int)}. */
    public static void matmul(double[] a, double[] b, double[] c, int m, int k, int n) {
        checkMatmul(a.length, b.length, c.length, m, k, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) c[i * n + j] = cascade(a, i * k, 1, b, j, n, k);
        }
    }

    /** The double twin of {@link #reduceSum(float[], int[], int[], float[])}. */
    public static void reduceSum(double[] x, int[] shape, int[] axes, double[] out) {
        Reduction r = new Reduction(shape, axes, x.length, out.length);
        double[] partials = new double[r.outerCount];
        for (int o = 0; o < out.length; o++) {
            int base = r.base(o);
            if (r.innerAxis < 0) {
                out[o] = r.empty ? -0.0 : x[base];
                continue;
            }
            for (int p = 0; p < r.outerCount; p++) partials[p] = cascade(x, base + r.outerOffset(p), r.innerExtent, r.innerStride);
            out[o] = r.outerCount == 1 ? partials[0] : cascade(partials, 0, r.outerCount, 1);
        }
    }

    private static double cascade(double[] x, int off, int n, int stride) {
        if (n <= BLOCK) return block(x, off, n, stride);
        int h = half(n);
        return cascade(x, off, h, stride) + cascade(x, off + h * stride, n - h, stride);
    }

    private static double block(double[] x, int off, int n, int stride) {
        double a0 = -0.0, a1 = -0.0, a2 = -0.0, a3 = -0.0;
        int main = n & ~3, i = 0;
        for (; i < main; i += 4, off += 4 * stride) {
            a0 += x[off];
            a1 += x[off + stride];
            a2 += x[off + 2 * stride];
            a3 += x[off + 3 * stride];
        }
        for (; i < n; i++, off += stride) a0 += x[off];
        return (a0 + a1) + (a2 + a3);
    }

    private static double cascade(double[] a, int ao, int as, double[] b, int bo, int bs, int n) {
        if (n <= BLOCK) return block(a, ao, as, b, bo, bs, n);
        int h = half(n);
        return cascade(a, ao, as, b, bo, bs, h) + cascade(a, ao + h * as, as, b, bo + h * bs, bs, n - h);
    }

    private static double block(double[] a, int ao, int as, double[] b, int bo, int bs, int n) {
        double a0 = -0.0, a1 = -0.0, a2 = -0.0, a3 = -0.0;
        int main = n & ~3, i = 0;
        for (; i < main; i += 4, ao += 4 * as, bo += 4 * bs) {
            a0 += a[ao] * b[bo];
            a1 += a[ao + as] * b[bo + bs];
            a2 += a[ao + 2 * as] * b[bo + 2 * bs];
            a3 += a[ao + 3 * as] * b[bo + 3 * bs];
        }
        for (; i < n; i++, ao += as, bo += bs) a0 += a[ao] * b[bo];
        return (a0 + a1) + (a2 + a3);
    }

    // ------------------------------------------------------------------ fused (blocks of one fma chain, added pairwise)

    /** The sum of the terms a[aOffset + i * aStride] * b[bOffset + i * bStride], fma-added in the blocked order of the class comment. */
    public static float dotFused(float[] a, int aOffset, int aStride, float[] b, int bOffset, int bStride, int n) {
        checkRange("a", a.length, aOffset, n, aStride);
        checkRange("b", b.length, bOffset, n, bStride);
        return fused(a, aOffset, aStride, b, bOffset, bStride, n);
    }

    /** c = a b for row-major a [m, k], b [k, n], c [m, n]: each element a {@link #dotFused} over k. */
    public static void matmulFused(float[] a, float[] b, float[] c, int m, int k, int n) {
        checkMatmul(a.length, b.length, c.length, m, k, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) c[i * n + j] = fused(a, i * k, 1, b, j, n, k);
        }
    }

    /** Blocks of BLOCK terms added pairwise as {@link #cascade}; inside a block one fma chain from -0.0. */
    private static float fused(float[] a, int ao, int as, float[] b, int bo, int bs, int n) {
        if (n <= BLOCK) {
            float acc = -0.0f;
            for (int i = 0; i < n; i++, ao += as, bo += bs) acc = Math.fma(a[ao], b[bo], acc);
            return acc;
        }
        int h = half(n);
        return fused(a, ao, as, b, bo, bs, h) + fused(a, ao + h * as, as, b, bo + h * bs, bs, n - h);
    }

    /** The double twin of {@link #dotFused(float[], int, int, float[], int, int, int)}. */
    public static double dotFused(double[] a, int aOffset, int aStride, double[] b, int bOffset, int bStride, int n) {
        checkRange("a", a.length, aOffset, n, aStride);
        checkRange("b", b.length, bOffset, n, bStride);
        return fused(a, aOffset, aStride, b, bOffset, bStride, n);
    }

    /** The double twin of {@link #matmulFused(float[], float[], float[], int, int, int)}. */
    public static void matmulFused(double[] a, double[] b, double[] c, int m, int k, int n) {
        checkMatmul(a.length, b.length, c.length, m, k, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) c[i * n + j] = fused(a, i * k, 1, b, j, n, k);
        }
    }

    private static double fused(double[] a, int ao, int as, double[] b, int bo, int bs, int n) {
        if (n <= BLOCK) {
            double acc = -0.0;
            for (int i = 0; i < n; i++, ao += as, bo += bs) acc = Math.fma(a[ao], b[bo], acc);
            return acc;
        }
        int h = half(n);
        return fused(a, ao, as, b, bo, bs, h) + fused(a, ao + h * as, as, b, bo + h * bs, bs, n - h);
    }

    // ------------------------------------------------------------------ shared

    /** For n > BLOCK terms: the length of the left side, BLOCK * (largest power of two < ceil(n / BLOCK)). */
    static int half(int n) {
        return BLOCK * Integer.highestOneBit((n - 1) / BLOCK);
    }

    private static void checkRange(String name, int length, int offset, int n, int stride) {
        if (n < 0) throw new IllegalArgumentException("Summation: negative term count " + n + " for " + name);
        if (n == 0) return;
        if (stride < 1) throw new IllegalArgumentException("Summation: stride of " + name + " must be >= 1, got " + stride);
        long last = offset + (long) (n - 1) * stride;
        if (offset < 0 || last >= length) {
            throw new IllegalArgumentException("Summation: " + n + " terms of " + name + " from offset " + offset + " with stride " + stride
                    + " reach index " + last + ", but " + name + " has length " + length);
        }
    }

    private static void checkMatmul(int aLength, int bLength, int cLength, int m, int k, int n) {
        if (m < 0 || k < 0 || n < 0) throw new IllegalArgumentException("matmul: negative size m=" + m + " k=" + k + " n=" + n);
        if ((long) m * k != aLength || (long) k * n != bLength || (long) m * n != cLength) {
            throw new IllegalArgumentException("matmul: [" + m + ", " + k + "] x [" + k + ", " + n + "] needs arrays of " + ((long) m * k)
                    + ", " + ((long) k * n) + " and " + ((long) m * n) + " elements; got a " + aLength + ", b " + bLength + ", c " + cLength);
        }
    }

    /** The index arithmetic of one reduction, from its shape and axes (checked). */
    private static final class Reduction {
        final int[] keptDims, keptStrides;
        final int[] outerDims, outerStrides;
        final int innerAxis, innerExtent, innerStride, outerCount;
        final boolean empty;

        Reduction(int[] shape, int[] axes, int xLength, int outLength) {
            int rank = shape.length;
            boolean[] reduced = new boolean[rank];
            for (int a : axes) {
                if (a < 0 || a >= rank) {
                    throw new IllegalArgumentException("reduceSum: axis " + a + " is out of range for shape " + java.util.Arrays.toString(shape));
                }
                if (reduced[a]) throw new IllegalArgumentException("reduceSum: axis " + a + " is listed twice in " + java.util.Arrays.toString(axes));
                reduced[a] = true;
            }
            long size = 1, kept = 1;
            boolean anyEmpty = false;
            int[] strides = new int[rank];
            for (int a = rank - 1; a >= 0; a--) {
                if (shape[a] < 0) throw new IllegalArgumentException("reduceSum: negative extent in shape " + java.util.Arrays.toString(shape));
                strides[a] = (int) Math.min(size, Integer.MAX_VALUE);
                size *= shape[a];
                if (size > Integer.MAX_VALUE) throw new IllegalArgumentException("reduceSum: shape " + java.util.Arrays.toString(shape) + " is too large");
                if (!reduced[a]) kept *= shape[a];
                else if (shape[a] == 0) anyEmpty = true;
            }
            if (size != xLength) {
                throw new IllegalArgumentException("reduceSum: shape " + java.util.Arrays.toString(shape) + " has " + size + " elements, x has " + xLength);
            }
            if (kept != outLength) {
                throw new IllegalArgumentException("reduceSum: the kept axes of " + java.util.Arrays.toString(shape) + " over axes "
                        + java.util.Arrays.toString(axes) + " hold " + kept + " elements, out has " + outLength);
            }
            empty = anyEmpty;
            int inner = -1;
            if (!anyEmpty) for (int a = rank - 1; a >= 0 && inner < 0; a--) if (reduced[a] && shape[a] > 1) inner = a;
            innerAxis = inner;
            innerExtent = inner < 0 ? 1 : shape[inner];
            innerStride = inner < 0 ? 1 : strides[inner];
            int nk = 0, no = 0;
            for (int a = 0; a < rank; a++) {
                if (!reduced[a]) nk++;
                else if (a != inner && shape[a] > 1) no++;
            }
            keptDims = new int[nk];
            keptStrides = new int[nk];
            outerDims = new int[no];
            outerStrides = new int[no];
            int count = 1;
            for (int a = 0, k = 0, o = 0; a < rank; a++) {
                if (!reduced[a]) {
                    keptDims[k] = shape[a];
                    keptStrides[k++] = strides[a];
                } else if (a != inner && shape[a] > 1) {
                    outerDims[o] = shape[a];
                    outerStrides[o++] = strides[a];
                    count *= shape[a];
                }
            }
            outerCount = inner < 0 ? 1 : count;
        }

        /** The offset in x of output element o's first term (row-major over the kept axes). */
        int base(int o) {
            int off = 0;
            for (int k = keptDims.length - 1; k >= 0; k--) {
                off += (o % keptDims[k]) * keptStrides[k];
                o /= keptDims[k];
            }
            return off;
        }

        /** The offset of partial p: row-major over the outer reduced axes. */
        int outerOffset(int p) {
            int off = 0;
            for (int k = outerDims.length - 1; k >= 0; k--) {
                off += (p % outerDims[k]) * outerStrides[k];
                p /= outerDims[k];
            }
            return off;
        }
    }
}
