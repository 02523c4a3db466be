package io.jgrad.bench.data;

/**
 * Logistic regression inputs: weights w [features], bias b, data X [batch, features] row-major,
 * labels y [batch] in {0, 1}. Weights are small so that w·x + b stays well inside sigmoid's
 * unsaturated range: the clamp of the loss never engages and every gradient is informative.
 */
public final class LogisticRegressionData {
    public final int batch;
    public final int features;
    public final float[] w;
    public float b;
    public final float[] X;
    public final float[] y;

    public LogisticRegressionData(int batch, int features) {
        this.batch = batch;
        this.features = features;
        this.w = Seeded.uniform(21, features, -0.5f, 0.5f);
        this.b = 0.1f;
        this.X = Seeded.uniform(22, batch * features, -1f, 1f);
        this.y = Seeded.labels(23, batch, 0.5);
    }

    /** From a JMH parameter "BATCHxFEATURES", e.g. "256x32". */
    public static LogisticRegressionData of(String shape) {
        int[] d = Seeded.dims(shape, 2);
        return new LogisticRegressionData(d[0], d[1]);
    }
}
