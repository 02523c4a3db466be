package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import io.jgrad.runtime.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The evaluating emitter: it computes what the interpreter computes for the same primitives
 * (bit for bit, on the random programs, forward and backward), and its API behaves as its
 * javadoc says (inputs used as given, -1 for zero gradients, checks with clear messages).
 */
class EvalTest {

    /**
     * Each random program's forward graph replayed on an Eval, then Eval.backward, against the
     * interpreter on Adjoint.of's graph: the same kernels and the same VJP rules in the same
     * order, so every value and gradient has the same bits (F32 and F64 programs).
     */
    @Test
    void agreesWithTheInterpreterBitForBitOnRandomPrograms() {
        int compared = 0;
        for (DType d : RandomProgramTest.DTYPES) {
            for (long s = 3000; s < 3300; s++) {
                RandomPrograms.Program p = RandomPrograms.generate(s, d);
                Graph forward = p.forward();
                boolean seeded = p.vjpSeed64() != null;
                double[][] reference = Interpreter.run(Adjoint.of(forward, p.wrt(), seeded), p.adjointInputs64());

                Eval e = new Eval();
                int[] map = new int[forward.size()];
                Object[] inputs = new Object[forward.inputs().size()];
                for (Node n : forward.nodes()) {
                    if (n.prim() == Prim.INPUT) {
                        inputs[n.inputIndex()] = Kernels.constant(n.type(), p.inputs64()[n.inputIndex()]);
                        map[n.id()] = e.input(n.type(), inputs[n.inputIndex()]);
                    } else {
                        map[n.id()] = e.apply(n.prim(), Rebuild.remap(n, map), n.type(), n.ints(), n.data());
                    }
                }
                // every forward value, not only the output
                Object[] all = Interpreter.evaluate(allOutputs(forward), inputs);
                for (Node n : forward.nodes())
                    assertSameBits(p, "value %" + n.id(), Kernels.toDoubles(all[n.id()]), Kernels.toDoubles(e.value(map[n.id()])));
                int out = map[forward.output(0)];
                Type outType = e.type(out);
                Object seed = Kernels.constant(outType, seeded ? p.vjpSeed64() : new double[] {1});
                int[] grads = e.backward(out, seed, p.wrt());
                int k = 1;
                for (int i = 0; i < grads.length; i++) {
                    if (!p.wrt()[i]) {
                        assertEquals(-1, grads[i], "no gradient asked for input " + i);
                        continue;
                    }
                    double[] expected = reference[k++];
                    double[] got = grads[i] < 0 ? new double[expected.length] : Kernels.toDoubles(e.value(grads[i]));
                    assertSameBits(p, "d input " + i, expected, got);
                    compared++;
                }
            }
        }
        assertTrue(compared > 500, "compared " + compared + " gradients");
    }

    /** The graph with every node as an output (so the interpreter hands back every value). */
    private static Graph allOutputs(Graph g) {
        Builder b = new Builder();
        for (Node n : g.nodes()) b.add(n.prim(), n.rawArgs(), n.type(), n.rawInts(), n.rawData(), n.name());
        int[] outs = new int[g.size()];
        String[] names = new String[g.size()];
        for (int i = 0; i < outs.length; i++) {
            outs[i] = i;
            names[i] = "v" + i;
        }
        return b.build(outs, names);
    }

    private static void assertSameBits(RandomPrograms.Program p, String what, double[] expected, double[] got) {
        assertEquals(expected.length, got.length);
        for (int k = 0; k < expected.length; k++) {
            boolean same = Double.isNaN(expected[k]) ? Double.isNaN(got[k])
                    : Double.doubleToRawLongBits(expected[k]) == Double.doubleToRawLongBits(got[k]);
            if (!same) fail(p.dtype() + " seed " + p.seed() + ": " + what + "[" + k + "] interpreter " + expected[k] + ", Eval " + got[k]
                    + "\n" + Printer.print(p.forward()));
        }
    }

    // ------------------------------------------------------------------ the API

    @Test
    void inputsAreUsedAsGivenAndResultsAreTypedArrays() {
        Eval e = new Eval();
        float[] x = {1, 2, 3};
        double[] y = {0.1, 0.2};
        int a = e.input(Type.f32(3), x), b = e.input(Type.f64(2), y);
        assertSame(x, e.floats(a));
        assertSame(y, e.doubles(b));
        assertEquals(2, e.inputCount());
        int s = Composites.mul(e, a, 2f);
        assertArrayEquals(new float[] {2, 4, 6}, e.floats(s));
        int c = Composites.add(e, b, 0.1);
        assertArrayEquals(new double[] {0.1 + 0.1, 0.2 + 0.1}, e.doubles(c));
        int gt = e.binary(Prim.GT, s, Composites.broadcastTo(e, e.constant(Type.f32(), 3), 3));
        assertArrayEquals(new boolean[] {false, true, true}, e.bools(gt));
        assertEquals(4.0, e.doubleAt(s, 1));
        assertEquals(DType.BOOL, e.dtype(gt));
        // reshape and stop_gradient hand back the operand's own array (values are immutable)
        assertSame(e.floats(s), e.floats(e.reshape(s, 3, 1)));
    }

    @Test
    void backwardGivesGradientsByInputIndexAndMinusOneForZero() {
        Eval e = new Eval();
        int x = e.input(Type.f32(2), new float[] {3, 4});
        int y = e.input(Type.f32(2), new float[] {5, 6});
        int c = e.input(Type.f32(2), new float[] {7, 8});
        int out = Composites.sum(e, Composites.add(e, Composites.mul(e, x, y), Composites.detach(e, c)));
        int[] d = e.backward(out, new float[] {1}, new boolean[] {true, false, true});
        assertArrayEquals(new float[] {5, 6}, e.floats(d[0]), "d/dx xy = y");
        assertEquals(-1, d[1], "not asked for");
        assertEquals(-1, d[2], "detached: zero");
        // a second backward appends and agrees
        int[] again = e.backward(out, new float[] {2}, new boolean[] {false, true});
        assertArrayEquals(new float[] {6, 8}, e.floats(again[1]));
        // the nodes are all there, as a graph would hold them
        List<Node> nodes = e.nodes();
        assertEquals(e.size(), nodes.size());
        assertEquals(Prim.INPUT, nodes.get(0).prim());
        assertEquals(0, nodes.get(0).inputIndex());
        assertEquals(Prim.REDUCE_SUM, nodes.get(out).prim());
    }

    @Test
    void theSeedIsTheAdjointOfTheOutput() {
        Eval e = new Eval();
        int x = e.input(Type.f64(3), new double[] {1, 2, 3});
        int out = Composites.exp(e, x);
        double[] seed = {1, 0, -2};
        int[] d = e.backward(out, seed, new boolean[] {true});
        double[] got = e.doubles(d[0]);
        for (int k = 0; k < 3; k++) assertEquals(seed[k] * Math.exp(k + 1), got[k], 0);
        // d(x + x) = 2·seed: the two contributions are added
        Eval f = new Eval();
        int z = f.input(Type.f32(), new float[] {1});
        int[] dz = f.backward(Composites.add(f, z, z), new float[] {3}, new boolean[] {true});
        assertArrayEquals(new float[] {6}, f.floats(dz[0]));
    }

    @Test
    void equalScalarConstantsAreMadeOnce() {
        Eval e = new Eval();
        int a = e.constant(Type.f32(), 1.5), b = e.constant(Type.f32(), 1.5);
        assertEquals(a, b);
        assertNotEquals(a, e.constant(Type.f64(), 1.5), "another dtype");
        assertNotEquals(e.constant(Type.f32(), 0.0), e.constant(Type.f32(), -0.0), "bits, not numbers");
        // the Builder records every constant (the graph's text shows each)
        Builder g = new Builder();
        assertNotEquals(g.constant(Type.f32(), 1.5), g.constant(Type.f32(), 1.5));
    }

    @Test
    void badInputIsRefusedWithItsWordsBeforeAnythingIsMade() {
        Eval e = new Eval();
        int x = e.input(Type.f32(2), new float[] {1, 2});
        int before = e.size();
        assertMessage(() -> e.input(Type.f32(3), new float[] {1, 2}), "input 1", "f32[3]", "float[] of length 3", "length 2");
        assertMessage(() -> e.input(Type.f64(2), new float[] {1, 2}), "f64[2]", "double[]");
        assertMessage(() -> e.input(Type.f32(2), (Object) null), "null");
        assertMessage(() -> e.binary(Prim.ADD, x, e.constant(Type.f64(2), 1, 2)), "add", "one type", "f32[2]", "f64[2]");
        assertMessage(() -> e.backward(x, new float[] {1}, new boolean[] {true}), "seed", "f32[2]");
        assertMessage(() -> e.floats(99), "no value %99");
        assertMessage(() -> e.doubles(x), "f32[2]", "not f64");
        assertMessage(() -> e.apply(Prim.INPUT, new int[0], Type.f32(), new int[] {0}, null), "Eval.input");
        assertEquals(before + 1, e.size(), "only the f64 constant of the third call was made");
    }

    private static void assertMessage(Runnable r, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' should contain '" + f + "'");
    }
}
