package io.jgrad.codegen;

import io.jgrad.ir.Builder;
import io.jgrad.ir.Composites;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Prim;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chunk templates (issue 12): an unrolled recurrence compiles to far fewer chunk methods than
 * chunks (the repeated steps share a template, called once per instance with its row of int
 * constants), and every entry point gives the same bits as the same function compiled with one
 * method per chunk ({@code -Djgrad.chunkTemplates=false}).
 */
class ChunkTemplatesTest {
    /** Body methods of the main class: chunks, templates, drivers (the entry points and checks excluded). */
    static long bodies(byte[] bytes) {
        Map<String, Integer> sizes = Harness.codeSizes(bytes);
        return sizes.keySet().stream().filter(m -> m.contains("$") && !m.startsWith("check$")).count();
    }

    static Compiled compile(CompileRequest req, boolean templates) {
        boolean was = ChunkTemplates.enabled;
        ChunkTemplates.enabled = templates;
        try {
            return CodeGen.compile(req);
        } finally {
            ChunkTemplates.enabled = was;
        }
    }

    @Test
    void scalarRecurrenceSharesTemplatesAndKeepsItsBits() {
        CompileRequest req = Pipelines.request(ScalarChainTest.chain(DType.F32), new String[] {"x", "w"}, new boolean[] {true, true});
        Compiled on = compile(req, true), off = compile(req, false);
        long withTemplates = bodies(on.bytecode()), without = bodies(off.bytecode());
        System.out.printf("scalar chain: %d body methods with templates, %d without%n", withTemplates, without);
        assertTrue(without > 60, "many chunks: " + without);
        assertTrue(withTemplates * 4 < without, withTemplates + " methods with templates, " + without + " without");
        Harness.checkClass(on);
        assertScalarChainBitsAgree(on, off);
    }

    /** The scalar chain compiled with and without templates: value, gradients, forward and vjp bit for bit (three calls each way). */
    private static void assertScalarChainBitsAgree(Compiled on, Compiled off) {
        float[][] in = {{0.3f}, {1.7f}};
        float[][] gOn = {new float[1], new float[1]}, gOff = {new float[1], new float[1]};
        for (int i = 0; i < 3; i++) {
            assertEquals(Float.floatToRawIntBits(off.valueAndGrad(in, gOff)), Float.floatToRawIntBits(on.valueAndGrad(in, gOn)));
            assertArrayEquals(gOff[0], gOn[0], 0f);
            assertArrayEquals(gOff[1], gOn[1], 0f);
        }
        float[] oOn = new float[1], oOff = new float[1];
        on.forward(in, oOn);
        off.forward(in, oOff);
        assertEquals(Float.floatToRawIntBits(oOff[0]), Float.floatToRawIntBits(oOn[0]));
        on.vjp(in, new float[] {0.7f}, oOn, gOn);
        off.vjp(in, new float[] {0.7f}, oOff, gOff);
        assertArrayEquals(gOff[0], gOn[0], 0f);
        assertArrayEquals(gOff[1], gOn[1], 0f);
    }

    static final int STEPS = 1500, N = 8;

    /** The LSTM's shape: h ← tanh(h ⊙ w + x_t ⊙ b) over vectors, x_t row t of an input; the value Σ h. */
    static Graph vectorRecurrence() {
        Builder b = new Builder();
        int w = b.input(0, "w", Type.f64(N)), bias = b.input(1, "b", Type.f64(N)), h = b.input(2, "h0", Type.f64(N));
        int xs = b.input(3, "xs", Type.f64(STEPS, N));
        for (int t = 0; t < STEPS; t++) {
            int row = b.apply(Prim.SLICE, new int[] {xs}, null, new int[] {0, t, t + 1}, null);
            int x = b.apply(Prim.RESHAPE, new int[] {row}, Type.f64(N), null, null);
            h = Composites.tanh(b, Composites.add(b, Composites.mul(b, h, w), Composites.mul(b, x, bias)));
        }
        return b.build(b.apply(Prim.REDUCE_SUM, new int[] {h}, null, new int[] {0}, null));
    }

    @Test
    void vectorRecurrenceSharesTemplatesAndKeepsItsBits() {
        CompileRequest req = Pipelines.request(vectorRecurrence(), new String[] {"w", "b", "h0", "xs"}, new boolean[] {true, true, true, false});
        Compiled on = compile(req, true), off = compile(req, false);
        long withTemplates = bodies(on.bytecode()), without = bodies(off.bytecode());
        System.out.printf("vector chain: %d body methods with templates, %d without%n", withTemplates, without);
        assertTrue(without > 60, "many chunks: " + without);
        // the adjoint sums the steps' contributions to w and b as a tree: its backward sweep repeats less regularly
        assertTrue(withTemplates * 2 < without, withTemplates + " methods with templates, " + without + " without");
        Harness.checkClass(on);

        Random r = new Random(3);
        Supplier<double[]> vec = () -> r.doubles(N, -0.8, 0.8).toArray();
        double[][] in = {vec.get(), vec.get(), vec.get(), r.doubles((long) STEPS * N, -1, 1).toArray()};
        double[][] gOn = {new double[N], new double[N], new double[N], null}, gOff = {new double[N], new double[N], new double[N], null};
        for (int i = 0; i < 3; i++) {
            assertEquals(Double.doubleToRawLongBits(off.valueAndGrad(in, gOff)), Double.doubleToRawLongBits(on.valueAndGrad(in, gOn)));
            for (int k = 0; k < 3; k++) assertArrayEquals(gOff[k], gOn[k], 0.0);
        }
        double[] oOn = new double[1], oOff = new double[1];
        on.forward(in, oOn);
        off.forward(in, oOff);
        assertEquals(Double.doubleToRawLongBits(oOff[0]), Double.doubleToRawLongBits(oOn[0]));
        on.vjp(in, new double[] {-1.3}, oOn, gOn);
        off.vjp(in, new double[] {-1.3}, oOff, gOff);
        for (int k = 0; k < 3; k++) assertArrayEquals(gOff[k], gOn[k], 0.0);
    }

    /** A key whose template would pass the byte limit is written as one method per instance, with each instance's own constants. */
    @Test
    void overTheByteLimitEveryInstanceIsItsOwnMethod() {
        CompileRequest req = Pipelines.request(ScalarChainTest.chain(DType.F32), new String[] {"x", "w"}, new boolean[] {true, true});
        int was = ChunkTemplates.templateLimit;
        Compiled on;
        ChunkTemplates.templateLimit = 0;
        try {
            on = compile(req, true);
        } finally {
            ChunkTemplates.templateLimit = was;
        }
        Compiled off = compile(req, false);
        assertTrue(bodies(on.bytecode()) > 60, "one method per chunk: " + bodies(on.bytecode()));
        Harness.checkClass(on);
        assertScalarChainBitsAgree(on, off);
    }
}
