package io.jgrad.codegen;

import io.jgrad.ir.Graph;
import io.jgrad.ir.Interpreter;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.Workspace;

import java.util.Arrays;

/** {@link Harness} for F64 functions: every double entry point against {@link Ref} and the IR Interpreter. */
final class F64Harness {
    private F64Harness() {}

    static final double S = 12345.678901234;

    static double[] sentinel(int n) {
        double[] a = new double[n];
        Arrays.fill(a, S);
        return a;
    }

    /**
     * Generated output k against Ref's exact run (every value in its dtype, sums in the
     * documented order): bit-identical, NaN equal to NaN.
     */
    static String compare(String what, double[] got, Ref exact, Graph g, int k) {
        double[] want = exact.output(g, k);
        for (int i = 0; i < want.length; i++) {
            if (Double.doubleToLongBits(want[i]) == Double.doubleToLongBits(got[i])) continue;
            return what + " output " + k + " (" + g.outputName(k) + ") element " + i + ": generated " + got[i] + " (0x"
                    + Long.toHexString(Double.doubleToRawLongBits(got[i])) + "), reference " + want[i] + " (0x"
                    + Long.toHexString(Double.doubleToRawLongBits(want[i])) + ")";
        }
        return null;
    }

    /** Every F64 entry point (with and without a Workspace) against Ref: every value bit-identical, inputs unwritten. */
    static String check(CompileRequest req, Compiled c, double[][] inputsWithSeed) {
        int n = req.inputCount();
        double[][] in = Arrays.copyOf(inputsWithSeed, n);
        double[] seed = inputsWithSeed[n];
        double[][] inCopy = deepCopy(in);
        int outSize = seed.length;
        Workspace ws = c.newWorkspace();
        Ref fwd = Ref.run(req.forward, in, true);
        Ref vjpRef = Ref.run(req.vjp, inputsWithSeed, true);
        Ref vagRef = req.valueAndGrad == null ? null : Ref.run(req.valueAndGrad, in, true);
        for (boolean explicit : new boolean[] {false, true}) {
            String tag = explicit ? " (workspace)" : "";
            double[] out = sentinel(outSize);
            if (explicit) c.forward(ws, in, out); else c.forward(in, out);
            String e = compare("forward" + tag, out, fwd, req.forward, 0);
            if (e != null) return e;
            if (vagRef != null) {
                e = compare("value", new double[] {c.value(in)}, fwd, req.forward, 0);
                if (e != null) return e;
                double[][] grads = gradArrays(req);
                double v = explicit ? c.valueAndGrad(ws, in, grads) : c.valueAndGrad(in, grads);
                e = compare("valueAndGrad" + tag, new double[] {v}, vagRef, req.valueAndGrad, 0);
                if (e == null) e = compareGrads("valueAndGrad" + tag, req, grads, vagRef, req.valueAndGrad);
                if (e != null) return e;
            }
            double[][] grads = gradArrays(req);
            out = sentinel(outSize);
            if (explicit) c.vjp(ws, in, seed, out, grads); else c.vjp(in, seed, out, grads);
            e = compare("vjp" + tag, out, vjpRef, req.vjp, 0);
            if (e == null) e = compareGrads("vjp" + tag, req, grads, vjpRef, req.vjp);
            if (e != null) return e;
        }
        for (int i = 0; i < n; i++) if (!Arrays.equals(in[i], inCopy[i])) return "input " + i + " was written";
        return null;
    }

    private static String compareGrads(String what, CompileRequest req, double[][] grads, Ref r, Graph g) {
        for (int i = 0, k = 1; i < req.inputCount(); i++) {
            if (!req.requiresGrad[i]) {
                if (grads[i] != null) return what + ": grads[" + i + "] of a non-differentiable input was touched";
                continue;
            }
            String e = compare(what, grads[i], r, g, k++);
            if (e != null) return e;
        }
        return null;
    }

    /**
     * Generated output k of an F64 graph against the IR Interpreter (the reference semantics:
     * every value its dtype's kernel, sums and matmuls in Summation's order): bit-identical,
     * NaN equal to NaN, sums included.
     */
    static String compareInterpreter(String what, double[] got, Graph g, int k, double[][] in) {
        double[] want = Interpreter.run(g, in)[k];
        for (int i = 0; i < want.length; i++) {
            if (Double.doubleToLongBits(want[i]) == Double.doubleToLongBits(got[i])) continue;
            return what + " output " + k + " (" + g.outputName(k) + ") element " + i + ": generated " + got[i]
                    + ", interpreter " + want[i];
        }
        return null;
    }

    /** forward, vjp and valueAndGrad of c against the Interpreter. */
    static String againstInterpreter(CompileRequest req, Compiled c, double[][] inSeed) {
        int n = req.inputCount();
        double[][] in = Arrays.copyOf(inSeed, n);
        double[] out = new double[inSeed[n].length];
        c.forward(in, out);
        String e = compareInterpreter("forward", out, req.forward, 0, in);
        if (e != null) return e;
        double[][] grads = gradArrays(req);
        c.vjp(in, inSeed[n], out, grads);
        e = compareInterpreter("vjp", out, req.vjp, 0, inSeed);
        for (int i = 0, k = 1; e == null && i < n; i++)
            if (req.requiresGrad[i]) e = compareInterpreter("vjp", grads[i], req.vjp, k++, inSeed);
        if (e != null || req.valueAndGrad == null) return e;
        grads = gradArrays(req);
        double v = c.valueAndGrad(in, grads);
        e = compareInterpreter("valueAndGrad", new double[] {v}, req.valueAndGrad, 0, in);
        for (int i = 0, k = 1; e == null && i < n; i++)
            if (req.requiresGrad[i]) e = compareInterpreter("valueAndGrad", grads[i], req.valueAndGrad, k++, in);
        return e;
    }

    static double[][] gradArrays(CompileRequest req) {
        double[][] g = new double[req.inputCount()][];
        for (int i = 0; i < g.length; i++)
            if (req.requiresGrad[i]) g[i] = sentinel(Type.f32(req.inputShapes[i]).size());
        return g;
    }

    static double[][] deepCopy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) c[i] = a[i] == null ? null : a[i].clone();
        return c;
    }
}
