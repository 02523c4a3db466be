package io.jgrad.bench.data;

/**
 * Two-layer MLP inputs: W1 [in, hidden], b1 [hidden], W2 [hidden, out], b2 [out], data X [batch, in]
 * in [0, 1) like pixels, one-hot targets T [batch, out]. Weights are scaled by 1/sqrt(fan-in) so
 * that tanh is not saturated.
 */
public final class MlpData {
    public final int batch, in, hidden, out;
    public final float[] W1, b1, W2, b2, X, T;

    public MlpData(int batch, int in, int hidden, int out) {
        this.batch = batch;
        this.in = in;
        this.hidden = hidden;
        this.out = out;
        float s1 = (float) (1 / Math.sqrt(in));
        float s2 = (float) (1 / Math.sqrt(hidden));
        this.W1 = Seeded.uniform(31, in * hidden, -s1, s1);
        this.b1 = Seeded.uniform(32, hidden, -0.1f, 0.1f);
        this.W2 = Seeded.uniform(33, hidden * out, -s2, s2);
        this.b2 = Seeded.uniform(34, out, -0.1f, 0.1f);
        this.X = Seeded.uniform(35, batch * in, 0f, 1f);
        this.T = Seeded.oneHotRows(36, batch, out);
    }

    /** From a JMH parameter "BATCHxINxHIDDENxOUT", e.g. "64x784x128x10". */
    public static MlpData of(String shape) {
        int[] d = Seeded.dims(shape, 4);
        return new MlpData(d[0], d[1], d[2], d[3]);
    }
}
