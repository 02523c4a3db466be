package io.jgrad.bench.data;

/** One vector x of length n, uniform in [-2, 2): x² spans [0, 4], more than half a period of sin. */
public final class VectorData {
    public final int n;
    public final float[] x;

    public VectorData(int n) {
        this.n = n;
        this.x = Seeded.uniform(11, n, -2f, 2f);
    }
}
