package io.jgrad.bench;

import io.jgrad.runtime.Checks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * {@link BaJacobianBench}'s methods timed by the thread's CPU time (as {@link SeedNeuronCpuTime}):
 * for the shared build machine, where JMH's wall-clock times include waiting for a core.
 * Batches of 20,000 calls (2,000 for Hipparchus), round-robin over the variants; the first
 * quarter of the batches is warm-up. {@code genericChecks} is {@code Checks.jacobian} alone, the
 * generic argument checks every call paid before the kernel's unrolled ones.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.jgrad.bench.BaJacobianCpuTime [batches] [variant,...]</pre>
 */
public final class BaJacobianCpuTime {
    private BaJacobianCpuTime() {}

    private static volatile boolean stop;
    private static final int CALLS = 20_000;

    static final String[] VARIANTS = {"compiled", "handWritten", "hipparchus", "genericChecks"};

    private static double compiled(BaJacobianBench b, int calls) { double s = 0; for (int i = 0; i < calls && !stop; i++) s += b.compiled(); return s; }
    private static double handWritten(BaJacobianBench b, int calls) { double s = 0; for (int i = 0; i < calls && !stop; i++) s += b.handWritten(); return s; }
    private static double hipparchus(BaJacobianBench b, int calls) { double s = 0; for (int i = 0; i < calls && !stop; i++) s += b.hipparchus(); return s; }
    private static double genericChecks(BaJacobianBench b, int calls) { double s = 0; for (int i = 0; i < calls && !stop; i++) s += b.genericChecks(); return s; }

    private static int calls(int variant) {
        return variant == 2 ? CALLS / 10 : CALLS;
    }

    private static double run(int variant, BaJacobianBench b) {
        return switch (variant) {
            case 0 -> compiled(b, calls(variant));
            case 1 -> handWritten(b, calls(variant));
            case 2 -> hipparchus(b, calls(variant));
            case 3 -> genericChecks(b, calls(variant));
            default -> throw new IllegalArgumentException("variant " + variant);
        };
    }

    public static void main(String[] args) {
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        List<String> only = args.length > 1 ? Arrays.asList(args[1].split(",")) : Arrays.asList(VARIANTS);
        for (String v : only)
            if (!Arrays.asList(VARIANTS).contains(v)) throw new IllegalArgumentException("unknown variant " + v + "; one of " + Arrays.toString(VARIANTS));
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        BaJacobianBench[] state = new BaJacobianBench[VARIANTS.length];
        List<List<Double>> times = new ArrayList<>();
        for (int v = 0; v < VARIANTS.length; v++) {
            state[v] = new BaJacobianBench();
            state[v].setup();
            times.add(new ArrayList<>());
        }
        double sink = 0;
        for (int k = 0; k < batches; k++)
            for (int v = 0; v < VARIANTS.length; v++) {
                if (!only.contains(VARIANTS[v])) continue;
                long t0 = mx.getCurrentThreadCpuTime();
                sink += run(v, state[v]);
                long t1 = mx.getCurrentThreadCpuTime();
                if (k >= batches / 4) times.get(v).add((t1 - t0) / (double) calls(v));
            }
        double[] median = new double[VARIANTS.length];
        for (int v = 0; v < VARIANTS.length; v++) {
            List<Double> t = times.get(v);
            if (t.isEmpty()) continue;
            Collections.sort(t);
            median[v] = t.get(t.size() / 2);
            System.out.printf("%-14s median %8.2f  p10 %8.2f  p90 %8.2f  ns/call (thread CPU time)%n",
                    VARIANTS[v], median[v], t.get(t.size() / 10), t.get(t.size() * 9 / 10));
        }
        if (median[0] > 0 && median[1] > 0) System.out.printf("compiled / handWritten = %.2f%n", median[0] / median[1]);
        if (median[0] > 0 && median[2] > 0) System.out.printf("hipparchus / compiled = %.1f%n", median[2] / median[0]);
        System.out.println("(checksum " + sink + ")");
    }
}
