package io.jgrad.bench;

import java.io.File;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Arrays;

/**
 * One {@code *JgradBench.eager} workload of two benchmarks.jar files (say version 1's and this
 * branch's) in one JVM, each jar in its own class loader, timed by the thread's CPU time in
 * batches that alternate between the two: both see the same load, which on a shared machine
 * moves from second to second. Prints the median ns per call of each (the first quarter of the
 * batches is warm-up) and their ratio. Calls each benchmark's own {@code setup()} and
 * {@code eager(Blackhole)}, so the same inputs as JMH; a public int or String field is set
 * from {@code name=value} (JMH's {@code @Param}):
 *
 * <pre>java -cp benchmarks.jar io.jgrad.bench.EagerSideBySide old.jar new.jar SeedNeuronJgradBench 40 20000 [n=3]</pre>
 *
 * (batches, calls per batch). A complement to JMH (it leaves out the time GC threads take).
 */
public final class EagerSideBySide {
    private EagerSideBySide() {}

    private static MethodHandle workload(String jar, String benchmark, String[] params) throws Throwable {
        ClassLoader loader = new URLClassLoader(new URL[] {new File(jar).toURI().toURL()}, ClassLoader.getPlatformClassLoader());
        Class<?> c = Class.forName("io.jgrad.bench." + benchmark, true, loader);
        Object bench = c.getConstructor().newInstance();
        for (String p : params) {
            String[] kv = p.split("=", 2);
            Field f = c.getField(kv[0]);
            f.set(bench, f.getType() == int.class ? (Object) Integer.valueOf(kv[1]) : kv[1]);
        }
        c.getMethod("setup").invoke(bench);
        Class<?> blackhole = Class.forName("org.openjdk.jmh.infra.Blackhole", true, loader);
        Object bh = blackhole.getConstructor(String.class)
                .newInstance("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        return MethodHandles.publicLookup().unreflect(c.getMethod("eager", blackhole)).bindTo(bench).bindTo(bh);
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 5) {
            System.err.println("usage: EagerSideBySide a.jar b.jar Benchmark batches callsPerBatch [param=value...]");
            System.exit(2);
        }
        String[] params = Arrays.copyOfRange(args, 5, args.length);
        MethodHandle[] calls = {workload(args[0], args[2], params), workload(args[1], args[2], params)};
        int batches = Integer.parseInt(args[3]);
        long perBatch = Long.parseLong(args[4]);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[][] ns = new double[2][batches];
        for (int b = 0; b < batches; b++) {
            for (int j = 0; j < 2; j++) {
                MethodHandle call = calls[j];
                long t0 = mx.getCurrentThreadCpuTime();
                for (long i = 0; i < perBatch; i++) call.invoke();
                ns[j][b] = (mx.getCurrentThreadCpuTime() - t0) / (double) perBatch;
            }
        }
        double[] median = new double[2];
        for (int j = 0; j < 2; j++) {
            double[] m = Arrays.copyOfRange(ns[j], batches / 4, batches);
            Arrays.sort(m);
            median[j] = m[m.length / 2];
        }
        System.out.printf("%s %s: %.1f ns, %.1f ns, ratio %.2f%n", args[2], Arrays.toString(params), median[0], median[1], median[1] / median[0]);
    }
}
