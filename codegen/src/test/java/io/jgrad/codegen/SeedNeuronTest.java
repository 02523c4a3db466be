package io.jgrad.codegen;

import io.jgrad.ir.Interpreter;
import io.jgrad.runtime.Compiled;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seed notebook's neuron (golden seed_bce_scalar): values, size of the code, compile time. */
class SeedNeuronTest {
    static final float[][] INPUTS = {{1f}, {0f}, {6.699999809265137f}, {0f}};

    @Test
    void matchesPyTorchAndTheInterpreter() {
        CompileRequest req = Pipelines.request(Pipelines.seedNeuron(), Pipelines.NEURON_NAMES, Pipelines.NEURON_WRT);
        Compiled c = CodeGen.compile(req);
        Harness.checkClass(c);
        float[][] grads = new float[4][];
        grads[0] = new float[1];
        grads[1] = new float[1];
        float loss = c.valueAndGrad(INPUTS, grads);
        // PyTorch float32 (grads32/value32 of the golden case), within the golden tolerance.
        assertClose(6.701229964451243, 6.701176166534424, loss);
        assertClose(6.6917628371679205, 6.6917619705200195, grads[0][0]);
        assertClose(0.9987706011445215, 0.9987704753875732, grads[1][0]);
        float[][] ref = Interpreter.run(req.valueAndGrad, INPUTS);
        assertEquals(ref[0][0], loss, 0f, "value as the interpreter");
        assertEquals(ref[1][0], grads[0][0], 0f, "dw as the interpreter");
        assertEquals(ref[2][0], grads[1][0], 0f, "db as the interpreter");
        assertEquals(loss, c.value(INPUTS), 0f);
    }

    private static void assertClose(double t, double t32, float g) {
        double tol = 1e-5 + 1e-4 * Math.abs(t) + 8 * Math.abs(t32 - t) + 1e-5 * Math.abs(t);
        assertTrue(Math.abs(g - t) <= tol, g + " vs PyTorch " + t);
    }

    /** Scalar-only graph: straight-line float code, no arrays, no workspace, one chunk. */
    @Test
    void isStraightLineCode() {
        Compiled c = Pipelines.compile(Pipelines.seedNeuron(), Pipelines.NEURON_NAMES, Pipelines.NEURON_WRT);
        Map<String, Integer> sizes = Harness.codeSizes(c.bytecode());
        int body = sizes.get("valueAndGrad$$0([[F[F[D[F[F[[F)F");
        System.out.println("seed neuron valueAndGrad body: " + body + " bytecode bytes; all methods: " + sizes);
        assertTrue(body < 400, "the neuron's value and gradient should be a few hundred bytes, is " + body);
        assertTrue(!sizes.containsKey("valueAndGrad$$1([[F[F[D[F[F[[F)F"), "one chunk");
        assertEquals(0, c.newWorkspace().size(), "no workspace for scalar code");
        String asm = Disassembly.of(c.bytecode(), "valueAndGrad$$0");
        // Arrays appear only to read the four inputs and write the two gradients.
        assertEquals(2, asm.split("FASTORE", -1).length - 1, "writes only grads[0][0] and grads[1][0]:\n" + asm);
        assertEquals(4, asm.split("FALOAD", -1).length - 1, "reads each input once:\n" + asm);
        assertTrue(!asm.contains("NEWARRAY") && !asm.contains("INVOKEVIRTUAL"), asm);
    }

    @Test
    void compileTimeAfterWarmUp() {
        var fwd = Pipelines.seedNeuron();
        CompileRequest req = Pipelines.request(fwd, Pipelines.NEURON_NAMES, Pipelines.NEURON_WRT);
        for (int i = 0; i < 3000; i++) CodeGen.compile(req);
        for (int i = 0; i < 300; i++) Pipelines.compile(fwd, Pipelines.NEURON_NAMES, Pipelines.NEURON_WRT);
        int n = 500;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) CodeGen.compile(req);
        long codegen = (System.nanoTime() - t0) / n;
        t0 = System.nanoTime();
        for (int i = 0; i < n; i++) Pipelines.compile(fwd, Pipelines.NEURON_NAMES, Pipelines.NEURON_WRT);
        long total = (System.nanoTime() - t0) / n;
        System.out.printf("seed neuron compile after warm-up: CodeGen.compile %.1f us, adjoint+optimise+compile %.1f us%n", codegen / 1e3, total / 1e3);
        assertTrue(codegen < 20_000_000, "CodeGen.compile took " + codegen + " ns");
    }
}
