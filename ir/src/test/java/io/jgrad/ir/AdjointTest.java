package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The adjoint pass's contract (PIPELINE.md) and its structural promises, on small hand-checked functions. */
class AdjointTest {

    @Test
    void layoutWithoutSeed() {
        Graph g = Adjoint.of(SeedNeuronTest.forward(), SeedNeuronTest.WRT, false);
        assertEquals(4, g.inputs().size());
        assertArrayEquals(new String[] {"out", "d_w", "d_b"}, g.outputNames());
        Graph forward = SeedNeuronTest.forward();
        for (Node n : forward.nodes()) assertTrue(n.sameComputation(g.node(n.id())), "forward copied first, same ids: " + n);
    }

    @Test
    void layoutWithSeed() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32(3));
        int c = b.input(1, "c", Type.f32(3));
        Graph fwd = single(b.build(Composites.mul(b, x, 2f), c));
        Graph g = Verifier.verify(Adjoint.of(fwd, new boolean[] {true, false}, true));
        assertEquals(3, g.inputs().size());
        Node seed = g.inputs().get(2);
        assertEquals("seed", seed.name());
        assertEquals(Type.f32(3), seed.type());
        float[][] out = Interpreter.run(g, new float[][] {{1, 2, 3}, {0, 0, 0}, {1, 2, 3}});
        assertArrayEquals(new float[] {2, 4, 6}, out[0]);
        assertArrayEquals(new float[] {2, 4, 6}, out[1]);   // seedᵀ · d(2x)/dx = 2·seed
    }

    /** The first output of g as a one-output graph. */
    private static Graph single(Graph g) {
        Builder b = new Builder();
        for (Node n : g.nodes()) b.add(n.prim(), n.rawArgs(), n.type(), n.rawInts(), n.rawData(), n.name());
        return b.build(new int[] {g.output(0)}, new String[] {"out"});
    }

    @Test
    void anInputTheOutputDoesNotDependOnGetsZero() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32());
        b.input(1, "y", Type.f32(2));
        Graph f = b.build(new int[] {Composites.square(b, x)}, new String[] {"out"});
        Graph g = Verifier.verify(Adjoint.of(f, new boolean[] {true, true}, false));
        float[][] out = Interpreter.run(g, new float[][] {{3}, {Float.NaN, 1}});
        assertArrayEquals(new float[] {9}, out[0]);
        assertArrayEquals(new float[] {6}, out[1]);
        assertArrayEquals(new float[] {0, 0}, out[2]);
    }

    @Test
    void contributionsAreAdded() {
        // d(x·x) = ḡ·x + ḡ·x: two contributions to one value
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32());
        Graph f = b.build(new int[] {b.binary(Prim.MUL, x, x)}, new String[] {"out"});
        Graph g = Adjoint.of(f, new boolean[] {true}, false);
        assertEquals(Prim.ADD, g.node(g.output(1)).prim());
        assertEquals(10f, Interpreter.run(g, new float[][] {{5}})[1][0]);
    }

    @Test
    void symbolicZerosEmitNothingForUndifferentiatedOperands() {
        // f = x·y with only x requested: the adjoint is the seed constant and ḡ·y, nothing for y
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32());
        int y = b.input(1, "y", Type.f32());
        Graph f = b.build(new int[] {b.binary(Prim.MUL, x, y)}, new String[] {"out"});
        Graph g = Adjoint.of(f, new boolean[] {true, false}, false);
        assertEquals(f.size() + 2, g.size());
        assertEquals("""
                graph(%0: f32[] x, %1: f32[] y) {
                  %2 = mul %0, %1 : f32[]
                  %3 = const 1.0 : f32[]
                  %4 = mul %3, %1 : f32[]
                  return out=%2, d_x=%4
                }
                """, Printer.print(g));
    }

    @Test
    void valuesThatDoNotReachTheOutputGetNoAdjoint() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32());
        b.unary(Prim.EXP, x);                        // dead: computed, unused
        int out = b.unary(Prim.SIN, x);
        Graph f = b.build(new int[] {out}, new String[] {"out"});
        Graph g = Adjoint.of(f, new boolean[] {true}, false);
        for (int id = f.size(); id < g.size(); id++)
            for (int a : g.node(id).args()) assertNotEquals(1, a, "the adjoint reads the dead exp: " + Printer.line(g.node(id)));
    }

    @Test
    void detachCutsTheGradient() {
        // d/dx [x · detach(x)] = detach(x) = x, not 2x
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32());
        Graph f = b.build(new int[] {Composites.mul(b, x, Composites.detach(b, x))}, new String[] {"out"});
        assertEquals(3f, Interpreter.run(Adjoint.of(f, new boolean[] {true}, false), new float[][] {{3}})[1][0]);
    }

    @Test
    void theOutputMayBeTheInputItself() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32(2));
        Graph f = b.build(new int[] {x}, new String[] {"out"});
        Graph g = Verifier.verify(Adjoint.of(f, new boolean[] {true}, true));
        assertArrayEquals(new float[] {7, 8}, Interpreter.run(g, new float[][] {{1, 2}, {7, 8}})[1]);
    }

    @Test
    void adjointOfAdjointGivesSecondDerivatives() {
        // f = x³: f' = 3x², f'' = 6x; at x = 2: 12 and 12
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32());
        Graph f = b.build(new int[] {Composites.pow(b, x, 3)}, new String[] {"out"});
        Graph first = Adjoint.of(f, new boolean[] {true}, false);
        Builder b2 = new Builder();
        for (Node n : first.nodes()) b2.add(n.prim(), n.rawArgs(), n.type(), n.rawInts(), n.rawData(), n.name());
        Graph derivative = b2.build(new int[] {first.output(1)}, new String[] {"df"});
        Graph second = Verifier.verify(Optimizer.optimize(Adjoint.of(derivative, new boolean[] {true}, false)));
        float[][] out = Interpreter.run(second, new float[][] {{2}});
        assertEquals(12f, out[0][0]);
        assertEquals(12f, out[1][0]);
    }

    @Test
    void rejectsBadRequests() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32(2));
        Graph f = b.build(new int[] {b.unary(Prim.EXP, x)}, new String[] {"out"});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Adjoint.of(f, new boolean[] {true}, false));
        assertTrue(e.getMessage().contains("must be a scalar") && e.getMessage().contains("f32[2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Adjoint.of(f, new boolean[] {true, false}, true));
        assertTrue(e.getMessage().contains("one flag per input (1), got 2"), e.getMessage());
        Builder b2 = new Builder();
        int y = b2.input(0, "y", Type.f32());
        Graph two = b2.build(y, y);
        assertThrows(IllegalArgumentException.class, () -> Adjoint.of(two, new boolean[] {true}, false));
    }

    @Test
    void outputNamesStayDistinct() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32());
        int x2 = b.input(1, "x", Type.f32());
        Graph f = b.build(new int[] {b.binary(Prim.MUL, x, x2)}, new String[] {"out"});
        Graph g = Verifier.verify(Adjoint.of(f, new boolean[] {true, true}, false));
        assertArrayEquals(new String[] {"out", "d_x", "d_x_1"}, g.outputNames());
    }
}
