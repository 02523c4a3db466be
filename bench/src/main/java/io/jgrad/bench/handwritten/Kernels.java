package io.jgrad.bench.handwritten;

/** Loops shared by the hand-written workloads. */
final class Kernels {
    private Kernels() {}

    /** Elements summed in float before a partial sum is added to a double total (4 KB of floats: L1-sized). */
    static final int BLOCK = 1024;

    /**
     * {@code Σ_j a[aOffset + j] · b[bOffset + j]} for j < n. C2 does not vectorise a float reduction and a
     * single accumulator waits on each add's latency: four independent partial sums do not.
     */
    static float dot(float[] a, int aOffset, float[] b, int bOffset, int n) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        int j = 0;
        for (; j + 3 < n; j += 4) {
            s0 += a[aOffset + j] * b[bOffset + j];
            s1 += a[aOffset + j + 1] * b[bOffset + j + 1];
            s2 += a[aOffset + j + 2] * b[bOffset + j + 2];
            s3 += a[aOffset + j + 3] * b[bOffset + j + 3];
        }
        for (; j < n; j++) s0 += a[aOffset + j] * b[bOffset + j];
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * {@code y[yOffset + j] += a · x[xOffset + j]} for j < n: the inner loop of every i-k-j matmul
     * here. A plain counted loop over two arrays, which C2 vectorises. Kept as its own small
     * method so that C2 compiles it (and then inlines it) after the first few rows, rather than
     * waiting for the whole caller to become hot.
     */
    static void axpy(float a, float[] x, int xOffset, float[] y, int yOffset, int n) {
        for (int j = 0; j < n; j++) y[yOffset + j] += a * x[xOffset + j];
    }

    /** {@link #dot(float[], int, float[], int, int)} in double. */
    static double dot(double[] a, int aOffset, double[] b, int bOffset, int n) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int j = 0;
        for (; j + 3 < n; j += 4) {
            s0 += a[aOffset + j] * b[bOffset + j];
            s1 += a[aOffset + j + 1] * b[bOffset + j + 1];
            s2 += a[aOffset + j + 2] * b[bOffset + j + 2];
            s3 += a[aOffset + j + 3] * b[bOffset + j + 3];
        }
        for (; j < n; j++) s0 += a[aOffset + j] * b[bOffset + j];
        return (s0 + s1) + (s2 + s3);
    }

    /** {@link #axpy(float, float[], int, float[], int, int)} in double. */
    static void axpy(double a, double[] x, int xOffset, double[] y, int yOffset, int n) {
        for (int j = 0; j < n; j++) y[yOffset + j] += a * x[xOffset + j];
    }
}
