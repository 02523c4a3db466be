package io.jgrad.bench.demo;

import java.util.Random;

/**
 * A seeded data set drawn from a known logistic model: features ~ N(0, 1), a true weight
 * vector and bias, and each label drawn as Bernoulli(sigmoid(x·w* + b* + noise)), so the
 * best any model can do is what the true weights themselves score.
 */
public final class SyntheticLogisticData {
    public final int samples, features;
    /** Row-major [samples, features]. */
    public final float[] x;
    /** 0 or 1, one per sample. */
    public final float[] y;
    public final float[] trueWeights;
    public final float trueBias;

    private SyntheticLogisticData(int samples, int features, float[] x, float[] y, float[] trueWeights, float trueBias) {
        this.samples = samples;
        this.features = features;
        this.x = x;
        this.y = y;
        this.trueWeights = trueWeights;
        this.trueBias = trueBias;
    }

    /**
     * @param weightScale standard deviation of each true weight: it sets how separable the classes are
     * @param logitNoise  standard deviation of the Gaussian noise added to each true logit
     */
    public static SyntheticLogisticData generate(long seed, int samples, int features, float weightScale, float logitNoise) {
        Random random = new Random(seed);
        float[] w = new float[features];
        for (int j = 0; j < features; j++) w[j] = (float) (weightScale * random.nextGaussian());
        float bias = (float) (0.5 * random.nextGaussian());
        float[] x = new float[samples * features], y = new float[samples];
        for (int i = 0; i < samples; i++) {
            double logit = bias + logitNoise * random.nextGaussian();
            for (int j = 0; j < features; j++) {
                float v = (float) random.nextGaussian();
                x[i * features + j] = v;
                logit += w[j] * v;
            }
            y[i] = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1f : 0f;
        }
        return new SyntheticLogisticData(samples, features, x, y, w, bias);
    }

    /** The fraction of rows in [from, to) whose label is predicted by sigmoid(x·w + b) > 0.5. */
    public double accuracy(float[] w, float b, int from, int to) {
        int correct = 0;
        for (int i = from; i < to; i++) {
            double logit = b;
            for (int j = 0; j < features; j++) logit += w[j] * x[i * features + j];
            if ((logit > 0) == (y[i] == 1f)) correct++;
        }
        return (double) correct / (to - from);
    }
}
