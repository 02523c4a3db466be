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


    // ---- forward mode, Jacobians and Hessian-vector products (float[]). Twins as above: one copy
    // over Object arrays was tried and measured slower (Checks.hvp on a 15-input function,
    // 443-453 ns typed against 571-597 ns folded, thread CPU), and signatures too big to unroll
    // run these on every call.

    public static void jvp(Compiled c, float[][] inputs, float[][] tangents, float[] output, float[] outputTangent) {
        inputs(c, inputs);
        Signature s = c.sig;
        perInput(s, "tangents", tangents, "a zero tangent");
        for (int i = 0; i < tangents.length; i++) {
            if (!s.requiresGrad[i] || tangents[i] == null) continue;
            float[] t = tangents[i];
            if (t.length != s.sizes[i])
                throw new IllegalArgumentException("tangents[" + i + "] for " + input(s, i) + ": expected length " + s.sizes[i] + shape(s.shapes[i]) + ", got " + t.length);
        }
        output(c, inputs, output, null);
        for (int i = 0; i < tangents.length; i++)
            if (s.requiresGrad[i] && tangents[i] == output) throw new IllegalArgumentException("output is the same array as tangents[" + i + "]: tangents are read after the output is written");
        if (outputTangent == null) throw new IllegalArgumentException("outputTangent is null: expected length " + s.outputSize + shape(s.outputShape));
        if (outputTangent.length != s.outputSize)
            throw new IllegalArgumentException("outputTangent: expected length " + s.outputSize + shape(s.outputShape) + ", got " + outputTangent.length);
        if (outputTangent == output) throw new IllegalArgumentException("outputTangent is the same array as output");
        for (int j = 0; j < inputs.length; j++)
            if (outputTangent == inputs[j]) throw new IllegalArgumentException("outputTangent is the same array as " + input(s, j) + ": inputs are never written");
        for (int i = 0; i < tangents.length; i++)
            if (s.requiresGrad[i] && tangents[i] == outputTangent) throw new IllegalArgumentException("outputTangent is the same array as tangents[" + i + "]: tangents are never written");
    }

    public static void jacobian(Compiled c, float[][] inputs, float[] output, float[][] jacobian) {
        inputs(c, inputs);
        output(c, inputs, output, null);
        Signature s = c.sig;
        perInput(s, "jacobian", jacobian, "a block that is not computed");
        int[] sizes = s.sizes;
        boolean[] rg = s.requiresGrad;
        for (int i = 0; i < jacobian.length; i++) {
            float[] b = jacobian[i];
            if (b == null || !rg[i]) continue;
            long want = (long) s.outputSize * sizes[i];
            if (want > Integer.MAX_VALUE) throw new IllegalArgumentException(block(s, i) + " would need " + want + " elements, more than a Java array holds");
            if (b.length != want) throw new IllegalArgumentException(block(s, i) + ": expected length " + want + ", got " + b.length);
            // a reference comparison first: the common case finds no alias at the cost of one compare
            for (int j = 0; j < inputs.length; j++)
                if (b == inputs[j]) throw new IllegalArgumentException(block(s, i) + " is the same array as " + input(s, j) + ": inputs are never written");
            if (b == output) throw new IllegalArgumentException(block(s, i) + " is the same array as output");
            for (int k = 0; k < i; k++)
                if (jacobian[k] == b && rg[k]) throw new IllegalArgumentException(block(s, i) + " is the same array as jacobian[" + k + "]");
        }
    }

    public static void hvp(Compiled c, float[][] inputs, float[][] v, float[][] hv) {
        scalarForHvp(c);
        inputs(c, inputs);
        Signature s = c.sig;
        perInput(s, "v", v, "a zero direction");
        for (int i = 0; i < v.length; i++) {
            if (!s.requiresGrad[i] || v[i] == null) continue;
            if (v[i].length != s.sizes[i])
                throw new IllegalArgumentException("v[" + i + "] for " + input(s, i) + ": expected length " + s.sizes[i] + shape(s.shapes[i]) + ", got " + v[i].length);
        }
        if (hv == null) throw new IllegalArgumentException("hv is null: expected " + s.names.length + " arrays (null allowed for inputs that do not require grad)");
        if (hv.length != s.names.length)
            throw new IllegalArgumentException("hv: expected " + s.names.length + " arrays, one per input " + Arrays.toString(s.names) + ", got " + hv.length);
        for (int i = 0; i < hv.length; i++) {
            if (!s.requiresGrad[i]) continue;
            float[] h = hv[i];
            if (h == null) throw new IllegalArgumentException("hv[" + i + "] for " + input(s, i) + " is null: expected length " + s.sizes[i] + shape(s.shapes[i]));
            if (h.length != s.sizes[i])
                throw new IllegalArgumentException("hv[" + i + "] for " + input(s, i) + ": expected length " + s.sizes[i] + shape(s.shapes[i]) + ", got " + h.length);
            for (int j = 0; j < inputs.length; j++)
                if (h == inputs[j]) throw new IllegalArgumentException("hv[" + i + "] for " + input(s, i) + " is the same array as " + input(s, j) + ": inputs are never written");
            for (int j = 0; j < v.length; j++)
                if (s.requiresGrad[j] && h == v[j])
                    throw new IllegalArgumentException("hv[" + i + "] for " + input(s, i) + " is the same array as v[" + j + "]: directions are read after hv is written");
            for (int k = 0; k < i; k++)
                if (s.requiresGrad[k] && hv[k] == h) throw new IllegalArgumentException("hv[" + i + "] for " + input(s, i) + " is the same array as hv[" + k + "]");
        }
    }

    // ---- forward mode, Jacobians and Hessian-vector products (double[])

    public static void jvp(Compiled c, double[][] inputs, double[][] tangents, double[] output, double[] outputTangent) {
        inputs(c, inputs);
        Signature s = c.sig;
        perInput(s, "tangents", tangents, "a zero tangent");
        for (int i = 0; i < tangents.length; i++) {
            if (!s.requiresGrad[i] || tangents[i] == null) continue;
            double[] t = tangents[i];
            if (t.length != s.sizes[i])
                throw new IllegalArgumentException("tangents[" + i + "] for " + input(s, i) + ": expected length " + s.sizes[i] + shape(s.shapes[i]) + ", got " + t.length);
        }
        output(c, inputs, output, null);
        for (int i = 0; i < tangents.length; i++)
            if (s.requiresGrad[i] && tangents[i] == output) throw new IllegalArgumentException("output is the same array as tangents[" + i + "]: tangents are read after the output is written");
        if (outputTangent == null) throw new IllegalArgumentException("outputTangent is null: expected length " + s.outputSize + shape(s.outputShape));
        if (outputTangent.length != s.outputSize)
            throw new IllegalArgumentException("outputTangent: expected length " + s.outputSize + shape(s.outputShape) + ", got " + outputTangent.length);
        if (outputTangent == output) throw new IllegalArgumentException("outputTangent is the same array as output");
        for (int j = 0; j < inputs.length; j++)
            if (outputTangent == inputs[j]) throw new IllegalArgumentException("outputTangent is the same array as " + input(s, j) + ": inputs are never written");
        for (int i = 0; i < tangents.length; i++)
            if (s.requiresGrad[i] && tangents[i] == outputTangent) throw new IllegalArgumentException("outputTangent is the same array as tangents[" + i + "]: tangents are never written");
    }

    public static void jacobian(Compiled c, double[][] inputs, double[] output, double[][] jacobian) {
        inputs(c, inputs);
        output(c, inputs, output, null);
        Signature s = c.sig;
        perInput(s, "jacobian", jacobian, "a block that is not computed");
        int[] sizes = s.sizes;
        boolean[] rg = s.requiresGrad;
        for (int i = 0; i < jacobian.length; i++) {
            double[] b = jacobian[i];
            if (b == null || !rg[i]) continue;
            long want = (long) s.outputSize * sizes[i];
            if (want > Integer.MAX_VALUE) throw new IllegalArgumentException(block(s, i) + " would need " + want + " elements, more than a Java array holds");
            if (b.length != want) throw new IllegalArgumentException(block(s, i) + ": expected length " + want + ", got " + b.length);
            // a reference comparison first: the common case finds no alias at the cost of one compare
            for (int j = 0; j < inputs.length; j++)
                if (b == inputs[j]) throw new IllegalArgumentException(block(s, i) + " is the same array as " + input(s, j) + ": inputs are never written");
            if (b == output) throw new IllegalArgumentException(block(s, i) + " is the same array as output");
            for (int k = 0; k < i; k++)
                if (jacobian[k] == b && rg[k]) throw new IllegalArgumentException(block(s, i) + " is the same array as jacobian[" + k + "]");
        }
    }

    public static void hvp(Compiled c, double[][] inputs, double[][] v, double[][] hv) {
        scalarForHvp(c);
        inputs(c, inputs);
        Signature s = c.sig;
        perInput(s, "v", v, "a zero direction");
        for (int i = 0; i < v.length; i++) {
            if (!s.requiresGrad[i] || v[i] == null) continue;
            if (v[i].length != s.sizes[i])
                throw new IllegalArgumentException("v[" + i + "] for " + input(s, i) + ": expected length " + s.sizes[i] + shape(s.shapes[i]) + ", got " + v[i].length);
        }
        if (hv == null) throw new IllegalArgumentException("hv is null: expected " + s.names.length + " arrays (null allowed for inputs that do not require grad)");
        if (hv.length != s.names.length)
            throw new IllegalArgumentException("hv: expected " + s.names.length + " arrays, one per input " + Arrays.toString(s.names) + ", got " + hv.length);
        for (int i = 0; i < hv.length; i++) {
            if (!s.requiresGrad[i]) continue;
            double[] h = hv[i];
            if (h == null) throw new IllegalArgumentException("hv[" + i + "] for " + input(s, i) + " is null: expected length " + s.sizes[i] + shape(s.shapes[i]));
            if (h.length != s.sizes[i])
                throw new IllegalArgumentException("hv[" + i + "] for " + input(s, i) + ": expected length " + s.sizes[i] + shape(s.shapes[i]) + ", got " + h.length);
            for (int j = 0; j < inputs.length; j++)
                if (h == inputs[j]) throw new IllegalArgumentException("hv[" + i + "] for " + input(s, i) + " is the same array as " + input(s, j) + ": inputs are never written");
            for (int j = 0; j < v.length; j++)
                if (s.requiresGrad[j] && h == v[j])
                    throw new IllegalArgumentException("hv[" + i + "] for " + input(s, i) + " is the same array as v[" + j + "]: directions are read after hv is written");
            for (int k = 0; k < i; k++)
                if (s.requiresGrad[k] && hv[k] == h) throw new IllegalArgumentException("hv[" + i + "] for " + input(s, i) + " is the same array as hv[" + k + "]");
        }
    }

    /** An array with one entry per input (the entries for inputs without a gradient are not read); float[][] or double[][]. */
    private static void perInput(Signature s, String name, Object[] arrays, String nullMeans) {
        if (arrays == null)
            throw new IllegalArgumentException(name + " is null: expected " + s.names.length + " arrays, one per input " + Arrays.toString(s.names)
                    + " (an entry may be null: " + nullMeans + ")");
        if (arrays.length != s.names.length)
            throw new IllegalArgumentException(name + ": expected " + s.names.length + " arrays, one per input " + Arrays.toString(s.names) + ", got " + arrays.length);
    }

    /** How a Jacobian block is named in messages (built only when one is thrown). */
    private static String block(Signature s, int i) {
        return "jacobian[" + i + "] for " + input(s, i) + " (d output / d " + s.names[i] + ", [" + s.outputSize + " x " + s.sizes[i] + "] row-major)";
    }

    /** hvp is for scalar functions (as valueAndGrad). */
    private static void scalarForHvp(Compiled c) {
        Signature s = c.sig;
        if (s.outputShape.length != 0)
            throw new IllegalStateException("hvp needs a scalar output (a Hessian-vector product is of a scalar function); this function's output has shape "
                    + Arrays.toString(s.outputShape) + ": reduce it inside the function (sum, mean, a dot with weights), or use jacobian for its first derivatives");
    }

    private static String input(Signature s, int i) {
        return "input " + i + " '" + s.names[i] + "'";
    }

    private static String shape(int[] shape) {
        return " (shape " + Arrays.toString(shape) + ")";
    }
}
