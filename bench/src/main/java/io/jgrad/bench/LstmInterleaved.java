package io.jgrad.bench;

import io.jgrad.bench.data.LstmData;
import io.jgrad.bench.handwritten.Lstm;
import io.jgrad.bench.models.Compile;
import io.jgrad.runtime.*;
import java.util.Arrays;
/**
 * LstmBench's compiled and hand-written calls alternated in one JVM, so both see the same load
 * (a shared machine moves JMH runs taken one after the other): after {@code args[0]} warm-up
 * pairs (the compiled chunks need a few hundred calls to reach C2), the medians of
 * {@code args[1]} timed pairs, the median per-pair ratio, and the bytes the compiled calls
 * allocated. {@code java -cp bench/target/benchmarks.jar io.jgrad.bench.LstmInterleaved 400 40}
 */
public final class LstmInterleaved {
    private LstmInterleaved() {}

    public static void main(String[] a) {
        LstmData d = LstmData.of("32x16x64x128");
        Compiled fn = Compile.lstm(d);
        Workspace ws = fn.newWorkspace();
        float[][] in = {d.W, d.b, d.X, d.Y};
        float[][] g = {new float[d.W.length], new float[d.b.length], null, null};
        Lstm h = new Lstm(d.batch, d.steps, d.in, d.hidden);
        float[] gW = new float[d.W.length], gb = new float[d.b.length];
        int warm = a.length > 0 ? Integer.parseInt(a[0]) : 400, n = a.length > 1 ? Integer.parseInt(a[1]) : 40;
        for (int r = 0; r < warm; r++) { fn.valueAndGrad(ws, in, g); h.valueAndGrad(d.W, d.b, d.X, d.Y, gW, gb); }
        long[] tc = new long[n], th = new long[n];
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId(), allocC = 0;
        for (int r = 0; r < n; r++) {
            long b0 = mx.getThreadAllocatedBytes(id);
            long t0 = System.nanoTime(); fn.valueAndGrad(ws, in, g); long t1 = System.nanoTime();
            allocC += mx.getThreadAllocatedBytes(id) - b0;
            h.valueAndGrad(d.W, d.b, d.X, d.Y, gW, gb); long t2 = System.nanoTime();
            tc[r] = t1 - t0; th[r] = t2 - t1;
        }
        long[] ratio = new long[n];
        for (int r = 0; r < n; r++) ratio[r] = 1000 * tc[r] / th[r];
        Arrays.sort(tc); Arrays.sort(th); Arrays.sort(ratio);
        System.out.printf("compiled median %.1f ms, hand-written median %.1f ms, median per-pair ratio %.3f, compiled allocated %d bytes over %d calls%n",
                tc[n / 2] / 1e6, th[n / 2] / 1e6, ratio[n / 2] / 1000.0, allocC, n);
    }
}
