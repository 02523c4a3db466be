package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The interpreter's transpose (which constant folding runs on constants of 10^6 values, in
 * 32x32 tiles) against the definition: result element (i_0..i_{r-1}) is operand element j with
 * j[perm[d]] = i_d. Shapes up to rank 4 with extents around the tile size, every permutation
 * kind; a small folded transpose equals the interpreted one, a big one is not materialised.
 */
class TransposeFoldTest {
    @Test
    void everyElementLandsWhereTheDefinitionPutsIt() {
        Random r = new Random(11);
        int[] extents = {1, 2, 3, 31, 32, 33, 70};
        for (int trial = 0; trial < 300; trial++) {
            int rank = 1 + r.nextInt(4);
            int[] shape = new int[rank];
            long size = 1;
            for (int d = 0; d < rank; d++) {
                shape[d] = extents[r.nextInt(extents.length)];
                size *= shape[d];
            }
            if (size > 200_000) continue;
            int[] perm = permutation(r, rank);
            Type t = Type.f32(shape);
            float[] x = new float[t.size()];
            for (int i = 0; i < x.length; i++) x[i] = i;   // each element names its own position
            Builder b = new Builder();
            Graph g = b.build(b.transpose(b.input(0, "x", t), perm));
            float[] got = Interpreter.run(g, new float[][] {x})[0];
            int[] out = g.type(g.output(0)).shape(), idx = new int[rank], src = new int[rank], st = t.strides();
            for (int k = 0; k < got.length; k++) {
                for (int d = rank - 1, rest = k; d >= 0; d--) { idx[d] = rest % out[d]; rest /= out[d]; }
                for (int d = 0; d < rank; d++) src[perm[d]] = idx[d];
                int j = 0;
                for (int d = 0; d < rank; d++) j += src[d] * st[d];
                assertEquals(j, got[k], "shape " + java.util.Arrays.toString(shape) + " perm " + java.util.Arrays.toString(perm) + " element " + k);
            }
        }
    }

    @Test
    void aSmallTransposeOfAConstantFoldsToTheInterpretedOne() {
        int[] shape = {4, 16};   // 64 elements: at the folding limit
        double[] v = new double[64];
        for (int i = 0; i < v.length; i++) v[i] = Math.sin(i);
        Builder b = new Builder();
        Graph g = b.build(b.transpose(b.constant(Type.f32(shape), v), 1, 0));
        Graph folded = ConstantFolding.run(g);
        Node out = folded.node(folded.output(0));
        assertEquals(Prim.CONST, out.prim());
        float[] want = Interpreter.run(g, new float[0][])[0];
        for (int k = 0; k < want.length; k++) assertEquals(want[k], (float) out.constAt(k), 0f, "element " + k);
        assertEquals((float) Math.sin(15), (float) out.constAt(15 * 4), 0f);   // [15][0] of the result is [0][15] of the operand
    }

    @Test
    void aBigTransposeOrReshapeOfAConstantStaysAView() {
        double[] v = new double[40 * 70];
        for (int i = 0; i < v.length; i++) v[i] = Math.sin(i);
        Builder b = new Builder();
        int c = b.constant(Type.f32(40, 70), v);
        Graph g = b.build(b.transpose(c, 1, 0), b.reshape(c, 70, 40));
        Graph folded = ConstantFolding.run(g);
        for (int o = 0; o < 2; o++) {
            Node out = folded.node(folded.output(o));
            assertEquals(o == 0 ? Prim.TRANSPOSE : Prim.RESHAPE, out.prim(), "output " + o);
            assertEquals(Prim.CONST, folded.node(out.arg(0)).prim(), "output " + o);
        }
        float[][] want = Interpreter.run(g, new float[0][]), got = Interpreter.run(folded, new float[0][]);
        for (int o = 0; o < 2; o++) assertArrayEquals(want[o], got[o], "output " + o);
        assertEquals((float) Math.sin(69), want[0][69 * 40], 0f);   // [69][0] of the transpose is [0][69] of the operand
    }

    private static int[] permutation(Random r, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1), s = p[i];
            p[i] = p[j];
            p[j] = s;
        }
        return p;
    }
}
