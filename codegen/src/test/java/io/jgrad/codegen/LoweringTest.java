package io.jgrad.codegen;

import io.jgrad.ir.Builder;
import io.jgrad.ir.Composites;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Interpreter;
import io.jgrad.ir.Prim;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Compiled;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The shape of the generated code: fusion, no materialised broadcasts, planned buffers, constants, dumps. */
class LoweringTest {
    static Compiled forwardOnly(Graph g, int[][] shapes) {
        String[] names = new String[shapes.length];
        for (int i = 0; i < names.length; i++) names[i] = "x" + i;
        return Pipelines.compile(g, names, new boolean[shapes.length]);
    }

    static int count(String text, String word) {
        return text.split(word, -1).length - 1;
    }

    @Test
    void elementwiseChainIsOneFlatLoopWithNoBuffers() {
        Builder b = new Builder();
        int x = b.input(0, "x0", Type.f32(64, 64)), y = b.input(1, "x1", Type.f32(64, 64));
        int e = Composites.exp(b, Composites.neg(b, Composites.mul(b, x, y)));
        Compiled c = forwardOnly(b.build(Composites.div(b, Composites.add(b, e, x), y)), new int[2][]);
        String asm = Disassembly.of(c.bytecode(), "forward$$0");
        // the vector path: the same loop in vectors, then the scalar loop for the tail
        assertEquals(Simd.enabled() ? 2 : 1, count(asm, "GOTO"), "one loop:\n" + asm);
        assertEquals(1, count(asm, "FASTORE"), asm);
        assertEquals(Simd.enabled() ? 1 : 0, count(asm, "FloatVector.intoArray"), asm);
        assertEquals(0, c.newWorkspace().size(), "nothing stored but the output");
    }

    @Test
    void broadcastingIsIndexArithmetic() {
        Builder b = new Builder();
        int x = b.input(0, "x0", Type.f32(64, 1)), y = b.input(1, "x1", Type.f32(1, 64)), s = b.input(2, "x2", Type.f32());
        Compiled c = forwardOnly(b.build(Composites.mul(b, Composites.add(b, x, y), s)), new int[3][]);
        assertEquals(0, c.newWorkspace().size(), "no broadcast copies");
        float[][] in = Pipelines.data(new Random(3), 64, 64, 1);
        float[] out = new float[64 * 64];
        c.forward(in, out);
        for (int i = 0; i < 64; i++)
            for (int j = 0; j < 64; j++) assertEquals((in[0][i] + in[1][j]) * in[2][0], out[i * 64 + j]);
    }

    @Test
    void reductionIsFusedWithFourAccumulators() {
        Builder b = new Builder();
        int x = b.input(0, "x0", Type.f32(1000)), y = b.input(1, "x1", Type.f32(1000));
        Graph g = b.build(Composites.sum(b, Composites.mul(b, Composites.exp(b, x), y)));
        CompileRequest req = Pipelines.request(g, new String[] {"x0", "x1"}, new boolean[] {true, false});
        Compiled c = CodeGen.compile(req);
        String asm = Disassembly.of(c.bytecode(), "forward$$0");
        assertFalse(asm.contains("FASTORE"), "exp(x)*y is never stored (the workspace holds only Summation's block cascade)\n" + asm);
        // valueAndGrad keeps exp(x) (its gradient is exp(x)*y) in one planned buffer, plus the
        // cascade of the sum's ceil(1000 / 128) = 8 block sums: 4 levels.
        assertEquals(1000 + io.jgrad.runtime.Cascade.depth(1000), c.newWorkspace().size());
        float[][] in = Pipelines.data(new Random(4), 1000, 1000);
        float[] out = new float[1];
        c.forward(in, out);
        double want = 0;
        for (int i = 0; i < 1000; i++) want += Math.exp(in[0][i]) * in[1][i];
        assertEquals(want, out[0], 1e-4 * Math.abs(want) + 1e-3);
        // the documented order (Summation): blocks of 128, element q to accumulator q % 4 of its
        // block, block sums added pairwise; neither a running sum nor four accumulators over all 1000
        float[] terms = new float[1000], acc = {-0f, -0f, -0f, -0f};
        float inOrder = -0f;
        for (int i = 0; i < 1000; i++) {
            terms[i] = io.jgrad.runtime.Ops.exp(in[0][i]) * in[1][i];
            acc[i % 4] += terms[i];
            inOrder += terms[i];
        }
        float blocked = io.jgrad.runtime.Summation.sum(terms, 0, 1000, 1);
        assertEquals(Float.floatToIntBits(blocked), Float.floatToIntBits(out[0]), "Summation's order over the 1000 elements");
        assertNotEquals(Float.floatToIntBits(inOrder), Float.floatToIntBits(out[0]), "the in-order sum differs for these inputs, so the check above can fail");
        float fourAccumulators = (acc[0] + acc[1]) + (acc[2] + acc[3]);
        assertNotEquals(Float.floatToIntBits(fourAccumulators), Float.floatToIntBits(out[0]), "so does the old unblocked four-accumulator order");
    }

    @Test
    void matmulIsIkjAndATransposedRightOperandIsCopiedOnce() {
        Builder b = new Builder();
        int x = b.input(0, "x0", Type.f32(8, 16)), w = b.input(1, "x1", Type.f32(32, 16));
        Graph g = b.build(b.binary(Prim.MATMUL, x, b.transpose(w, 1, 0)));
        Compiled c = forwardOnly(g, new int[2][]);
        assertEquals(16 * 32 + 4 * 32, c.newWorkspace().size(), "one planned copy of w^T, and the 4 accumulator rows of a row of C (k = 16)");
        float[][] in = Pipelines.data(new Random(5), 8 * 16, 32 * 16);
        float[] out = new float[8 * 32];
        c.forward(in, out);
        assertArrayEquals(Interpreter.run(g, in)[0], out, 1e-4f);
        String asm = Disassembly.of(c.bytecode(), "forward$$0");
        // the vector path: the j loop in vectors, then its scalar tail (the copy reads w with a stride: scalar)
        assertEquals(Simd.enabled() ? 6 : 5, count(asm, "GOTO"), "copy: 2 loops; matmul: i, k, j (the lanes of Summation's order)\n" + asm);
    }

    @Test
    void workspaceReusesDeadBuffers() {
        Builder b = new Builder();
        int x = b.input(0, "x0", Type.f32(16, 16));
        int h = x;
        for (int i = 0; i < 6; i++) h = Composites.tanh(b, b.binary(Prim.MATMUL, h, x));
        Compiled c = forwardOnly(b.build(Composites.sum(b, h)), new int[1][]);
        int ws = c.newWorkspace().size();
        assertTrue(ws <= 3 * 256, "six 16x16 intermediates share space: " + ws + " floats");
        float[][] in = Pipelines.data(new Random(6), 256);
        for (int i = 0; i < 256; i++) in[0][i] *= 0.2f;
        float[] out = new float[1];
        c.forward(in, out);
        assertEquals(Interpreter.run(forwardGraph(), in)[0][0], out[0], 1e-4f);
    }

    private static Graph forwardGraph() {
        Builder b = new Builder();
        int x = b.input(0, "x0", Type.f32(16, 16));
        int h = x;
        for (int i = 0; i < 6; i++) h = Composites.tanh(b, b.binary(Prim.MATMUL, h, x));
        return b.build(Composites.sum(b, h));
    }

    @Test
    void largeConstantsTravelAsClassData() {
        Builder b = new Builder();
        int x = b.input(0, "x0", Type.f32(100, 100));
        float[] k = new float[10_000];
        for (int i = 0; i < k.length; i++) k[i] = i * 0.5f;
        int c0 = Composites.constant(b, k, 100, 100);
        Compiled c = forwardOnly(b.build(Composites.mul(b, x, c0)), new int[1][]);
        assertTrue(c.bytecode().length < 8000, "class file " + c.bytecode().length + " bytes: constants are not in the code");
        float[][] in = {new float[10_000]};
        java.util.Arrays.fill(in[0], 2f);
        float[] out = new float[10_000];
        c.forward(in, out);
        for (int i = 0; i < k.length; i++) assertEquals(k[i] * 2, out[i]);
    }

    @Test
    void bigTensorGraphStaysUnderTheMethodLimit() {
        Builder b = new Builder();
        int x = b.input(0, "x0", Type.f32(4, 5)), y = b.input(1, "x1", Type.f32(5));
        int h = x;
        for (int i = 0; i < 400; i++) {
            int s = Composites.sigmoid(b, Composites.mul(b, h, y));
            h = Composites.add(b, Composites.mul(b, h, 0.5f), Composites.mul(b, s, Composites.mean(b, s, 0)));
        }
        Graph g = b.build(Composites.sum(b, h));
        Compiled c = Pipelines.compile(g, new String[] {"x0", "x1"}, new boolean[] {true, true});
        Harness.checkClass(c);
        float[][] in = Pipelines.data(new Random(8), 20, 5);
        float[][] grads = {new float[20], new float[5]};
        float v = c.valueAndGrad(in, grads);
        CompileRequest req = Pipelines.request(g, new String[] {"x0", "x1"}, new boolean[] {true, true});
        float[][] ref = Interpreter.run(req.valueAndGrad, in);
        assertEquals(ref[0][0], v, 1e-4f * Math.abs(ref[0][0]));
        assertArrayEquals(ref[1], grads[0], 1e-3f);
    }

    @Test
    void dumpWritesClassAndIr(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        System.setProperty("jgrad.dump", dir.toString());
        Compiled c;
        try {
            c = Pipelines.compile(Pipelines.seedNeuron(), Pipelines.NEURON_NAMES, Pipelines.NEURON_WRT);
        } finally {
            System.clearProperty("jgrad.dump");
        }
        try (var files = Files.list(dir)) {
            var names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(2, names.size(), names.toString());
            assertTrue(names.get(0).endsWith(".class") && names.get(1).endsWith(".ir"), names.toString());
            assertArrayEquals(c.bytecode(), Files.readAllBytes(dir.resolve(names.get(0))));
            assertEquals(c.ir(), Files.readString(dir.resolve(names.get(1))));
        }
    }
}
