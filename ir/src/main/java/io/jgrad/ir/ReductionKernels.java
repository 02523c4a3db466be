package io.jgrad.ir;

import io.jgrad.runtime.DType;
import io.jgrad.runtime.Gemm;
import io.jgrad.runtime.Half;
import io.jgrad.runtime.Summation;
import java.util.Arrays;

/**
 * The evaluation kernels of the reductions and of MATMUL ({@link Kernels}' rules, split out
 * from it): REDUCE_SUM and MATMUL add in {@link Summation}'s documented order, the compiled
 * code's, so every engine gives the same bits; REDUCE_MAX starts from -inf and propagates NaN.
 */
final class ReductionKernels {
    private ReductionKernels() {}

    /**
     * For a reduction over {@code axes} of shape {@code from}: the row-major index of the
     * result element each operand element is summed into, computed by an odometer. A reduction
     * over every axis or over trailing axes needs no table (see the callers).
     */
    private static int[] destinations(int[] from, int[] axes, int n) {
        int rank = from.length;
        boolean[] reduced = new boolean[rank];
        for (int a : axes) reduced[a] = true;
        int[] ostride = new int[rank];
        for (int d = rank - 1, s = 1; d >= 0; d--) {
            if (reduced[d]) continue;
            ostride[d] = s;
            s *= from[d];
        }
        int[] dst = new int[n], idx = new int[rank];
        int off = 0;
        for (int k = 0; k < n; k++) {
            dst[k] = off;
            for (int d = rank - 1; d >= 0; d--) {
                off += ostride[d];
                if (++idx[d] < from[d]) break;
                off -= ostride[d] * from[d];
                idx[d] = 0;
            }
        }
        return dst;
    }

    /** How many trailing axes {@code axes} covers exactly (axes = [rank-j, ..., rank-1]), or -1. */
    private static int trailing(int rank, int[] axes) {
        for (int i = 0; i < axes.length; i++) if (axes[i] != rank - axes.length + i) return -1;
        return axes.length;
    }

    /**
     * REDUCE_SUM in {@link Summation}'s documented order (the compiled code's, so eager, the
     * interpreter and the bytecode agree bit for bit): float additions for F32 (F16: the F32
     * sum rounded to half), double additions for F64. A sum of no elements is +0.0, as PyTorch's
     * (Summation's empty sum is -0.0; the compiled code never sees an empty tensor).
     */
    static Object reduceSum(Object x, Type from, int[] axes, Type to) {
        int m = to.size();
        if (from.size() == 0) return Kernels.newArray(to.dtype(), m);
        return switch (to.dtype()) {
            case F64 -> { double[] y = new double[m]; Summation.reduceSum((double[]) x, from.rawShape(), axes, y); yield y; }
            case F32 -> { float[] y = new float[m]; Summation.reduceSum((float[]) x, from.rawShape(), axes, y); yield y; }
            case F16 -> { float[] y = new float[m]; Summation.reduceSum((float[]) x, from.rawShape(), axes, y); yield Half.roundAll(y); }
            case BOOL -> throw new IllegalArgumentException("reduce_sum: needs a float operand, got bool");
        };
    }

    static Object reduceMax(Object x, Type from, int[] axes, Type to) {
        int n = from.size(), m = to.size();
        double[] acc = new double[m];
        Arrays.fill(acc, Double.NEGATIVE_INFINITY);
        if (m > 0 && n > 0) {
            int[] dst = trailing(from.rank(), axes) >= 0 ? null : destinations(from.rawShape(), axes, n);
            int block = n / m;
            if (x instanceof float[] f) for (int k = 0; k < n; k++) { int o = dst == null ? k / block : dst[k]; acc[o] = Math.max(acc[o], f[k]); }
            else { double[] d = (double[]) x; for (int k = 0; k < n; k++) { int o = dst == null ? k / block : dst[k]; acc[o] = Math.max(acc[o], d[k]); } }
        }
        return fromDoubles(acc, to.dtype());   // the max of floats is one of them: exact in its dtype
    }

    /** Doubles rounded once to dtype d (the array itself for F64). */
    private static Object fromDoubles(double[] v, DType d) {
        return switch (d) {
            case F64 -> v;
            case F32 -> { float[] y = new float[v.length]; for (int i = 0; i < v.length; i++) y[i] = (float) v[i]; yield y; }
            // PyTorch's CPU half accumulates in float32 and rounds once; from the double sum we
            // round to float, then to half (as its float result would be rounded)
            case F16 -> { float[] y = new float[v.length]; for (int i = 0; i < v.length; i++) y[i] = Half.round((float) v[i]); yield y; }
            case BOOL -> throw new IllegalArgumentException("a reduction needs a float operand");
        };
    }

    /**
     * [m,k]·[k,n]: each result element is the dot product of {@link Summation} (blocks of
     * {@value Summation#BLOCK} terms over four accumulators, blocks added pairwise; each product
     * rounded to the element type), computed in i-k-j order so that the inner loop runs along a
     * row of b and of the accumulators: contiguous, vectorised, one pass over b per row of a.
     * F16 is the F32 product rounded to half. An empty inner dimension gives +0.0 (PyTorch).
     * On the vector path ({@link Gemm#uses}: jdk.incubator.vector present, the product above
     * its size threshold) F32 and F64 run the register-blocked kernel instead, in the order of
     * {@link Summation#dotFused}, as compiled code does for the same product; F32 and F64 below
     * it run {@code runtime.ScalarGemm} (the same order as this i-k-j loop, register-blocked).
     * Batched products ({@link Contraction}) make the same choice per batch.
     */
    static Object matmul(Object a, Object b, DType d, int m, int k, int n) {
        boolean gemm = Gemm.uses(m, k, n);
        return switch (d) {
            case F64 -> gemm ? Gemm.matmul((double[]) a, (double[]) b, m, k, n) : Gemm.product((double[]) a, (double[]) b, 1, m, k, n);
            case F32 -> gemm ? Gemm.matmul((float[]) a, (float[]) b, m, k, n) : Gemm.product((float[]) a, (float[]) b, 1, m, k, n);
            case F16 -> Half.roundAll(matmulF32((float[]) a, (float[]) b, m, k, n));
            case BOOL -> throw new IllegalArgumentException("matmul: needs float operands, got bool");
        };
    }

    static float[] matmulF32(float[] a, float[] b, int m, int k, int n) {
        float[] c = new float[m * n];
        if (k == 0 || n == 0) return c;
        if (n == 1) {   // matrix·vector: each result is one contiguous dot product
            for (int i = 0; i < m; i++) c[i] = Summation.dot(a, i * k, 1, b, 0, 1, k);
            return c;
        }
        if (k < 4) {    // every term is in the sum's tail, so all go to a0, and (a0 + -0) + (-0 + -0) = a0
            for (int i = 0; i < m; i++) {
                int row = i * n;
                Arrays.fill(c, row, row + n, -0.0f);
                for (int q = 0; q < k; q++) {
                    float av = a[i * k + q];
                    int brow = q * n;
                    for (int j = 0; j < n; j++) c[row + j] += av * b[brow + j];
                }
            }
            return c;
        }
        int block = Summation.BLOCK, blocks = (k + block - 1) / block, tail = k - (k & 3);   // terms q >= tail go to a0
        float[] acc = new float[4 * n];
        float[] sums = blocks == 1 ? null : new float[blocks * n];   // one row of block sums per block
        for (int i = 0; i < m; i++) {
            int arow = i * k;
            for (int bl = 0; bl < blocks; bl++) {
                Arrays.fill(acc, -0.0f);
                int end = Math.min(k, (bl + 1) * block);
                for (int q = bl * block; q < end; q++) {
                    int r = (q >= tail ? 0 : q & 3) * n, brow = q * n;
                    float av = a[arow + q];
                    for (int j = 0; j < n; j++) acc[r + j] += av * b[brow + j];
                }
                float[] dst = sums == null ? c : sums;
                int off = sums == null ? i * n : bl * n;
                for (int j = 0; j < n; j++) dst[off + j] = (acc[j] + acc[n + j]) + (acc[2 * n + j] + acc[3 * n + j]);
            }
            if (sums != null) {
                pairwise(sums, 0, blocks, n);
                System.arraycopy(sums, 0, c, i * n, n);
            }
        }
        return c;
    }

    /** Rows first..first+count-1 of {@code rows} (n wide) added pairwise as Summation's block tree; the result in row first. */
    private static void pairwise(float[] rows, int first, int count, int n) {
        if (count == 1) return;
        int h = Integer.highestOneBit(count - 1);   // the largest power of two below count
        pairwise(rows, first, h, n);
        pairwise(rows, first + h, count - h, n);
        for (int j = 0, l = first * n, r = (first + h) * n; j < n; j++) rows[l + j] += rows[r + j];
    }
}
