package io.jgrad.codegen;

import io.jgrad.ir.Builder;
import io.jgrad.ir.Composites;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import io.jgrad.runtime.Workspace;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The vector path ({@link Simd}, {@link VectorLowering}). Runs in both surefire executions: the
 * path checks everywhere, the numerics where the JVM has {@code jdk.incubator.vector}. The other
 * suites run there too, but their kernels are called a few times each, so they run interpreted,
 * where {@code lanewise} computes each lane with {@code Math} (the scalar path's bits); the tests
 * here call each kernel 20,000 times first, so C2 compiles it to SVML-style vector code.
 */
class VectorPathTest {
    static final int N = 1003;   // 62 vectors of 16 floats (125 of 8 doubles) and a scalar tail
    static final int WARM = 10_000;

    private static boolean usesVectors(Compiled c) {
        return new String(c.bytecode(), StandardCharsets.ISO_8859_1).contains("jdk/incubator/vector/");
    }

    private static Graph elementwise(DType d, BiFunction<Builder, Integer, Integer> f) {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.of(d, N));
        return b.build(f.apply(b, x));
    }

    /**
     * Loop nests under {@link VectorLowering#MIN_ITERATIONS} stay scalar on either path: a
     * function with only such loops (a logsumexp of 100 weights, as GMM's mixture weights) holds
     * no vector code and allocates nothing in its first calls, which run interpreted or in C1
     * (on the vector path they allocated 7-11 kB per call until C2 compiled the chunk); the
     * 128-element version is vectorised. Both give the scalar loop's bits (the same additions).
     */
    @Test
    void shortLoopNestsStayScalar() {
        for (DType d : new DType[] {DType.F32, DType.F64}) {
            for (int n : new int[] {100, 127, 128}) {
                Builder b = new Builder();
                int x = b.input(0, "x", Type.of(d, n));
                Compiled c = Pipelines.compile(b.build(Composites.logsumexp(b, x, 0, false)), new String[] {"x"}, new boolean[] {true});
                assertEquals(Simd.enabled() && n >= VectorLowering.MIN_ITERATIONS, usesVectors(c), n + " " + d + " " + c);
                if (n >= VectorLowering.MIN_ITERATIONS) continue;
                com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
                Workspace ws = c.newWorkspace();
                long before;
                if (d == DType.F32) {
                    float[][] in = Pipelines.data(new Random(7), n), g = {new float[n]};
                    c.valueAndGrad(ws, in, g);
                    before = tb.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < 20; i++) c.valueAndGrad(ws, in, g);
                } else {
                    double[][] in = Pipelines.dataF64(new Random(7), n), g = {new double[n]};
                    c.valueAndGrad(ws, in, g);
                    before = tb.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < 20; i++) c.valueAndGrad(ws, in, g);
                }
                assertEquals(0, tb.getCurrentThreadAllocatedBytes() - before, n + " " + d + ": bytes over 20 early calls");
            }
        }
    }

    @Test
    void compiledSaysWhichPathAndScalarCanBeForced() {
        Graph g = elementwise(DType.F32, Composites::exp);
        boolean before = Simd.enabled();
        try {
            Compiled c = Pipelines.compile(g, new String[] {"x"}, new boolean[] {true});
            assertEquals(Simd.AVAILABLE && !"false".equals(System.getProperty("jgrad.simd")), Simd.enabled());
            assertEquals(Simd.enabled(), usesVectors(c), c.toString());
            assertTrue(c.toString().endsWith(Simd.enabled() ? "vector path (jdk.incubator.vector, " + Simd.BITS + "-bit: F32x"
                    + Simd.BITS / 32 + ", F64x" + Simd.BITS / 64 + ")" : "scalar path (no jdk.incubator.vector)"), c.toString());
            Simd.force(false);
            Compiled s = Pipelines.compile(g, new String[] {"x"}, new boolean[] {true});
            assertFalse(usesVectors(s));
            assertTrue(s.toString().contains(", scalar path ("), s.toString());
            if (!Simd.AVAILABLE) assertThrows(IllegalStateException.class, () -> Simd.force(true));
        } finally {
            if (Simd.AVAILABLE) Simd.force(before);
        }
    }

    /** op, its double rule, the input range. */
    record Op(String name, BiFunction<Builder, Integer, Integer> graph, DoubleUnaryOperator rule, double lo, double hi) {}

    static final Op[] TRANSCENDENTALS = {
            new Op("exp", Composites::exp, Math::exp, -80, 80),
            new Op("log", Composites::log, Math::log, 1e-6, 1e6),
            new Op("log1p", Composites::log1p, Math::log1p, -0.9, 50),
            new Op("expm1", Composites::expm1, Math::expm1, -20, 20),
            new Op("sin", Composites::sin, Math::sin, -30, 30),
            new Op("cos", Composites::cos, Math::cos, -30, 30),
            new Op("tanh", Composites::tanh, Math::tanh, -12, 12),
            new Op("sinh", Composites::sinh, Math::sinh, -20, 20),
            new Op("cosh", Composites::cosh, Math::cosh, -20, 20),
            new Op("log10", Composites::log10, Math::log10, 1e-6, 1e6),
            new Op("sigmoid", Composites::sigmoid, x -> 1 / (1 + Math.exp(-x)), -40, 40),
            new Op("softplus", Composites::softplus, x -> x > 20 ? x : Math.log1p(Math.exp(x)), -30, 30),
    };

    /** Ulps of the vector results from the correctly rounded ones: the README's "within a few ulp". */
    static final int MAX_ULPS = 4;

    @Test
    void transcendentalsAreWithinAFewUlpOnceCompiled() {
        assumeTrue(Simd.enabled(), "the vector path needs --add-modules jdk.incubator.vector");
        StringBuilder report = new StringBuilder();
        for (DType d : new DType[] {DType.F32, DType.F64}) {
            for (Op op : TRANSCENDENTALS) {
                Compiled c = Pipelines.compile(elementwise(d, op.graph()), new String[] {"x"}, new boolean[] {true});
                // F32 softplus stays scalar (its rule rounds once, after log1p(exp(x)) in double)
                if (!(d == DType.F32 && op.name().equals("softplus"))) assertTrue(usesVectors(c), op.name() + " " + d + " stayed scalar");
                Random r = new Random(op.name().hashCode());
                double[] x = new double[N];
                for (int i = 0; i < N; i++) x[i] = op.lo() + (op.hi() - op.lo()) * r.nextDouble();
                double worst = 0;
                if (d == DType.F32) {
                    float[] xf = new float[N], out = new float[N];
                    for (int i = 0; i < N; i++) xf[i] = (float) x[i];
                    Workspace ws = c.newWorkspace();
                    for (int w = 0; w < WARM; w++) c.forward(ws, new float[][] {xf}, out);
                    for (int i = 0; i < N; i++) {
                        float want = (float) op.rule().applyAsDouble(xf[i]);
                        double ulps = Math.abs((double) out[i] - want) / Math.ulp(want);
                        assertTrue(ulps <= MAX_ULPS, op.name() + " f32 at " + xf[i] + ": " + out[i] + " against " + want + " (" + ulps + " ulp)");
                        worst = Math.max(worst, ulps);
                    }
                } else {
                    double[] out = new double[N];
                    Workspace ws = c.newWorkspace();
                    for (int w = 0; w < WARM; w++) c.forward(ws, new double[][] {x}, out);
                    for (int i = 0; i < N; i++) {
                        double want = op.rule().applyAsDouble(x[i]);
                        double ulps = Math.abs(out[i] - want) / Math.ulp(want);
                        assertTrue(ulps <= MAX_ULPS, op.name() + " f64 at " + x[i] + ": " + out[i] + " against " + want + " (" + ulps + " ulp)");
                        worst = Math.max(worst, ulps);
                    }
                }
                report.append(op.name()).append(' ').append(d).append(' ').append(worst).append(" ulp; ");
            }
        }
        System.out.println("vector transcendentals, worst over " + N + " points: " + report);
    }

    /**
     * IEEE-exact operations in vectors — arithmetic, max/min (NaN, -0.0), comparisons and select
     * with NaN, sqrt, a broadcast along the innermost axis, sums over blocks (four accumulators
     * as four lanes), a matrix-vector product — give the scalar path's bits, Summation's order
     * included, once C2 has compiled them: every entry point bit-identical to Ref.
     */
    @Test
    void exactOperationsAndSumsKeepTheScalarBitsOnceCompiled() {
        assumeTrue(Simd.enabled(), "the vector path needs --add-modules jdk.incubator.vector");
        for (DType d : new DType[] {DType.F32, DType.F64}) {
            Builder b = new Builder();
            int rows = 7, cols = 300;
            int x = b.input(0, "x", Type.of(d, rows, cols)), bias = b.input(1, "bias", Type.of(d, cols));
            int w = b.input(2, "w", Type.of(d, cols)), y = b.input(3, "y", Type.of(d, rows, cols));
            int h = Composites.add(b, x, bias);                                   // broadcast along rows, contiguous along cols
            int m = Composites.maximum(b, h, y);
            int sel = Composites.where(b, Composites.gt(b, h, y), Composites.mul(b, h, y), Composites.sub(b, m, Composites.sqrt(b, Composites.abs(b, y))));
            int mv = Composites.matmul(b, sel, w);                                 // [rows]: dot products of 300 terms
            int total = Composites.add(b, Composites.sum(b, Composites.div(b, sel, Composites.add(b, Composites.square(b, y), b.constant(Type.of(d), 1.0)))),
                    Composites.sum(b, Composites.mul(b, mv, mv)));
            Graph g = b.build(total);
            String[] names = {"x", "bias", "w", "y"};
            boolean[] wrt = {true, true, true, false};
            CompileRequest req = Pipelines.request(g, names, wrt);
            Compiled c = CodeGen.compile(req);
            Harness.checkClass(c);
            assertTrue(usesVectors(c));
            Random r = new Random(7);
            int[] sizes = {rows * cols, cols, cols, rows * cols, 1};
            if (d == DType.F32) {
                float[][] in = Pipelines.data(r, sizes);
                in[0][5] = Float.NaN;
                in[3][17] = Float.NaN;
                in[0][40] = -0.0f;
                in[1][40] = 0.0f;
                in[3][40] = 0.0f;
                warm(c, req, in);
                String e = Harness.check(req, c, in);
                assertNull(e, e);
            } else {
                double[][] in = Pipelines.dataF64(r, sizes);
                in[0][5] = Double.NaN;
                in[3][17] = Double.NaN;
                in[0][40] = -0.0;
                in[1][40] = 0.0;
                in[3][40] = 0.0;
                warm(c, req, in);
                String e = F64Harness.check(req, c, in);
                assertNull(e, e);
            }
        }
    }

    private static void warm(Compiled c, CompileRequest req, float[][] inWithSeed) {
        int n = req.inputCount();
        float[][] in = java.util.Arrays.copyOf(inWithSeed, n);
        float[][] grads = Harness.gradArrays(req);
        Workspace ws = c.newWorkspace();
        float[] out = new float[1];
        for (int i = 0; i < WARM; i++) {
            c.valueAndGrad(ws, in, grads);
            c.vjp(ws, in, inWithSeed[n], out, grads);
            c.forward(ws, in, out);
        }
    }

    private static void warm(Compiled c, CompileRequest req, double[][] inWithSeed) {
        int n = req.inputCount();
        double[][] in = java.util.Arrays.copyOf(inWithSeed, n);
        double[][] grads = F64Harness.gradArrays(req);
        Workspace ws = c.newWorkspace();
        double[] out = new double[1];
        for (int i = 0; i < WARM; i++) {
            c.valueAndGrad(ws, in, grads);
            c.vjp(ws, in, inWithSeed[n], out, grads);
            c.forward(ws, in, out);
        }
    }
}
