package io.jgrad.bench;

import java.util.List;

/**
 * {@link MlpHvpBench} timed by the thread's CPU time (as {@link SeedNeuronCpuTime}): the compiled
 * gradient and the compiled Hessian-vector product of the MLP loss, one call each, alternating
 * ({@link CpuTimeRounds}), so each sees the same load; the first quarter is warm-up. The HVP mode is the JVM's
 * ({@code -Djgrad.hvp=forward} for forward over reverse; reverse over reverse otherwise).
 * Prints the medians and their ratio.
 *
 * <pre>java [-Djgrad.hvp=forward] -cp bench/target/benchmarks.jar io.jgrad.bench.MlpHvpCpuTime [calls]</pre>
 */
public final class MlpHvpCpuTime {
    private MlpHvpCpuTime() {}

    public static void main(String[] args) {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        MlpHvpBench b = new MlpHvpBench();
        b.shape = "64x784x128x10";
        b.hvpMode = "forward".equals(System.getProperty("jgrad.hvp")) ? "forward" : "reverse";
        b.setup();
        CpuTimeRounds.Times[] t = CpuTimeRounds.measure(List.of(
                new CpuTimeRounds.Variant("gradient", 1, b::gradient),
                new CpuTimeRounds.Variant("hvp", 1, b::hvp)), calls, 0);
        double g = t[0].median() / 1e3, h = t[1].median() / 1e3;
        System.out.printf("hvp mode %s: gradient median %.0f us (p10 %.0f), hvp median %.0f us (p10 %.0f), hvp / gradient = %.2f (thread CPU time)%n",
                b.hvpMode, g, t[0].p10() / 1e3, h, t[1].p10() / 1e3, h / g);
        System.out.println("(checksum " + CpuTimeRounds.checksum() + ")");
    }
}
