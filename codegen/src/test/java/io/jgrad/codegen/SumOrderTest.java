package io.jgrad.codegen;

import io.jgrad.ir.Builder;
import io.jgrad.ir.Composites;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Prim;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.Summation;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Sums and matmuls at the sizes the random programs never reach (more than one block of
 * {@link Summation#BLOCK}, several reduced axes, column sums, long inner dimensions), through
 * every entry point, bit-identical to the reference executor (which calls {@link Summation}
 * with the shapes alone).
 */
class SumOrderTest {
    /** Term counts around Summation's boundaries: the 4-tail, one block, powers of two of blocks. */
    static final int[] COUNTS = {2, 3, 4, 5, 7, 127, 128, 129, 257, 300, 1000, 4 * 128, 9 * 128 + 3};

    private static void check(Graph fwd, String[] names, boolean[] wrt, long seed) {
        CompileRequest req = Pipelines.request(fwd, names, wrt);
        Compiled c = CodeGen.compile(req);
        Harness.checkClass(c);
        Random r = new Random(seed);
        float[][] in = new float[names.length + 1][];
        for (int i = 0; i < names.length; i++) in[i] = gaussian(r, Type.f32(req.inputShapes[i]).size());
        in[names.length] = gaussian(r, Type.f32(req.outputShape).size());
        String err = Harness.check(req, c, in);
        if (err != null) fail(err + "\nforward:\n" + io.jgrad.ir.Printer.print(req.forward) + "vjp:\n" + io.jgrad.ir.Printer.print(req.vjp));
    }

    private static float[] gaussian(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (r.nextGaussian() * Math.pow(2, r.nextInt(12) - 6));
        return a;
    }

    @Test
    void fusedFullSums() {
        for (int n : COUNTS) {
            Builder b = new Builder();
            int x = b.input(0, "x", Type.f32(n)), y = b.input(1, "y", Type.f32(n));
            check(b.build(Composites.sum(b, Composites.mul(b, Composites.sin(b, x), y))), new String[] {"x", "y"}, new boolean[] {true, true}, n);
        }
    }

    @Test
    void rowColumnAndMultiAxisSums() {
        int[][] shapes = {{3, 300}, {300, 3}, {129, 17}, {4, 5}, {5, 4}, {2, 1000}, {1000, 2}, {3, 1, 130}, {130, 1, 3}};
        for (int[] s : shapes) {
            for (int axis = 0; axis < s.length; axis++) {
                Builder b = new Builder();
                int x = b.input(0, "x", Type.f32(s));
                // a per-axis sum feeding a nonlinear function so every partial matters in the gradient too
                int red = Composites.sum(b, Composites.exp(b, Composites.mul(b, x, b.constant(Type.f32(), 0.01f))), axis);
                check(b.build(Composites.sum(b, Composites.tanh(b, red))), new String[] {"x"}, new boolean[] {true}, axis * 31 + s[0]);
            }
        }
        // several reduced axes: kept outermost, kept in the middle (read with strides), all
        int[][] axesList = {{1, 2}, {0, 2}, {0, 1}, {0, 1, 2}, {2}, {0}};
        for (int[] axes : axesList) {
            Builder b = new Builder();
            int x = b.input(0, "x", Type.f32(3, 50, 140));
            int red = b.reduce(Prim.REDUCE_SUM, Composites.square(b, x), axes);
            int out = b.type(red).size() == 1 ? red : Composites.sum(b, Composites.sin(b, red));
            check(b.build(out), new String[] {"x"}, new boolean[] {true}, axes.length * 7 + axes[0]);
        }
    }

    @Test
    void broadcastAdjointsAreColumnAndRowSums() {
        // d bias of x + bias: a sum over the batch axis (lanes), and over a trailing axis
        for (int batch : new int[] {3, 4, 200}) {
            Builder b = new Builder();
            int x = b.input(0, "x", Type.f32(batch, 9)), bias = b.input(1, "bias", Type.f32(9)), col = b.input(2, "col", Type.f32(batch, 1));
            int h = Composites.tanh(b, Composites.add(b, Composites.add(b, x, bias), col));
            check(b.build(Composites.mean(b, h)), new String[] {"x", "bias", "col"}, new boolean[] {false, true, true}, batch);
        }
    }

    @Test
    void matmulsAccumulateInSummationOrder() {
        // n = 1 with m >= 4: the gradient of w is tanh(a)ᵀ·g, run in lanes over the rows of tanh(a)
        // (Plan.matmulRowLanes); m = 300, 1000 cross blocks of 128 there
        int[][] mkn = {{3, 2, 5}, {3, 3, 1}, {4, 4, 7}, {2, 5, 1}, {1, 130, 6}, {5, 300, 1}, {4, 300, 9}, {1, 256, 1}, {7, 129, 3},
                {4, 6, 1}, {300, 9, 1}, {1000, 64, 1}, {129, 2, 1}};
        for (int[] d : mkn) {
            Builder b = new Builder();
            int a = b.input(0, "a", Type.f32(d[0], d[1])), w = b.input(1, "w", Type.f32(d[1], d[2]));
            int mm = Composites.matmul(b, Composites.tanh(b, a), w);
            check(b.build(Composites.sum(b, Composites.sin(b, mm))), new String[] {"a", "w"}, new boolean[] {true, true}, d[1]);
        }
    }

    @Test
    void theLongSumsAboveAreOrderSensitive() {
        // so the bit-exact checks above can fail: Summation differs from a running sum and from the
        // old four accumulators over the whole run, on the same kind of data
        float[] x = gaussian(new Random(3), 9 * 128 + 3);
        float running = -0f;
        float[] acc = {-0f, -0f, -0f, -0f};
        for (int i = 0; i < x.length; i++) {
            running += x[i];
            acc[i < (x.length & ~3) ? i % 4 : 0] += x[i];
        }
        float s = Summation.sum(x, 0, x.length, 1);
        assertNotEquals(running, s);
        assertNotEquals((acc[0] + acc[1]) + (acc[2] + acc[3]), s);
    }
}
