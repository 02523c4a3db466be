package io.jgrad.bench;

import io.jgrad.Arg;
import io.jgrad.Grad;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import io.jgrad.runtime.Gemm;
import io.jgrad.runtime.Workspace;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Where the register-blocked kernel starts to pay ({@link Gemm}'s threshold): for each shape,
 * C = A·B compiled twice on the vector path, once with the kernel and once with it turned off
 * ({@link Gemm#force}: the lane loops of before), timed by thread CPU time, round-robin batches,
 * median ns per call and their ratio. The thresholds are lowered ({@link Gemm#thresholds}) so
 * that the kernel runs on every shape listed (each has m &gt;= 4, k &gt;= 16, n &gt;= 16); the last
 * column says whether the shape is above the real threshold.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp benchmarks.jar io.jgrad.bench.GemmThreshold [batches]</pre>
 */
public final class GemmThreshold {
    private GemmThreshold() {}

    static volatile float sink;

    public static void main(String[] args) {
        if (!Gemm.enabled()) throw new IllegalStateException("needs --add-modules jdk.incubator.vector");
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        int[][] shapes = {{4, 16, 512}, {8, 32, 128}, {16, 16, 128}, {32, 32, 32}, {16, 64, 64}, {64, 64, 64}, {64, 128, 10},
                {64, 784, 128}, {784, 64, 128}, {64, 128, 128}, {128, 128, 128}, {256, 256, 256}};
        ThreadMXBean tb = ManagementFactory.getThreadMXBean();
        System.out.println("shape (m k n, F32) | kernel ns | lanes ns | kernel/lanes | above the threshold");
        for (int[] s : shapes) {
            int m = s[0], k = s[1], n = s[2];
            SplittableRandom r = new SplittableRandom(m * 31 + k * 7 + n);
            float[] x = new float[m * k], y = new float[k * n];
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble(-1, 1);
            for (int i = 0; i < y.length; i++) y[i] = (float) r.nextDouble(-1, 1);
            boolean applies = Gemm.applies(m, k, n);
            Gemm.thresholds(4, 1);
            Compiled[] c = new Compiled[2];
            for (int v = 0; v < 2; v++) {
                Gemm.force(v == 0);
                c[v] = Grad.compile((p, q) -> p.matmul(q), Arg.of(m, k).dtype(DType.F32).named("a"), Arg.of(k, n).dtype(DType.F32).named("b"));
            }
            Gemm.force(true);
            Gemm.thresholds(Gemm.MIN_M, Gemm.MIN_WORK);
            Workspace[] ws = {c[0].newWorkspace(), c[1].newWorkspace()};
            float[][] in = {x, y};
            float[] out = new float[m * n];
            long calls = Math.max(1, 40_000_000L / ((long) m * k * n + 1000));
            double[][] ns = new double[2][batches];
            for (int b = -3; b < batches; b++) {   // 3 warm-up rounds
                for (int v = 0; v < 2; v++) {
                    long t0 = tb.getCurrentThreadCpuTime();
                    for (long i = 0; i < calls; i++) c[v].forward(ws[v], in, out);
                    sink += out[0];
                    if (b >= 0) ns[v][b] = (tb.getCurrentThreadCpuTime() - t0) / (double) calls;
                }
            }
            Arrays.sort(ns[0]);
            Arrays.sort(ns[1]);
            double kern = ns[0][batches / 2], lanes = ns[1][batches / 2];
            System.out.printf("%d x %d x %d | %.0f | %.0f | %.2f | %s%n", m, k, n, kern, lanes, kern / lanes, applies);
        }
    }
}
