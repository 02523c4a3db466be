package io.jgrad.bench;

import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The {@code *JgradBench.eager} benchmarks timed by the thread's CPU time instead of the wall
 * clock: for a machine shared with builds, where JMH's wall-clock times include the time the
 * thread waits for a core. Calls each benchmark's own {@code setup()} and {@code eager(Blackhole)}
 * (so the same inputs as JMH), in batches, round-robin over the workloads ({@link CpuTimeRounds});
 * the first quarter of the batches is warm-up; prints the median of ns per call. It uses only
 * those public methods, so it runs against an older benchmarks.jar too, with this class and
 * CpuTimeRounds's first on the class path:
 *
 * <pre>java -cp EagerCpuTime-classes:benchmarks.jar io.jgrad.bench.EagerCpuTime [batches]</pre>
 *
 * A complement to JMH (it leaves out the time GC threads take), not a replacement.
 */
public final class EagerCpuTime {
    private EagerCpuTime() {}

    private record Workload(String name, Runnable call, long callsPerBatch) {
        CpuTimeRounds.Variant variant() {
            return new CpuTimeRounds.Variant(name, callsPerBatch, () -> {
                call.run();
                return 0;
            });
        }
    }

    private static Blackhole blackhole() {
        return new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
    }

    private static List<Workload> workloads() {
        List<Workload> w = new ArrayList<>();
        Blackhole bh = blackhole();
        SeedNeuronJgradBench neuron = new SeedNeuronJgradBench();
        neuron.setup();
        w.add(new Workload("seed_neuron", () -> neuron.eager(bh), 20_000));
        for (int n : new int[] {3, 1000, 1_000_000}) {
            SumSinSquareJgradBench s = new SumSinSquareJgradBench();
            s.n = n;
            s.setup();
            w.add(new Workload("sum_sin_square[n=" + n + "]", () -> s.eager(bh), Math.max(1, 20_000_000L / (n * 20L + 1000))));
            MeanSquareJgradBench m = new MeanSquareJgradBench();
            m.n = n;
            m.setup();
            w.add(new Workload("mean_square[n=" + n + "]", () -> m.eager(bh), Math.max(1, 20_000_000L / (n * 10L + 1000))));
        }
        for (String shape : new String[] {"256x32", "4096x64"}) {
            LogisticRegressionJgradBench l = new LogisticRegressionJgradBench();
            l.shape = shape;
            l.setup();
            w.add(new Workload("logistic_regression[shape=" + shape + "]", () -> l.eager(bh), shape.equals("256x32") ? 200 : 10));
        }
        MlpJgradBench mlp = new MlpJgradBench();
        mlp.shape = "64x784x128x10";
        mlp.setup();
        w.add(new Workload("mlp[shape=64x784x128x10]", () -> mlp.eager(bh), 2));
        TanhRecurrenceJgradBench t = new TanhRecurrenceJgradBench();
        t.steps = 1000;
        t.setup();
        w.add(new Workload("tanh_recurrence[steps=1000]", () -> t.eager(bh), 20));
        return w;
    }

    public static void main(String[] args) {
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        List<Workload> ws = workloads();
        CpuTimeRounds.Times[] t = CpuTimeRounds.measure(ws.stream().map(Workload::variant).toList(), batches, 0);
        for (int k = 0; k < ws.size(); k++) System.out.printf("%-36s %14.1f ns%n", ws.get(k).name(), t[k].median());
    }
}
