package io.jgrad.bench;

import io.jgrad.bench.CpuTimeRounds.Variant;

import java.util.List;

/**
 * {@link SeedNeuronBreakdownBench}'s methods timed by the thread's CPU time instead of the wall
 * clock ({@link CpuTimeRounds}): batches of 100,000 calls, round-robin over the variants; the
 * first quarter of the batches is warm-up. Prints the median, 10th and 90th percentile of ns per
 * call. A complement to JMH, not a replacement: the README's numbers are JMH's.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.jgrad.bench.SeedNeuronCpuTime [batches] [variant,...]</pre>
 */
public final class SeedNeuronCpuTime {
    private SeedNeuronCpuTime() {}

    private static final int CALLS = 100_000;

    private static List<Variant> variants() {
        SeedNeuronBreakdownBench[] b = new SeedNeuronBreakdownBench[9];
        for (int i = 0; i < b.length; i++) {
            b[i] = new SeedNeuronBreakdownBench();
            b[i].setup();
        }
        return List.of(
            new Variant("handWritten", CALLS, b[0]::handWritten),
            new Variant("handWrittenArrays", CALLS, b[1]::handWrittenArrays),
            new Variant("handWrittenDoubleSigmoid", CALLS, b[2]::handWrittenDoubleSigmoid),
            new Variant("replica", CALLS, b[3]::replica),
            new Variant("checks", CALLS, b[4]::checks),
            new Variant("replicaChecked", CALLS, b[5]::replicaChecked),
            new Variant("replicaUnrolledChecks", CALLS, b[6]::replicaUnrolledChecks),
            new Variant("compiled", CALLS, b[7]::compiled),
            new Variant("compiledThreadWorkspace", CALLS, b[8]::compiledThreadWorkspace));
    }

    public static void main(String[] args) {
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        List<Variant> chosen = CpuTimeRounds.choose(variants(), args.length > 1 ? args[1] : null);
        CpuTimeRounds.Times[] t = CpuTimeRounds.measure(chosen, batches, 0);
        for (int v = 0; v < chosen.size(); v++) System.out.printf("%-26s %s%n", chosen.get(v).name(), t[v].describe());
        System.out.println("(checksum " + CpuTimeRounds.checksum() + ")");
    }
}
