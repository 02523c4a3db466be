package io.jgrad;

import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compile-time scaling on an unrolled recurrence of vectors, the LSTM's shape (ADBench): 4,500
 * steps of h ← tanh(h ⊙ w + x_t ⊙ b) over 8 elements, 22,500 traced tensor ops, whose adjoint
 * keeps one 8-element buffer per step alive from the forward sweep to the backward one. With
 * tens of thousands of live buffers, planning the workspace by rescanning the live list per
 * statement was quadratic (LSTM l2 c1024: 3 of 6.6 s). No clock is asserted here: a quadratic
 * stage shows up as this test turning slow; {@code FreeListTest} counts the planner's work.
 * Value and gradient are checked against a hand-written double-precision loop and its
 * hand-written backward sweep.
 */
class TensorChainTest {
    static final int STEPS = 4500, N = 8;

    static Tensor recurrence(Tensor w, Tensor b, Tensor h0, Tensor xs) {
        Tensor h = h0;
        for (int t = 0; t < STEPS; t++) h = h.mul(w).add(xs.select(0, t).mul(b)).tanh();
        return h.sum();
    }

    @Test
    void twentyThousandVectorOpsCompileAndMatchAHandWrittenLoop() {
        Arg[] args = {Arg.of(N).dtype(DType.F64).named("w"), Arg.of(N).dtype(DType.F64).named("b"),
                Arg.of(N).dtype(DType.F64).noGrad().named("h0"), Arg.of(STEPS, N).dtype(DType.F64).noGrad().named("xs")};
        FnN f = in -> recurrence(in[0], in[1], in[2], in[3]);
        int ops = Tracer.lower(f, args.clone()).traced.opCount();
        assertTrue(ops >= 20_000, "traced ops: " + ops);

        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long t0 = System.nanoTime(), cpu0 = threads.getCurrentThreadCpuTime();
        Compiled c = Grad.compile(f, args);
        System.out.printf("%,d-op vector chain: Grad.compile %.1f s (thread CPU %.1f s), class %,d bytes%n", ops,
                (System.nanoTime() - t0) / 1e9, (threads.getCurrentThreadCpuTime() - cpu0) / 1e9, c.bytecode().length);

        java.util.Random r = new java.util.Random(12);
        double[] w = new double[N], b = new double[N], h0 = new double[N], xs = new double[STEPS * N];
        for (int j = 0; j < N; j++) {
            w[j] = 0.3 + 0.5 * r.nextDouble();
            b[j] = r.nextDouble() - 0.5;
            h0[j] = r.nextDouble() - 0.5;
        }
        for (int i = 0; i < xs.length; i++) xs[i] = r.nextDouble() * 2 - 1;

        // forward: every step's h kept for the backward sweep
        double[][] h = new double[STEPS + 1][];
        h[0] = h0.clone();
        for (int t = 0; t < STEPS; t++) {
            h[t + 1] = new double[N];
            for (int j = 0; j < N; j++) h[t + 1][j] = Math.tanh(h[t][j] * w[j] + xs[t * N + j] * b[j]);
        }
        double value = 0;
        for (int j = 0; j < N; j++) value += h[STEPS][j];
        // backward: z = h w + x b, h' = tanh z, so dz = dh' (1 - h'^2), dw += dz h, db += dz x, dh = dz w
        double[] dh = new double[N], dw = new double[N], db = new double[N];
        java.util.Arrays.fill(dh, 1);
        for (int t = STEPS - 1; t >= 0; t--) {
            for (int j = 0; j < N; j++) {
                double dz = dh[j] * (1 - h[t + 1][j] * h[t + 1][j]);
                dw[j] += dz * h[t][j];
                db[j] += dz * xs[t * N + j];
                dh[j] = dz * w[j];
            }
        }

        double[][] in = {w, b, h0, xs};
        double[][] grads = {new double[N], new double[N], null, null};
        double got = c.valueAndGrad(in, grads);
        assertEquals(value, got, 1e-13 * Math.abs(value), "value");
        for (int j = 0; j < N; j++) {
            assertEquals(dw[j], grads[0][j], 1e-11 * Math.abs(dw[j]) + 1e-15, "d/dw[" + j + "]");
            assertEquals(db[j], grads[1][j], 1e-11 * Math.abs(db[j]) + 1e-15, "d/db[" + j + "]");
        }
        assertEquals(got, c.value(in), 0.0, "value() and valueAndGrad agree");
    }
}
