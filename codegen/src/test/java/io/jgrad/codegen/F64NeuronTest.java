package io.jgrad.codegen;

import io.jgrad.ir.Graph;
import io.jgrad.ir.Interpreter;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import io.jgrad.runtime.Workspace;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The seed neuron and a small tensor model compiled in F64: PyTorch's float64 values, the
 * Interpreter's bits, central differences in double, straight-line double code, no allocation
 * per call, and four threads agreeing with one.
 */
class F64NeuronTest {
    static Graph seedNeuron() {
        return Pipelines.seedNeuron(DType.F64);
    }

    /** The golden case seed_bce_scalar: x = 6.7 as a float (its data), y = 0, w = 1, b = 0. */
    static final double[][] INPUTS = {{1.0}, {0.0}, {6.699999809265137}, {0.0}};

    /** The golden rule for float64 arrays (shared/golden/README.md, "Comparing, version 2"). */
    static void assertGolden(double t, double g) {
        assertTrue(Math.abs(g - t) <= 1e-12 + 1e-9 * Math.abs(t) + 1e-9 * Math.abs(t), g + " vs PyTorch float64 " + t);
    }

    @Test
    void seedNeuronMatchesPyTorchFloat64AndTheInterpreter() {
        CompileRequest req = Pipelines.request(seedNeuron(), Pipelines.NEURON_NAMES, Pipelines.NEURON_WRT);
        Compiled c = CodeGen.compile(req);
        Harness.checkClass(c);
        assertEquals(DType.F64, c.dtype());
        double[][] grads = {new double[1], new double[1], null, null};
        double loss = c.valueAndGrad(INPUTS, grads);
        // PyTorch float64 (value/grads of the golden case); its float32 loss 6.701176166534424 fails this rule
        assertGolden(6.701229964451243, loss);
        assertGolden(6.6917628371679205, grads[0][0]);
        assertGolden(0.9987706011445215, grads[1][0]);
        double[][] ref = Interpreter.run(req.valueAndGrad, INPUTS);
        assertEquals(ref[0][0], loss, 0.0, "value as the interpreter");
        assertEquals(ref[1][0], grads[0][0], 0.0, "dw as the interpreter");
        assertEquals(ref[2][0], grads[1][0], 0.0, "db as the interpreter");
        assertEquals(loss, c.value(INPUTS), 0.0);
        double[] out = new double[1];
        double[][] vjpGrads = {new double[1], new double[1], null, null};
        c.vjp(INPUTS, new double[] {1.0}, out, vjpGrads);
        assertEquals(loss, out[0], 0.0, "identical bits across entry points");
        assertEquals(grads[0][0], vjpGrads[0][0], 0.0);
        assertEquals(grads[1][0], vjpGrads[1][0], 0.0);
    }

    /** Scalar-only F64 graph: straight-line double code reading each input once, no workspace. */
    @Test
    void seedNeuronIsStraightLineDoubleCode() {
        Compiled c = Pipelines.compile(seedNeuron(), Pipelines.NEURON_NAMES, Pipelines.NEURON_WRT);
        Map<String, Integer> sizes = Harness.codeSizes(c.bytecode());
        int body = sizes.get("valueAndGrad$$0([[D[F[D[D[D[[D)D");
        System.out.println("F64 seed neuron valueAndGrad body: " + body + " bytecode bytes");
        assertTrue(body < 400, "the neuron's value and gradient should be a few hundred bytes, is " + body);
        assertEquals(0, c.newWorkspace().size());
        String asm = Disassembly.of(c.bytecode(), "valueAndGrad$$0");
        assertEquals(2, asm.split("DASTORE", -1).length - 1, "writes only grads[0][0] and grads[1][0]:\n" + asm);
        assertEquals(4, asm.split("DALOAD", -1).length - 1, "reads each input once:\n" + asm);
        assertFalse(asm.contains("F2D") || asm.contains("D2F") || asm.contains("io/jgrad/runtime/Ops.exp")
                || asm.contains("NEWARRAY") || asm.contains("INVOKEVIRTUAL"), "no float round trip, no allocation:\n" + asm);
        assertTrue(asm.contains("java/lang/Math.log (D)D"), "Math.log called directly:\n" + asm);
    }

    static final int[] MODEL_SIZES = {12, 3, 20, 15};

    /** The tensor model's gradient against central differences of its own value, in double. */
    @Test
    void tensorModelGradientMatchesFiniteDifferences() {
        Compiled c = Pipelines.compile(Pipelines.tensorModel(DType.F64), Pipelines.MODEL_NAMES, Pipelines.MODEL_WRT);
        Random r = new Random(11);
        for (int trial = 0; trial < 5; trial++) {
            double[][] in = Pipelines.dataF64(r, MODEL_SIZES);
            double[][] grads = {new double[12], new double[3], null, null};
            c.valueAndGrad(in, grads);
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < in[i].length; j++) {
                    double x = in[i][j], h = 1e-6;
                    in[i][j] = x + h;
                    double up = c.value(in);
                    in[i][j] = x - h;
                    double down = c.value(in);
                    in[i][j] = x;
                    double fd = (up - down) / (2 * h);
                    assertEquals(fd, grads[i][j], 1e-8 + 1e-6 * Math.abs(fd), "d/d" + Pipelines.MODEL_NAMES[i] + "[" + j + "]");
                }
            }
        }
    }

    @Test
    void steadyStateCallsAllocateNothing() {
        Compiled s = Pipelines.compile(seedNeuron(), Pipelines.NEURON_NAMES, Pipelines.NEURON_WRT);
        double[][] sin = INPUTS;
        double[][] sg = {new double[1], new double[1], null, null};
        double[] out = new double[1], seed = {1.0};
        Workspace sws = s.newWorkspace();
        AllocationTest.assertNoAllocation("F64 scalar valueAndGrad", () -> s.valueAndGrad(sin, sg));
        AllocationTest.assertNoAllocation("F64 scalar valueAndGrad(ws)", () -> s.valueAndGrad(sws, sin, sg));
        AllocationTest.assertNoAllocation("F64 scalar value", () -> s.value(sin));
        AllocationTest.assertNoAllocation("F64 scalar vjp(ws)", () -> s.vjp(sws, sin, seed, out, sg));

        Compiled t = Pipelines.compile(Pipelines.tensorModel(DType.F64), Pipelines.MODEL_NAMES, Pipelines.MODEL_WRT);
        assertTrue(t.newWorkspace().size() > 0, "the tensor model plans buffers");
        double[][] tin = Pipelines.dataF64(new Random(1), MODEL_SIZES);
        double[][] tg = {new double[12], new double[3], null, null};
        Workspace tws = t.newWorkspace();
        AllocationTest.assertNoAllocation("F64 tensor valueAndGrad", () -> t.valueAndGrad(tin, tg));
        AllocationTest.assertNoAllocation("F64 tensor valueAndGrad(ws)", () -> t.valueAndGrad(tws, tin, tg));
        AllocationTest.assertNoAllocation("F64 tensor forward", () -> t.forward(tin, out));
        AllocationTest.assertNoAllocation("F64 tensor forward(ws)", () -> t.forward(tws, tin, out));
        AllocationTest.assertNoAllocation("F64 tensor vjp", () -> t.vjp(tin, seed, out, tg));
        AllocationTest.assertNoAllocation("F64 tensor vjp(ws)", () -> t.vjp(tws, tin, seed, out, tg));
    }

    @Test
    void fourThreadsAgreeWithOne() throws Exception {
        Compiled c = Pipelines.compile(Pipelines.tensorModel(DType.F64), Pipelines.MODEL_NAMES, Pipelines.MODEL_WRT);
        int cases = 200;
        double[][][] inputs = new double[cases][][];
        double[][] expected = new double[cases][];
        Random r = new Random(7);
        for (int k = 0; k < cases; k++) {
            inputs[k] = Pipelines.dataF64(r, MODEL_SIZES);
            expected[k] = run(c, null, inputs[k]);
        }
        ThreadedCalls.fromFourThreads(cases, c::newWorkspace,
                (ws, k) -> assertArrayEquals(expected[k], run(c, ws, inputs[k]), "case " + k));
    }

    /** value, dW, db (and forward's value) as one array. */
    private static double[] run(Compiled c, Workspace ws, double[][] in) {
        double[][] g = {new double[12], new double[3], null, null};
        double[] out = new double[1];
        double v = ws == null ? c.valueAndGrad(in, g) : c.valueAndGrad(ws, in, g);
        if (ws == null) c.forward(in, out); else c.forward(ws, in, out);
        double[] all = new double[17];
        all[0] = v;
        all[1] = out[0];
        System.arraycopy(g[0], 0, all, 2, 12);
        System.arraycopy(g[1], 0, all, 14, 3);
        return all;
    }
}
