package io.jgrad.bench.demo;

import static io.jgrad.bench.demo.SideBySide.heading;
import static io.jgrad.bench.demo.SideBySide.note;

import io.jgrad.Arg;
import io.jgrad.Grad;
import io.jgrad.Tensor;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.Workspace;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Online training of a logistic regression by mini-batch SGD with one compiled
 * value-and-gradient function, then a rough in-process timing of one SGD step, eager against
 * compiled, on the same batches.
 */
public final class LogisticRegressionDemo {
    private LogisticRegressionDemo() {}

    static final long SEED = 20240601L;
    static final int SAMPLES = 10_000, TRAIN = 8_000, FEATURES = 20, BATCH = 32, EPOCHS = 5;
    static final float LEARNING_RATE = 0.1f;
    static final int STEPS_PER_EPOCH = TRAIN / BATCH;   // 250: the last partial batch, if any, is dropped
    static final long WARM_UP_NANOS = 3_000_000_000L;

    /**
     * Mean binary cross-entropy of sigmoid(X·w + b) against the labels y, written in the
     * stable form softplus(z) - y·z (PyTorch's BCEWithLogitsLoss): a confident model never
     * takes log(0), which the clamped form of the neuron would once the weights grow.
     */
    public static Tensor batchLoss(Tensor w, Tensor b, Tensor x, Tensor y) {
        Tensor z = x.matmul(w).add(b);
        return z.softplus().sub(y.mul(z)).mean();
    }

    public static void run() {
        heading("3. online training of a logistic regression, mini-batch SGD with the compiled gradient");
        SyntheticLogisticData data = SyntheticLogisticData.generate(SEED, SAMPLES, FEATURES, 3.0f, 0.5f);
        note(String.format(Locale.ROOT, "data: %d samples x %d features, labels ~ Bernoulli(sigmoid(x·w* + b* + noise)), seed %d; "
                + "train on %d, test on %d", SAMPLES, FEATURES, SEED, TRAIN, SAMPLES - TRAIN));

        long t0 = System.nanoTime();
        Compiled step = Grad.compile(LogisticRegressionDemo::batchLoss,
                Arg.of(FEATURES).named("w"), Arg.scalar().named("b"),
                Arg.of(BATCH, FEATURES).noGrad().named("x"), Arg.of(BATCH).noGrad().named("y"));
        note(String.format(Locale.ROOT, "compiled batchLoss for %s in %.1f ms (%d bytes of bytecode)",
                step, (System.nanoTime() - t0) / 1e6, step.bytecode().length));

        float[] w = new float[FEATURES], b = new float[1];
        train(step, data, w, b);
        note(String.format(Locale.ROOT, "final test accuracy %.1f%%, cosine(w, w*) = %.3f; the true w*, b* score %.1f%% (test loss %.4f): the noise floor",
                100 * data.accuracy(w, b[0], TRAIN, SAMPLES), cosine(w, data.trueWeights),
                100 * data.accuracy(data.trueWeights, data.trueBias, TRAIN, SAMPLES), testLoss(data, data.trueWeights, data.trueBias)));

        timeSteps(step, data, w, b);
    }

    /** SGD over EPOCHS shuffled passes; the step reuses its input, gradient and workspace arrays. */
    static void train(Compiled step, SyntheticLogisticData data, float[] w, float[] b) {
        float[] xBatch = new float[BATCH * FEATURES], yBatch = new float[BATCH];
        float[][] inputs = {w, b, xBatch, yBatch};   // w and b are updated in place between calls
        float[][] grads = {new float[FEATURES], new float[1], null, null};
        Workspace ws = step.newWorkspace();
        int[] order = new int[TRAIN];
        for (int i = 0; i < TRAIN; i++) order[i] = i;
        Random shuffler = new Random(SEED + 1);

        for (int epoch = 1; epoch <= EPOCHS; epoch++) {
            shuffle(order, shuffler);
            double lossSum = 0;
            for (int k = 0; k < STEPS_PER_EPOCH; k++) {
                for (int i = 0; i < BATCH; i++) {
                    int row = order[k * BATCH + i];
                    System.arraycopy(data.x, row * FEATURES, xBatch, i * FEATURES, FEATURES);
                    yBatch[i] = data.y[row];
                }
                lossSum += step.valueAndGrad(ws, inputs, grads);
                sgdUpdate(w, b, grads[0], grads[1][0]);
            }
            System.out.printf(Locale.ROOT, "  epoch %d   mean train loss %.4f   test loss %.4f   test accuracy %.1f%%%n",
                    epoch, lossSum / STEPS_PER_EPOCH, testLoss(data, w, b[0]), 100 * data.accuracy(w, b[0], TRAIN, SAMPLES));
        }
    }

    /** The same batchLoss, run eagerly on the whole test split: eager code takes any shape. */
    static float testLoss(SyntheticLogisticData data, float[] w, float b) {
        Tensor x = Tensor.of(Arrays.copyOfRange(data.x, TRAIN * FEATURES, SAMPLES * FEATURES), SAMPLES - TRAIN, FEATURES);
        Tensor y = Tensor.of(Arrays.copyOfRange(data.y, TRAIN, SAMPLES), SAMPLES - TRAIN);
        return batchLoss(Tensor.of(w, FEATURES), Tensor.scalar(b), x, y).item();
    }

    static void sgdUpdate(float[] w, float[] b, float[] gradW, float gradB) {
        for (int j = 0; j < w.length; j++) w[j] -= LEARNING_RATE * gradW[j];
        b[0] -= LEARNING_RATE * gradB;
    }

    /**
     * One SGD step (value and gradient of one batch, then the update), eager and compiled, on
     * the same batches from the same starting weights. Median over interleaved repetitions.
     */
    static void timeSteps(Compiled step, SyntheticLogisticData data, float[] trained, float[] trainedBias) {
        heading("3b. time per SGD step, batch of 32: eager vs compiled (rough, in-process)");
        // Every batch copied out once, so that both sides time only the step itself.
        float[][] xs = new float[STEPS_PER_EPOCH][BATCH * FEATURES], ys = new float[STEPS_PER_EPOCH][BATCH];
        for (int k = 0; k < STEPS_PER_EPOCH; k++) {
            System.arraycopy(data.x, k * BATCH * FEATURES, xs[k], 0, BATCH * FEATURES);
            System.arraycopy(data.y, k * BATCH, ys[k], 0, BATCH);
        }
        EagerStepper eager = new EagerStepper(trained, trainedBias);
        CompiledStepper compiled = new CompiledStepper(step, trained, trainedBias);

        float[] eagerGrad = eager.gradient(xs[0], ys[0]), compiledGrad = compiled.gradient(xs[0], ys[0]);
        float maxDiff = 0;
        for (int j = 0; j < eagerGrad.length; j++) maxDiff = Math.max(maxDiff, Math.abs(eagerGrad[j] - compiledGrad[j]));
        note(String.format(Locale.ROOT, "same batch, same weights: largest |eager - compiled| over the 21 gradient entries = %.1e", maxDiff));

        int eagerPasses = 1, compiledPasses = 20, reps = 15;   // passes over the 250 batches per repetition
        // Warm-up by time, not by count: on a loaded machine the JIT needs a while for both paths.
        for (long end = System.nanoTime() + WARM_UP_NANOS; System.nanoTime() < end; ) {
            eager.pass(xs, ys);
            compiled.pass(xs, ys);
        }
        double[] eagerMicros = new double[reps], compiledMicros = new double[reps];
        long[] eagerBytes = new long[reps], compiledBytes = new long[reps];
        for (int r = 0; r < reps; r++) {   // interleaved, so that both see the same machine load
            long bytes0 = allocatedBytes(), t0 = System.nanoTime();
            for (int p = 0; p < eagerPasses; p++) eager.pass(xs, ys);
            long t1 = System.nanoTime(), bytes1 = allocatedBytes();
            for (int p = 0; p < compiledPasses; p++) compiled.pass(xs, ys);
            long t2 = System.nanoTime(), bytes2 = allocatedBytes();
            eagerMicros[r] = (t1 - t0) / 1e3 / (eagerPasses * STEPS_PER_EPOCH);
            compiledMicros[r] = (t2 - t1) / 1e3 / (compiledPasses * STEPS_PER_EPOCH);
            eagerBytes[r] = (bytes1 - bytes0) / (eagerPasses * STEPS_PER_EPOCH);
            compiledBytes[r] = (bytes2 - bytes1) / (compiledPasses * STEPS_PER_EPOCH);
        }
        if (!Double.isFinite(eager.lossSum + compiled.lossSum)) note("(a loss was not finite)");   // keeps the work observable

        double e = median(eagerMicros), c = median(compiledMicros);
        System.out.printf(Locale.ROOT, "  eager     %8.2f µs/step  (reps %.2f-%.2f)  %s%n", e, min(eagerMicros), max(eagerMicros), bytesPerStep(eagerBytes));
        System.out.printf(Locale.ROOT, "  compiled  %8.2f µs/step  (reps %.2f-%.2f)  %s%n", c, min(compiledMicros), max(compiledMicros), bytesPerStep(compiledBytes));
        note(String.format(Locale.ROOT, "compiled/eager: %.1fx faster; median of %d interleaved repetitions after %d s of warm-up (%d eager / %d compiled steps each);",
                e / c, reps, WARM_UP_NANOS / 1_000_000_000L, eagerPasses * STEPS_PER_EPOCH, compiledPasses * STEPS_PER_EPOCH));
        note("a rough in-process timing on a shared machine: the JMH suite in bench (java -jar bench/target/benchmarks.jar) is the real measurement");
    }

    /** The eager way: fresh leaves from the current weights, forward, backward, read the gradients. */
    static final class EagerStepper {
        final float[] w, b;
        double lossSum;

        EagerStepper(float[] w, float[] b) {
            this.w = w.clone();
            this.b = b.clone();
        }

        float[] gradient(float[] x, float[] y) {
            Tensor tw = Tensor.of(w, FEATURES).requiresGrad(true), tb = Tensor.scalar(b[0]).requiresGrad(true);
            Tensor loss = batchLoss(tw, tb, Tensor.of(x, BATCH, FEATURES), Tensor.of(y, BATCH));
            loss.backward();
            lossSum += loss.item();
            float[] g = Arrays.copyOf(tw.grad().toArray(), FEATURES + 1);
            g[FEATURES] = tb.grad().item();
            return g;
        }

        void pass(float[][] xs, float[][] ys) {
            for (int k = 0; k < xs.length; k++) {
                float[] g = gradient(xs[k], ys[k]);   // gradient of w, then of b last
                sgdUpdate(w, b, g, g[FEATURES]);
            }
        }
    }

    /** The compiled way: the same arrays and workspace on every call, nothing allocated. */
    static final class CompiledStepper {
        final Compiled step;
        final Workspace ws;
        final float[] w, b;
        final float[][] inputs, grads;
        double lossSum;

        CompiledStepper(Compiled step, float[] w, float[] b) {
            this.step = step;
            this.ws = step.newWorkspace();
            this.w = w.clone();
            this.b = b.clone();
            this.inputs = new float[][] {this.w, this.b, null, null};
            this.grads = new float[][] {new float[FEATURES], new float[1], null, null};
        }

        float[] gradient(float[] x, float[] y) {
            inputs[2] = x;
            inputs[3] = y;
            lossSum += step.valueAndGrad(ws, inputs, grads);
            float[] g = Arrays.copyOf(grads[0], FEATURES + 1);
            g[FEATURES] = grads[1][0];
            return g;
        }

        void pass(float[][] xs, float[][] ys) {
            for (int k = 0; k < xs.length; k++) {
                inputs[2] = xs[k];
                inputs[3] = ys[k];
                lossSum += step.valueAndGrad(ws, inputs, grads);
                sgdUpdate(w, b, grads[0], grads[1][0]);
            }
        }
    }

    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1), t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** HotSpot's per-thread allocation counter, or null on a JVM without one. */
    private static final com.sun.management.ThreadMXBean ALLOCATION =
            ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported() ? t : null;

    /** Bytes this thread has allocated so far (0 where the JVM cannot tell). */
    private static long allocatedBytes() {
        return ALLOCATION == null ? 0 : ALLOCATION.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private static String bytesPerStep(long[] perRep) {
        return ALLOCATION == null ? "" : String.format(Locale.ROOT, "%6d bytes allocated/step", (long) median(Arrays.stream(perRep).asDoubleStream().toArray()));
    }
}
