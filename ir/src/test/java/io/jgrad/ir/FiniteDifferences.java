package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;

/** Central finite differences in double (Interpreter.runF64) against the adjoint's gradients and Hessian-vector products. */
final class FiniteDifferences {
    private FiniteDifferences() {}

    static double[][] toDouble(float[][] x) {
        double[][] d = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            d[i] = new double[x[i].length];
            for (int k = 0; k < d[i].length; k++) d[i][k] = x[i][k];
        }
        return d;
    }

    /** Σ seed·out of a one-output graph in double (seed = 1 for a scalar output without one). */
    static double objective(Graph forward, double[][] inputs, double[] seed) {
        double[] out = Interpreter.runF64(forward, inputs)[0];
        double s = 0;
        for (int k = 0; k < out.length; k++) s += (seed == null ? 1 : seed[k]) * out[k];
        return s;
    }

    /** Checks every requested gradient element of `adjoint` (made from p); returns how many were checked. */
    static int checkGradients(RandomPrograms.Program p, Graph adjoint) {
        double[][] grads = Interpreter.runF64(adjoint, p.adjointInputs64());
        return compare(p, "gradient", grads, x -> objective(p.forward(), x, p.vjpSeed64()), p.inputs64().clone(), p.wrt());
    }

    /**
     * Builds G(x) = Σ_i ⟨d_i(x), v_i⟩ from the adjoint graph with random v, differentiates it
     * again (the adjoint of the adjoint) and checks H·v against finite differences of G.
     */
    static int checkHessianVector(RandomPrograms.Program p) {
        boolean seeded = p.vjpSeed64() != null;
        Graph adjoint = Adjoint.of(p.forward(), p.wrt(), seeded);
        Builder b = new Builder();
        for (Node n : adjoint.nodes()) b.add(n.prim(), n.rawArgs(), n.type(), n.rawInts(), n.rawData(), n.name());
        Random rng = new Random(p.seed() * 31 + 7);
        int total = -1;
        for (int o = 1; o < adjoint.outputCount(); o++) {
            Type t = adjoint.type(adjoint.output(o));
            double[] v = new double[t.size()];
            for (int k = 0; k < v.length; k++) v[k] = (float) (rng.nextDouble() * 2 - 1);
            int term = Composites.sum(b, b.binary(Prim.MUL, adjoint.output(o), b.constant(t, v)));
            total = total < 0 ? term : b.binary(Prim.ADD, total, term);
        }
        Graph g = b.build(new int[] {total}, new String[] {"g"});
        boolean[] wrt2 = java.util.Arrays.copyOf(p.wrt(), g.inputs().size());   // the seed input is not differentiated
        Graph second = Verifier.verify(Adjoint.of(g, wrt2, false));
        double[][] inputs = p.adjointInputs64();
        double[][] hv = Interpreter.runF64(Optimizer.optimize(second), inputs);
        return compare(p, "Hessian-vector", hv, x -> Interpreter.runF64(g, x)[0][0], inputs, wrt2);
    }

    /** analytic[1 + j] is the gradient of f for the j-th input with wrt set. */
    private static int compare(RandomPrograms.Program p, String what, double[][] analytic,
                               java.util.function.ToDoubleFunction<double[][]> f, double[][] x, boolean[] wrt) {
        int checked = 0, j = 1;
        for (int i = 0; i < wrt.length; i++) {
            if (!wrt[i]) continue;
            double[] g = analytic[j++];
            for (int k = 0; k < x[i].length; k++) {
                double keep = x[i][k], h = 1e-6 * Math.max(1, Math.abs(keep));
                x[i][k] = keep + h;
                double up = f.applyAsDouble(x);
                x[i][k] = keep - h;
                double down = f.applyAsDouble(x);
                x[i][k] = keep;
                double fd = (up - down) / (2 * h);
                double tol = 1e-5 * (1 + Math.abs(g[k])) + 1e-13 * (1 + Math.abs(up) + Math.abs(down)) / h;
                if (!(Math.abs(fd - g[k]) <= tol))
                    fail("seed " + p.seed() + ": " + what + " of input " + i + "[" + k + "] is " + g[k] + ", finite differences give " + fd
                            + "\n" + Printer.print(p.forward()));
                checked++;
            }
        }
        return checked;
    }
}
