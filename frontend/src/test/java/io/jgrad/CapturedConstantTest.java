package io.jgrad;

import io.jgrad.runtime.Compiled;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 8, part 2: a captured constant costs compile time O(its size) once. A Gaussian-mixture
 * style objective capturing a 0/1 scatter matrix S [256, 4096] (10^6 values) compiled in
 * 3.5-8.5 s at that scale (CSE compared constants element by element, the optimiser printed
 * them each round), against 0.1-0.4 s with S as an input. Measured in thread CPU time, the
 * least of five compiles, so that a loaded machine does not decide the outcome.
 */
class CapturedConstantTest {
    static final int M = 256, D2 = 4096;
    static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    static Tensor objective(Tensor theta, Tensor x, Tensor s) {
        Tensor l = theta.matmul(s).reshape(8 * 64, 64);
        return x.matmul(l.t()).square().mean().add(theta.square().sum().mul(1e-3f));
    }

    static float[] scatter() {
        float[] s = new float[M * D2];
        Random r = new Random(5);
        for (int j = 0; j < M; j++) s[j * D2 + r.nextInt(D2)] = 1f;   // parameter j goes to one entry of the factor
        return s;
    }

    @Test
    void aCapturedConstantGivesTheBitsOfTheSameTensorPassedAsAnInput() {
        float[] s = scatter();
        Tensor S = Tensor.of(s, M, D2);
        Compiled captured = Grad.compile((Tensor t, Tensor x) -> objective(t, x, S), Arg.of(8, M), Arg.of(32, 64).noGrad());
        Compiled input = Grad.compile(CapturedConstantTest::objective, Arg.of(8, M), Arg.of(32, 64).noGrad(), Arg.of(M, D2).noGrad());
        Random r = new Random(6);
        float[] theta = new float[8 * M], x = new float[32 * 64];
        for (int i = 0; i < theta.length; i++) theta[i] = (float) r.nextGaussian();
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        float[][] g1 = {new float[theta.length], null}, g2 = {new float[theta.length], null, null};
        float v1 = captured.valueAndGrad(new float[][] {theta, x}, g1);
        float v2 = input.valueAndGrad(new float[][] {theta, x, s}, g2);
        assertEquals(Float.floatToIntBits(v2), Float.floatToIntBits(v1), "value");
        assertArrayEquals(g2[0], g1[0], "gradient");
        assertTrue(v1 > 0 && Float.isFinite(v1), "value " + v1);
    }

    @Test
    void writingTheCapturedTensorAfterCompilingDoesNotChangeTheFunction() {
        float[] s = scatter();
        Tensor S = Tensor.of(s, M, D2);
        Compiled captured = Grad.compile((Tensor t, Tensor x) -> objective(t, x, S), Arg.of(8, M), Arg.of(32, 64).noGrad());
        float[] theta = new float[8 * M], x = new float[32 * 64];
        java.util.Arrays.fill(theta, 0.5f);
        java.util.Arrays.fill(x, 0.25f);
        float[][] g = {new float[theta.length], null};
        float before = captured.valueAndGrad(new float[][] {theta, x}, g);
        float[] gBefore = g[0].clone();
        S.zero();   // API.md: a captured tensor is a constant of its values at compile time
        float after = captured.valueAndGrad(new float[][] {theta, x}, g);
        assertEquals(Float.floatToIntBits(before), Float.floatToIntBits(after));
        assertArrayEquals(gBefore, g[0]);
        assertTrue(before > 1e-3f * 8 * M * 0.25f, "S still scatters theta into the factor: " + before);
    }

    @Test
    void capturingA256x4096ConstantCostsLittleCompileTime() {
        float[] s = scatter();
        Tensor S = Tensor.of(s, M, D2);
        long captured = Long.MAX_VALUE, input = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = MX.getCurrentThreadCpuTime();
            Grad.compile((Tensor t, Tensor x) -> objective(t, x, S), Arg.of(8, M), Arg.of(32, 64).noGrad());
            long t1 = MX.getCurrentThreadCpuTime();
            Grad.compile(CapturedConstantTest::objective, Arg.of(8, M), Arg.of(32, 64).noGrad(), Arg.of(M, D2).noGrad());
            long t2 = MX.getCurrentThreadCpuTime();
            captured = Math.min(captured, t1 - t0);
            input = Math.min(input, t2 - t1);
        }
        System.out.printf("compile, thread CPU, least of 5: S captured %.1f ms, S an input %.1f ms%n", captured / 1e6, input / 1e6);
        // Issue 8's bar: within 1.5x of the input version, plus 10 ms for timer noise only (least
        // of five, thread CPU, on a loaded machine). The 10^6 values are now read once, by the
        // tracer's copy (the tensor may be written after compiling, API.md: values at compile
        // time); no pass hashes, widens, transposes or converts them (Sᵀ stays a view, the class
        // data is the tensor's own array, copy-on-write: the tensor copies it before its next write). Warm,
        // with the copy at capture: ~2.2 ms against ~0.8 ms; without it, see the README. Before: folding Sᵀ per graph and the
        // conversions cost ~25 ms; comparing the values per CSE lookup and printing them per
        // optimiser round, 0.7-2 s.
        assertTrue(captured <= 1.5 * input + 10e6,
                "captured: " + captured / 1e6 + " ms, input: " + input / 1e6 + " ms (thread CPU)");
    }

    // ------------------------------------------------------------------ copy-on-write capture
    // The trace keeps a captured tensor's array itself; each in-place write path must copy it
    // first. Each test compiles x·c (c captured), writes c (or a tensor sharing its data) in
    // place, and checks the compiled function still multiplies by c's values at compile time
    // while the eager tensors see the write as before.

    private static float[] times(Compiled f, float... x) {
        float[] out = new float[x.length];
        f.forward(new float[][] {x}, out);
        return out;
    }

    @Test
    void zeroOfACapturedTensorLeavesTheFunctionAndZerosTheTensor() {
        Tensor c = Tensor.of(2f, 3f);
        Compiled f = Grad.compile((Tensor x) -> x.mul(c), Arg.of(2));
        c.zero();
        assertArrayEquals(new float[] {2f, 6f}, times(f, 1f, 2f));
        assertArrayEquals(new float[] {0f, 0f}, c.toArray());
        Compiled g = Grad.compile((Tensor x) -> x.mul(c), Arg.of(2));   // a compile after the write sees it
        assertArrayEquals(new float[] {0f, 0f}, times(g, 1f, 2f));
    }

    @Test
    void gradientAccumulationIntoACapturedGradLeavesTheFunction() {
        Tensor w = Tensor.of(1f, 1f).requiresGrad(true);
        w.mul(Tensor.of(3f, 4f)).sum().backward();            // w.grad = [3, 4]
        Tensor c = w.grad();
        Compiled f = Grad.compile((Tensor x) -> x.mul(c), Arg.of(2));
        w.mul(Tensor.of(10f, 20f)).sum().backward();          // accumulates in place: [13, 24]
        assertArrayEquals(new float[] {13f, 24f}, w.grad().toArray());
        assertArrayEquals(new float[] {3f, 8f}, times(f, 1f, 2f));
        try (var off = Grad.noGrad()) {
            w.grad().zero();   // optimiser-style clearing between steps
        }
        assertArrayEquals(new float[] {3f, 8f}, times(f, 1f, 2f));
        assertArrayEquals(new float[] {0f, 0f}, w.grad().toArray());
    }

    @Test
    void aViewMadeAfterCapturingSharesTheTensorsNewDataNotTheConstant() {
        Tensor c = Tensor.of(2f, 3f, 4f, 5f);
        Compiled f = Grad.compile((Tensor x) -> x.mul(c), Arg.of(4));
        Tensor view = c.reshape(2, 2);
        Tensor detached = c.detach();
        view.zero();   // a view's write is the tensor's (PyTorch's view semantics) and not the function's
        assertArrayEquals(new float[] {0f, 0f, 0f, 0f}, c.toArray());
        assertArrayEquals(new float[] {0f, 0f, 0f, 0f}, detached.toArray());
        assertArrayEquals(new float[] {2f, 3f, 4f, 5f}, times(f, 1f, 1f, 1f, 1f));
    }

    @Test
    void capturingATensorThatHasViewsCopiesItAndTheViewsStillShare() {
        Tensor c = Tensor.of(2f, 3f);
        Tensor view = c.detach();
        Compiled f = Grad.compile((Tensor x) -> x.mul(c), Arg.of(2));
        Compiled g = Grad.compile((Tensor x) -> x.mul(view), Arg.of(2));
        view.zero();
        assertArrayEquals(new float[] {0f, 0f}, c.toArray());
        assertArrayEquals(new float[] {2f, 6f}, times(f, 1f, 2f));
        assertArrayEquals(new float[] {2f, 6f}, times(g, 1f, 2f));
    }

    @Test
    void aSavedTensorWrittenAfterCapturingStillMakesBackwardRefuse() {
        Tensor c = Tensor.of(2f, 3f);
        Tensor x = Tensor.of(1f, 1f).requiresGrad(true);
        Tensor y = x.mul(c).sum();   // MulBackward0 saves c
        Grad.compile((Tensor t) -> t.mul(c), Arg.of(2));
        c.zero();
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("modified by an inplace operation"), e.getMessage());
    }

    /** Tensor.zeros/ones/full captured: one scalar broadcast in the IR, not 120,000 numbers; the same values. */
    @Test
    void aCapturedUniformTensorIsOneBroadcastScalar() {
        Tensor full = Tensor.full(2.5f, 300, 400);
        Compiled f = Grad.compile((Tensor x) -> x.mul(full).sum(), Arg.of(300, 400));
        assertTrue(f.ir().length() < 2_000, "IR of " + f.ir().length() + " characters:\n" + f.ir());
        float[] x = new float[300 * 400];
        for (int i = 0; i < x.length; i++) x[i] = (i % 7) - 3;
        float[][] g = {new float[x.length]};
        float eager = Tensor.of(x, 300, 400).mul(full).sum().item();
        assertEquals(eager, f.valueAndGrad(new float[][] {x}, g));
        for (float gi : g[0]) assertEquals(2.5f, gi);

        Tensor zeros64 = Tensor.zeros(io.jgrad.runtime.DType.F64, 50, 60);
        Compiled h = Grad.compile((Tensor x64) -> x64.add(zeros64).exp().sum(), Arg.of(50, 60).dtype(io.jgrad.runtime.DType.F64));
        assertTrue(h.ir().length() < 2_000, h.ir());
        double[] y = new double[50 * 60];
        for (int i = 0; i < y.length; i++) y[i] = i * 1e-3;
        double want = 0;
        for (double v : y) want += Math.exp(v);
        assertEquals(want, h.value(new double[][] {y}), 1e-9 * want);

        // one element differs: the whole array, as before
        float[] almost = new float[300 * 400];
        almost[almost.length - 1] = 1f;
        Tensor a = Tensor.of(almost, 300, 400);
        Compiled k = Grad.compile((Tensor x2) -> x2.mul(a).sum(), Arg.of(300, 400));
        assertEquals(x[x.length - 1], k.value(new float[][] {x}));
    }
}
