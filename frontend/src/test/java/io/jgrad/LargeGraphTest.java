package io.jgrad;

import io.jgrad.runtime.Compiled;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 8, part 3: a graph past one class file's limits. {@code h = h.mul(w).add(0.1f)} unrolled
 * 100,000 times (200,000 traced ops; 500,000 nodes in each adjoint graph) failed after 12-17 s
 * with ASM's ClassTooLargeException (the constant pool overflowed; 80,000 steps still fit, in a
 * 10.5 MB class). It now compiles into a main class and chunk classes, and computes what a
 * plain float loop computes, bit for bit: every traced op is one rounded float operation.
 */
class LargeGraphTest {
    static final int STEPS = 100_000;

    @Test
    void aHundredThousandStepChainCompilesAndComputesWhatAPlainLoopDoes() {
        long t0 = System.nanoTime();
        Compiled f = Grad.compile((Tensor h, Tensor w) -> {
            Tensor x = h;
            for (int i = 0; i < STEPS; i++) x = x.mul(w).add(0.1f);
            return x;
        });
        System.out.printf("%,d-step chain: Grad.compile %.1f s%n", STEPS, (System.nanoTime() - t0) / 1e9);

        float h0 = 0.5f, w = 0.9999f;
        // the value: h_{i+1} = fl(fl(h_i * w) + 0.1f)
        float[] h = new float[STEPS + 1];
        h[0] = h0;
        for (int i = 0; i < STEPS; i++) h[i + 1] = h[i] * w + 0.1f;
        // the gradient in the adjoint's order: walking the steps backwards, ḡ_i = ḡ_{i+1}·w,
        // and w's adjoint gets ḡ_{i+1}·h_i added to what the later steps gave
        float g = 1f, dw = 0f;
        for (int i = STEPS - 1; i >= 0; i--) {
            float c = g * h[i];
            dw = i == STEPS - 1 ? c : dw + c;
            g = g * w;
        }

        float[][] in = {{h0}, {w}};
        float[][] grads = {new float[1], new float[1]};
        float value = f.valueAndGrad(in, grads);
        assertEquals(h[STEPS], value, 0f, "valueAndGrad's value");
        assertEquals(g, grads[0][0], 0f, "d/dh0");
        assertEquals(dw, grads[1][0], 0f, "d/dw");
        assertEquals(h[STEPS], f.value(in), 0f, "value");
        float[] out = new float[1];
        float[][] vjpGrads = {new float[1], new float[1]};
        f.vjp(in, new float[] {1f}, out, vjpGrads);
        assertEquals(h[STEPS], out[0], 0f, "vjp's output");
        assertEquals(g, vjpGrads[0][0], 0f, "vjp d/dh0");
        assertEquals(dw, vjpGrads[1][0], 0f, "vjp d/dw");

        // and the float loop is the function: against the same recurrence in double
        double hd = h0, gd = 1, dwd = 0;
        double[] hs = new double[STEPS + 1];
        hs[0] = hd;
        for (int i = 0; i < STEPS; i++) hs[i + 1] = hs[i] * w + 0.1;
        for (int i = STEPS - 1; i >= 0; i--) {
            dwd += gd * hs[i];
            gd *= w;
        }
        assertTrue(Math.abs(value - hs[STEPS]) <= 1e-3 * Math.abs(hs[STEPS]), value + " vs double " + hs[STEPS]);
        assertTrue(Math.abs(grads[0][0] - gd) <= 1e-3 * Math.abs(gd), grads[0][0] + " vs double " + gd);
        assertTrue(Math.abs(grads[1][0] - dwd) <= 1e-3 * Math.abs(dwd), grads[1][0] + " vs double " + dwd);
    }
}
