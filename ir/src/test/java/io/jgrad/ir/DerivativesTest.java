package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Forward mode and Hessian-vector products made by transposition (Derivatives) on the seeded
 * random programs, every value in double (Interpreter.runF64): the JVP agrees with central
 * finite differences and with the VJP by the adjoint identity ⟨u, Jᵀv⟩ = ⟨Ju, v⟩; both HVP
 * modes agree with each other and with finite differences of the gradient; the Hessian is
 * symmetric (⟨w, Hv⟩ = ⟨v, Hw⟩); no stand-in input survives, and the optimiser keeps the bits.
 */
class DerivativesTest {
    static final int PROGRAMS = 300;
    static final long FIRST_SEED = 5000;

    @Test
    void jvpMatchesFiniteDifferencesAndTheAdjointIdentity() {
        int checked = 0;
        java.util.EnumSet<Prim> seen = java.util.EnumSet.noneOf(Prim.class);
        for (long s = FIRST_SEED; s < FIRST_SEED + PROGRAMS; s++) {
            RandomPrograms.Program p = RandomPrograms.generate(s);
            // the forward and its VJP graph: the graph the transposition walks (PAD and SCATTER_ADD are VJPs)
            for (Node nd : Adjoint.of(p.forward(), p.wrt(), true).nodes()) seen.add(nd.prim());
            Graph jvp = Verifier.verify(Derivatives.jvp(p.forward(), p.wrt()));
            Graph opt = Verifier.verify(Optimizer.optimize(jvp));
            int n = p.inputs().length;
            assertEquals(n + count(p.wrt()), jvp.inputs().size(), "seed " + s + ": inputs are x then one tangent per wrt");
            Random rng = new Random(s);
            double[][] x = FiniteDifferences.toDouble(p.inputs());
            double[][] u = directions(rng, p, x);
            double[][] in = concat(x, u);
            double[] tangent = Interpreter.runF64(jvp, in)[1];
            // in the graph's own dtypes (runF64 would see constants the optimiser folded in float)
            float[][] fin = toFloat(in);
            assertArrayEquals(Interpreter.run(jvp, fin)[1], Interpreter.run(opt, fin)[1], 0, "seed " + s + ": the optimiser changed the jvp");
            double[] value = Interpreter.runF64(p.forward(), x)[0];
            assertArrayEquals(value, Interpreter.runF64(jvp, in)[0], 0, "seed " + s + ": value");

            // central differences along u
            double h = 1e-6;
            double[] up = Interpreter.runF64(p.forward(), step(x, u, h, p.wrt()))[0];
            double[] down = Interpreter.runF64(p.forward(), step(x, u, -h, p.wrt()))[0];
            for (int k = 0; k < tangent.length; k++) {
                double fd = (up[k] - down[k]) / (2 * h);
                double tol = 1e-5 * (1 + Math.abs(tangent[k])) + 1e-13 * (1 + Math.abs(up[k]) + Math.abs(down[k])) / h;
                if (!(Math.abs(fd - tangent[k]) <= tol))
                    fail("seed " + s + ": jvp[" + k + "] = " + tangent[k] + ", finite differences " + fd + "\n" + Printer.print(p.forward()));
                checked++;
            }

            // ⟨u, Jᵀv⟩ = ⟨Ju, v⟩ with the VJP of the adjoint pass
            double[] v = new double[tangent.length];
            for (int k = 0; k < v.length; k++) v[k] = rng.nextDouble() * 2 - 1;
            double[][] vin = Arrays.copyOf(x, n + 1);
            vin[n] = v;
            double[][] vjp = Interpreter.runF64(Adjoint.of(p.forward(), p.wrt(), true), vin);
            double left = 0, scale = 0, j = 1;
            for (int i = 0; i < n; i++) {
                if (!p.wrt()[i]) continue;
                double[] g = vjp[(int) j++];
                for (int e = 0; e < g.length; e++) {
                    left += u[i][e] * g[e];
                    scale += Math.abs(u[i][e] * g[e]);
                }
            }
            double right = 0;
            for (int k = 0; k < v.length; k++) {
                right += tangent[k] * v[k];
                scale += Math.abs(tangent[k] * v[k]);
            }
            assertEquals(left, right, 1e-12 * (1 + scale), "seed " + s + ": <u, vjp(v)> vs <jvp(u), v>");
        }
        assertTrue(checked > PROGRAMS, "checked " + checked);
        // forward mode has no rule of its own: the walks reach the primitives added after it was written too
        for (Prim p : new Prim[] {Prim.ERF, Prim.ATAN2, Prim.POWER, Prim.SLICE, Prim.PAD, Prim.GATHER, Prim.SCATTER_ADD, Prim.CONCAT, Prim.DOT_GENERAL})
            assertTrue(seen.contains(p), p + " is in none of the programs; seen " + seen);
    }

    @Test
    void hvpModesAgreeMatchFiniteDifferencesAndAreSymmetric() {
        int checked = 0;
        for (long s = FIRST_SEED; s < FIRST_SEED + PROGRAMS; s++) {
            RandomPrograms.Program p = RandomPrograms.generate(s);
            if (p.vjpSeed() != null) continue;   // scalar outputs only
            Graph ror = Verifier.verify(Derivatives.hvp(p.forward(), p.wrt(), Derivatives.HvpMode.REVERSE_OVER_REVERSE));
            Graph fwd = Verifier.verify(Derivatives.hvp(p.forward(), p.wrt(), Derivatives.HvpMode.FORWARD_OVER_REVERSE));
            Graph grad = Adjoint.of(p.forward(), p.wrt(), false);
            Random rng = new Random(s * 7);
            double[][] x = FiniteDifferences.toDouble(p.inputs());
            double[][] v = directions(rng, p, x), w = directions(rng, p, x);
            double[][] hv = Interpreter.runF64(ror, concat(x, v));
            double[][] hv2 = Interpreter.runF64(fwd, concat(x, v));
            double[][] hw = Interpreter.runF64(ror, concat(x, w));
            float[][] fin = toFloat(concat(x, v));
            float[][] plain = Interpreter.run(fwd, fin), optimised = Interpreter.run(Optimizer.optimize(fwd), fin);
            for (int o = 0; o < plain.length; o++) assertArrayEquals(plain[o], optimised[o], 0, "seed " + s + ": the optimiser changed the hvp");
            double h = 1e-6;
            double[][] gUp = Interpreter.runF64(grad, step(x, v, h, p.wrt()));
            double[][] gDown = Interpreter.runF64(grad, step(x, v, -h, p.wrt()));
            double wHv = 0, vHw = 0, scale = 0;
            int j = 1;
            for (int i = 0; i < x.length; i++) {
                if (!p.wrt()[i]) continue;
                for (int e = 0; e < x[i].length; e++) {
                    double a = hv[j][e], b = hv2[j][e];
                    assertEquals(a, b, 1e-12 * (1 + Math.abs(a)), "seed " + s + ": reverse-over-reverse vs forward-over-reverse, input " + i + "[" + e + "]");
                    double fd = (gUp[j][e] - gDown[j][e]) / (2 * h);
                    double tol = 1e-5 * (1 + Math.abs(a)) + 1e-13 * (1 + Math.abs(gUp[j][e]) + Math.abs(gDown[j][e])) / h;
                    if (!(Math.abs(fd - a) <= tol))
                        fail("seed " + s + ": hvp of input " + i + "[" + e + "] = " + a + ", finite differences of the gradient " + fd + "\n" + Printer.print(p.forward()));
                    wHv += w[i][e] * a;
                    vHw += v[i][e] * hw[j][e];
                    scale += Math.abs(w[i][e] * a) + Math.abs(v[i][e] * hw[j][e]);
                    checked++;
                }
                j++;
            }
            assertEquals(wHv, vHw, 1e-12 * (1 + scale), "seed " + s + ": <w, Hv> vs <v, Hw>");
        }
        assertTrue(checked > PROGRAMS / 2, "checked " + checked);
    }

    @Test
    void jvpOfAFunctionOfNothingDifferentiatedIsZero() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f64(3)), y = b.input(1, "y", Type.f64(3));
        int out = b.binary(Prim.MUL, b.unary(Prim.SIN, x), b.unary(Prim.STOP_GRADIENT, y));
        Graph f = b.build(out);
        Graph jvp = Verifier.verify(Optimizer.optimize(Derivatives.jvp(f, new boolean[] {false, true})));
        double[][] r = Interpreter.runF64(jvp, new double[][] {{1, 2, 3}, {4, 5, 6}, {1, 1, 1}});
        assertArrayEquals(new double[] {0, 0, 0}, r[1]);
        assertEquals(3, jvp.inputs().size());
    }

    @Test
    void jvpOfSinIsCosTimesTheTangentWithNothingElseLeft() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f64(4));
        Graph f = b.build(b.unary(Prim.SIN, x));
        Graph jvp = Optimizer.optimize(Derivatives.jvp(f, new boolean[] {true}));
        // x, t_x, sin x, cos x, cos x · t: the forward, one coefficient, one product
        assertEquals(3, jvp.opCount(), Printer.print(jvp));
        double[][] r = Interpreter.runF64(jvp, new double[][] {{0.1, 0.2, 0.3, 0.4}, {1, 2, 3, 4}});
        for (int k = 0; k < 4; k++) assertEquals(Math.cos(0.1 * (k + 1)) * (k + 1), r[1][k], 1e-15);
    }

    @Test
    void hvpRefusesATensorOutput() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f64(2));
        Graph f = b.build(b.unary(Prim.EXP, x));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Derivatives.hvp(f, new boolean[] {true}, Derivatives.HvpMode.REVERSE_OVER_REVERSE));
        assertTrue(e.getMessage().contains("scalar"), e.getMessage());
    }

    private static float[][] toFloat(double[][] x) {
        float[][] f = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            f[i] = new float[x[i].length];
            for (int k = 0; k < f[i].length; k++) f[i][k] = (float) x[i][k];
        }
        return f;
    }

    private static int count(boolean[] w) {
        int c = 0;
        for (boolean b : w) if (b) c++;
        return c;
    }

    /** A random direction per input (null for the inputs not differentiated; those get no tangent). */
    private static double[][] directions(Random rng, RandomPrograms.Program p, double[][] x) {
        double[][] u = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            if (!p.wrt()[i]) continue;
            u[i] = new double[x[i].length];
            for (int e = 0; e < u[i].length; e++) u[i][e] = rng.nextDouble() * 2 - 1;
        }
        return u;
    }

    /** x followed by the non-null directions. */
    private static double[][] concat(double[][] x, double[][] u) {
        double[][] in = Arrays.copyOf(x, x.length + (int) Arrays.stream(u).filter(a -> a != null).count());
        int k = x.length;
        for (double[] d : u) if (d != null) in[k++] = d;
        return in;
    }

    private static double[][] step(double[][] x, double[][] u, double h, boolean[] wrt) {
        double[][] y = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i].clone();
            if (wrt[i]) for (int e = 0; e < y[i].length; e++) y[i][e] += h * u[i][e];
        }
        return y;
    }
}
