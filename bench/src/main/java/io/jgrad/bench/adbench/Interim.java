package io.jgrad.bench.adbench;

import io.jgrad.Tensor;

/**
 * TEMPORARY stand-ins for Tensor's version-2 structural operations (API.md "More operations"),
 * which are being added in parallel: each method names the Tensor method that replaces it and is
 * an exact composition of version-1 operations, so values and gradients are the same (products
 * with constant 0/1 matrices: x·1 = x and sums of exact zeros; no NaN or infinity in these
 * inputs). They are slow (a gather as a matrix product): the timings wait for the real operations.
 */
final class Interim {
    private Interim() {}

    /** {@code x.indexSelect(axis, indices)} for 1-D x, or 2-D x along axis 0 or 1. */
    static Tensor indexSelect(Tensor x, int axis, int[] indices) {
        int[] s = x.shape();
        int n = s[axis];
        double[] g = new double[n * indices.length];          // G[n, k]: column j picks indices[j]
        for (int j = 0; j < indices.length; j++) {
            if (indices[j] < 0 || indices[j] >= n) throw new IllegalArgumentException("indexSelect: index " + indices[j] + " outside [0, " + n + ")");
            g[indices[j] * indices.length + j] = 1;
        }
        Tensor gather = Tensor.of(g, n, indices.length);
        if (s.length == 1) return x.matmul(gather);
        if (s.length == 2 && axis == 1) return x.matmul(gather);
        if (s.length == 2 && axis == 0) return gather.t().matmul(x);
        throw new IllegalArgumentException("Interim.indexSelect: rank " + s.length + " axis " + axis + " not written");
    }

    /** {@code x.slice(axis, start, end)} (0 <= start <= end <= size). */
    static Tensor slice(Tensor x, int axis, int start, int end) {
        int[] idx = new int[end - start];
        for (int i = 0; i < idx.length; i++) idx[i] = start + i;
        return indexSelect(x, axis, idx);
    }

    /** {@code x.select(axis, index)}: the axis removed. */
    static Tensor select(Tensor x, int axis, int index) {
        int[] s = x.shape();
        if (s.length == 1) {
            double[] e = new double[s[0]];
            e[index] = 1;
            return x.dot(Tensor.of(e));
        }
        Tensor one = indexSelect(x, axis, new int[] {index});   // [1, m] or [n, 1]
        return one.reshape(s[1 - axis]);
    }

    /** {@code Tensor.stack(0, parts)}: parts of one shape S -> [parts.length, S...]. */
    static Tensor stack(Tensor... parts) {
        int[] s = parts[0].shape();
        int size = parts[0].size(), m = parts.length;
        Tensor sum = null;
        for (int i = 0; i < m; i++) {
            double[] e = new double[m];
            e[i] = 1;
            Tensor term = Tensor.of(e, m, 1).mul(parts[i].reshape(1, size));
            sum = sum == null ? term : sum.add(term);
        }
        int[] shape = new int[s.length + 1];
        shape[0] = m;
        System.arraycopy(s, 0, shape, 1, s.length);
        return sum.reshape(shape);
    }

    /** {@code Tensor.cat(0, parts)} of 2-D parts with equal column counts. */
    static Tensor cat0(Tensor... parts) {
        int total = 0;
        for (Tensor p : parts) total += p.shape()[0];
        Tensor sum = null;
        int row = 0;
        for (Tensor p : parts) {
            int k = p.shape()[0];
            double[] e = new double[total * k];              // E[total, k]: places p's rows
            for (int i = 0; i < k; i++) e[(row + i) * k + i] = 1;
            Tensor term = Tensor.of(e, total, k).matmul(p);
            sum = sum == null ? term : sum.add(term);
            row += k;
        }
        return sum;
    }

    /**
     * {@code x.logsumexp(axis)} for 1-D x or 2-D x along axis 1: max + log Σ exp(x - max), the
     * max detached (its gradient cancels: d/dx = softmax, as PyTorch's).
     */
    static Tensor logsumexp(Tensor x, int axis) {
        int[] s = x.shape();
        int k = s[s.length - 1];
        if (axis != s.length - 1 || s.length > 2) throw new IllegalArgumentException("Interim.logsumexp: rank " + s.length + " axis " + axis + " not written");
        Tensor max = select(x, axis, 0);
        for (int j = 1; j < k; j++) max = max.maximum(select(x, axis, j));
        max = max.detach();
        Tensor shifted = s.length == 1 ? x.sub(max) : x.sub(max.reshape(s[0], 1));
        return shifted.exp().sum(axis).log().add(max);
    }
}
