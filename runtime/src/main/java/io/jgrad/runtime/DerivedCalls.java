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

    /**
     * The checks, then the kernel. Fast path: the last call's kernel, already used with this
     * workspace, whose unrolled checks accept the arguments (see Derived.acceptsJacobian; they
     * remember the blocks they last accepted in the workspace). Otherwise {@link Checks} (which
     * throws, naming what is wrong), the kernel of these blocks (made on first use) and its scratch.
     */
    static void jacobian(Compiled c, Workspace w, float[][] inputs, float[] output, float[][] jacobian) {
        Compiled.JacobianKernel k = c.lastJacobian;
        Scratch sc = k == null ? null : w.scratch(k.kernel());
        if (sc == null || !k.kernel().acceptsJacobian(inputs, output, jacobian, sc.checked)) {
            Checks.jacobian(c, inputs, output, jacobian);
            c.lastJacobian = k = c.jacobianKernel(jacobian);
            sc = w.scratch(k.kernel());
            if (sc == null) sc = w.add(jacobianScratch(c.sig, k));
        }
        Derived d = k.kernel();
        int n = c.sig.names.length;
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

    /**
     * The checks, then the kernel. Fast path: the last call's kernel, already used with this
     * workspace, whose unrolled checks accept the arguments (see Derived.acceptsJacobian; they
     * remember the blocks they last accepted in the workspace). Otherwise {@link Checks} (which
     * throws, naming what is wrong), the kernel of these blocks (made on first use) and its scratch.
     */
    static void jacobian(Compiled c, Workspace w, double[][] inputs, double[] output, double[][] jacobian) {
        Compiled.JacobianKernel k = c.lastJacobian;
        Scratch sc = k == null ? null : w.scratch(k.kernel());
        if (sc == null || !k.kernel().acceptsJacobian(inputs, output, jacobian, sc.checked)) {
            Checks.jacobian(c, inputs, output, jacobian);
            c.lastJacobian = k = c.jacobianKernel(jacobian);
            sc = w.scratch(k.kernel());
            if (sc == null) sc = w.add(jacobianScratch(c.sig, k));
        }
        Derived d = k.kernel();
        int n = c.sig.names.length;
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

    /** A Jacobian kernel's scratch in one workspace, in the function's dtype. */
    private static Scratch jacobianScratch(Signature s, Compiled.JacobianKernel k) {
        boolean f = s.dtype == DType.F32;
        int n = s.names.length, blocks = count(k.blocks());
        Derived d = k.kernel();
        Object[] checked = new Object[n + 1];
        int rows = d.fusedRows();
        if (rows > 0) {
            // one array per row and block, grads[r * blocks + b] (see Derived.fusedRows)
            Object[] grads = null;
            if (rows > 1 && !oneElementBlocks(s, k.blocks())) {
                grads = f ? new float[rows * blocks][] : new double[rows * blocks][];
                for (int r = 0, j = 0; r < rows; r++)
                    for (int i = 0; i < n; i++) if (k.blocks()[i]) grads[j++] = array(f, s.sizes[i]);
            }
            return new Scratch(d, null, grads, array(f, s.outputSize), checked);
        }
        if (d.reverse) {
            Object[] grads = f ? new float[n][] : new double[n][];
            for (int i = 0; i < n; i++) if (k.blocks()[i]) grads[i] = array(f, s.sizes[i]);
            return new Scratch(d, null, grads, array(f, s.outputSize), checked);
        }
        Object[] all = f ? new float[n + blocks][] : new double[n + blocks][];
        for (int i = 0, j = n; i < n; i++) if (k.blocks()[i]) all[j++] = array(f, s.sizes[i]);
        Object[] outs = f ? new float[][] {new float[s.outputSize]} : new double[][] {new double[s.outputSize]};
        return new Scratch(d, all, outs, null, checked);
    }

    private static Object array(boolean f, int size) {
        return f ? new float[size] : new double[size];
    }

    private static int differentiable(Signature s) {
        return count(s.requiresGrad);
    }

    private static int count(boolean[] flags) {
        int c = 0;
        for (boolean f : flags) if (f) c++;
        return c;
    }

    /** Whether every requested block's input has one element: fused rows then write the blocks themselves (as with one row). */
    private static boolean oneElementBlocks(Signature s, boolean[] blocks) {
        for (int i = 0; i < blocks.length; i++) if (blocks[i] && s.sizes[i] != 1) return false;
        return true;
    }

    private static int maxSize(Signature s) {
        int m = 0;
        for (int size : s.sizes) m = Math.max(m, size);
        return m;
    }
}
