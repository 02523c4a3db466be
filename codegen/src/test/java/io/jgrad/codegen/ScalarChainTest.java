package io.jgrad.codegen;

import io.jgrad.ir.Builder;
import io.jgrad.ir.Composites;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 20,000-op scalar recurrence: compiles in seconds into many chunk methods none over 8000
 * bytes, with values crossing chunks through the workspace, and agrees with a hand-written
 * double-precision reference (value and gradient by forward-mode dual numbers).
 */
class ScalarChainTest {
    static final int STEPS = 5000; // four ops per step: 20,000 ops

    /** x' = 0.75 x + 0.2 sin(x w) + c: contracting, so float and double stay close. */
    static Graph chain() {
        return chain(DType.F32);
    }

    static Graph chain(DType d) {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.of(d)), w = b.input(1, "w", Type.of(d));
        for (int i = 0; i < STEPS; i++) {
            int s = Composites.sin(b, Composites.mul(b, x, w));
            int a = Composites.mul(b, x, 0.75f);
            x = Composites.add(b, Composites.add(b, a, Composites.mul(b, s, 0.2f)), 0.01f * (i % 7));
        }
        return b.build(x);
    }

    @Test
    void twentyThousandOpsCompileAndMatchDouble() {
        Graph fwd = chain();
        assertTrue(fwd.opCount() >= 20_000, "ops: " + fwd.opCount());
        CompileRequest req = Pipelines.request(fwd, new String[] {"x", "w"}, new boolean[] {true, true});
        long t0 = System.nanoTime();
        Compiled c = CodeGen.compile(req);
        double seconds = (System.nanoTime() - t0) / 1e9;
        byte[] bytes = c.bytecode();
        Map<String, Integer> sizes = Harness.codeSizes(bytes);
        int max = sizes.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        System.out.printf("20k-op chain: vjp graph %d nodes, CodeGen.compile %.2f s, class %d KB, %d methods, largest %d bytes%n",
                req.vjp.size(), seconds, bytes.length / 1024, sizes.size(), max);
        assertTrue(seconds < 10, "compile took " + seconds + " s");
        assertTrue(max <= 8000, "largest method " + max);
        assertTrue(sizes.size() > 20, "split into chunks: " + sizes.size());
        Harness.verify(bytes);

        float x0 = 0.3f, w = 1.7f;
        double[] ref = dual(x0, w);
        float[][] in = {{x0}, {w}};
        float[][] grads = {new float[1], new float[1]};
        float v = 0;
        for (int i = 0; i < 20; i++) v = c.valueAndGrad(in, grads); // also runs after JIT compilation starts
        assertEquals(ref[0], v, 1e-4 * Math.abs(ref[0]) + 1e-5, "value");
        assertEquals(ref[1], grads[0][0], 1e-3 * Math.abs(ref[1]) + 1e-5, "d/dx");
        assertEquals(ref[2], grads[1][0], 1e-3 * Math.abs(ref[2]) + 1e-4, "d/dw");
        float[] out = new float[1];
        c.forward(in, out);
        assertEquals(v, out[0], 0f, "forward and valueAndGrad agree");
        float[][] ig = io.jgrad.ir.Interpreter.run(req.valueAndGrad, in);
        assertEquals(ig[0][0], v, 0f, "bit-identical to the interpreter (scalar code has no sums)");
        assertEquals(ig[1][0], grads[0][0], 0f);
        assertEquals(ig[2][0], grads[1][0], 0f);
    }

    /**
     * In F64 (two local slots per value, double spill slots): the same chain is bit-identical to
     * the Interpreter's double run and within 1e-12 of the dual numbers (whose constants are the
     * chain's float constants, exactly).
     */
    @Test
    void inF64() {
        CompileRequest req = Pipelines.request(chain(DType.F64), new String[] {"x", "w"}, new boolean[] {true, true});
        Compiled c = CodeGen.compile(req);
        byte[] bytes = c.bytecode();
        assertTrue(Harness.maxMethodSize(bytes) <= 8000, "largest method " + Harness.maxMethodSize(bytes));
        Harness.verify(bytes);
        assertTrue(c.newWorkspace().size() > 0, "values cross chunks through the double workspace");
        double x0 = 0.3, w = 1.7;
        double[][] in = {{x0}, {w}};
        double[][] grads = {new double[1], new double[1]};
        double v = 0;
        for (int i = 0; i < 20; i++) v = c.valueAndGrad(in, grads);
        double[] ref = dual(x0, w, 0.75f, 0.2f);
        assertEquals(ref[0], v, 1e-12 * Math.abs(ref[0]), "value");
        assertEquals(ref[1], grads[0][0], 1e-10 * Math.abs(ref[1]) + 1e-14, "d/dx");
        assertEquals(ref[2], grads[1][0], 1e-10 * Math.abs(ref[2]) + 1e-14, "d/dw");
        double[][] ig = io.jgrad.ir.Interpreter.run(req.valueAndGrad, in);
        assertEquals(ig[0][0], v, 0.0, "bit-identical to the interpreter");
        assertEquals(ig[1][0], grads[0][0], 0.0);
        assertEquals(ig[2][0], grads[1][0], 0.0);
    }

    static double[] dual(double x0, double w) {
        return dual(x0, w, 0.75, 0.2);
    }

    /** The recurrence in double with tangents for x0 and w: {value, d/dx0, d/dw}. */
    static double[] dual(double x0, double w, double a, double c) {
        double x = x0, dx = 1, dw = 0;
        for (int i = 0; i < STEPS; i++) {
            double s = Math.sin(x * w), cs = Math.cos(x * w);
            double nx = a * x + c * s + 0.01f * (i % 7);
            double ndx = a * dx + c * cs * (dx * w);
            double ndw = a * dw + c * cs * (dw * w + x);
            x = nx; dx = ndx; dw = ndw;
        }
        return new double[] {x, dx, dw};
    }
}
