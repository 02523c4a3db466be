package io.jgrad.runtime;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The hand-written vector kernels ({@link VectorGemm}, {@link VectorDot}) allocate nothing and
 * give their bits in a JVM that used other vector shapes first, through the Vector API's
 * convenience methods ({@code fma}, {@code add}, {@code intoArray} on 128-, 256- and 512-bit
 * vectors): the profiles of the JDK's shared call sites then hold several classes, as in any
 * application that also vectorises something of its own. Before the kernels made every call on a
 * vector of an exact class this test failed every time: 478 kB per F32 + F64 product in
 * VectorGemm (and GemmLoweringTest.allocatesNothing once saw 5.6 MB per call in CI), 96 MB per
 * F32 + F64 batch in VectorDot (every operation boxed).
 * Runs in a JVM of its own (runtime's vector-path execution forks one per test class), so these
 * profiles exist before C2 compiles the kernels; without the module it checks nothing.
 */
class VectorProfileTest {
    @BeforeAll
    static void useOtherShapesFirst() {
        if (Gemm.enabled()) OtherShapes.use();
    }

    /** Loaded only with the module (the scalar-path execution runs this class too). */
    private static final class OtherShapes {
        static void use() {
            float[] x = new float[64];
            double[] y = new double[64];
            for (int round = 0; round < 1000; round++) {
                java.util.Arrays.fill(x, 0.5f);
                java.util.Arrays.fill(y, 0.5);
                for (VectorSpecies<Float> s : java.util.List.of(FloatVector.SPECIES_128, FloatVector.SPECIES_256, FloatVector.SPECIES_512)) {
                    for (int i = 0; i + s.length() <= x.length; i += s.length()) {
                        FloatVector a = FloatVector.fromArray(s, x, i), b = FloatVector.broadcast(s, x[i]);
                        a.fma(b, a).add(b).mul(a).intoArray(x, i);
                    }
                }
                for (VectorSpecies<Double> s : java.util.List.of(DoubleVector.SPECIES_128, DoubleVector.SPECIES_256, DoubleVector.SPECIES_512)) {
                    for (int i = 0; i + s.length() <= y.length; i += s.length()) {
                        DoubleVector a = DoubleVector.fromArray(s, y, i), b = DoubleVector.broadcast(s, y[i]);
                        a.fma(b, a).add(b).mul(a).intoArray(y, i);
                    }
                }
            }
        }
    }

    /** Batches of 200 calls until one allocates nothing, for at most 20 s (until C2 is done the code runs in C1, which boxes); the last batch's bytes per call. */
    private static long bytesPerCallOnceCompiled(Runnable call) {
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long per = Long.MAX_VALUE, start = System.nanoTime();
        while (per >= 64 && System.nanoTime() - start < 20_000_000_000L) {
            long before = tb.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 200; i++) call.run();
            per = (tb.getCurrentThreadAllocatedBytes() - before) / 200;
        }
        return per;
    }

    /** Packing and the kernel, F32 and F64, three blocks of k (gapped merges), edge tiles both ways. */
    @Test
    void gemmAllocatesNothing() {
        if (!Gemm.enabled()) return;
        int m = 37, k = 263, n = 53;
        SplittableRandom r = new SplittableRandom(3);
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n], w = new float[VectorGemm.scratch(false, m, k, n)];
        double[] da = new double[m * k], db = new double[k * n], dc = new double[m * n], dw = new double[VectorGemm.scratch(true, m, k, n)];
        for (int i = 0; i < a.length; i++) da[i] = a[i] = (float) r.nextDouble(-1, 1);
        for (int i = 0; i < b.length; i++) db[i] = b[i] = (float) r.nextDouble(-1, 1);
        int pb = VectorGemm.roundUp(m, VectorGemm.MR) * k;
        long per = bytesPerCallOnceCompiled(() -> {
            VectorGemm.packA(a, 0, k, 1, m, k, w, 0);
            VectorGemm.packB(b, 0, n, 1, k, n, w, pb);
            VectorGemm.run(w, 0, m, k, n, c, 0);
            VectorGemm.packA(da, 0, k, 1, m, k, dw, 0);
            VectorGemm.packB(db, 0, n, 1, k, n, dw, pb);
            VectorGemm.run(dw, 0, m, k, n, dc, 0);
        });
        assertTrue(per < 64, per + " B per F32 + F64 product");
        float[] ref = new float[m * n];
        Summation.matmulFused(a, b, ref, m, k, n);
        assertArrayEquals(ref, c);
        double[] dref = new double[m * n];
        Summation.matmulFused(da, db, dref, m, k, n);
        assertArrayEquals(dref, dc);
    }

    /** ScalarGemm's products with rows of A and columns of B contiguous (GMM's G·Cᵀ), which run in VectorDot: 5 x [20,1000]·[1000,20], B stored transposed. */
    @Test
    void dotAllocatesNothing() {
        if (!Gemm.enabled()) return;
        int m = 20, k = 1000, n = 20, batch = 5;
        SplittableRandom r = new SplittableRandom(5);
        float[] a = new float[batch * m * k], bt = new float[batch * n * k], c = new float[batch * m * n], w = new float[ScalarGemm.scratch(m, k, n)];
        double[] da = new double[a.length], dbt = new double[bt.length], dc = new double[c.length], dw = new double[w.length];
        for (int i = 0; i < a.length; i++) da[i] = a[i] = (float) r.nextDouble(-1, 1);
        for (int i = 0; i < bt.length; i++) dbt[i] = bt[i] = (float) r.nextDouble(-1, 1);
        long per = bytesPerCallOnceCompiled(() -> {
            ScalarGemm.batched(a, 0, m * k, k, 1, bt, 0, n * k, 1, k, batch, m, k, n, c, 0, w, 0);
            ScalarGemm.batched(da, 0, m * k, k, 1, dbt, 0, n * k, 1, k, batch, m, k, n, dc, 0, dw, 0);
        });
        assertTrue(per < 64, per + " B per F32 + F64 batch");
        for (int bi = 0; bi < batch; bi++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int at = bi * m * n + i * n + j, ar = bi * m * k + i * k, br = bi * n * k + j * k;
                    assertEquals(Summation.dot(a, ar, 1, bt, br, 1, k), c[at], "f32 " + bi + " " + i + " " + j);
                    assertEquals(Summation.dot(da, ar, 1, dbt, br, 1, k), dc[at], "f64 " + bi + " " + i + " " + j);
                }
            }
        }
    }
}
