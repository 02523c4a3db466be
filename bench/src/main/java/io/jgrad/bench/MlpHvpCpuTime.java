package io.jgrad.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@link MlpHvpBench} timed by the thread's CPU time (as {@link SeedNeuronCpuTime}): the compiled
 * gradient and the compiled Hessian-vector product of the MLP loss, one call each, alternating,
 * so each sees the same load; the first quarter is warm-up. The HVP mode is the JVM's
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
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        List<Double> grad = new ArrayList<>(), hvp = new ArrayList<>();
        double sink = 0;
        for (int k = 0; k < calls; k++) {
            long t0 = mx.getCurrentThreadCpuTime();
            sink += b.gradient();
            long t1 = mx.getCurrentThreadCpuTime();
            sink += b.hvp();
            long t2 = mx.getCurrentThreadCpuTime();
            if (k >= calls / 4) {
                grad.add((t1 - t0) / 1e3);
                hvp.add((t2 - t1) / 1e3);
            }
        }
        Collections.sort(grad);
        Collections.sort(hvp);
        double g = grad.get(grad.size() / 2), h = hvp.get(hvp.size() / 2);
        System.out.printf("hvp mode %s: gradient median %.0f us (p10 %.0f), hvp median %.0f us (p10 %.0f), hvp / gradient = %.2f (thread CPU time)%n",
                b.hvpMode, g, grad.get(grad.size() / 10), h, hvp.get(hvp.size() / 10), h / g);
        System.out.println("(checksum " + sink + ")");
    }
}
