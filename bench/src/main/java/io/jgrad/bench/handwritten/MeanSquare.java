package io.jgrad.bench.handwritten;

/** {@code mean(x²)} over a vector, and its gradient {@code 2x/n}. */
public final class MeanSquare {
    private MeanSquare() {}

    /** Returns {@code Σ x_i² / n} and writes {@code grad[i] = 2·x_i / n}. */
    public static float valueAndGrad(float[] x, float[] grad) {
        int n = x.length;
        if (grad.length != n) throw new IllegalArgumentException("grad has length " + grad.length + ", x has " + n);
        float scale = 2f / n;
        // One pass, so x (4 MB at n = 10⁶, more than L2) is read once. A float sum does not
        // vectorise and one accumulator is bound by the add latency: four independent partial
        // sums run in parallel. They restart every block and the block sums are added in double:
        // a running float sum of 10⁶ squares drifts by ~5e-5 relative, PyTorch's cascade sum
        // does not, and one double add per block costs nothing.
        double total = 0;
        for (int start = 0; start < n; start += Kernels.BLOCK) {
            int end = Math.min(n, start + Kernels.BLOCK);
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
            int i = start;
            for (; i + 3 < end; i += 4) {
                float a = x[i], b = x[i + 1], c = x[i + 2], d = x[i + 3];
                s0 += a * a;
                s1 += b * b;
                s2 += c * c;
                s3 += d * d;
                grad[i] = a * scale;
                grad[i + 1] = b * scale;
                grad[i + 2] = c * scale;
                grad[i + 3] = d * scale;
            }
            for (; i < end; i++) {
                float a = x[i];
                s0 += a * a;
                grad[i] = a * scale;
            }
            total += (s0 + s1) + (s2 + s3);
        }
        return (float) (total / n);
    }
}
