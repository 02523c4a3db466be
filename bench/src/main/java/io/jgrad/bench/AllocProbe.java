package io.jgrad.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;

/**
 * Bytes one benchmark method allocates per call in its own thread, round after round, so the
 * steady state after C2 is visible (JMH's {@code -prof gc} divides every thread's allocations,
 * the harness's included, by the operations: about 5.5 kB/s on this machine whatever runs).
 * Calls the JMH class's {@code setup()} and then the method through a method handle (no boxing
 * of its result). Usage:
 * {@code java --add-modules jdk.incubator.vector -Drounds=40 -Dper=50 -cp benchmarks.jar
 * io.jgrad.bench.AllocProbe io.jgrad.bench.MlpJgradBench compiled shape=64x784x128x10}
 * (parameters as field=value; prints B/call and ms/call per round of {@code per} calls).
 */
public final class AllocProbe {
    private AllocProbe() {}

    public static void main(String[] args) throws Throwable {
        if (args.length < 2) throw new IllegalArgumentException("usage: AllocProbe <JMH class> <method> [field=value]...");
        Class<?> c = Class.forName(args[0]);
        Object state = c.getDeclaredConstructor().newInstance();
        int rounds = Integer.getInteger("rounds", 40), per = Integer.getInteger("per", 50);
        for (int i = 2; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            if (kv.length != 2) throw new IllegalArgumentException("a parameter is field=value, got " + args[i]);
            var f = c.getField(kv[0]);
            if (f.getType() == int.class) f.setInt(state, Integer.parseInt(kv[1]));
            else f.set(state, kv[1]);
        }
        c.getMethod("setup").invoke(state);
        MethodHandle call = MethodHandles.lookup().unreflect(c.getMethod(args[1]))
                .asType(MethodType.methodType(void.class, Object.class));
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            long b0 = threads.getThreadAllocatedBytes(tid);
            for (int k = 0; k < per; k++) call.invokeExact(state);
            long b1 = threads.getThreadAllocatedBytes(tid);
            System.out.printf("round %d: %.1f B/call %.3f ms/call%n", r, (b1 - b0) / (double) per, (System.nanoTime() - t0) / 1e6 / per);
        }
    }
}
