package io.jgrad.bench.data;

import java.util.SplittableRandom;

/**
 * Deterministic inputs: the same seed gives the same floats on every JVM, so results of
 * different runs, variants and machines are computed on identical data.
 */
public final class Seeded {
    private Seeded() {}

    /** {@code n} floats uniform in [lo, hi). */
    public static float[] uniform(long seed, int n, float lo, float hi) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) (lo + (hi - (double) lo) * random.nextDouble());
        return out;
    }

    /** The same values as doubles (exact): the F64 variants run on the float variants' data. */
    public static double[] doubles(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    /** {@code n} labels, each 1 with probability {@code pOne}, else 0. */
    public static float[] labels(long seed, int n, double pOne) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = random.nextDouble() < pOne ? 1f : 0f;
        return out;
    }

    /** A row-major [rows, classes] matrix with a single 1 per row. */
    public static float[] oneHotRows(long seed, int rows, int classes) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] out = new float[rows * classes];
        for (int r = 0; r < rows; r++) out[r * classes + random.nextInt(classes)] = 1f;
        return out;
    }

    /** Parses a JMH size parameter such as {@code "256x32"} into its dimensions. */
    public static int[] dims(String shape) {
        String[] parts = shape.split("x");
        int[] dims = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            dims[i] = Integer.parseInt(parts[i].trim());
            if (dims[i] <= 0) throw new IllegalArgumentException("dimension " + i + " of \"" + shape + "\" is not positive");
        }
        return dims;
    }

    static int[] dims(String shape, int rank) {
        int[] dims = dims(shape);
        if (dims.length != rank) {
            throw new IllegalArgumentException("expected " + rank + " dimensions separated by 'x', got \"" + shape + "\"");
        }
        return dims;
    }
}
