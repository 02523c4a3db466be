package io.jgrad.bench.data;

/**
 * One-layer LSTM inputs: W [in + hidden, 4·hidden] (the gate weights of [x_t, h_{t-1}], gates
 * i, f, g, o in that order along the columns), b [4·hidden], a sequence X [steps, batch, in] in
 * [-1, 1) and a target Y [batch, hidden] in (-0.5, 0.5). Weights scaled by 1/sqrt(in + hidden).
 */
public final class LstmData {
    public final int batch, steps, in, hidden;
    public final float[] W, b, X, Y;

    public LstmData(int batch, int steps, int in, int hidden) {
        this.batch = batch;
        this.steps = steps;
        this.in = in;
        this.hidden = hidden;
        float s = (float) (1 / Math.sqrt(in + hidden));
        this.W = Seeded.uniform(41, (in + hidden) * 4 * hidden, -s, s);
        this.b = Seeded.uniform(42, 4 * hidden, -0.1f, 0.1f);
        this.X = Seeded.uniform(43, steps * batch * in, -1f, 1f);
        this.Y = Seeded.uniform(44, batch * hidden, -0.5f, 0.5f);
    }

    /** From a JMH parameter "BATCHxSTEPSxINxHIDDEN", e.g. "32x16x64x128". */
    public static LstmData of(String shape) {
        int[] d = Seeded.dims(shape, 4);
        return new LstmData(d[0], d[1], d[2], d[3]);
    }
}
