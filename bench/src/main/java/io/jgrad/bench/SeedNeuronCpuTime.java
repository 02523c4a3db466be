package io.jgrad.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * {@link SeedNeuronBreakdownBench}'s methods timed by the thread's CPU time instead of the wall
 * clock: for a machine shared with builds, where JMH's wall-clock times include the time the
 * benchmark thread waits for a core (3-4x on a 2-core machine at load 13). Batches of 100,000
 * calls, round-robin over the variants so each sees the same load; one loop method per variant
 * with a volatile read per call (as JMH's loop) so loads stay in the loop; the first quarter of
 * the batches is warm-up. Prints the median, 10th and 90th percentile of ns per call.
 * A complement to JMH, not a replacement: the README's numbers are JMH's.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.jgrad.bench.SeedNeuronCpuTime [batches] [variant,...]</pre>
 */
public final class SeedNeuronCpuTime {
    private SeedNeuronCpuTime() {}

    private static volatile boolean stop;
    private static final int CALLS = 100_000;

    static final String[] VARIANTS = {"handWritten", "handWrittenArrays", "handWrittenDoubleSigmoid", "replica",
        "checks", "replicaChecked", "replicaUnrolledChecks", "compiled", "compiledThreadWorkspace"};

    private static float handWritten(SeedNeuronBreakdownBench b) { float s = 0; for (int i = 0; i < CALLS && !stop; i++) s += b.handWritten(); return s; }
    private static float handWrittenArrays(SeedNeuronBreakdownBench b) { float s = 0; for (int i = 0; i < CALLS && !stop; i++) s += b.handWrittenArrays(); return s; }
    private static float handWrittenDoubleSigmoid(SeedNeuronBreakdownBench b) { float s = 0; for (int i = 0; i < CALLS && !stop; i++) s += b.handWrittenDoubleSigmoid(); return s; }
    private static float replica(SeedNeuronBreakdownBench b) { float s = 0; for (int i = 0; i < CALLS && !stop; i++) s += b.replica(); return s; }
    private static float checks(SeedNeuronBreakdownBench b) { float s = 0; for (int i = 0; i < CALLS && !stop; i++) s += b.checks(); return s; }
    private static float replicaChecked(SeedNeuronBreakdownBench b) { float s = 0; for (int i = 0; i < CALLS && !stop; i++) s += b.replicaChecked(); return s; }
    private static float replicaUnrolledChecks(SeedNeuronBreakdownBench b) { float s = 0; for (int i = 0; i < CALLS && !stop; i++) s += b.replicaUnrolledChecks(); return s; }
    private static float compiled(SeedNeuronBreakdownBench b) { float s = 0; for (int i = 0; i < CALLS && !stop; i++) s += b.compiled(); return s; }
    private static float compiledThreadWorkspace(SeedNeuronBreakdownBench b) { float s = 0; for (int i = 0; i < CALLS && !stop; i++) s += b.compiledThreadWorkspace(); return s; }

    private static float run(int variant, SeedNeuronBreakdownBench b) {
        return switch (variant) {
            case 0 -> handWritten(b);
            case 1 -> handWrittenArrays(b);
            case 2 -> handWrittenDoubleSigmoid(b);
            case 3 -> replica(b);
            case 4 -> checks(b);
            case 5 -> replicaChecked(b);
            case 6 -> replicaUnrolledChecks(b);
            case 7 -> compiled(b);
            case 8 -> compiledThreadWorkspace(b);
            default -> throw new IllegalArgumentException("variant " + variant);
        };
    }

    public static void main(String[] args) {
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        List<String> only = args.length > 1 ? Arrays.asList(args[1].split(",")) : Arrays.asList(VARIANTS);
        for (String v : only)
            if (!Arrays.asList(VARIANTS).contains(v)) throw new IllegalArgumentException("unknown variant " + v + "; one of " + Arrays.toString(VARIANTS));
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        SeedNeuronBreakdownBench[] state = new SeedNeuronBreakdownBench[VARIANTS.length];
        List<List<Double>> times = new ArrayList<>();
        for (int v = 0; v < VARIANTS.length; v++) {
            state[v] = new SeedNeuronBreakdownBench();
            state[v].setup();
            times.add(new ArrayList<>());
        }
        float sink = 0;
        for (int k = 0; k < batches; k++)
            for (int v = 0; v < VARIANTS.length; v++) {
                if (!only.contains(VARIANTS[v])) continue;
                long t0 = mx.getCurrentThreadCpuTime();
                sink += run(v, state[v]);
                long t1 = mx.getCurrentThreadCpuTime();
                if (k >= batches / 4) times.get(v).add((t1 - t0) / (double) CALLS);
            }
        for (int v = 0; v < VARIANTS.length; v++) {
            List<Double> t = times.get(v);
            if (t.isEmpty()) continue;
            Collections.sort(t);
            System.out.printf("%-26s median %6.2f  p10 %6.2f  p90 %6.2f  ns/call (thread CPU time)%n",
                    VARIANTS[v], t.get(t.size() / 2), t.get(t.size() / 10), t.get(t.size() * 9 / 10));
        }
        System.out.println("(checksum " + sink + ")");
    }
}
