package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The user-op lowering: broadcasting, torch.matmul's rules, axes, reshape, and errors naming op and shapes. */
class CompositesTest {

    private static float[] run(Builder b, int out, float[]... inputs) {
        return Interpreter.run(b.build(out), inputs)[0];
    }

    @Test
    void binaryOpsBroadcastLikeNumPy() {
        Builder b = new Builder();
        int col = b.input(0, "col", Type.f32(3, 1)), row = b.input(1, "row", Type.f32(4));
        int s = Composites.sub(b, col, row);
        assertEquals(Type.f32(3, 4), b.type(s));
        assertArrayEquals(new float[] {0, -1, -2, -3, 10, 9, 8, 7, 20, 19, 18, 17}, run(b, s, new float[] {1, 11, 21}, new float[] {1, 2, 3, 4}));

        Builder b2 = new Builder();
        int scalar = b2.input(0, "s", Type.f32()), m = b2.input(1, "m", Type.f32(2, 3));
        int d = Composites.div(b2, scalar, m);
        assertEquals(Type.f32(2, 3), b2.type(d));
        assertArrayEquals(new float[] {6, 3, 2, 1.5f, 1.2f, 1}, run(b2, d, new float[] {6}, new float[] {1, 2, 3, 4, 5, 6}));
    }

    @Test
    void floatOperands() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32(2));
        int y = Composites.add(b, Composites.mul(b, Composites.rsub(b, x, 10f), 0.5f), -1f);   // (10 - x)/2 - 1
        assertArrayEquals(new float[] {3, 1}, run(b, y, new float[] {2, 6}));
    }

    @Test
    void rdivIsReciprocalTimesConstantAsPyTorch() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32());
        float[] v = run(b, Composites.rdiv(b, x, 2.5f), new float[] {3});
        assertEquals((1f / 3f) * 2.5f, v[0]);   // torch: 2.5 / x is x.reciprocal() * 2.5
    }

    @Test
    void matmulFollowsTorchForOneAndTwoDimensions() {
        float[] a = {1, 2, 3, 4, 5, 6};   // as [2,3]
        float[] v = {1, 0, -1};
        float[] w = {1, 2};
        Builder b1 = new Builder();
        int mv = Composites.matmul(b1, b1.input(0, "a", Type.f32(2, 3)), b1.input(1, "v", Type.f32(3)));
        assertEquals(Type.f32(2), b1.type(mv));
        assertArrayEquals(new float[] {-2, -2}, run(b1, mv, a, v));

        Builder b2 = new Builder();
        int vm = Composites.matmul(b2, b2.input(0, "w", Type.f32(2)), b2.input(1, "a", Type.f32(2, 3)));
        assertEquals(Type.f32(3), b2.type(vm));
        assertArrayEquals(new float[] {9, 12, 15}, run(b2, vm, w, a));

        Builder b3 = new Builder();
        int vv = Composites.matmul(b3, b3.input(0, "v", Type.f32(3)), b3.input(1, "u", Type.f32(3)));
        assertEquals(Type.f32(), b3.type(vv));
        assertArrayEquals(new float[] {-2}, run(b3, vv, v, new float[] {1, 2, 3}));

        Builder b4 = new Builder();
        int mm = Composites.matmul(b4, b4.input(0, "a", Type.f32(2, 3)), Composites.t(b4, b4.input(1, "a2", Type.f32(2, 3))));
        assertArrayEquals(new float[] {14, 32, 32, 77}, run(b4, mm, a, a));

        Builder b5 = new Builder();
        int dot = Composites.dot(b5, b5.input(0, "v", Type.f32(3)), b5.input(1, "u", Type.f32(3)));
        assertArrayEquals(new float[] {-2}, run(b5, dot, v, new float[] {1, 2, 3}));
    }

    @Test
    void reductionsWithNegativeAxes() {
        float[] x = {1, 2, 3, 4, 5, 6};
        Builder b = new Builder();
        int in = b.input(0, "x", Type.f32(2, 3));
        int rows = Composites.sum(b, in, -1), cols = Composites.mean(b, in, 0), all = Composites.mean(b, in), total = Composites.sum(b, in);
        Graph g = b.build(rows, cols, all, total);
        float[][] out = Interpreter.run(g, new float[][] {x});
        assertArrayEquals(new float[] {6, 15}, out[0]);
        assertArrayEquals(new float[] {2.5f, 3.5f, 4.5f}, out[1]);
        assertArrayEquals(new float[] {3.5f}, out[2]);
        assertArrayEquals(new float[] {21}, out[3]);
    }

    @Test
    void reshapeInfersOneDimension() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32(2, 6));
        assertEquals(Type.f32(3, 4), b.type(Composites.reshape(b, x, 3, -1)));
        assertEquals(Type.f32(12), b.type(Composites.reshape(b, x, -1)));
        assertEquals(x, Composites.reshape(b, x, 2, 6));
    }

    @Test
    void softmaxAndLogSoftmaxRows() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32(2, 2));
        Graph g = b.build(Composites.softmax(b, x, 1), Composites.logSoftmax(b, x, -1));
        float[][] out = Interpreter.run(g, new float[][] {{0, (float) Math.log(3), 5, 5}});
        assertArrayEquals(new float[] {0.25f, 0.75f, 0.5f, 0.5f}, out[0], 1e-7f);
        assertArrayEquals(new float[] {(float) Math.log(0.25), (float) Math.log(0.75), (float) Math.log(0.5), (float) Math.log(0.5)}, out[1], 1e-6f);
    }

    @Test
    void transposeOfLowRankIsIdentityAsTorch() {
        Builder b = new Builder();
        int v = b.input(0, "v", Type.f32(3));
        assertEquals(v, Composites.t(b, v));
    }

    @Test
    void shapeErrorsNameTheOpAndShapesAndEmitNothing() {
        Builder b = new Builder();
        int m = b.input(0, "m", Type.f32(3, 4)), v = b.input(1, "v", Type.f32(5)), c = b.input(2, "c", Type.f32(2, 3, 4));
        int d = b.input(3, "d", Type.f64(4, 2));
        int before = b.size();
        expect(() -> Composites.add(b, m, v), "add", "[3, 4]", "[5]");
        expect(() -> Composites.maximum(b, m, v), "maximum", "[3, 4]", "[5]");
        // the eager engine's words (ir.Shapes), shared by both modes since issue 9
        expect(() -> Composites.add(b, m, v), "add: shapes [3, 4] and [5] cannot be broadcast");
        expect(() -> Composites.matmul(b, m, v), "matmul: shapes [3, 4] and [5] cannot be multiplied (3x4 and 5)");
        // batched operands are multiplied since issue 10: the inner sizes must still agree, the batch sizes broadcast
        expect(() -> Composites.matmul(b, c, m), "matmul: shapes [2, 3, 4] and [3, 4] cannot be multiplied (3x4 and 3x4)");
        int e = b.input(4, "e", Type.f32(3, 4, 2));
        before = b.size();
        expect(() -> Composites.matmul(b, c, e), "matmul", "[2, 3, 4]", "[3, 4, 2]", "batch dimensions [2] and [3] cannot be broadcast");
        expect(() -> Composites.dot(b, m, v), "dot", "[3, 4]", "[5]", "1D tensors expected");
        expect(() -> Composites.reshape(b, m, 5, -1), "reshape", "[5, -1]", "[3, 4]", "is invalid for input of size 12");
        expect(() -> Composites.reshape(b, m, -1, -1), "reshape", "only one dimension");
        expect(() -> Composites.sum(b, m, 2), "sum: axis 2 is out of range for shape [3, 4]");
        expect(() -> Composites.mean(b, m, -3), "mean", "axis -3");
        expect(() -> Composites.softmax(b, v, 1), "softmax", "axis 1", "[5]");
        expect(() -> Composites.t(b, c), "t", "[2, 3, 4]", "t() expects a tensor with <= 2 dimensions");
        expect(() -> Composites.matmul(b, m, d), "matmul", "dtypes differ", "f32[3,4]", "f64[4,2]");
        assertEquals(before, b.size(), "a failed op emits nothing");
    }

    private static void expect(Runnable r, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' should contain '" + f + "'");
    }
}
