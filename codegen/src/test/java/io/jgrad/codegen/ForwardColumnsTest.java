package io.jgrad.codegen;

import static org.junit.jupiter.api.Assertions.*;

import io.jgrad.ir.Builder;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Prim;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import io.jgrad.runtime.Workspace;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Forward-mode Jacobians whose columns travel in lanes (DerivedCode.LANES per chunk,
 * Derivatives.jacobianColumns) through the generated code, against closed forms: more columns
 * than one chunk of lanes (two chunks, a block split between them), past the chunk limit (the
 * looped passes), in F32 and F64, the same bits from four threads at once.
 *
 * <p>f(x, y)[3i + j] = sin(x_i)·y_j + x_i·Σy: d/dx_e = [e = i](cos(x_i)·y_j + Σy), d/dy_e = [e = j]·sin(x_i) + x_i.
 */
class ForwardColumnsTest {

    private static Graph outer(DType d, int n) {
        return outer(d, n, false);
    }

    /** With {@code coupled}, Σx is added to every element: every row depends on every x (a dense Jacobian). */
    private static Graph outer(DType d, int n, boolean coupled) {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.of(d, n)), y = b.input(1, "y", Type.of(d, 3));
        int outer = b.binary(Prim.MUL, b.broadcast(b.reshape(b.unary(Prim.SIN, x), n, 1), n, 3), b.broadcast(y, n, 3));
        int sumY = b.reduce(Prim.REDUCE_SUM, y, 0);
        int out = b.binary(Prim.ADD, outer, b.broadcast(b.reshape(b.binary(Prim.MUL, x, b.broadcast(sumY, n)), n, 1), n, 3));
        if (coupled) out = b.binary(Prim.ADD, out, b.broadcast(b.reduce(Prim.REDUCE_SUM, x, 0), n, 3));
        return b.build(b.reshape(out, 3 * n));
    }

    private static double[] xs(int n) {
        double[] x = new double[n];
        for (int k = 0; k < n; k++) x[k] = 0.05 * k - 1.5;
        return x;
    }

    private static final double[] YS = {0.5, -1.25, 2};

    /** Every element of both blocks against the closed form. */
    private static void checkF64(int n, double[] value, double[][] jac, double tol) {
        checkF64(n, value, jac, tol, false);
    }

    private static void checkF64(int n, double[] value, double[][] jac, double tol, boolean coupled) {
        double[] x = xs(n);
        double sy = YS[0] + YS[1] + YS[2], sx = 0;
        for (double v : x) sx += v;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < 3; j++) {
                int q = 3 * i + j;
                assertEquals(Math.sin(x[i]) * YS[j] + x[i] * sy + (coupled ? sx : 0), value[q], tol * 4 * (coupled ? 100 : 1), "value " + q);
                for (int e = 0; e < n; e++)
                    assertEquals((e == i ? Math.cos(x[i]) * YS[j] + sy : 0) + (coupled ? 1 : 0), jac[0][q * n + e], tol * 4, "d out[" + q + "] / dx[" + e + "]");
                for (int e = 0; e < 3; e++)
                    assertEquals((e == j ? Math.sin(x[i]) : 0) + x[i], jac[1][q * 3 + e], tol * 4, "d out[" + q + "] / dy[" + e + "]");
            }
    }

    private static double[][] jacobianF64(Compiled c, Workspace ws, int n, double[] value) {
        double[][] jac = {new double[3 * n * n], new double[3 * n * 3]};
        if (ws == null) c.jacobian(new double[][] {xs(n), YS.clone()}, value, jac);
        else c.jacobian(ws, new double[][] {xs(n), YS.clone()}, value, jac);
        return jac;
    }

    @Test
    void moreColumnsThanOneChunkF64() {
        // 40 + 3 columns: two chunks of 22 and 21 lanes, x's columns split between them
        assertTrue(40 + 3 > DerivedCode.LANES);
        Compiled c = Pipelines.compile(outer(DType.F64, 40), new String[] {"x", "y"}, new boolean[] {true, true});
        double[] value = new double[120];
        checkF64(40, value, jacobianF64(c, null, 40, value), 1e-15);
        assertTrue(kernelName(c).contains("$jacobianCols"), kernelName(c));
        double[] again = new double[120];
        checkF64(40, again, jacobianF64(c, c.newWorkspace(), 40, again), 1e-15);
    }

    @Test
    void pastTheChunkLimitThePassesLoop() {
        // 270 + 3 columns > MAX_CHUNKS × LANES, 810 rows, every row depending on every column
        // (nothing to colour): one looped pass per column, the same values
        assertTrue(270 + 3 > DerivedCode.MAX_CHUNKS * DerivedCode.LANES);
        Compiled c = Pipelines.compile(outer(DType.F64, 270, true), new String[] {"x", "y"}, new boolean[] {true, true});
        double[] value = new double[810];
        checkF64(270, value, jacobianF64(c, null, 270, value), 1e-15, true);
        assertTrue(kernelName(c).contains("$jacobianFwd"), kernelName(c));
    }

    @Test
    void colouredColumnsPastTheChunkLimitAreOneBody() {
        // the same 270 + 3 columns without the coupling: row 3i + j depends on x_i and y only, so
        // all of x's columns share one colour (one lane) and y's take three: one body of 4 lanes
        Compiled c = Pipelines.compile(outer(DType.F64, 270), new String[] {"x", "y"}, new boolean[] {true, true});
        double[] value = new double[810];
        checkF64(270, value, jacobianF64(c, null, 270, value), 1e-15);
        assertTrue(kernelName(c).contains("$jacobianCols"), kernelName(c));
        Workspace ws = c.newWorkspace();
        double[][] in = {xs(270), YS.clone()}, jac = {new double[810 * 270], new double[810 * 3]};
        AllocationTest.assertNoAllocation("coloured jacobian(ws)", () -> c.jacobian(ws, in, value, jac));
        checkF64(270, value, jac, 1e-15);
    }

    @Test
    void moreColumnsThanOneChunkF32() {
        Compiled c = Pipelines.compile(outer(DType.F32, 40), new String[] {"x", "y"}, new boolean[] {true, true});
        float[] x = new float[40];
        double[] xd = xs(40);
        for (int k = 0; k < 40; k++) x[k] = (float) xd[k];
        float[] value = new float[120];
        float[][] jac = {new float[120 * 40], new float[120 * 3]};
        c.jacobian(new float[][] {x, {0.5f, -1.25f, 2f}}, value, jac);
        double[] v64 = new double[120];
        double[][] j64 = {new double[jac[0].length], new double[jac[1].length]};
        for (int k = 0; k < 120; k++) v64[k] = value[k];
        for (int b = 0; b < 2; b++) for (int k = 0; k < jac[b].length; k++) j64[b][k] = jac[b][k];
        checkF64(40, v64, j64, 2e-6);
        // only x's block: one chunk of 40 lanes would be more than LANES, so two of 20
        float[][] onlyX = {new float[120 * 40], null};
        c.jacobian(new float[][] {x, {0.5f, -1.25f, 2f}}, new float[120], onlyX);
        assertArrayEquals(jac[0], onlyX[0], "x's block alone, the same bits");
    }

    /** The class name of the Jacobian kernel the last call used (Compiled.lastJacobian, by reflection: tests only). */
    static String kernelName(Compiled c) {
        try {
            java.lang.reflect.Field f = Compiled.class.getDeclaredField("lastJacobian");
            f.setAccessible(true);
            Object k = f.get(c);
            java.lang.reflect.Method m = k.getClass().getDeclaredMethod("kernel");
            m.setAccessible(true);
            return m.invoke(k).getClass().getName();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everyThreadGetsTheSameBits() throws Exception {
        Compiled c = Pipelines.compile(outer(DType.F64, 40), new String[] {"x", "y"}, new boolean[] {true, true});
        double[] v0 = new double[120];
        double[][] want = jacobianF64(c, null, 40, v0);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<?>[] f = new Future<?>[4];
            for (int t = 0; t < 4; t++) {
                boolean own = t % 2 == 0;
                f[t] = pool.submit(() -> {
                    Workspace ws = own ? c.newWorkspace() : null;
                    for (int r = 0; r < 2000; r++) {
                        double[] v = new double[120];
                        double[][] jac = jacobianF64(c, ws, 40, v);
                        if (!Arrays.equals(v0, v) || !Arrays.equals(want[0], jac[0]) || !Arrays.equals(want[1], jac[1]))
                            throw new AssertionError("a thread got other bits at call " + r);
                    }
                    return null;
                });
            }
            for (Future<?> x : f) x.get();
        } finally {
            pool.shutdown();
        }
    }
}
