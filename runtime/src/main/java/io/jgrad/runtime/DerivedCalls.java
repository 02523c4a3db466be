package io.jgrad.runtime;

import java.util.Arrays;

/**
 * The bodies of {@link Compiled#jvp}, {@link Compiled#hvp} and {@link Compiled#jacobian} after
 * their checks: find (or make, once) the kernel, find (or make, once per workspace) its scratch,
 * put the caller's arrays where the generated code reads them, run it. The references put into
 * scratch arrays are cleared before returning, so a workspace never keeps a caller's array alive.
 * One copy per array type, as {@link Checks}.
 */
final class DerivedCalls {
    private DerivedCalls() {}

    // ---------------------------------------------------------------- F32

    static void jvp(Compiled c, Workspace w, float[][] inputs, float[][] tangents, float[] output, float[] outputTangent) {
        Signature s = c.sig;
        Derived d = c.jvpKernel();
        Scratch sc = w.scratch(d);
        if (sc == null) sc = w.add(new Scratch(d, new float[s.names.length + differentiable(s)][], new float[1][], new float[maxSize(s)]));
        float[][] all = (float[][]) sc.refs, outs = (float[][]) sc.grads;
        fill(s, all, inputs, tangents, (float[]) sc.vector);
        outs[0] = outputTangent;
        try {
            float v = d.run(all, sc.wsf, sc.wsd, null, output, outs);
            if (s.outputSize == 1) output[0] = v;
        } finally {
            Arrays.fill(all, null);
            outs[0] = null;
        }
    }

    static void hvp(Compiled c, Workspace w, float[][] inputs, float[][] v, float[][] hv) {
        Signature s = c.sig;
        Derived d = c.hvpKernel();
        Scratch sc = w.scratch(d);
        if (sc == null) sc = w.add(new Scratch(d, new float[s.names.length + differentiable(s)][], null, new float[maxSize(s)]));
        float[][] all = (float[][]) sc.refs;
        fill(s, all, inputs, v, (float[]) sc.vector);
        try {
            d.run(all, sc.wsf, sc.wsd, null, null, hv);
        } finally {
            Arrays.fill(all, null);
        }
    }

    static void jacobian(Compiled c, Workspace w, float[][] inputs, float[] output, float[][] jacobian) {
        Signature s = c.sig;
        int n = s.names.length;
        Compiled.JacobianKernel k = c.jacobianKernel(jacobian);
        Derived d = k.kernel();
        Scratch sc = w.scratch(d);
        if (sc == null) {
            if (d.reverse) {
                float[][] grads = new float[n][];
                for (int i = 0; i < n; i++) if (k.blocks()[i]) grads[i] = new float[s.sizes[i]];
                sc = w.add(new Scratch(d, null, grads, new float[s.outputSize]));
            } else {
                float[][] all = new float[n + count(k.blocks())][];
                for (int i = 0, j = n; i < n; i++) if (k.blocks()[i]) all[j++] = new float[s.sizes[i]];
                sc = w.add(new Scratch(d, all, new float[][] {new float[s.outputSize]}, null));
            }
        }
        if (d.reverse) {
            try {
                d.jacobian(inputs, sc.wsf, sc.wsd, (float[]) sc.vector, output, (float[][]) sc.grads, jacobian);
            } catch (RuntimeException | Error e) {
                Arrays.fill((float[]) sc.vector, 0);   // a pass cut short leaves its one-hot element set
                throw e;
            }
            return;
        }
        float[][] all = (float[][]) sc.refs;
        System.arraycopy(inputs, 0, all, 0, n);
        try {
            d.jacobian(all, sc.wsf, sc.wsd, null, output, (float[][]) sc.grads, jacobian);
        } catch (RuntimeException | Error e) {
            for (int j = n; j < all.length; j++) Arrays.fill(all[j], 0);
            throw e;
        } finally {
            Arrays.fill(all, 0, n, null);
        }
    }

    /** all = inputs, then per differentiable input its extra array (zeros when null). */
    private static void fill(Signature s, float[][] all, float[][] inputs, float[][] extra, float[] zeros) {
        int n = inputs.length;
        System.arraycopy(inputs, 0, all, 0, n);
        for (int i = 0, j = n; i < n; i++) if (s.requiresGrad[i]) all[j++] = extra[i] != null ? extra[i] : zeros;
    }

    // ---------------------------------------------------------------- F64

    static void jvp(Compiled c, Workspace w, double[][] inputs, double[][] tangents, double[] output, double[] outputTangent) {
        Signature s = c.sig;
        Derived d = c.jvpKernel();
        Scratch sc = w.scratch(d);
        if (sc == null) sc = w.add(new Scratch(d, new double[s.names.length + differentiable(s)][], new double[1][], new double[maxSize(s)]));
        double[][] all = (double[][]) sc.refs, outs = (double[][]) sc.grads;
        fill(s, all, inputs, tangents, (double[]) sc.vector);
        outs[0] = outputTangent;
        try {
            double v = d.run(all, sc.wsf, sc.wsd, null, output, outs);
            if (s.outputSize == 1) output[0] = v;
        } finally {
            Arrays.fill(all, null);
            outs[0] = null;
        }
    }

    static void hvp(Compiled c, Workspace w, double[][] inputs, double[][] v, double[][] hv) {
        Signature s = c.sig;
        Derived d = c.hvpKernel();
        Scratch sc = w.scratch(d);
        if (sc == null) sc = w.add(new Scratch(d, new double[s.names.length + differentiable(s)][], null, new double[maxSize(s)]));
        double[][] all = (double[][]) sc.refs;
        fill(s, all, inputs, v, (double[]) sc.vector);
        try {
            d.run(all, sc.wsf, sc.wsd, null, null, hv);
        } finally {
            Arrays.fill(all, null);
        }
    }

    static void jacobian(Compiled c, Workspace w, double[][] inputs, double[] output, double[][] jacobian) {
        Signature s = c.sig;
        int n = s.names.length;
        Compiled.JacobianKernel k = c.jacobianKernel(jacobian);
        Derived d = k.kernel();
        Scratch sc = w.scratch(d);
        if (sc == null) {
            if (d.reverse) {
                double[][] grads = new double[n][];
                for (int i = 0; i < n; i++) if (k.blocks()[i]) grads[i] = new double[s.sizes[i]];
                sc = w.add(new Scratch(d, null, grads, new double[s.outputSize]));
            } else {
                double[][] all = new double[n + count(k.blocks())][];
                for (int i = 0, j = n; i < n; i++) if (k.blocks()[i]) all[j++] = new double[s.sizes[i]];
                sc = w.add(new Scratch(d, all, new double[][] {new double[s.outputSize]}, null));
            }
        }
        if (d.reverse) {
            try {
                d.jacobian(inputs, sc.wsf, sc.wsd, (double[]) sc.vector, output, (double[][]) sc.grads, jacobian);
            } catch (RuntimeException | Error e) {
                Arrays.fill((double[]) sc.vector, 0);   // a pass cut short leaves its one-hot element set
                throw e;
            }
            return;
        }
        double[][] all = (double[][]) sc.refs;
        System.arraycopy(inputs, 0, all, 0, n);
        try {
            d.jacobian(all, sc.wsf, sc.wsd, null, output, (double[][]) sc.grads, jacobian);
        } catch (RuntimeException | Error e) {
            for (int j = n; j < all.length; j++) Arrays.fill(all[j], 0);
            throw e;
        } finally {
            Arrays.fill(all, 0, n, null);
        }
    }

    private static void fill(Signature s, double[][] all, double[][] inputs, double[][] extra, double[] zeros) {
        int n = inputs.length;
        System.arraycopy(inputs, 0, all, 0, n);
        for (int i = 0, j = n; i < n; i++) if (s.requiresGrad[i]) all[j++] = extra[i] != null ? extra[i] : zeros;
    }

    // ---------------------------------------------------------------- shared

    private static int differentiable(Signature s) {
        return count(s.requiresGrad);
    }

    private static int count(boolean[] flags) {
        int c = 0;
        for (boolean f : flags) if (f) c++;
        return c;
    }

    private static int maxSize(Signature s) {
        int m = 0;
        for (int size : s.sizes) m = Math.max(m, size);
        return m;
    }
}
