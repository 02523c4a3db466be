package io.jgrad;

import static org.junit.jupiter.api.Assertions.fail;

import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random programs over the public Tensor API (RandomPrograms), compiled in F64, checked in double:
 * <ul>
 *   <li>the adjoint identity ⟨u, vjp(v)⟩ = ⟨jvp(u), v⟩ (forward mode is the transpose of reverse);</li>
 *   <li>jvp against central differences of the function along u (programs without detach());</li>
 *   <li>for s(x) = ⟨F(x), r⟩: the Hessian is symmetric, ⟨w, H·v⟩ = ⟨v, H·w⟩; H·v against
 *       central differences of the compiled gradient; and the eager H·v (Grad.grad of Grad.grad)
 *       against the compiled one;</li>
 *   <li>the compiled Jacobian against rows of vjp with one-hot seeds.</li>
 * </ul>
 */
class DerivativesRandomTest {
    static final int PROGRAMS = 150;

    @Test
    void randomProgramsInDouble() {
        int failures = 0;
        StringBuilder report = new StringBuilder();
        for (long seed = 0; seed < PROGRAMS; seed++) {
            RandomPrograms.Program p = new RandomPrograms(77_000 + seed).next();
            String err;
            try {
                err = check(p, new Random(seed));
            } catch (RuntimeException | AssertionError e) {
                err = e.toString();
            }
            if (err != null && ++failures <= 3) report.append("\n--- program ").append(seed).append(": ").append(err).append('\n').append(p);
        }
        if (failures > 0) fail(failures + " of " + PROGRAMS + " programs disagree:" + report);
    }

    private static String check(RandomPrograms.Program p, Random rnd) {
        int n = p.inputShapes.length;
        Arg[] args = new Arg[n];
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            args[i] = Arg.of(p.inputShapes[i]).dtype(DType.F64);
            if (!p.requiresGrad[i]) args[i] = args[i].noGrad();
            x[i] = new double[p.inputs[i].length];
            for (int k = 0; k < x[i].length; k++) x[i][k] = p.inputs[i][k];
        }
        Compiled f = Grad.compile(p::run, args);
        int m = Shapes.size(p.outputShape);
        double[][] u = directions(rnd, p, x), w = directions(rnd, p, x);
        double[] r = new double[m];
        for (int k = 0; k < m; k++) r[k] = rnd.nextDouble() * 2 - 1;

        // ⟨u, Jᵀr⟩ = ⟨Ju, r⟩
        double[] out = new double[m], ju = new double[m];
        f.jvp(x, u, out, ju);
        double[][] g = new double[n][];
        for (int i = 0; i < n; i++) if (p.requiresGrad[i]) g[i] = new double[x[i].length];
        f.vjp(x, r, new double[m], g);
        double left = 0, right = 0, scale = 0;
        for (int i = 0; i < n; i++) if (g[i] != null) for (int k = 0; k < g[i].length; k++) { left += u[i][k] * g[i][k]; scale += Math.abs(u[i][k] * g[i][k]); }
        for (int k = 0; k < m; k++) { right += ju[k] * r[k]; scale += Math.abs(ju[k] * r[k]); }
        if (!(Math.abs(left - right) <= 1e-12 * (1 + scale))) return "<u, vjp(r)> = " + left + " but <jvp(u), r> = " + right;

        // jvp against central differences (not through detach(): finite differences see the value, which depends on it)
        boolean smoothlyDifferentiable = !p.toString().contains(".detach()");
        double h = 1e-6;
        double[] up = new double[m], down = new double[m];
        f.forward(step(x, u, h), up);
        f.forward(step(x, u, -h), down);
        for (int k = 0; k < m && smoothlyDifferentiable; k++) {
            double fd = (up[k] - down[k]) / (2 * h), tol = 1e-5 * (1 + Math.abs(ju[k])) + 1e-13 * (Math.abs(up[k]) + Math.abs(down[k])) / h;
            if (!(Math.abs(fd - ju[k]) <= tol)) return "jvp[" + k + "] = " + ju[k] + ", finite differences " + fd;
        }

        // the Jacobian, against vjp rows
        double[][] jac = new double[n][];
        for (int i = 0; i < n; i++) if (p.requiresGrad[i]) jac[i] = new double[m * x[i].length];
        f.jacobian(x, new double[m], jac);
        for (int row = 0; row < m; row++) {
            double[] e = new double[m];
            e[row] = 1;
            double[][] gr = new double[n][];
            for (int i = 0; i < n; i++) if (p.requiresGrad[i]) gr[i] = new double[x[i].length];
            f.vjp(x, e, new double[m], gr);
            for (int i = 0; i < n; i++) {
                if (gr[i] == null) continue;
                for (int k = 0; k < gr[i].length; k++) {
                    double a = jac[i][row * x[i].length + k], b = gr[i][k];
                    if (!(Math.abs(a - b) <= 1e-12 * (1 + Math.abs(b)))) return "jacobian[" + i + "][" + row + "," + k + "] = " + a + ", vjp row " + b;
                }
            }
        }

        // s(x) = <F(x), r>
        Tensor rt = Tensor.of(r.clone(), p.outputShape.clone());
        FnN s = in -> p.run(in).mul(rt).sum();
        Compiled cs = Grad.compile(s, args);
        double[][] hv = zeros(p, x), hw = zeros(p, x);
        cs.hvp(x, u, hv);
        cs.hvp(x, w, hw);
        double wHu = 0, uHw = 0;
        scale = 0;
        for (int i = 0; i < n; i++) {
            if (hv[i] == null) continue;
            for (int k = 0; k < hv[i].length; k++) {
                wHu += w[i][k] * hv[i][k];
                uHw += u[i][k] * hw[i][k];
                scale += Math.abs(w[i][k] * hv[i][k]) + Math.abs(u[i][k] * hw[i][k]);
            }
        }
        if (!(Math.abs(wHu - uHw) <= 1e-11 * (1 + scale))) return "Hessian not symmetric: <w, Hu> = " + wHu + ", <u, Hw> = " + uHw;
        double[][] gUp = zeros(p, x), gDown = zeros(p, x);
        cs.valueAndGrad(step(x, u, h), gUp);
        cs.valueAndGrad(step(x, u, -h), gDown);
        for (int i = 0; i < n && smoothlyDifferentiable; i++) {
            if (hv[i] == null) continue;
            for (int k = 0; k < hv[i].length; k++) {
                double fd = (gUp[i][k] - gDown[i][k]) / (2 * h);
                double tol = 1e-5 * (1 + Math.abs(hv[i][k])) + 1e-13 * (Math.abs(gUp[i][k]) + Math.abs(gDown[i][k])) / h;
                if (!(Math.abs(fd - hv[i][k]) <= tol)) return "hvp[" + i + "][" + k + "] = " + hv[i][k] + ", finite differences of the gradient " + fd;
            }
        }

        // eager: H·u as the gradient of <∇s, u>
        Tensor[] leaves = new Tensor[n];
        for (int i = 0; i < n; i++) leaves[i] = Tensor.of(x[i].clone(), p.inputShapes[i].clone()).requiresGrad(p.requiresGrad[i]);
        Tensor[] wrt = Arrays.stream(leaves).filter(Tensor::requiresGrad).toArray(Tensor[]::new);
        Tensor sv = s.apply(leaves.clone());
        for (Tensor t : wrt) sv = sv.add(t.sum().mul(0.0));   // keeps every input in the graph (see DerivsGoldenTest)
        Tensor[] eg = Grad.grad(sv, wrt);
        Tensor inner = null;
        for (int i = 0, j = 0; i < n; i++) {
            if (!p.requiresGrad[i]) continue;
            Tensor term = eg[j].mul(Tensor.of(u[i].clone(), p.inputShapes[i].clone())).sum().add(wrt[j].sum().mul(0.0));
            inner = inner == null ? term : inner.add(term);
            j++;
        }
        Tensor[] ehv = Grad.grad(inner, wrt);
        for (int i = 0, j = 0; i < n; i++) {
            if (!p.requiresGrad[i]) continue;
            double[] e = ehv[j++].toDoubleArray();
            double sc = 0;
            for (double v : e) sc = Math.max(sc, Math.abs(v));
            for (int k = 0; k < e.length; k++)
                if (!(Math.abs(e[k] - hv[i][k]) <= 1e-9 * (Math.abs(e[k]) + sc) + 1e-300))
                    return "eager hvp[" + i + "][" + k + "] = " + e[k] + ", compiled " + hv[i][k];
        }
        return null;
    }

    private static double[][] zeros(RandomPrograms.Program p, double[][] x) {
        double[][] z = new double[x.length][];
        for (int i = 0; i < x.length; i++) if (p.requiresGrad[i]) z[i] = new double[x[i].length];
        return z;
    }

    private static double[][] directions(Random rnd, RandomPrograms.Program p, double[][] x) {
        double[][] u = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            u[i] = new double[x[i].length];
            if (p.requiresGrad[i]) for (int k = 0; k < u[i].length; k++) u[i][k] = rnd.nextDouble() * 2 - 1;
        }
        return u;
    }

    private static double[][] step(double[][] x, double[][] u, double h) {
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i].clone();
            for (int k = 0; k < y[i].length; k++) y[i][k] += h * u[i][k];
        }
        return y;
    }
}
