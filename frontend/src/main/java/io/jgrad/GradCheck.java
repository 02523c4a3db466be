package io.jgrad;

import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;

import java.util.Arrays;
import java.util.Random;

/**
 * {@link Grad#check}: eager gradient, compiled gradient and forward mode, and central finite
 * differences, all in float64. Deterministic (a fixed random seed), so a test that passes once
 * passes always.
 *
 * <p>Tolerances. Eager against compiled: both compute the same float64 rules, so they agree to
 * rounding: |a - b| ≤ 1e-9·(|a| + max|gradient|) + 1e-300. Against central differences with
 * step h = 1e-5·max(1, |x|): the difference quotient is off by about h²·f'''/6 (truncation) and
 * ε·|f|/h (rounding), so |g - fd| ≤ 1e-6·(1 + |g|) + 1e-13·(|f(x+h)| + |f(x-h)|)/h.
 */
final class GradCheck {
    private GradCheck() {}

    /** Inputs up to this many elements in total are also checked element by element. */
    static final int PER_ELEMENT = 64;
    /** Random directions checked whatever the size. */
    static final int DIRECTIONS = 4;
    /** A failing direction is narrowed down to its element when the inputs have at most this many. */
    static final int LOCATE = 4096;

    static void check(FnN f, Tensor[] point) {
        if (f == null) throw new IllegalArgumentException("Grad.check: the function is null");
        if (point == null) throw new IllegalArgumentException("Grad.check: point is null");
        int n = point.length;
        boolean anyRequires = false;
        for (int i = 0; i < n; i++) {
            Tensor t = point[i];
            if (t == null) throw new IllegalArgumentException("Grad.check: point[" + i + "] is null");
            if (t.traced != null) throw new IllegalArgumentException("Grad.check: point[" + i + "] is a traced tensor; pass eager tensors (the point to check at)");
            if (!t.dtype.isFloat()) throw new IllegalArgumentException("Grad.check: point[" + i + "] is " + t.dtype + "; the point is made of float tensors");
            anyRequires |= t.requiresGrad;
        }
        boolean[] diff = new boolean[n];
        int dcount = 0;
        for (int i = 0; i < n; i++) {
            diff[i] = !anyRequires || point[i].requiresGrad;
            if (diff[i]) dcount++;
        }
        if (dcount == 0) throw new IllegalArgumentException("Grad.check: there is no input to differentiate");
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) x[i] = point[i].toDoubleArray();
        Random rnd = new Random(20240611L);

        // eager, in float64
        Tensor[] leaves = new Tensor[n], wrt = new Tensor[dcount];
        for (int i = 0, k = 0; i < n; i++) {
            leaves[i] = Tensor.of(x[i].clone(), point[i].shape.clone());
            if (diff[i]) wrt[k++] = leaves[i].requiresGrad(true);
        }
        if (NoGrad.active()) throw new IllegalStateException("Grad.check: called inside a Grad.noGrad() scope, where no gradient is recorded; call it outside");
        Tensor out = f.apply(leaves.clone());
        if (out == null) throw new IllegalArgumentException("Grad.check: the function returned null");
        if (out.traced != null) throw new IllegalArgumentException("Grad.check: the function returned a traced tensor for eager inputs");
        if (out.dtype != DType.F64) {
            throw new IllegalArgumentException("Grad.check: given F64 inputs the function returns " + out.dtype + "; it must compute in F64"
                    + " to be checked in float64 (a constant tensor of another dtype may have decided the result's dtype)");
        }
        int m = out.size();
        double[] seed = new double[m];
        if (m == 1) seed[0] = 1;
        else for (int k = 0; k < m; k++) seed[k] = rnd.nextDouble() * 2 - 1;
        Tensor[] eager = m == 1 ? Grad.grad(out, wrt) : Grad.vjp(out, Tensor.of(seed.clone(), out.shape.clone()), wrt);

        // compiled, in float64
        Arg[] args = new Arg[n];
        for (int i = 0; i < n; i++) {
            Arg a = Arg.of(point[i].shape.clone()).dtype(DType.F64);
            args[i] = diff[i] ? a : a.noGrad();
        }
        Compiled c = Grad.compile(f, args);
        double[] value = new double[m];
        double[][] grads = new double[n][];
        for (int i = 0; i < n; i++) if (diff[i]) grads[i] = new double[x[i].length];
        c.vjp(x, seed, value, grads);
        double[] eagerValue = out.toDoubleArray();
        for (int k = 0; k < m; k++) {
            double tol = 1e-9 * (Math.abs(eagerValue[k]) + maxAbs(eagerValue)) + 1e-300;
            if (!close(value[k], eagerValue[k], tol))
                throw new AssertionError("Grad.check: output element " + k + ": eager value " + eagerValue[k] + ", compiled value " + value[k]
                        + " (tolerance " + tol + ")");
        }
        for (int i = 0, k = 0; i < n; i++) {
            if (!diff[i]) continue;
            double[] e = eager[k++].toDoubleArray(), g = grads[i];
            double scale = maxAbs(e);
            for (int j = 0; j < g.length; j++) {
                double tol = 1e-9 * (Math.abs(e[j]) + scale) + 1e-300;
                if (!close(g[j], e[j], tol))
                    throw new AssertionError("Grad.check: " + name(point, i) + " element " + j + ": eager gradient " + e[j]
                            + ", compiled gradient " + g[j] + " (tolerance " + tol + ")");
            }
        }

        // finite differences of phi(x) = <seed, f(x)>, the compiled forward in float64
        double[] buffer = new double[m];
        java.util.function.ToDoubleFunction<double[][]> phi = in -> {
            c.forward(in, buffer);
            double s = 0;
            for (int k = 0; k < m; k++) s += seed[k] * buffer[k];
            return s;
        };
        double[] tangentOut = new double[m];
        for (int d = 0; d < DIRECTIONS; d++) {
            double[][] u = new double[n][];
            double xmax = 1;
            for (int i = 0; i < n; i++) {
                if (!diff[i]) continue;
                u[i] = new double[x[i].length];
                for (int j = 0; j < u[i].length; j++) u[i][j] = rnd.nextDouble() * 2 - 1;
                xmax = Math.max(xmax, maxAbs(x[i]));
            }
            double h = 1e-5 * xmax;
            double up = phi.applyAsDouble(step(x, u, h)), down = phi.applyAsDouble(step(x, u, -h));
            double fd = (up - down) / (2 * h);
            double directional = 0;
            for (int i = 0; i < n; i++) if (diff[i]) for (int j = 0; j < u[i].length; j++) directional += grads[i][j] * u[i][j];
            c.jvp(x, u, value, tangentOut);
            double forward = 0;
            for (int k = 0; k < m; k++) forward += seed[k] * tangentOut[k];
            double tol = fdTolerance(directional, up, down, h);
            if (!close(directional, fd, tol)) {
                locate(phi, point, x, grads, diff);
                throw new AssertionError("Grad.check: along random direction " + d + " over every input: the gradient gives " + directional
                        + ", finite differences " + fd + " (tolerance " + tol + ")");
            }
            double jtol = 1e-9 * (Math.abs(directional) + absDot(grads, u)) + 1e-300;
            if (!close(forward, directional, jtol))
                throw new AssertionError("Grad.check: along random direction " + d + ": forward mode (Compiled.jvp) gives " + forward
                        + ", reverse mode " + directional + " (tolerance " + jtol + ")");
        }
        int total = 0;
        for (int i = 0; i < n; i++) if (diff[i]) total += x[i].length;
        if (total <= PER_ELEMENT) perElement(phi, point, x, grads, diff);
    }

    /** Compares every element's gradient with its central difference; throws on the first that differs. */
    private static void perElement(java.util.function.ToDoubleFunction<double[][]> phi, Tensor[] point, double[][] x, double[][] grads,
                                   boolean[] diff) {
        for (int i = 0; i < x.length; i++) {
            if (!diff[i]) continue;
            for (int j = 0; j < x[i].length; j++) {
                double keep = x[i][j], h = 1e-5 * Math.max(1, Math.abs(keep));
                x[i][j] = keep + h;
                double up = phi.applyAsDouble(x);
                x[i][j] = keep - h;
                double down = phi.applyAsDouble(x);
                x[i][j] = keep;
                double fd = (up - down) / (2 * h);
                double tol = fdTolerance(grads[i][j], up, down, h);
                if (!close(grads[i][j], fd, tol))
                    throw new AssertionError("Grad.check: " + name(point, i) + " element " + j + ": gradient " + grads[i][j]
                            + ", finite differences " + fd + " (tolerance " + tol + ")");
            }
        }
    }

    /** A direction failed: name the element if the inputs are small enough to try each. */
    private static void locate(java.util.function.ToDoubleFunction<double[][]> phi, Tensor[] point, double[][] x, double[][] grads, boolean[] diff) {
        int total = 0;
        for (int i = 0; i < x.length; i++) if (diff[i]) total += x[i].length;
        if (total <= LOCATE) perElement(phi, point, x, grads, diff);
    }

    private static double fdTolerance(double g, double up, double down, double h) {
        return 1e-6 * (1 + Math.abs(g)) + 1e-13 * (Math.abs(up) + Math.abs(down)) / h;
    }

    private static boolean close(double a, double b, double tol) {
        if (Double.isNaN(a) || Double.isNaN(b)) return Double.isNaN(a) && Double.isNaN(b);
        if (Double.isInfinite(a) || Double.isInfinite(b)) return a == b;
        return Math.abs(a - b) <= tol;
    }

    private static String name(Tensor[] point, int i) {
        return "input " + i + " (shape " + Arrays.toString(point[i].shape) + ")";
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) if (Double.isFinite(v)) m = Math.max(m, Math.abs(v));
        return m;
    }

    private static double absDot(double[][] g, double[][] u) {
        double s = 0;
        for (int i = 0; i < g.length; i++) if (g[i] != null && u[i] != null) for (int j = 0; j < g[i].length; j++) s += Math.abs(g[i][j] * u[i][j]);
        return s;
    }

    private static double[][] step(double[][] x, double[][] u, double h) {
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i].clone();
            if (u[i] != null) for (int j = 0; j < y[i].length; j++) y[i][j] += h * u[i][j];
        }
        return y;
    }
}
