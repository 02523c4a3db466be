package io.jgrad.codegen;

import io.jgrad.ir.Builder;
import io.jgrad.ir.Composites;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Prim;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import io.jgrad.runtime.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Arrays;

import static io.jgrad.codegen.F64Harness.S;
import static org.junit.jupiter.api.Assertions.*;

/**
 * API.md's "Compiled, version 2" for F64 functions: the calls over double[] with and without a
 * Workspace, every bad call an IllegalArgumentException naming the argument before anything is
 * written, and a call over the other dtype's arrays (either way) naming the right overload.
 */
class F64ContractTest {

    /** f(a[2,3], b[3], k[]) = sum((a + b) * k) with a, k differentiable, b data (ContractTest's, in F64). */
    static Compiled scalar() {
        return scalar(DType.F64);
    }

    static Compiled scalar(DType d) {
        Builder bl = new Builder();
        int a = bl.input(0, "a", Type.of(d, 2, 3)), b = bl.input(1, "b", Type.of(d, 3)), k = bl.input(2, "k", Type.of(d));
        Graph g = bl.build(Composites.sum(bl, Composites.mul(bl, Composites.add(bl, a, b), k)));
        return Pipelines.compile(g, new String[] {"a", "b", "k"}, new boolean[] {true, false, true});
    }

    static Compiled tensor() {
        Builder bl = new Builder();
        int a = bl.input(0, "a", Type.of(DType.F64, 2, 3)), b = bl.input(1, "b", Type.of(DType.F64, 3));
        Graph g = bl.build(Composites.tanh(bl, Composites.mul(bl, a, b)));
        return Pipelines.compile(g, new String[] {"a", "b"}, new boolean[] {true, true});
    }

    /** Values no float holds: a float computation could not give these results. */
    static double[][] in() { return new double[][] {{0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, {0.7, -1.1, 2.3}, {3.3}}; }

    static double[] filled(int n) { return F64Harness.sentinel(n); }

    static void untouched(double[]... arrays) {
        for (double[] a : arrays) if (a != null) for (double f : a) assertEquals(S, f, "written before the error");
    }

    static void untouched(float[]... arrays) {
        for (float[] a : arrays) if (a != null) for (float f : a) assertEquals(ContractTest.S, f, "written before the error");
    }

    static void rejects(Executable call, String... words) {
        ContractTest.rejects(call, words);
    }

    /** sum((a+b)*k) in double, in index order (six elements: one accumulator), from -0.0. */
    static double expectedValue(double[][] in) {
        double s = -0.0;
        for (int i = 0; i < 6; i++) s += (in[0][i] + in[1][i % 3]) * in[2][0];
        return s;
    }

    @Test
    void signatureAndDType() {
        Compiled c = scalar();
        assertEquals(DType.F64, c.dtype());
        assertEquals(DType.F32, scalar(DType.F32).dtype());
        assertEquals(3, c.inputCount());
        assertArrayEquals(new int[] {2, 3}, c.inputShape(0));
        assertTrue(c.ir().contains("f64[2,3]"), c.ir());
        assertTrue(c.toString().contains("] F64, "), c.toString());   // then the path (Simd.describe)
    }

    @Test
    void valuesAndGradsInEveryForm() {
        Compiled c = scalar();
        double[][] in = in();
        double[][] copy = F64Harness.deepCopy(in);
        double want = expectedValue(in);
        assertNotEquals((float) want, want, "the test values need double precision");
        double[] gb = filled(3);
        double[][] grads = {filled(6), gb, filled(1)};
        assertEquals(want, c.valueAndGrad(in, grads));
        // d/da = k; d/dk = sum(a + b) = 2.1 + 2 * 1.9 = 5.9 (up to the rounding of the sum)
        assertArrayEquals(new double[] {3.3, 3.3, 3.3, 3.3, 3.3, 3.3}, grads[0]);
        assertEquals(5.9, grads[2][0], 1e-14);
        untouched(gb); // b needs no gradient: its slot is left alone
        grads[1] = null; // and may be null
        Workspace ws = c.newWorkspace();
        Arrays.fill(grads[0], S);
        assertEquals(want, c.valueAndGrad(ws, in, grads));
        assertArrayEquals(new double[] {3.3, 3.3, 3.3, 3.3, 3.3, 3.3}, grads[0], "overwritten, not accumulated");
        assertEquals(want, c.value(in));
        double[] out = filled(1);
        c.forward(in, out);
        assertEquals(want, out[0]);
        out = filled(1);
        c.forward(ws, in, out);
        assertEquals(want, out[0]);
        double[] seed = {2.0};
        out = filled(1);
        c.vjp(in, seed, out, grads);
        assertArrayEquals(new double[] {6.6, 6.6, 6.6, 6.6, 6.6, 6.6}, grads[0]);
        assertEquals(want, out[0]);
        out = filled(1);
        Arrays.fill(grads[0], S);
        c.vjp(ws, in, seed, out, grads);
        assertArrayEquals(new double[] {6.6, 6.6, 6.6, 6.6, 6.6, 6.6}, grads[0]);
        assertEquals(want, out[0]);
        for (int i = 0; i < in.length; i++) assertArrayEquals(copy[i], in[i], "input " + i + " written");
    }

    @Test
    void badInputs() {
        Compiled c = scalar();
        double[] out = filled(1);
        double[][] grads = {filled(6), null, filled(1)};
        rejects(() -> c.forward((double[][]) null, out), "inputs is null");
        rejects(() -> c.forward(new double[2][], out), "expected 3 inputs", "got 2");
        rejects(() -> c.forward(new double[][] {in()[0], null, in()[2]}, out), "input 1 'b'", "null");
        rejects(() -> c.forward(new double[][] {in()[0], new double[4], in()[2]}, out), "input 1 'b'", "expected length 3", "got 4");
        rejects(() -> c.forward(c.newWorkspace(), new double[][] {in()[0], new double[4], in()[2]}, out), "input 1 'b'", "got 4");
        rejects(() -> c.valueAndGrad(new double[][] {new double[5], in()[1], in()[2]}, grads), "input 0 'a'", "6", "got 5");
        rejects(() -> c.valueAndGrad(c.newWorkspace(), new double[][] {new double[5], in()[1], in()[2]}, grads), "input 0 'a'", "got 5");
        rejects(() -> c.value(new double[][] {in()[0], in()[1], new double[0]}), "input 2 'k'", "expected length 1", "got 0");
        rejects(() -> c.vjp(new double[][] {in()[0], in()[1]}, new double[1], out, grads), "expected 3 inputs");
        rejects(() -> c.vjp(c.newWorkspace(), new double[][] {in()[0], in()[1]}, new double[1], out, grads), "expected 3 inputs");
        untouched(out, grads[0], grads[2]);
    }

    @Test
    void badOutputsSeedsAndGrads() {
        Compiled c = scalar();
        double[][] in = in();
        double[] out = filled(1), seed = {1.0};
        double[] ga = filled(6), gk = filled(1);
        rejects(() -> c.forward(in, (double[]) null), "output is null");
        rejects(() -> c.forward(in, new double[2]), "output", "expected length 1", "got 2");
        rejects(() -> c.forward(in, in[2]), "output", "input 2 'k'");
        rejects(() -> c.valueAndGrad(in, (double[][]) null), "grads is null");
        rejects(() -> c.valueAndGrad(in, new double[][] {ga, null}), "grads", "expected 3", "got 2");
        rejects(() -> c.valueAndGrad(in, new double[][] {ga, null, null}), "grads[2]", "'k'", "null");
        rejects(() -> c.valueAndGrad(in, new double[][] {new double[5], null, gk}), "grads[0]", "'a'", "expected length 6", "got 5");
        rejects(() -> c.valueAndGrad(in, new double[][] {ga, null, in[2]}), "grads[2]", "same array as input 2 'k'");
        rejects(() -> c.valueAndGrad(c.newWorkspace(), in, new double[][] {ga, null, in[2]}), "grads[2]", "same array as input 2 'k'");
        double[] shared = filled(1);
        Compiled neuron = Pipelines.compile(F64NeuronTest.seedNeuron(), Pipelines.NEURON_NAMES, Pipelines.NEURON_WRT);
        double[][] nin = {{1}, {0}, {6.7}, {0}};
        rejects(() -> neuron.valueAndGrad(nin, new double[][] {shared, shared, null, null}), "grads[1]", "same array as grads[0]");
        rejects(() -> neuron.vjp(nin, seed, out, new double[][] {out, filled(1), null, null}), "grads[0]", "same array as output");
        rejects(() -> neuron.vjp(nin, seed, out, new double[][] {seed, filled(1), null, null}), "grads[0]", "same array as seed");
        rejects(() -> c.vjp(in, null, out, new double[][] {ga, null, gk}), "seed is null", "double[1]");
        rejects(() -> c.vjp(in, new double[3], out, new double[][] {ga, null, gk}), "seed", "expected length 1", "got 3");
        rejects(() -> c.vjp(in, seed, seed, new double[][] {ga, null, gk}), "output is the same array as seed");
        rejects(() -> c.vjp(in, seed, null, new double[][] {ga, null, gk}), "output is null");
        rejects(() -> c.vjp(c.newWorkspace(), in, seed, null, new double[][] {ga, null, gk}), "output is null");
        untouched(out, ga, gk, shared);
        assertEquals(1.0, seed[0]);
    }

    @Test
    void workspaces() {
        Compiled c = scalar(), other = scalar(), f32 = scalar(DType.F32);
        double[][] in = in();
        double[] out = filled(1);
        double[][] grads = {filled(6), null, filled(1)};
        for (Workspace foreign : new Workspace[] {other.newWorkspace(), f32.newWorkspace()}) {
            rejects(() -> c.forward(foreign, in, out), "another compiled function");
            rejects(() -> c.valueAndGrad(foreign, in, grads), "another compiled function");
            rejects(() -> c.vjp(foreign, in, new double[] {1}, out, grads), "another compiled function");
        }
        rejects(() -> c.forward((Workspace) null, in, out), "workspace is null");
        untouched(out, grads[0], grads[2]);
    }

    @Test
    void tensorOutputs() {
        Compiled c = tensor();
        double[][] in = {{0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, {0.7, -1.1, 2.3}};
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.valueAndGrad(in, new double[][] {new double[6], new double[3]}));
        assertTrue(e.getMessage().contains("vjp"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> c.valueAndGrad(c.newWorkspace(), in, new double[][] {new double[6], new double[3]}));
        assertThrows(IllegalStateException.class, () -> c.value(in));
        double[] out = filled(6), seed = {1, 1, 1, 1, 1, 1};
        double[][] grads = {filled(6), filled(3)};
        rejects(() -> c.vjp(in, new double[5], out, grads), "seed", "expected length 6", "got 5");
        rejects(() -> c.forward(in, new double[5]), "output", "expected length 6", "got 5");
        untouched(out, grads[0], grads[1]);
        c.vjp(in, seed, out, grads);
        for (int i = 0; i < 6; i++) {
            double x = in[0][i] * in[1][i % 3];
            assertEquals(Math.tanh(x), out[i], 0.0, "Math.tanh in double, no float round trip");
            // d tanh = seed * (1 - out^2), times b for a
            assertEquals((1 - out[i] * out[i]) * in[1][i % 3], grads[0][i], 1e-15);
        }
    }

    /** Every float call on an F64 function throws, naming the double overload, and writes nothing. */
    @Test
    void floatCallsOnAnF64FunctionNameTheDoubleOverload() {
        Compiled c = scalar();
        Workspace ws = c.newWorkspace();
        float[][] in = ContractTest.in();
        float[] out = ContractTest.filled(1), seed = {1f};
        float[][] grads = {ContractTest.filled(6), null, ContractTest.filled(1)};
        rejects(() -> c.forward(in, out), "F64", "forward(double[][] inputs, double[] output)");
        rejects(() -> c.forward(ws, in, out), "F64", "forward(Workspace ws, double[][] inputs, double[] output)");
        rejects(() -> c.value(in), "F64", "value(double[][] inputs)");
        rejects(() -> c.valueAndGrad(in, grads), "F64", "valueAndGrad(double[][] inputs, double[][] grads)");
        rejects(() -> c.valueAndGrad(ws, in, grads), "F64", "valueAndGrad(Workspace ws, double[][] inputs, double[][] grads)");
        rejects(() -> c.vjp(in, seed, out, grads), "F64", "vjp(double[][] inputs, double[] seed, double[] output, double[][] grads)");
        rejects(() -> c.vjp(ws, in, seed, out, grads), "F64", "vjp(Workspace ws, double[][] inputs, double[] seed, double[] output, double[][] grads)");
        // a tensor-output F64 function: value is a dtype error first, not a shape one
        rejects(() -> tensor().value(new float[][] {new float[6], new float[3]}), "F64", "value(double[][] inputs)");
        untouched(out, grads[0], grads[2]);
    }

    /** Every double call on an F32 function throws, naming the float overload, and writes nothing. */
    @Test
    void doubleCallsOnAnF32FunctionNameTheFloatOverload() {
        Compiled c = scalar(DType.F32);
        Workspace ws = c.newWorkspace();
        double[][] in = in();
        double[] out = filled(1), seed = {1.0};
        double[][] grads = {filled(6), null, filled(1)};
        rejects(() -> c.forward(in, out), "F32", "forward(float[][] inputs, float[] output)");
        rejects(() -> c.forward(ws, in, out), "F32", "forward(Workspace ws, float[][] inputs, float[] output)");
        rejects(() -> c.value(in), "F32", "value(float[][] inputs)");
        rejects(() -> c.valueAndGrad(in, grads), "F32", "valueAndGrad(float[][] inputs, float[][] grads)");
        rejects(() -> c.valueAndGrad(ws, in, grads), "F32", "valueAndGrad(Workspace ws, float[][] inputs, float[][] grads)");
        rejects(() -> c.vjp(in, seed, out, grads), "F32", "vjp(float[][] inputs, float[] seed, float[] output, float[][] grads)");
        rejects(() -> c.vjp(ws, in, seed, out, grads), "F32", "vjp(Workspace ws, float[][] inputs, float[] seed, float[] output, float[][] grads)");
        untouched(out, grads[0], grads[2]);
    }

    @Test
    void f16AndMixedDtypesAreRefusedAtCompile() {
        Builder bl = new Builder();
        int x = bl.input(0, "x", Type.of(DType.F16, 3));
        Graph g = bl.build(Composites.sum(bl, Composites.mul(bl, x, x)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CodeGen.compile(new CompileRequest(g, g, g, new String[] {"x"}, new int[][] {{3}}, new boolean[1], new int[0])));
        assertTrue(e.getMessage().contains("F32"), e.getMessage());

        // an f32 input in an F64 function (the frontend refuses mixed inputs first; codegen checks too)
        Builder mb = new Builder();
        int a = mb.input(0, "a", Type.of(DType.F64, 3)), b = mb.input(1, "b", Type.f32(3));
        int s = mb.reduce(Prim.REDUCE_SUM, a, 0), t = mb.reduce(Prim.REDUCE_SUM, b, 0);
        Graph mixed = mb.build(s);
        assertEquals(DType.F32, mixed.type(t).dtype());
        e = assertThrows(IllegalArgumentException.class, () -> CodeGen.compile(new CompileRequest(mixed, mixed, mixed,
                new String[] {"a", "b"}, new int[][] {{3}, {3}}, new boolean[2], new int[0])));
        assertTrue(e.getMessage().contains("f32[3]") && e.getMessage().contains("f64[3]"), e.getMessage());
    }
}
