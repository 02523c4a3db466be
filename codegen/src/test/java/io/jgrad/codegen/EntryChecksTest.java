package io.jgrad.codegen;

import io.jgrad.ir.Builder;
import io.jgrad.ir.Composites;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Checks;
import io.jgrad.runtime.DType;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.Workspace;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The entry points' unrolled checks ({@link EntryChecks}) accept exactly the calls that
 * {@code io.jgrad.runtime.Checks} accepts: random signatures, random calls (valid ones and ones
 * with a null, a wrong count or length, an array aliased where API.md forbids it or where it
 * allows it), each entry point against {@code Checks} called directly. The expected outcome
 * comes from {@code Checks}, which the unrolled checks do not use when they accept.
 */
class EntryChecksTest {
    static final float S = 12345.678f;

    /** f = Σ_i sum(tanh(x_i)) (scalar) or tanh(x_0) + Σ_{i>0} sum(x_i) (x_0's shape). */
    static Compiled function(int[] sizes, boolean[] wrt, boolean scalar) {
        return function(sizes, wrt, scalar, DType.F32);
    }

    static Compiled function(int[] sizes, boolean[] wrt, boolean scalar, DType d) {
        Builder bl = new Builder();
        int n = sizes.length;
        int[] x = new int[n];
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            names[i] = "x" + i;
            x[i] = bl.input(i, names[i], sizes[i] == 1 && i % 2 == 0 ? Type.of(d) : Type.of(d, sizes[i]));
        }
        int acc = scalar ? Composites.sum(bl, Composites.tanh(bl, x[0])) : Composites.tanh(bl, x[0]);
        for (int i = 1; i < n; i++)
            acc = Composites.add(bl, acc, Composites.sum(bl, scalar ? Composites.tanh(bl, x[i]) : x[i]));
        Graph g = bl.build(acc);
        return Pipelines.compile(g, names, wrt);
    }

    static boolean unrolled(Compiled c) {
        return Harness.codeSizes(c.bytecode()).keySet().stream().anyMatch(m -> m.startsWith("check$"));
    }

    @Test
    void unrolledChecksAgreeWithChecksOnRandomCalls() {
        randomCalls(DType.F32, new Random(8));
    }

    /** The same over double arrays: F64 functions' check methods take double[][] and double[]. */
    @Test
    void unrolledChecksAgreeWithChecksOnRandomCallsF64() {
        randomCalls(DType.F64, new Random(64));
    }

    static void randomCalls(DType d, Random r) {
        int calls = 0, rejected = 0;
        for (int f = 0; f < 24; f++) {
            int n = 1 + r.nextInt(5);
            int[] sizes = new int[n];
            boolean[] wrt = new boolean[n];
            for (int i = 0; i < n; i++) {
                sizes[i] = 1 + r.nextInt(3);
                wrt[i] = r.nextInt(3) > 0;
            }
            wrt[r.nextInt(n)] = true;
            boolean scalar = f % 3 != 2;
            if (!scalar) Arrays.fill(sizes, 1, n, 1); // the others are summed into x_0's shape
            Compiled c = function(sizes, wrt, scalar, d);
            assertTrue(unrolled(c), "a small signature gets unrolled checks");
            for (int k = 0; k < 300; k++, calls++)
                if (!(d == DType.F64 ? trialF64(c, sizes, wrt, scalar, r) : trial(c, sizes, wrt, scalar, r))) rejected++;
        }
        assertTrue(rejected > calls / 3 && rejected < calls * 9 / 10, rejected + " of " + calls + " rejected: both outcomes exercised");
    }

    @Test
    void bigSignaturesCallChecksAloneAndStillReject() {
        int n = 16;
        int[] sizes = new int[n];
        boolean[] wrt = new boolean[n];
        Arrays.fill(sizes, 1);
        Arrays.fill(wrt, true);
        Compiled c = function(sizes, wrt, true);
        var methods = Harness.codeSizes(c.bytecode()).keySet();
        // forward: 2 + 2·16 + 2 + 2 + 16 compares, unrolled; valueAndGrad and vjp: 16 x 16 aliasing compares and more
        assertTrue(methods.contains("check$forward" + EntryChecks.DESC), methods.toString());
        assertFalse(methods.contains("check$valueAndGrad" + EntryChecks.DESC), methods.toString());
        assertFalse(methods.contains("check$vjp" + EntryChecks.DESC), methods.toString());
        Random r = new Random(9);
        int rejected = 0;
        for (int k = 0; k < 300; k++) if (!trial(c, sizes, wrt, true, r)) rejected++;
        assertTrue(rejected > 50 && rejected < 280, rejected + " of 300 rejected");
    }

    /**
     * The neuron's valueAndGrad makes 25 compares: its check method is padded past C2's inlining
     * limit, so the entry point's machine code stays small; mean(x²) makes 9: its check inlines.
     */
    @Test
    void checkMethodsPastSixteenComparesAreKeptOutOfLine() {
        Compiled neuron = Pipelines.compile(Pipelines.seedNeuron(), Pipelines.NEURON_NAMES, Pipelines.NEURON_WRT);
        Builder bl = new Builder();
        int x = bl.input(0, "x", Type.f32(3));
        Compiled mean = Pipelines.compile(bl.build(Composites.mean(bl, Composites.square(bl, x))), new String[] {"x"}, new boolean[] {true});
        String vag = "check$valueAndGrad" + EntryChecks.DESC;
        int neuronBytes = Harness.codeSizes(neuron.bytecode()).get(vag), meanBytes = Harness.codeSizes(mean.bytecode()).get(vag);
        assertTrue(neuronBytes >= EntryChecks.NOT_INLINED_BYTES && neuronBytes <= EntryChecks.NOT_INLINED_BYTES + 2, "neuron: " + neuronBytes);
        assertTrue(meanBytes < 100, "mean, not padded: " + meanBytes);
        float[][] grads = {new float[1], new float[1], null, null};
        assertEquals(6.7012f, neuron.valueAndGrad(new float[][] {{1}, {0}, {6.7f}, {0}}, grads), 1e-4f);
        assertEquals(6.6918f, grads[0][0], 1e-4f);
    }

    @Test
    void seedNeuronHasUnrolledChecksForEveryEntryPoint() {
        Compiled c = Pipelines.compile(Pipelines.seedNeuron(), Pipelines.NEURON_NAMES, Pipelines.NEURON_WRT);
        assertTrue(Harness.codeSizes(c.bytecode()).keySet().containsAll(List.of(
                "check$forward" + EntryChecks.DESC, "check$value" + EntryChecks.DESC,
                "check$valueAndGrad" + EntryChecks.DESC, "check$vjp" + EntryChecks.DESC)),
                Harness.codeSizes(c.bytecode()).keySet().toString());
    }

    /** One random call of one entry point; returns whether it was accepted. */
    static boolean trial(Compiled c, int[] sizes, boolean[] wrt, boolean scalar, Random r) {
        int n = sizes.length, outSize = scalar ? 1 : sizes[0];
        float[][] in = new float[n][];
        for (int i = 0; i < n; i++) in[i] = filled(sizes[i], 0.25f * (i + 1));
        float[] seed = filled(outSize, 1f), out = filled(outSize, S);
        float[][] grads = new float[n][];
        for (int i = 0; i < n; i++) grads[i] = wrt[i] ? filled(sizes[i], S) : r.nextBoolean() ? null : in[r.nextInt(n)];
        Object[] args = {in, seed, out, grads};
        for (int m = r.nextInt(3); m > 0; m--) mutate(args, sizes, r);
        in = (float[][]) args[0];
        seed = (float[]) args[1];
        out = (float[]) args[2];
        grads = (float[][]) args[3];

        int kind = r.nextInt(scalar ? 7 : 4);
        Workspace ws = c.newWorkspace();
        final float[][] fin = in, fgrads = grads;
        final float[] fseed = seed, fout = out;
        String expected = message(() -> {
            switch (kind) {
                case 0, 1 -> Checks.forward(c, fin, fout);
                case 2, 3 -> Checks.vjp(c, fin, fseed, fout, fgrads);
                case 4 -> Checks.value(c, fin);
                default -> Checks.valueAndGrad(c, fin, fgrads);
            }
        });
        Map<float[], float[]> before = snapshot(in, grads, seed, out);
        String actual = message(() -> {
            switch (kind) {
                case 0 -> c.forward(fin, fout);
                case 1 -> c.forward(ws, fin, fout);
                case 2 -> c.vjp(fin, fseed, fout, fgrads);
                case 3 -> c.vjp(ws, fin, fseed, fout, fgrads);
                case 4 -> c.value(fin);
                case 5 -> c.valueAndGrad(fin, fgrads);
                default -> c.valueAndGrad(ws, fin, fgrads);
            }
        });
        assertEquals(expected, actual, "entry point " + kind + " of " + c);
        if (expected != null)
            for (Map.Entry<float[], float[]> e : before.entrySet())
                assertArrayEquals(e.getValue(), e.getKey(), "an array was written before the error");
        return expected == null;
    }

    /** {@link #trial} with the same random arguments copied to double arrays (same aliasing), for an F64 function. */
    static boolean trialF64(Compiled c, int[] sizes, boolean[] wrt, boolean scalar, Random r) {
        int n = sizes.length, outSize = scalar ? 1 : sizes[0];
        float[][] in = new float[n][];
        for (int i = 0; i < n; i++) in[i] = filled(sizes[i], 0.25f * (i + 1));
        float[][] grads = new float[n][];
        for (int i = 0; i < n; i++) grads[i] = wrt[i] ? filled(sizes[i], S) : r.nextBoolean() ? null : in[r.nextInt(n)];
        Object[] args = {in, filled(outSize, 1f), filled(outSize, S), grads};
        for (int m = r.nextInt(3); m > 0; m--) mutate(args, sizes, r);
        Map<float[], double[]> copies = new IdentityHashMap<>();
        double[][] din = doubles((float[][]) args[0], copies), dgrads = doubles((float[][]) args[3], copies);
        double[] dseed = doubles((float[]) args[1], copies), dout = doubles((float[]) args[2], copies);

        int kind = r.nextInt(scalar ? 7 : 4);
        Workspace ws = c.newWorkspace();
        String expected = message(() -> {
            switch (kind) {
                case 0, 1 -> Checks.forward(c, din, dout);
                case 2, 3 -> Checks.vjp(c, din, dseed, dout, dgrads);
                case 4 -> Checks.value(c, din);
                default -> Checks.valueAndGrad(c, din, dgrads);
            }
        });
        Map<double[], double[]> before = new IdentityHashMap<>();
        for (double[] a : copies.values()) if (a != null) before.put(a, a.clone());
        String actual = message(() -> {
            switch (kind) {
                case 0 -> c.forward(din, dout);
                case 1 -> c.forward(ws, din, dout);
                case 2 -> c.vjp(din, dseed, dout, dgrads);
                case 3 -> c.vjp(ws, din, dseed, dout, dgrads);
                case 4 -> c.value(din);
                case 5 -> c.valueAndGrad(din, dgrads);
                default -> c.valueAndGrad(ws, din, dgrads);
            }
        });
        assertEquals(expected, actual, "F64 entry point " + kind + " of " + c);
        if (expected != null)
            for (Map.Entry<double[], double[]> e : before.entrySet())
                assertArrayEquals(e.getValue(), e.getKey(), "an array was written before the error");
        return expected == null;
    }

    static double[] doubles(float[] a, Map<float[], double[]> copies) {
        if (a == null) return null;
        return copies.computeIfAbsent(a, k -> {
            double[] d = new double[k.length];
            for (int i = 0; i < k.length; i++) d[i] = k[i];
            return d;
        });
    }

    static double[][] doubles(float[][] a, Map<float[], double[]> copies) {
        if (a == null) return null;
        double[][] d = new double[a.length][];
        for (int i = 0; i < a.length; i++) d[i] = doubles(a[i], copies);
        return d;
    }

    /** One defect (or an allowed alias) in one argument. */
    static void mutate(Object[] args, int[] sizes, Random r) {
        float[][] in = (float[][]) args[0], grads = (float[][]) args[3];
        int n = sizes.length, i = r.nextInt(n);
        switch (r.nextInt(16)) {
            case 0 -> args[0] = null;
            case 1 -> { if (in != null) args[0] = Arrays.copyOf(in, n + (r.nextBoolean() ? 1 : -1)); }
            case 2 -> { if (in != null && i < in.length) in[i] = null; }
            case 3 -> { if (in != null && i < in.length) in[i] = new float[sizes[i] + 1]; }
            case 4 -> { if (in != null && i < in.length) in[i] = in[r.nextInt(in.length)]; } // inputs may share an array
            case 5 -> args[1] = r.nextBoolean() ? null : new float[((float[]) args[2] == null ? 1 : ((float[]) args[2]).length) + 1];
            case 6 -> args[2] = r.nextBoolean() ? null : new float[3 + r.nextInt(2)];
            case 7 -> { if (in != null && i < in.length && in[i] != null) args[2] = in[i]; }
            case 8 -> args[2] = args[1];
            case 9 -> args[3] = null;
            case 10 -> { if (grads != null) args[3] = Arrays.copyOf(grads, n + (r.nextBoolean() ? 1 : -1)); }
            case 11 -> { if (grads != null && i < grads.length) grads[i] = r.nextBoolean() ? null : new float[sizes[i] + 2]; }
            case 12 -> { if (grads != null && i < grads.length && in != null && in.length > 0) grads[i] = in[r.nextInt(in.length)]; }
            case 13 -> { if (grads != null && i < grads.length) grads[i] = r.nextBoolean() ? (float[]) args[2] : (float[]) args[1]; }
            case 14 -> { if (grads != null && i < grads.length) grads[i] = grads[r.nextInt(grads.length)]; }
            default -> { } // leave it valid
        }
    }

    static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }

    static Map<float[], float[]> snapshot(float[][] in, float[][] grads, float[]... more) {
        Map<float[], float[]> m = new IdentityHashMap<>();
        List<float[]> all = new ArrayList<>(Arrays.asList(more));
        if (in != null) all.addAll(Arrays.asList(in));
        if (grads != null) all.addAll(Arrays.asList(grads));
        for (float[] a : all) if (a != null) m.put(a, a.clone());
        return m;
    }

    interface Call { void run(); }

    /** The IllegalArgumentException's message, or null when the call returned. */
    static String message(Call call) {
        try {
            call.run();
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
