package io.jgrad.runtime;

import java.util.Arrays;

/**
 * Argument validation for the entry points of generated classes (internal: public only
 * because generated classes live in another package). Each method checks everything a call
 * could get wrong — nulls, counts, lengths, aliasing, foreign workspaces — and throws an
 * IllegalArgumentException naming the argument before the generated code writes anything.
 * Nothing here allocates unless it throws.
 *
 * <p>These are the reference and the messages, not the hot path: a generated entry point
 * first runs its own unrolled checks with the signature's counts and lengths as constants
 * (codegen's {@code EntryChecks}, accepting exactly what these accept) and calls these only
 * when one fails, or when its signature is too big to unroll. The generic loops here are too
 * big for C2 to inline and cost ~14 ns on a four-input call.
 */
public final class Checks {
    private Checks() {}

    public static void forward(Compiled c, float[][] inputs, float[] output) {
        inputs(c, inputs);
        output(c, inputs, output, null);
    }

    public static void value(Compiled c, float[][] inputs) {
        inputs(c, inputs);
    }

    public static void valueAndGrad(Compiled c, float[][] inputs, float[][] grads) {
        inputs(c, inputs);
        grads(c, inputs, null, null, grads);
    }

    public static void vjp(Compiled c, float[][] inputs, float[] seed, float[] output, float[][] grads) {
        inputs(c, inputs);
        Signature s = c.sig;
        if (seed == null) throw new IllegalArgumentException("seed is null: expected float[" + s.outputSize + "] (shape " + Arrays.toString(s.outputShape) + ")");
        if (seed.length != s.outputSize)
            throw new IllegalArgumentException("seed: expected length " + s.outputSize + " (shape " + Arrays.toString(s.outputShape) + "), got " + seed.length);
        output(c, inputs, output, seed);
        grads(c, inputs, seed, output, grads);
    }

    public static void workspace(Compiled c, Workspace ws) {
        if (ws == null) throw new IllegalArgumentException("workspace is null: make one with newWorkspace()");
        if (ws.owner != c.token) throw new IllegalArgumentException("this workspace belongs to another compiled function: make one with this function's newWorkspace()");
    }

    private static void inputs(Compiled c, float[][] inputs) {
        Signature s = c.sig;
        if (inputs == null) throw new IllegalArgumentException("inputs is null: expected " + s.names.length + " arrays");
        if (inputs.length != s.names.length)
            throw new IllegalArgumentException("expected " + s.names.length + " inputs " + Arrays.toString(s.names) + ", got " + inputs.length);
        for (int i = 0; i < inputs.length; i++) {
            float[] a = inputs[i];
            if (a == null) throw new IllegalArgumentException(input(s, i) + " is null: expected length " + s.sizes[i] + shape(s.shapes[i]));
            if (a.length != s.sizes[i])
                throw new IllegalArgumentException(input(s, i) + ": expected length " + s.sizes[i] + shape(s.shapes[i]) + ", got " + a.length);
        }
    }

    private static void output(Compiled c, float[][] inputs, float[] output, float[] seed) {
        Signature s = c.sig;
        if (output == null) throw new IllegalArgumentException("output is null: expected length " + s.outputSize + shape(s.outputShape));
        if (output.length != s.outputSize)
            throw new IllegalArgumentException("output: expected length " + s.outputSize + shape(s.outputShape) + ", got " + output.length);
        for (int j = 0; j < inputs.length; j++)
            if (output == inputs[j]) throw new IllegalArgumentException("output is the same array as " + input(s, j) + ": inputs are read after the output is written");
        if (output == seed) throw new IllegalArgumentException("output is the same array as seed");
    }

    private static void grads(Compiled c, float[][] inputs, float[] seed, float[] output, float[][] grads) {
        Signature s = c.sig;
        if (grads == null) throw new IllegalArgumentException("grads is null: expected " + s.names.length + " arrays (null allowed for inputs that do not require grad)");
        if (grads.length != s.names.length)
            throw new IllegalArgumentException("grads: expected " + s.names.length + " arrays, one per input " + Arrays.toString(s.names) + ", got " + grads.length);
        for (int i = 0; i < grads.length; i++) {
            if (!s.requiresGrad[i]) continue;
            float[] g = grads[i];
            if (g == null) throw new IllegalArgumentException("grads[" + i + "] for " + input(s, i) + " is null: expected length " + s.sizes[i] + shape(s.shapes[i]));
            if (g.length != s.sizes[i])
                throw new IllegalArgumentException("grads[" + i + "] for " + input(s, i) + ": expected length " + s.sizes[i] + shape(s.shapes[i]) + ", got " + g.length);
            for (int j = 0; j < inputs.length; j++)
                if (g == inputs[j]) throw new IllegalArgumentException("grads[" + i + "] for " + input(s, i) + " is the same array as " + input(s, j) + ": inputs are never written");
            if (g == output) throw new IllegalArgumentException("grads[" + i + "] for " + input(s, i) + " is the same array as output");
            if (g == seed) throw new IllegalArgumentException("grads[" + i + "] for " + input(s, i) + " is the same array as seed");
            for (int k = 0; k < i; k++)
                if (s.requiresGrad[k] && grads[k] == g)
                    throw new IllegalArgumentException("grads[" + i + "] for " + input(s, i) + " is the same array as grads[" + k + "] for " + input(s, k));
        }
    }

    // ---- the same checks for F64 functions, over double[] (one copy per array type, as
    // java.util.Arrays does: the entry points stay typed and the checks cost no casts)

    public static void forward(Compiled c, double[][] inputs, double[] output) {
        inputs(c, inputs);
        output(c, inputs, output, null);
    }

    public static void value(Compiled c, double[][] inputs) {
        inputs(c, inputs);
    }

    public static void valueAndGrad(Compiled c, double[][] inputs, double[][] grads) {
        inputs(c, inputs);
        grads(c, inputs, null, null, grads);
    }

    public static void vjp(Compiled c, double[][] inputs, double[] seed, double[] output, double[][] grads) {
        inputs(c, inputs);
        Signature s = c.sig;
        if (seed == null) throw new IllegalArgumentException("seed is null: expected double[" + s.outputSize + "] (shape " + Arrays.toString(s.outputShape) + ")");
        if (seed.length != s.outputSize)
            throw new IllegalArgumentException("seed: expected length " + s.outputSize + " (shape " + Arrays.toString(s.outputShape) + "), got " + seed.length);
        output(c, inputs, output, seed);
        grads(c, inputs, seed, output, grads);
    }

    private static void inputs(Compiled c, double[][] inputs) {
        Signature s = c.sig;
        if (inputs == null) throw new IllegalArgumentException("inputs is null: expected " + s.names.length + " arrays");
        if (inputs.length != s.names.length)
            throw new IllegalArgumentException("expected " + s.names.length + " inputs " + Arrays.toString(s.names) + ", got " + inputs.length);
        for (int i = 0; i < inputs.length; i++) {
            double[] a = inputs[i];
            if (a == null) throw new IllegalArgumentException(input(s, i) + " is null: expected length " + s.sizes[i] + shape(s.shapes[i]));
            if (a.length != s.sizes[i])
                throw new IllegalArgumentException(input(s, i) + ": expected length " + s.sizes[i] + shape(s.shapes[i]) + ", got " + a.length);
        }
    }

    private static void output(Compiled c, double[][] inputs, double[] output, double[] seed) {
        Signature s = c.sig;
        if (output == null) throw new IllegalArgumentException("output is null: expected length " + s.outputSize + shape(s.outputShape));
        if (output.length != s.outputSize)
            throw new IllegalArgumentException("output: expected length " + s.outputSize + shape(s.outputShape) + ", got " + output.length);
        for (int j = 0; j < inputs.length; j++)
            if (output == inputs[j]) throw new IllegalArgumentException("output is the same array as " + input(s, j) + ": inputs are read after the output is written");
        if (output == seed) throw new IllegalArgumentException("output is the same array as seed");
    }

    private static void grads(Compiled c, double[][] inputs, double[] seed, double[] output, double[][] grads) {
        Signature s = c.sig;
        if (grads == null) throw new IllegalArgumentException("grads is null: expected " + s.names.length + " arrays (null allowed for inputs that do not require grad)");
        if (grads.length != s.names.length)
            throw new IllegalArgumentException("grads: expected " + s.names.length + " arrays, one per input " + Arrays.toString(s.names) + ", got " + grads.length);
        for (int i = 0; i < grads.length; i++) {
            if (!s.requiresGrad[i]) continue;
            double[] g = grads[i];
            if (g == null) throw new IllegalArgumentException("grads[" + i + "] for " + input(s, i) + " is null: expected length " + s.sizes[i] + shape(s.shapes[i]));
            if (g.length != s.sizes[i])
                throw new IllegalArgumentException("grads[" + i + "] for " + input(s, i) + ": expected length " + s.sizes[i] + shape(s.shapes[i]) + ", got " + g.length);
            for (int j = 0; j < inputs.length; j++)
                if (g == inputs[j]) throw new IllegalArgumentException("grads[" + i + "] for " + input(s, i) + " is the same array as " + input(s, j) + ": inputs are never written");
            if (g == output) throw new IllegalArgumentException("grads[" + i + "] for " + input(s, i) + " is the same array as output");
            if (g == seed) throw new IllegalArgumentException("grads[" + i + "] for " + input(s, i) + " is the same array as seed");
            for (int k = 0; k < i; k++)
                if (s.requiresGrad[k] && grads[k] == g)
                    throw new IllegalArgumentException("grads[" + i + "] for " + input(s, i) + " is the same array as grads[" + k + "] for " + input(s, k));
        }
    }

    private static String input(Signature s, int i) {
        return "input " + i + " '" + s.names[i] + "'";
    }

    private static String shape(int[] shape) {
        return " (shape " + Arrays.toString(shape) + ")";
    }
}
