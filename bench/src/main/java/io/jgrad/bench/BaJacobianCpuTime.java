package io.jgrad.bench;

import io.jgrad.bench.CpuTimeRounds.Variant;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link BaJacobianBench}'s methods timed by the thread's CPU time ({@link CpuTimeRounds}): for
 * the shared build machine, where JMH's wall-clock times include waiting for a core. Batches of
 * 20,000 calls (2,000 for Hipparchus), round-robin over the variants; the first quarter of the
 * batches is warm-up. {@code genericChecks} is {@code Checks.jacobian} alone, the generic argument
 * checks every call paid before the kernel's unrolled ones.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.jgrad.bench.BaJacobianCpuTime [batches] [variant,...]</pre>
 */
public final class BaJacobianCpuTime {
    private BaJacobianCpuTime() {}

    private static final int CALLS = 20_000;

    private static List<Variant> variants() {
        BaJacobianBench[] b = new BaJacobianBench[4];
        for (int i = 0; i < b.length; i++) {
            b[i] = new BaJacobianBench();
            b[i].setup();
        }
        return List.of(
            new Variant("compiled", CALLS, b[0]::compiled),
            new Variant("handWritten", CALLS, b[1]::handWritten),
            new Variant("hipparchus", CALLS / 10, b[2]::hipparchus),
            new Variant("genericChecks", CALLS, b[3]::genericChecks));
    }

    public static void main(String[] args) {
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        List<Variant> chosen = CpuTimeRounds.choose(variants(), args.length > 1 ? args[1] : null);
        CpuTimeRounds.Times[] t = CpuTimeRounds.measure(chosen, batches, 0);
        Map<String, Double> median = new HashMap<>();
        for (int v = 0; v < chosen.size(); v++) {
            System.out.printf("%-14s %s%n", chosen.get(v).name(), t[v].describe());
            median.put(chosen.get(v).name(), t[v].median());
        }
        if (median.containsKey("compiled") && median.containsKey("handWritten"))
            System.out.printf("compiled / handWritten = %.2f%n", median.get("compiled") / median.get("handWritten"));
        if (median.containsKey("compiled") && median.containsKey("hipparchus"))
            System.out.printf("hipparchus / compiled = %.1f%n", median.get("hipparchus") / median.get("compiled"));
        System.out.println("(checksum " + CpuTimeRounds.checksum() + ")");
    }
}
