package io.jgrad.bench.demo;

import io.jgrad.Arg;
import io.jgrad.Grad;
import io.jgrad.Tensor;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import io.jgrad.runtime.Workspace;

import java.util.Locale;

/**
 * Derivatives beyond the gradient, on things a user recognises.
 *
 * <ol>
 *   <li>Newton's method on the Rosenbrock function, matrix-free: each step solves H·d = -∇f by
 *       conjugate gradients using only the compiled Hessian-vector product ({@code Compiled.hvp}),
 *       with a backtracking line search; compared with plain gradient descent.</li>
 *   <li>The Jacobian of a small vector function ({@code Compiled.jacobian}) and a directional
 *       derivative ({@code Compiled.jvp}) beside the closed forms.</li>
 *   <li>Second and third derivatives by nesting {@code Grad.grad}, eagerly and compiled.</li>
 *   <li>Black-Scholes in float64: the call price written once with {@code erf}, its delta and
 *       vega (first derivatives) and gamma (a second derivative) eagerly by nesting
 *       {@code Grad.grad} and compiled ({@code valueAndGrad}, then {@code hvp} along the spot),
 *       printed beside the closed forms.</li>
 * </ol>
 * {@link #run} is the part the main {@code Demo} shows (Newton and Black-Scholes).
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar io.jgrad.bench.demo.DerivativesDemo}
 */
public final class DerivativesDemo {
    private DerivativesDemo() {}

    public static void main(String[] args) {
        Locale.setDefault(Locale.ROOT);
        newtonOnRosenbrock();
        jacobianAndJvp();
        nestedGrad();
        blackScholes();
    }

    /** Newton's method on Rosenbrock and the Black-Scholes greeks: the sections the main Demo prints. */
    public static void run() {
        Locale.setDefault(Locale.ROOT);
        newtonOnRosenbrock();
        blackScholes();
    }

    // ---------------------------------------------------------------- Black-Scholes

    /** The market of the example: spot, strike, rate, volatility, years to expiry. */
    public static final double SPOT = 100, STRIKE = 105, RATE = 0.03, VOL = 0.2, EXPIRY = 0.75;

    /**
     * The European call price C(S, σ) = S Φ(d1) - K e^{-rT} Φ(d2), d1 = (ln(S/K) + (r + σ²/2) T) / (σ √T),
     * d2 = d1 - σ √T, Φ(x) = (1 + erf(x / √2)) / 2; K, r, T are constants.
     */
    public static Tensor callPrice(Tensor spot, Tensor vol) {
        double sqrtT = Math.sqrt(EXPIRY);
        Tensor volSqrtT = vol.mul(sqrtT);
        Tensor d1 = spot.div(STRIKE).log().add(vol.square().mul(0.5).add(RATE).mul(EXPIRY)).div(volSqrtT);
        Tensor d2 = d1.sub(volSqrtT);
        return spot.mul(phi(d1)).sub(phi(d2).mul(STRIKE * Math.exp(-RATE * EXPIRY)));
    }

    /** The standard normal CDF through erf. */
    private static Tensor phi(Tensor x) {
        return x.mul(1 / Math.sqrt(2)).erf().add(1.0).mul(0.5);
    }

    /** The greeks as computed: price, delta = dC/dS, vega = dC/dσ, gamma = d²C/dS². */
    public record Greeks(double price, double delta, double vega, double gamma) {}

    /** Eagerly: delta and vega by Grad.grad with history, gamma by Grad.grad of delta. */
    public static Greeks eagerGreeks() {
        Tensor s = Tensor.scalar(SPOT).requiresGrad(true), v = Tensor.scalar(VOL).requiresGrad(true);
        Tensor c = callPrice(s, v);
        Tensor[] g = Grad.grad(c, s, v);
        Tensor gamma = Grad.grad(g[0], s)[0];
        return new Greeks(c.doubleItem(), g[0].doubleItem(), g[1].doubleItem(), gamma.doubleItem());
    }

    /** Compiled: value and gradient (delta, vega), then the Hessian-vector product along (1, 0): (gamma, vanna). */
    public static Greeks compiledGreeks() {
        Compiled c = Grad.compile(DerivativesDemo::callPrice, Arg.scalar().dtype(DType.F64).named("spot"), Arg.scalar().dtype(DType.F64).named("vol"));
        double[][] in = {{SPOT}, {VOL}}, grads = {new double[1], new double[1]}, hv = {new double[1], new double[1]};
        double price = c.valueAndGrad(in, grads);
        c.hvp(in, new double[][] {{1}, {0}}, hv);
        return new Greeks(price, grads[0][0], grads[1][0], hv[0][0]);
    }

    /** The closed forms, with Hipparchus' erf (not jgrad's): delta = Φ(d1), vega = S φ(d1) √T, gamma = φ(d1) / (S σ √T). */
    public static Greeks closedForm() {
        double sqrtT = Math.sqrt(EXPIRY);
        double d1 = (Math.log(SPOT / STRIKE) + (RATE + VOL * VOL / 2) * EXPIRY) / (VOL * sqrtT), d2 = d1 - VOL * sqrtT;
        double pdf = Math.exp(-d1 * d1 / 2) / Math.sqrt(2 * Math.PI);
        double price = SPOT * normalCdf(d1) - STRIKE * Math.exp(-RATE * EXPIRY) * normalCdf(d2);
        return new Greeks(price, normalCdf(d1), SPOT * pdf * sqrtT, pdf / (SPOT * VOL * sqrtT));
    }

    private static double normalCdf(double x) {
        return 0.5 * org.hipparchus.special.Erf.erfc(-x / Math.sqrt(2));
    }

    static void blackScholes() {
        System.out.printf("== Black-Scholes call in float64: S = %.0f, K = %.0f, r = %.2f, sigma = %.2f, T = %.2f%n", SPOT, STRIKE, RATE, VOL, EXPIRY);
        System.out.println("   delta and vega are first derivatives; gamma = d2C/dS2 is a second derivative:");
        System.out.println("   eager = Grad.grad of Grad.grad; compiled = valueAndGrad, then hvp along (1, 0)");
        Greeks e = eagerGreeks(), c = compiledGreeks(), x = closedForm();
        System.out.printf("   %-7s %-22s %-22s %-22s%n", "", "eager (jgrad)", "compiled (jgrad)", "closed form");
        System.out.printf("   %-7s %-22.15f %-22.15f %-22.15f%n", "price", e.price(), c.price(), x.price());
        System.out.printf("   %-7s %-22.15f %-22.15f %-22.15f%n", "delta", e.delta(), c.delta(), x.delta());
        System.out.printf("   %-7s %-22.15f %-22.15f %-22.15f%n", "vega", e.vega(), c.vega(), x.vega());
        System.out.printf("   %-7s %-22.15f %-22.15f %-22.15f%n%n", "gamma", e.gamma(), c.gamma(), x.gamma());
    }

    /** f(x) = Σ (1 - x_i)² + 100 (x_{i+1} - x_i²)² over consecutive pairs. */
    static Tensor rosenbrock(Tensor x, int n) {
        Tensor sum = null;
        for (int i = 0; i + 1 < n; i++) {
            Tensor a = pick(x, n, i), b = pick(x, n, i + 1);
            Tensor term = a.rsub(1.0).square().add(b.sub(a.square()).square().mul(100.0));
            sum = sum == null ? term : sum.add(term);
        }
        return sum;
    }

    /** x[i] as a scalar: a dot product with the i-th unit vector (indexing comes with issue 10). */
    private static Tensor pick(Tensor x, int n, int i) {
        double[] e = new double[n];
        e[i] = 1;
        return x.dot(Tensor.of(e));
    }

    static void newtonOnRosenbrock() {
        int n = 2;
        Compiled f = Grad.compile(x -> rosenbrock(x, n), Arg.of(n).dtype(DType.F64).named("x"));
        Workspace ws = f.newWorkspace();
        System.out.println("== Newton's method on the " + n + "-dimensional Rosenbrock function, with the compiled Hessian-vector product");
        System.out.println("   (each step: conjugate gradients on H d = -g using only hvp; then backtracking)");
        double[] x = {-1.2, 1.0};
        double[][] in = {x}, g = {new double[n]};
        int newtonSteps = 0, hvps = 0;
        for (int step = 0; step < 50; step++) {
            double fx = f.valueAndGrad(ws, in, g);
            double gnorm = norm(g[0]);
            System.out.printf("   step %2d  f = %-12.6g |grad| = %-10.3g x = %s%n", step, fx, gnorm, fmt(x));
            if (gnorm < 1e-10) break;
            // conjugate gradients for H d = -g (H may be indefinite far from the minimum: stop at negative curvature)
            double[] d = new double[n], r = negate(g[0]), p = r.clone(), hp = new double[n];
            double rr = dot(r, r);
            for (int k = 0; k < n && Math.sqrt(rr) > 1e-14 * gnorm; k++) {
                f.hvp(ws, in, new double[][] {p}, new double[][] {hp});
                hvps++;
                double curvature = dot(p, hp);
                if (curvature <= 0) {
                    if (k == 0) d = r.clone();   // not convex here: a gradient step
                    break;
                }
                double alpha = rr / curvature;
                for (int i = 0; i < n; i++) {
                    d[i] += alpha * p[i];
                    r[i] -= alpha * hp[i];
                }
                double rr2 = dot(r, r);
                for (int i = 0; i < n; i++) p[i] = r[i] + rr2 / rr * p[i];
                rr = rr2;
            }
            // backtracking (Armijo) on the compiled value
            double t = 1, slope = dot(g[0], d);
            double[] trial = new double[n];
            while (true) {
                for (int i = 0; i < n; i++) trial[i] = x[i] + t * d[i];
                if (f.value(new double[][] {trial}) <= fx + 1e-4 * t * slope || t < 1e-12) break;
                t *= 0.5;
            }
            System.arraycopy(trial, 0, x, 0, n);
            newtonSteps++;
        }
        System.out.println("   Newton: " + newtonSteps + " steps, " + hvps + " Hessian-vector products; the minimum is x = (1, 1)");

        // the same start, plain gradient descent with the same line search
        double[] y = {-1.2, 1.0};
        double[][] yin = {y};
        int steps = 0;
        for (; steps < 100_000; steps++) {
            double fy = f.valueAndGrad(ws, yin, g);
            if (norm(g[0]) < 1e-6) break;
            double t = 1e-3;
            double[] trial = new double[n];
            while (true) {
                for (int i = 0; i < n; i++) trial[i] = y[i] - t * g[0][i];
                if (f.value(new double[][] {trial}) <= fy - 1e-4 * t * dot(g[0], g[0]) || t < 1e-12) break;
                t *= 0.5;
            }
            System.arraycopy(trial, 0, y, 0, n);
        }
        System.out.printf("   gradient descent from the same start: %d steps to |grad| < 1e-6, x = %s%n%n", steps, fmt(y));
    }

    static void jacobianAndJvp() {
        System.out.println("== Jacobian and forward mode of polar -> Cartesian, (r, theta) -> (r cos theta, r sin theta)");
        Compiled polar = Grad.compile((r, th) -> r.mul(th.cos()).mul(Tensor.of(1.0, 0.0)).add(r.mul(th.sin()).mul(Tensor.of(0.0, 1.0))),
                Arg.scalar().dtype(DType.F64).named("r"), Arg.scalar().dtype(DType.F64).named("theta"));
        double r = 2, th = 0.6;
        double[][] in = {{r}, {th}}, jac = {new double[2], new double[2]};
        double[] out = new double[2];
        polar.jacobian(in, out, jac);
        System.out.printf("   compiled  d/dr = (%.15f, %.15f)   d/dtheta = (%.15f, %.15f)%n", jac[0][0], jac[0][1], jac[1][0], jac[1][1]);
        System.out.printf("   closed    d/dr = (%.15f, %.15f)   d/dtheta = (%.15f, %.15f)%n", Math.cos(th), Math.sin(th), -r * Math.sin(th), r * Math.cos(th));
        double[] tangent = new double[2];
        polar.jvp(in, new double[][] {{0.5}, {-1}}, out, tangent);
        System.out.printf("   jvp along (0.5, -1): (%.15f, %.15f), closed form (%.15f, %.15f)%n%n", tangent[0], tangent[1],
                0.5 * Math.cos(th) + r * Math.sin(th), 0.5 * Math.sin(th) - r * Math.cos(th));
    }

    static void nestedGrad() {
        System.out.println("== d^k/dx^k of x * sin(x) at x = 1 by nesting Grad.grad (eager, with history) and compiled");
        Tensor x = Tensor.scalar(1.0).requiresGrad(true);
        Tensor y = x.mul(x.sin());
        Tensor d1 = Grad.grad(y, x)[0], d2 = Grad.grad(d1, x)[0], d3 = Grad.grad(d2, x)[0];
        double s = Math.sin(1), c = Math.cos(1);
        System.out.printf("   eager     %.15f  %.15f  %.15f%n", d1.doubleItem(), d2.doubleItem(), d3.doubleItem());
        System.out.printf("   closed    %.15f  %.15f  %.15f   (sin x + x cos x, 2 cos x - x sin x, -3 sin x - x cos x)%n", s + c, 2 * c - s, -3 * s - c);
        Compiled third = Grad.compile(t -> {
            Tensor e1 = Grad.grad(t.mul(t.sin()), t)[0];
            return Grad.grad(Grad.grad(e1, t)[0], t)[0];
        }, Arg.scalar().dtype(DType.F64));
        double[][] g = {new double[1]};
        double v = third.valueAndGrad(new double[][] {{1.0}}, g);
        System.out.printf("   compiled third derivative %.15f, its gradient (the fourth) %.15f, closed form %.15f%n", v, g[0][0], -4 * c + s);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    private static double[] negate(double[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = -a[i];
        return r;
    }

    private static String fmt(double[] x) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < x.length; i++) sb.append(i == 0 ? "" : ", ").append(String.format("%.6f", x[i]));
        return sb.append(')').toString();
    }
}
