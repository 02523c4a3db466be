package io.jgrad.bench.handwritten;

/** The seed neuron: {@code loss = bce(sigmoid(w·x + b), y)} with the seeds' clamp; d loss / d(w, b). */
public final class SeedNeuron {
    private SeedNeuron() {}

    /** Returns the loss and writes {@code grad[0] = d loss/dw}, {@code grad[1] = d loss/db}. */
    public static float valueAndGrad(float w, float b, float x, float y, float[] grad) {
        float z = w * x + b;
        float p = 1f / (1f + (float) Math.exp(-z));
        float loss = ClampedBce.loss(p, y);
        float dz = ClampedBce.gradZ(p, y, 1f);
        grad[0] = dz * x;
        grad[1] = dz;
        return loss;
    }
}
