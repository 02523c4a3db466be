package io.jgrad.bench.handwritten;

/** {@code sum(sin(x²))} over a vector, and its gradient {@code 2x·cos(x²)}. */
public final class SumSinSquare {
    private SumSinSquare() {}

    /** Returns {@code Σ sin(x_i²)} and writes {@code grad[i] = 2·x_i·cos(x_i²)}. */
    public static float valueAndGrad(float[] x, float[] grad) {
        int n = x.length;
        if (grad.length != n) throw new IllegalArgumentException("grad has length " + grad.length + ", x has " + n);
        // One pass: x is read once and each x² is shared by sin and cos. One accumulator per
        // block is enough: sin and cos cost tens of ns, which hides the add chain's latency.
        // Block sums are added in double so that the result does not drift with n (see MeanSquare).
        double total = 0;
        for (int start = 0; start < n; start += Kernels.BLOCK) {
            int end = Math.min(n, start + Kernels.BLOCK);
            float sum = 0f;
            for (int i = start; i < end; i++) {
                float xi = x[i];
                float u = xi * xi;
                sum += (float) Math.sin(u);
                grad[i] = 2f * xi * (float) Math.cos(u);
            }
            total += sum;
        }
        return (float) total;
    }
}
