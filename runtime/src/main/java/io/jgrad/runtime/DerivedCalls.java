package io.jgrad.runtime;

import java.util.Arrays;

/**
 * The bodies of {@link Compiled#jvp}, {@link Compiled#hvp} and {@link Compiled#jacobian}: check
 * the arguments, find (or make, once) the kernel, find (or make, once per workspace) its scratch,
 * put the caller's arrays where the generated code reads them, run it. The references put into
 * scratch arrays are cleared before returning, so a workspace never keeps a caller's array alive.
 * Each call first tries the kernel's own unrolled checks (codegen's DerivedChecks) and calls
 * {@link Checks} (which names what is wrong) only when they refuse or the kernel is not made yet.
 */
final class DerivedCalls {
    private DerivedCalls() {}

    // Each call exists once per array type (the kernels' methods are typed, as Checks' are): the
    // typed twins below only check, cast and call; what does not depend on the type is shared.

    // ---------------------------------------------------------------- F32

    static void jvp(Compiled c, Workspace w, float[][] inputs, float[][] tangents, float[] output, float[] outputTangent) {
        Derived d = c.madeJvpKernel();
        if (d == null || !d.acceptsJvp(inputs, tangents, output, outputTangent)) {
            Checks.jvp(c, inputs, tangents, output, outputTangent);
            d = c.jvpKernel();
        }
        Scratch sc = jvpScratch(c.sig, w, d);
        float[][] all = (float[][]) fill(c.sig, sc, inputs, tangents), outs = (float[][]) sc.grads;
        outs[0] = outputTangent;
        try {
            float v = d.run(all, sc.wsf, sc.wsd, null, output, outs);
            if (c.sig.outputSize == 1) output[0] = v;
        } finally {
            clear(sc);
        }
    }

    static void hvp(Compiled c, Workspace w, float[][] inputs, float[][] v, float[][] hv) {
        Derived d = c.madeHvpKernel();
        if (d == null || !d.acceptsHvp(inputs, v, hv)) {
            Checks.hvp(c, inputs, v, hv);
            d = c.hvpKernel();
        }
        Scratch sc = hvpScratch(c.sig, w, d);
        try {
            d.run((float[][]) fill(c.sig, sc, inputs, v), sc.wsf, sc.wsd, null, null, hv);
        } finally {
            clear(sc);
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
            sc = jacobianScratch(c, w, jacobian);
        }
        Derived d = sc.kernel;
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
        System.arraycopy(inputs, 0, all, 0, inputs.length);
        try {
            d.jacobian(all, sc.wsf, sc.wsd, null, output, (float[][]) sc.grads, jacobian);
        } catch (RuntimeException | Error e) {
            zeroTangents(sc, inputs.length);
            throw e;
        } finally {
            Arrays.fill(all, 0, inputs.length, null);
        }
    }

    // ---------------------------------------------------------------- F64

    static void jvp(Compiled c, Workspace w, double[][] inputs, double[][] tangents, double[] output, double[] outputTangent) {
        Derived d = c.madeJvpKernel();
        if (d == null || !d.acceptsJvp(inputs, tangents, output, outputTangent)) {
            Checks.jvp(c, inputs, tangents, output, outputTangent);
            d = c.jvpKernel();
        }
        Scratch sc = jvpScratch(c.sig, w, d);
        double[][] all = (double[][]) fill(c.sig, sc, inputs, tangents), outs = (double[][]) sc.grads;
        outs[0] = outputTangent;
        try {
            double v = d.run(all, sc.wsf, sc.wsd, null, output, outs);
            if (c.sig.outputSize == 1) output[0] = v;
        } finally {
            clear(sc);
        }
    }

    static void hvp(Compiled c, Workspace w, double[][] inputs, double[][] v, double[][] hv) {
        Derived d = c.madeHvpKernel();
        if (d == null || !d.acceptsHvp(inputs, v, hv)) {
            Checks.hvp(c, inputs, v, hv);
            d = c.hvpKernel();
        }
        Scratch sc = hvpScratch(c.sig, w, d);
        try {
            d.run((double[][]) fill(c.sig, sc, inputs, v), sc.wsf, sc.wsd, null, null, hv);
        } finally {
            clear(sc);
        }
    }

    /** As the F32 jacobian. */
    static void jacobian(Compiled c, Workspace w, double[][] inputs, double[] output, double[][] jacobian) {
        Compiled.JacobianKernel k = c.lastJacobian;
        Scratch sc = k == null ? null : w.scratch(k.kernel());
        if (sc == null || !k.kernel().acceptsJacobian(inputs, output, jacobian, sc.checked)) {
            Checks.jacobian(c, inputs, output, jacobian);
            sc = jacobianScratch(c, w, jacobian);
        }
        Derived d = sc.kernel;
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
        System.arraycopy(inputs, 0, all, 0, inputs.length);
        try {
            d.jacobian(all, sc.wsf, sc.wsd, null, output, (double[][]) sc.grads, jacobian);
        } catch (RuntimeException | Error e) {
            zeroTangents(sc, inputs.length);
            throw e;
        } finally {
            Arrays.fill(all, 0, inputs.length, null);
        }
    }

    // ---------------------------------------------------------------- shared

    /** The jvp kernel's scratch in w, made on first use: refs for the inputs and tangents, grads[0] for the output tangent, a zero tangent. */
    private static Scratch jvpScratch(Signature s, Workspace w, Derived d) {
        Scratch sc = w.scratch(d);
        if (sc != null) return sc;
        boolean f = s.dtype == DType.F32;
        int refs = s.names.length + differentiable(s);
        return w.add(new Scratch(d, f ? new float[refs][] : new double[refs][], f ? new float[1][] : new double[1][], array(f, maxSize(s))));
    }

    /** The hvp kernel's scratch in w: refs for the inputs and directions, a zero direction. */
    private static Scratch hvpScratch(Signature s, Workspace w, Derived d) {
        Scratch sc = w.scratch(d);
        if (sc != null) return sc;
        boolean f = s.dtype == DType.F32;
        int refs = s.names.length + differentiable(s);
        return w.add(new Scratch(d, f ? new float[refs][] : new double[refs][], null, array(f, maxSize(s))));
    }

    /** sc.refs = the inputs, then per differentiable input its extra array (the zero array when null); returns sc.refs. */
    private static Object[] fill(Signature s, Scratch sc, Object[] inputs, Object[] extra) {
        Object[] all = (Object[]) sc.refs;
        int n = inputs.length;
        System.arraycopy(inputs, 0, all, 0, n);
        for (int i = 0, j = n; i < n; i++) if (s.requiresGrad[i]) all[j++] = extra[i] != null ? extra[i] : sc.vector;
        return all;
    }

    /** Drops the caller's arrays from a jvp or hvp scratch, so a workspace keeps none alive. */
    private static void clear(Scratch sc) {
        Arrays.fill((Object[]) sc.refs, null);
        if (sc.grads != null) Arrays.fill((Object[]) sc.grads, null);
    }

    /** After a forward-pass Jacobian cut short: its one-hot tangents (refs n..) back to zero. */
    private static void zeroTangents(Scratch sc, int n) {
        Object[] all = (Object[]) sc.refs;
        for (int j = n; j < all.length; j++) {
            if (all[j] instanceof float[] t) Arrays.fill(t, 0);
            else Arrays.fill((double[]) all[j], 0);
        }
    }

    /**
     * After the generic checks passed: the kernel of these blocks (made on first use) becomes the
     * last one, and its scratch in w (made on first use) is returned.
     */
    private static Scratch jacobianScratch(Compiled c, Workspace w, Object[] jacobian) {
        Compiled.JacobianKernel k = c.jacobianKernel(jacobian);
        c.lastJacobian = k;
        Scratch sc = w.scratch(k.kernel());
        return sc != null ? sc : w.add(jacobianScratch(c.sig, k));
    }

    /** A Jacobian kernel's scratch in one workspace, in the function's dtype. */
    private static Scratch jacobianScratch(Signature s, Compiled.JacobianKernel k) {
        boolean f = s.dtype == DType.F32;
        int n = s.names.length, blocks = count(k.blocks());
        Derived d = k.kernel();
        Object[] checked = new Object[n + 1];
        Arrays.fill(checked, Scratch.UNCHECKED);   // matches no call until a full check records one
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
