package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The reference interpreter against values worked out by hand. */
class InterpreterTest {

    @Test
    void elementwiseArithmeticIsFloat32() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32(3));
        int y = b.input(1, "y", Type.f32(3));
        Graph g = b.build(b.binary(Prim.ADD, x, y), b.binary(Prim.DIV, x, y), b.binary(Prim.MAX, x, y), b.binary(Prim.GT, x, y));
        float[][] out = Interpreter.run(g, new float[][] {{0.1f, 1f, Float.NaN}, {0.2f, 3f, 1f}});
        assertArrayEquals(new float[] {0.1f + 0.2f, 4f, Float.NaN}, out[0]);
        assertArrayEquals(new float[] {0.1f / 0.2f, 1f / 3f, Float.NaN}, out[1]);
        assertArrayEquals(new float[] {0.2f, 3f, Float.NaN}, out[2]);
        assertArrayEquals(new float[] {0, 0, 0}, out[3]);   // NaN compares false
    }

    @Test
    void transcendentalsAreFloatOfTheDoubleRule() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32(2));
        Graph g = b.build(b.unary(Prim.EXP, x), b.unary(Prim.SIGMOID, x), b.unary(Prim.SOFTPLUS, x), b.pow(x, 0.5));
        float[][] out = Interpreter.run(g, new float[][] {{0.5f, 30f}});
        assertArrayEquals(new float[] {(float) Math.exp(0.5), (float) Math.exp(30)}, out[0]);
        assertArrayEquals(new float[] {(float) (1 / (1 + Math.exp(-0.5))), 1f}, out[1]);
        assertArrayEquals(new float[] {(float) Math.log1p(Math.exp(0.5)), 30f}, out[2]);
        assertArrayEquals(new float[] {(float) Math.sqrt(0.5), (float) Math.sqrt(30)}, out[3]);
    }

    @Test
    void powMatchesPyTorchAtSpecialExponents() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32(3));
        Graph g = b.build(b.pow(x, 0.5), b.pow(x, 0), b.pow(x, -1));
        float[][] out = Interpreter.run(g, new float[][] {{-0f, Float.NEGATIVE_INFINITY, Float.NaN}});
        // torch: (-0.)**0.5 = -0. (sqrt), (-inf)**0.5 = nan, nan**0 = 1, 1/-0. = -inf
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(out[0][0]));
        assertTrue(Float.isNaN(out[0][1]));
        assertArrayEquals(new float[] {1, 1, 1}, out[1]);
        assertEquals(Float.NEGATIVE_INFINITY, out[2][0]);
    }

    @Test
    void structuralPrimitives() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32(2, 3));       // [[1,2,3],[4,5,6]]
        int v = b.input(1, "v", Type.f32(3));          // [10,20,30]
        int bc = b.broadcast(v, 2, 3);
        int tr = b.transpose(x, 1, 0);
        int s0 = b.reduce(Prim.REDUCE_SUM, x, 0);
        int s1 = b.reduce(Prim.REDUCE_SUM, x, 1);
        int all = b.reduce(Prim.REDUCE_SUM, x, 0, 1);
        int mx = b.reduce(Prim.REDUCE_MAX, x, 1);
        int mm = b.binary(Prim.MATMUL, x, tr);
        int col = b.broadcast(b.reshape(b.constant(Type.f32(2), 7, 8), 2, 1), 2, 3);
        Graph g = b.build(bc, tr, s0, s1, all, mx, mm, col);
        float[][] out = Interpreter.run(g, new float[][] {{1, 2, 3, 4, 5, 6}, {10, 20, 30}});
        assertArrayEquals(new float[] {10, 20, 30, 10, 20, 30}, out[0]);
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, out[1]);
        assertArrayEquals(new float[] {5, 7, 9}, out[2]);
        assertArrayEquals(new float[] {6, 15}, out[3]);
        assertArrayEquals(new float[] {21}, out[4]);
        assertArrayEquals(new float[] {3, 6}, out[5]);
        assertArrayEquals(new float[] {14, 32, 32, 77}, out[6]);
        assertArrayEquals(new float[] {7, 7, 7, 8, 8, 8}, out[7]);
    }

    @Test
    void selectAndReduceMaxPropagateNaN() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32(3));
        int zero = b.broadcast(b.scalar(0), 3);
        Graph g = b.build(b.select(b.binary(Prim.GT, x, zero), x, zero), b.reduce(Prim.REDUCE_MAX, x, 0));
        float[][] out = Interpreter.run(g, new float[][] {{-1, 2, Float.NaN}});
        assertArrayEquals(new float[] {0, 2, 0}, out[0]);
        assertTrue(Float.isNaN(out[1][0]));
    }

    @Test
    void sumOfOneNegativeZeroIsNegativeZero() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32(1));
        Graph g = b.build(b.reduce(Prim.REDUCE_SUM, x, 0));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Interpreter.run(g, new float[][] {{-0f}})[0][0]));
    }

    @Test
    void f64ModeDoesNotRound() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32());
        Graph g = b.build(b.binary(Prim.DIV, x, b.scalar(3)));
        assertEquals(1.0 / 3.0, Interpreter.runF64(g, new double[][] {{1}})[0][0]);
        assertEquals(1f / 3f, Interpreter.run(g, new float[][] {{1}})[0][0]);
    }

    @Test
    void checksInputs() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32(2));
        Graph g = b.build(x);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Interpreter.run(g, new float[][] {{1}}));
        assertTrue(e.getMessage().contains("input 0 (x) needs 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Interpreter.run(g, new float[][] {}));
        assertThrows(IllegalArgumentException.class, () -> Interpreter.run(g, new float[][] {null}));
    }
}
