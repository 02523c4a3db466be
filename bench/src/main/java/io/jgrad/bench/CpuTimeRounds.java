package io.jgrad.bench;

import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * The timing loop of the {@code *CpuTime} tools: variants timed by the thread's CPU time, not the
 * wall clock, for a machine shared with builds (JMH's wall-clock times include the time the
 * benchmark thread waits for a core: 3-4x on this 2-core machine at load 13).
 * <ul>
 *   <li>Warm-up: each variant for a given amount of its thread's CPU time, in four round-robin
 *       rounds (C2 must have compiled everything; on the vector path C1 code boxes every vector).
 *   <li>Then batches, round-robin over the variants, so each sees the same load, which on a shared
 *       machine moves from second to second. The first quarter of the batches is discarded.
 * </ul>
 * Each variant runs in a loop of its own ({@link #loop}, as JMH generates a loop per benchmark):
 * the call inside sees one receiver, so C2 inlines it, which a loop shared by all variants would
 * not. The loops read {@link #stop} per call, as JMH's read {@code isDone}, so that loads stay in
 * the loop. A complement to JMH (it leaves out GC threads' time), not a replacement.
 */
final class CpuTimeRounds {
    private CpuTimeRounds() {}

    /** Read per call by every batch loop (never set): keeps the loop's loads in the loop. */
    static volatile boolean stop;

    /** Runs {@code calls} calls of one variant in its own loop and returns a checksum of their results. */
    @FunctionalInterface
    interface Batch {
        double run(long calls);
    }

    record Variant(String name, long callsPerBatch, Batch batch) {
        Variant(String name, long callsPerBatch, DoubleSupplier call) {
            this(name, callsPerBatch, loop(call));
        }
    }

    /**
     * A loop over {@code call} in a class of its own: {@link Loop}'s bytes defined again as a
     * hidden class, so the call site in its loop has a profile of its own (one receiver).
     */
    static Batch loop(DoubleSupplier call) {
        try (InputStream in = CpuTimeRounds.class.getResourceAsStream("CpuTimeRounds$Loop.class")) {
            MethodHandles.Lookup hidden = MethodHandles.lookup().defineHiddenClass(in.readAllBytes(), true);
            return (Batch) hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class, DoubleSupplier.class)).invoke(call);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot define a loop class", e);
        }
    }

    /** The template of {@link #loop}: never used as itself. */
    static final class Loop implements Batch {
        private final DoubleSupplier call;

        Loop(DoubleSupplier call) {
            this.call = call;
        }

        @Override
        public double run(long calls) {
            double s = 0;
            for (long i = 0; i < calls && !stop; i++) s += call.getAsDouble();
            return s;
        }
    }

    /** Nanoseconds of thread CPU time per call over the measured batches. */
    record Times(double median, double p10, double p90, double min) {
        String describe() {
            return String.format("median %10.2f  p10 %10.2f  p90 %10.2f  ns/call (thread CPU time)", median, p10, p90);
        }
    }

    /**
     * The variants named in a comma-separated list, in its order; all of them for {@code null}.
     * An unknown name is an error that lists the known ones.
     */
    static List<Variant> choose(List<Variant> all, String names) {
        if (names == null) return all;
        List<String> known = all.stream().map(Variant::name).toList();
        List<Variant> chosen = new ArrayList<>();
        for (String name : names.split(",")) {
            if (!known.contains(name)) throw new IllegalArgumentException("unknown variant " + name + "; one of " + known);
            chosen.add(all.get(known.indexOf(name)));
        }
        return chosen;
    }

    /** Checksum of every batch's results, printed by the tools so nothing is dead code. */
    private static double sink;

    static double checksum() {
        return sink;
    }

    /**
     * Times the variants: {@code warmUpNanos} of each's thread CPU time first (0: none beyond the
     * discarded first quarter), then {@code batches} round-robin batches. Returns one
     * {@link Times} per variant, in order.
     */
    static Times[] measure(List<Variant> variants, int batches, long warmUpNanos) {
        if (batches < 4) throw new IllegalArgumentException("batches must be at least 4 (the first quarter is warm-up), got " + batches);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int round = 0; round < 4 && warmUpNanos > 0; round++) {
            for (Variant v : variants) {
                long end = mx.getCurrentThreadCpuTime() + warmUpNanos / 4;
                while (mx.getCurrentThreadCpuTime() < end) sink += v.batch().run(v.callsPerBatch());
            }
        }
        double[][] ns = new double[variants.size()][batches];
        for (int b = 0; b < batches; b++) {
            for (int k = 0; k < variants.size(); k++) {
                Variant v = variants.get(k);
                long t0 = mx.getCurrentThreadCpuTime();
                sink += v.batch().run(v.callsPerBatch());
                ns[k][b] = (mx.getCurrentThreadCpuTime() - t0) / (double) v.callsPerBatch();
            }
        }
        Times[] times = new Times[variants.size()];
        for (int k = 0; k < times.length; k++) {
            double[] t = Arrays.copyOfRange(ns[k], batches / 4, batches);
            Arrays.sort(t);
            times[k] = new Times(t[t.length / 2], t[t.length / 10], t[t.length * 9 / 10], t[0]);
        }
        return times;
    }
}
