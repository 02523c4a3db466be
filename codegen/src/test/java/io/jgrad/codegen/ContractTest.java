package io.jgrad.codegen;

import io.jgrad.ir.Builder;
import io.jgrad.ir.Composites;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * API.md's contract of Compiled: every bad call throws IllegalArgumentException naming the
 * argument (index and name, expected and actual length) before anything is written; inputs are
 * never written; grads are overwritten; a non-differentiable input's grads slot is left alone.
 */
class ContractTest {
    static final float S = 12345.678f;

    /** f(a[2,3], b[3], k[]) = sum((a + b) * k) with a, k differentiable, b data: a tensor output variant too. */
    static Compiled scalar() {
        Builder bl = new Builder();
        int a = bl.input(0, "a", Type.f32(2, 3)), b = bl.input(1, "b", Type.f32(3)), k = bl.input(2, "k", Type.f32());
        Graph g = bl.build(Composites.sum(bl, Composites.mul(bl, Composites.add(bl, a, b), k)));
        return Pipelines.compile(g, new String[] {"a", "b", "k"}, new boolean[] {true, false, true});
    }

    static Compiled tensor() {
        Builder bl = new Builder();
        int a = bl.input(0, "a", Type.f32(2, 3)), b = bl.input(1, "b", Type.f32(3));
        Graph g = bl.build(Composites.tanh(bl, Composites.mul(bl, a, b)));
        return Pipelines.compile(g, new String[] {"a", "b"}, new boolean[] {true, true});
    }

    static float[][] in() { return new float[][] {{1, 2, 3, 4, 5, 6}, {0.5f, -1, 2}, {3}}; }

    static float[] filled(int n) {
        float[] a = new float[n];
        Arrays.fill(a, S);
        return a;
    }

    static void untouched(float[]... arrays) {
        for (float[] a : arrays) if (a != null) for (float f : a) assertEquals(S, f, "written before the error");
    }

    static void rejects(Executable call, String... words) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String w : words) assertTrue(e.getMessage().contains(w), "message '" + e.getMessage() + "' lacks '" + w + "'");
    }

    @Test
    void signature() {
        Compiled c = scalar();
        assertEquals(3, c.inputCount());
        assertArrayEquals(new int[] {2, 3}, c.inputShape(0));
        assertEquals("b", c.inputName(1));
        assertFalse(c.inputRequiresGrad(1));
        assertTrue(c.inputRequiresGrad(2));
        assertArrayEquals(new int[0], c.outputShape());
        c.inputShape(0)[0] = 99; // a copy
        assertArrayEquals(new int[] {2, 3}, c.inputShape(0));
        rejects(() -> c.inputShape(3), "3", "3 inputs");
        rejects(() -> c.inputName(-1), "-1");
        assertTrue(c.ir().contains("reduce_sum") && c.ir().contains("d_a"), c.ir());
        assertTrue(c.dot().startsWith("digraph"), c.dot());
        byte[] bc = c.bytecode();
        bc[0] = 0; // a copy
        assertEquals((byte) 0xCA, c.bytecode()[0]);
    }

    @Test
    void valuesAndGradsInEveryForm() {
        Compiled c = scalar();
        float[][] in = in();
        float[][] copy = Harness.deepCopy(in);
        float[] gb = filled(3);
        float[][] grads = {filled(6), gb, filled(1)};
        float v = c.valueAndGrad(in, grads);
        // sum((a+b)*k): value 3*(21 + 2*1.5) = 72, d/da = k = 3, d/dk = sum(a+b) = 24
        assertEquals(72f, v);
        assertArrayEquals(new float[] {3, 3, 3, 3, 3, 3}, grads[0]);
        assertArrayEquals(new float[] {24}, grads[2]);
        untouched(gb); // b needs no gradient: its slot is left alone
        grads[1] = null; // and may be null
        assertEquals(72f, c.valueAndGrad(c.newWorkspace(), in, grads));
        assertArrayEquals(new float[] {3, 3, 3, 3, 3, 3}, grads[0], "overwritten, not accumulated");
        assertEquals(72f, c.value(in));
        float[] out = filled(1);
        c.forward(in, out);
        assertEquals(72f, out[0]);
        float[] seed = {2f};
        c.vjp(in, seed, out, grads);
        assertArrayEquals(new float[] {6, 6, 6, 6, 6, 6}, grads[0]);
        assertEquals(72f, out[0]);
        for (int i = 0; i < in.length; i++) assertArrayEquals(copy[i], in[i], "input " + i + " written");
    }

    @Test
    void badInputs() {
        Compiled c = scalar();
        float[] out = filled(1);
        float[][] grads = {filled(6), null, filled(1)};
        rejects(() -> c.forward(null, out), "inputs is null");
        rejects(() -> c.forward(new float[2][], out), "expected 3 inputs", "got 2");
        rejects(() -> c.forward(new float[][] {in()[0], null, in()[2]}, out), "input 1 'b'", "null");
        rejects(() -> c.forward(new float[][] {in()[0], new float[4], in()[2]}, out), "input 1 'b'", "expected length 3", "got 4");
        rejects(() -> c.valueAndGrad(new float[][] {new float[5], in()[1], in()[2]}, grads), "input 0 'a'", "6", "got 5");
        rejects(() -> c.value(new float[][] {in()[0], in()[1], new float[0]}), "input 2 'k'", "expected length 1", "got 0");
        rejects(() -> c.vjp(new float[][] {in()[0], in()[1]}, new float[1], out, grads), "expected 3 inputs");
        untouched(out, grads[0], grads[2]);
    }

    @Test
    void badOutputsSeedsAndGrads() {
        Compiled c = scalar();
        float[][] in = in();
        float[] out = filled(1), seed = {1f};
        float[] ga = filled(6), gk = filled(1);
        rejects(() -> c.forward(in, null), "output is null");
        rejects(() -> c.forward(in, new float[2]), "output", "expected length 1", "got 2");
        rejects(() -> c.forward(in, in[2]), "output", "input 2 'k'");
        rejects(() -> c.valueAndGrad(in, null), "grads is null");
        rejects(() -> c.valueAndGrad(in, new float[][] {ga, null}), "grads", "expected 3", "got 2");
        rejects(() -> c.valueAndGrad(in, new float[][] {ga, null, null}), "grads[2]", "'k'", "null");
        rejects(() -> c.valueAndGrad(in, new float[][] {new float[5], null, gk}), "grads[0]", "'a'", "expected length 6", "got 5");
        rejects(() -> c.valueAndGrad(in, new float[][] {ga, null, in[2]}), "grads[2]", "same array as input 2 'k'");
        rejects(() -> c.valueAndGrad(in, new float[][] {ga, null, ga}), "grads[2]", "length");
        float[] shared = filled(1);
        Compiled twoScalars = Pipelines.compile(Pipelines.seedNeuron(), Pipelines.NEURON_NAMES, Pipelines.NEURON_WRT);
        float[][] nin = {{1}, {0}, {6.7f}, {0}};
        rejects(() -> twoScalars.valueAndGrad(nin, new float[][] {shared, shared, null, null}), "grads[1]", "same array as grads[0]");
        rejects(() -> twoScalars.vjp(nin, seed, out, new float[][] {out, filled(1), null, null}), "grads[0]", "same array as output");
        rejects(() -> twoScalars.vjp(nin, seed, out, new float[][] {seed, filled(1), null, null}), "grads[0]", "same array as seed");
        rejects(() -> c.vjp(in, null, out, new float[][] {ga, null, gk}), "seed is null");
        rejects(() -> c.vjp(in, new float[3], out, new float[][] {ga, null, gk}), "seed", "expected length 1", "got 3");
        rejects(() -> c.vjp(in, seed, seed, new float[][] {ga, null, gk}), "output is the same array as seed");
        rejects(() -> c.vjp(in, seed, null, new float[][] {ga, null, gk}), "output is null");
        untouched(out, ga, gk, shared);
        assertEquals(1f, seed[0]);
    }

    @Test
    void workspaces() {
        Compiled c = scalar(), other = scalar();
        float[][] in = in();
        float[] out = filled(1);
        float[][] grads = {filled(6), null, filled(1)};
        Workspace foreign = other.newWorkspace();
        rejects(() -> c.forward(foreign, in, out), "another compiled function");
        rejects(() -> c.valueAndGrad(foreign, in, grads), "another compiled function");
        rejects(() -> c.vjp(foreign, in, new float[] {1}, out, grads), "another compiled function");
        rejects(() -> c.forward((Workspace) null, in, out), "workspace is null");
        untouched(out, grads[0], grads[2]);
    }

    @Test
    void tensorOutputs() {
        Compiled c = tensor();
        float[][] in = {{1, 2, 3, 4, 5, 6}, {0.5f, -1, 2}};
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.valueAndGrad(in, new float[][] {new float[6], new float[3]}));
        assertTrue(e.getMessage().contains("vjp"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> c.valueAndGrad(c.newWorkspace(), in, new float[][] {new float[6], new float[3]}));
        assertThrows(IllegalStateException.class, () -> c.value(in));
        float[] out = filled(6), seed = {1, 1, 1, 1, 1, 1};
        float[][] grads = {filled(6), filled(3)};
        rejects(() -> c.vjp(in, new float[5], out, grads), "seed", "expected length 6", "got 5");
        rejects(() -> c.forward(in, new float[5]), "output", "expected length 6", "got 5");
        untouched(out, grads[0], grads[1]);
        c.vjp(in, seed, out, grads);
        for (int i = 0; i < 6; i++) {
            float x = in[0][i] * in[1][i % 3];
            assertEquals((float) Math.tanh(x), out[i]);
            float d = 1 - out[i] * out[i];
            assertEquals(d * in[1][i % 3], grads[0][i], 1e-6f);
        }
    }
}
