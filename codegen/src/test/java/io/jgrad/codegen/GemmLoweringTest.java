package io.jgrad.codegen;

import io.jgrad.ir.Builder;
import io.jgrad.ir.Composites;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Interpreter;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import io.jgrad.runtime.Gemm;
import io.jgrad.runtime.Summation;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Matmuls above {@link Gemm}'s threshold ({@link GemmLowering}): on the vector path the generated
 * code packs its operands and calls the register-blocked kernel; every entry point gives the
 * bits of {@link Summation#dotFused} per element (Ref and the IR interpreter agree); on the
 * scalar path nothing changes. Shapes with edge tiles, several k blocks and a k % 4 tail; the
 * backward products read transposed views, and a fused operand is packed from its expression.
 */
class GemmLoweringTest {
    static final int M = 37, K = 129, N = 53;

    private static boolean callsKernel(Compiled c) {
        return new String(c.bytecode(), StandardCharsets.ISO_8859_1).contains("io/jgrad/runtime/VectorGemm");
    }

    /** sum(tanh(x·W) * y): forward x·W, backward g·Wᵀ and xᵀ·g, all above the threshold. */
    static Graph layer(DType d, boolean fusedOperand) {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.of(d, M, K)), w = b.input(1, "W", Type.of(d, K, N)), y = b.input(2, "y", Type.of(d, M, N));
        int left = fusedOperand ? Composites.tanh(b, x) : x;
        int h = Composites.tanh(b, Composites.matmul(b, left, w));
        return b.build(Composites.sum(b, Composites.mul(b, h, y)));
    }

    static final String[] NAMES = {"x", "W", "y"};
    static final boolean[] WRT = {true, true, false};

    @Test
    void everyEntryPointMatchesTheReference() {
        assertTrue(Gemm.applies(M, K, N) && Gemm.applies(M, N, K) && Gemm.applies(K, M, N));
        for (boolean fused : new boolean[] {false, true}) {
            Graph g = layer(DType.F32, fused);
            CompileRequest req = Pipelines.request(g, NAMES, WRT);
            Compiled c = CodeGen.compile(req);
            Harness.checkClass(c);
            assertEquals(Simd.enabled(), callsKernel(c), c.toString());
            Random r = new Random(5);
            float[][] in = Pipelines.data(r, M * K, K * N, M * N, 1);
            for (int trial = 0; trial < 3; trial++) {
                String err = Harness.check(req, c, in);
                assertNull(err, err);
            }
        }
    }

    /** The forward product alone, F32 and F64, against Summation's definitions directly (not through Ref). */
    @Test
    void forwardBitsAreDotFusedOnTheVectorPath() {
        int[][] shapes = {{M, K, N}, {64, 784, 128}, {32, 300, 200}, {130, 17, 33}};
        Random r = new Random(9);
        for (int[] s : shapes) {
            int m = s[0], k = s[1], n = s[2];
            for (DType d : new DType[] {DType.F32, DType.F64}) {
                Builder b = new Builder();
                int x = b.input(0, "a", Type.of(d, m, k)), w = b.input(1, "b", Type.of(d, k, n));
                Graph g = b.build(Composites.matmul(b, x, w));
                Compiled c = Pipelines.compile(g, new String[] {"a", "b"}, new boolean[] {false, false});
                String tag = d + " " + m + "x" + k + "x" + n;
                if (d == DType.F32) {
                    float[][] in = Pipelines.data(r, m * k, k * n);
                    float[] got = new float[m * n], ref = new float[m * n], plain = new float[m * n];
                    c.forward(in, got);
                    if (Simd.enabled()) Summation.matmulFused(in[0], in[1], ref, m, k, n);
                    else Summation.matmul(in[0], in[1], ref, m, k, n);
                    assertArrayEquals(ref, got, tag);
                    assertArrayEquals(ref, Interpreter.run(g, in)[0], tag + " interpreter");
                    Summation.matmul(in[0], in[1], plain, m, k, n);
                    if (Simd.enabled()) assertFalse(java.util.Arrays.equals(plain, got), tag + ": the kernel ran (fma changes bits)");
                } else {
                    double[][] in = new double[2][];
                    in[0] = r.doubles(m * k, -1, 1).toArray();
                    in[1] = r.doubles(k * n, -1, 1).toArray();
                    double[] got = new double[m * n], ref = new double[m * n];
                    c.forward(in, got);
                    if (Simd.enabled()) Summation.matmulFused(in[0], in[1], ref, m, k, n);
                    else Summation.matmul(in[0], in[1], ref, m, k, n);
                    assertArrayEquals(ref, got, tag);
                    assertArrayEquals(ref, Interpreter.run(g, in)[0], tag + " interpreter");
                }
            }
        }
    }

    /**
     * Both packings of an operand: a stored input goes through VectorGemm.packA/packB (strips, vector
     * copies of B's rows), a fused left one (-a: exact, so the reference is known) through the generated
     * loop; every mix (also -b, which the planner stores) gives dotFused's bits. Edge shapes: m, n, k not multiples of either tile height
     * (6, 12) or width, k over three blocks of 128 with a k % 4 tail, n below one strip's width.
     */
    @Test
    void storedAndFusedOperandsPackToTheSameBits() {
        int[][] shapes = {{43, 263, 70}, {50, 130, 17}, {37, 129, 53}};
        Random r = new Random(13);
        for (int[] s : shapes) {
            int m = s[0], k = s[1], n = s[2];
            for (int mix = 0; mix < 4; mix++) {
                boolean fusedA = (mix & 1) != 0, fusedB = (mix & 2) != 0;
                for (DType d : new DType[] {DType.F32, DType.F64}) {
                    Builder b = new Builder();
                    int x = b.input(0, "a", Type.of(d, m, k)), w = b.input(1, "b", Type.of(d, k, n));
                    Graph g = b.build(Composites.matmul(b, fusedA ? Composites.neg(b, x) : x, fusedB ? Composites.neg(b, w) : w));
                    Compiled c = Pipelines.compile(g, new String[] {"a", "b"}, new boolean[] {false, false});
                    String tag = d + " " + m + "x" + k + "x" + n + " fusedA=" + fusedA + " fusedB=" + fusedB;
                    String code = new String(c.bytecode(), StandardCharsets.ISO_8859_1);
                    assertEquals(Simd.enabled() && !fusedA, code.contains("packA"), tag);
                    // a fused right operand is read m times, so the planner stores it first: then packB too
                    if (!fusedB) assertEquals(Simd.enabled(), code.contains("packB"), tag);
                    double[] a = r.doubles(m * k, -1, 1).toArray(), bb = r.doubles(k * n, -1, 1).toArray();
                    double[] ra = a.clone(), rb = bb.clone();   // the operands the product sees
                    if (fusedA) for (int i = 0; i < ra.length; i++) ra[i] = -ra[i];
                    if (fusedB) for (int i = 0; i < rb.length; i++) rb[i] = -rb[i];
                    if (d == DType.F32) {
                        float[][] in = {toFloat(a), toFloat(bb)};
                        float[] got = new float[m * n], ref = new float[m * n];
                        c.forward(in, got);
                        if (Simd.enabled()) Summation.matmulFused(toFloat(ra), toFloat(rb), ref, m, k, n);
                        else Summation.matmul(toFloat(ra), toFloat(rb), ref, m, k, n);
                        assertArrayEquals(ref, got, tag);
                    } else {
                        double[] got = new double[m * n], ref = new double[m * n];
                        c.forward(new double[][] {a, bb}, got);
                        if (Simd.enabled()) Summation.matmulFused(ra, rb, ref, m, k, n);
                        else Summation.matmul(ra, rb, ref, m, k, n);
                        assertArrayEquals(ref, got, tag);
                    }
                }
            }
        }
    }

    private static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
        return f;
    }

    /** aᵀ·bᵀ from explicit transposes: the packing reads the views in place. */
    @Test
    void transposedOperands() {
        int m = 40, k = 70, n = 50;
        Builder b = new Builder();
        int at = b.input(0, "at", Type.of(DType.F32, k, m)), bt = b.input(1, "bt", Type.of(DType.F32, n, k));
        Graph g = b.build(Composites.matmul(b, Composites.transpose(b, at, 0, 1), Composites.transpose(b, bt, 0, 1)));
        Compiled c = Pipelines.compile(g, new String[] {"at", "bt"}, new boolean[] {false, false});
        float[][] in = Pipelines.data(new Random(2), k * m, n * k);
        float[] a = new float[m * k], bb = new float[k * n];
        for (int i = 0; i < m; i++) for (int q = 0; q < k; q++) a[i * k + q] = in[0][q * m + i];
        for (int q = 0; q < k; q++) for (int j = 0; j < n; j++) bb[q * n + j] = in[1][j * k + q];
        float[] got = new float[m * n], ref = new float[m * n];
        c.forward(in, got);
        if (Simd.enabled()) Summation.matmulFused(a, bb, ref, m, k, n);
        else Summation.matmul(a, bb, ref, m, k, n);
        assertArrayEquals(ref, got);
        assertEquals(Simd.enabled(), callsKernel(c));
    }

    /**
     * 0 bytes per call: the packing buffers are the function's workspace. Judged once C2 has
     * compiled the kernel: batches of 200 calls until one allocates nothing, for at most
     * AllocationTest's patience (until C2 is done the vector code runs in C1, which boxes; a
     * fixed 2000-call warm-up was not always enough on a loaded machine).
     */
    @Test
    void allocatesNothing() {
        Graph g = layer(DType.F32, false);
        Compiled c = Pipelines.compile(g, NAMES, WRT);
        float[][] in = Pipelines.data(new Random(1), M * K, K * N, M * N);
        float[][] grads = {new float[M * K], new float[K * N], null};
        io.jgrad.runtime.Workspace ws = c.newWorkspace();
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long per = Long.MAX_VALUE, start = System.nanoTime();
        while (per >= 64 && System.nanoTime() - start < AllocationTest.PATIENCE_NANOS) {
            long before = tb.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 200; i++) c.valueAndGrad(ws, in, grads);
            per = (tb.getCurrentThreadAllocatedBytes() - before) / 200;
        }
        assertTrue(per < 64, per + " B per call");
    }
}
