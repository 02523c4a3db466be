package io.jgrad.bench;

import io.jgrad.bench.adbench.AdbenchReader;
import io.jgrad.bench.adbench.Hand;
import io.jgrad.bench.adbench.HandInput;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Thread CPU time per call of the Hand Jacobian and objective on ADBench files, in batches that
 * alternate (the calls share whatever load the machine has), median and minimum over the batches.
 * Usage: HandJacobianCpuTime FILE[,FILE] CALLS_PER_BATCH BATCHES. The Jacobian's strategy by
 * {@code -Djgrad.jacfwd}: {@code auto} (the default: lanes per colour of the structural pattern
 * when that is less work), {@code coloured}, {@code lanes} (one lane per column), {@code columns}
 * (looped forward passes); {@code -Djgrad.lanes=N} the chunk size.
 */
public final class HandJacobianCpuTime {
    private HandJacobianCpuTime() {}

    public static void main(String[] a) throws Exception {
        for (String file : a[0].split(",")) {
            HandInput in = AdbenchReader.readHand(java.nio.file.Path.of(file));
            Hand.Evaluator e = new Hand.Evaluator(in);
            double[] r = new double[e.rows()], j = new double[e.rows() * (in.complicated() ? 28 : 26)];
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            int n = Integer.parseInt(a[1]), reps = Integer.parseInt(a[2]);
            for (int i = 0; i < 3000; i++) { e.jacobian(r, j); e.objective(r); }   // warm-up
            double[] jt = new double[reps], ot = new double[reps];
            for (int rep = 0; rep < reps; rep++) {
                long t0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) e.jacobian(r, j);
                long t1 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) e.objective(r);
                long t2 = mx.getCurrentThreadCpuTime();
                jt[rep] = (t1 - t0) / 1e3 / n;
                ot[rep] = (t2 - t1) / 1e3 / n;
            }
            double sum = 0;
            for (double v : j) sum += v;
            Arrays.sort(jt); Arrays.sort(ot);
            System.out.printf("%s: jacobian median %.0f us (min %.0f), objective median %.1f us (min %.1f), ratio %.1f; jacobian sum %.15g%n",
                    in.complicated() ? "complicated" : "simple", jt[reps / 2], jt[0], ot[reps / 2], ot[0], jt[reps / 2] / ot[reps / 2], sum);
        }
    }
}
