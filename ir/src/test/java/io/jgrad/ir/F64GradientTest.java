package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import io.jgrad.runtime.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every user op alone on F64 data (the graph's dtype is f64, evaluated by the interpreter in
 * double: no runF64 view), against fourth-order central differences of ⟨seed, op(x)⟩ in double,
 * unoptimised and optimised and eagerly (Eval). The tolerance, 1e-8 relative, is far below any
 * error a wrong constant in a derivative makes (a constant off in its 7th digit fails it), and
 * far above the differences' own error (h^4 ≈ 1e-12 truncation, 1e-13 rounding).
 */
class F64GradientTest {

    /** OpGradientTest's cases, plus constants that are not floats (only the double overloads give them exactly). */
    static final List<OpGradientTest.Case> CASES = new ArrayList<>(OpGradientTest.CASES);
    static {
        CASES.add(OpGradientTest.unary("add 0.1", -2, 2, (b, x) -> Composites.add(b, x, 0.1)));
        CASES.add(OpGradientTest.unary("mul -0.3", -2, 2, (b, x) -> Composites.mul(b, x, -0.3)));
        CASES.add(OpGradientTest.unary("div 0.7", -2, 2, (b, x) -> Composites.div(b, x, 0.7)));
        CASES.add(OpGradientTest.unary("rdiv 0.1", 0.5, 2, (b, x) -> Composites.rdiv(b, x, 0.1)));
        CASES.add(OpGradientTest.unary("rsub 0.3", -2, 2, (b, x) -> Composites.rsub(b, x, 0.3)));
        CASES.add(OpGradientTest.unary("pow 1.1", 0.3, 2, (b, x) -> Composites.pow(b, x, 1.1)));
        CASES.add(OpGradientTest.unary("clamp -0.3 0.7", -2, 2, (b, x) -> Composites.clamp(b, x, -0.3, 0.7)));
    }

    @TestFactory
    Stream<DynamicTest> everyOpInFloat64() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            for (long seed = 0; seed < 5; seed++) check(c, seed);
        }));
    }

    private static void check(OpGradientTest.Case c, long seed) {
        Random rng = new Random(seed * 104729 + c.name().hashCode());
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f64(c.xShape()));
        int y = c.yShape() == null ? -1 : b.input(1, "y", Type.f64(c.yShape()));
        int out = c.op().apply(b, x, y);
        Graph forward = Verifier.verify(b.build(new int[] {out}, new String[] {"out"}));
        assertEquals(DType.F64, forward.type(out).dtype(), "an f64 op stays f64");
        int n = forward.inputs().size();
        double[][] inputs = new double[n][];
        do {
            for (int i = 0; i < n; i++) {
                inputs[i] = new double[forward.inputs().get(i).type().size()];
                for (int k = 0; k < inputs[i].length; k++) {
                    double v;
                    do v = c.lo() + rng.nextDouble() * (c.hi() - c.lo());   // full double precision
                    while (nearKink(c.name(), v));
                    inputs[i][k] = v;
                }
            }
        } while (n == 2 && (c.name().equals("maximum") || c.name().equals("minimum")) && !apart(forward, inputs));
        double[] seedValues = new double[forward.type(out).size()];
        for (int k = 0; k < seedValues.length; k++) seedValues[k] = rng.nextDouble() * 2 - 1;
        boolean[] wrt = new boolean[n];
        java.util.Arrays.fill(wrt, true);
        Graph adjoint = Verifier.verify(Adjoint.of(forward, wrt, true));
        double[][] with = new double[n + 1][];
        System.arraycopy(inputs, 0, with, 0, n);
        with[n] = seedValues;
        double[][] plain = Interpreter.run(adjoint, with);
        double[][] optimised = Interpreter.run(Verifier.verify(Optimizer.optimize(adjoint)), with);
        double[][] eager = eager(forward, inputs, seedValues, wrt);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < inputs[i].length; k++) {
                double fd = difference(forward, inputs, seedValues, i, k);
                for (double[][] g : List.of(plain, optimised, eager)) {
                    double got = g[1 + i][k];
                    String which = g == plain ? "adjoint" : g == optimised ? "optimised" : "eager";
                    assertEquals(fd, got, 1e-8 * (1 + Math.abs(fd)),
                            c.name() + " seed " + seed + " " + which + ": d input " + i + "[" + k + "]");
                }
            }
        }
    }

    /** Kinks the differences must not straddle (their steps reach 2h = 0.002·max(1, |x|)). */
    private static boolean nearKink(String op, double v) {
        return OpGradientTest.nearKink(op, v)
                || (op.startsWith("clamp -0.3") && (Math.abs(v + 0.3) < 0.05 || Math.abs(v - 0.7) < 0.05))
                // PyTorch's softplus threshold: a step of 2e-9 in the value at x = 20
                || (op.equals("softplus") && Math.abs(v - 20) < 0.2);
    }

    /** Every pair maximum/minimum compares (after broadcasting) differs by more than 0.05: no tie within the steps. */
    private static boolean apart(Graph forward, double[][] inputs) {
        Type tx = forward.inputs().get(0).type(), ty = forward.inputs().get(1).type();
        int[] shape = Shapes.broadcast("apart", tx.shape(), ty.shape());
        Type to = Type.f64(shape);
        double[] a = (double[]) Kernels.broadcast(inputs[0], tx, to), b = (double[]) Kernels.broadcast(inputs[1], ty, to);
        for (int k = 0; k < a.length; k++) if (Math.abs(a[k] - b[k]) < 0.05) return false;
        return true;
    }

    /** Fourth-order central difference of ⟨seed, f(x)⟩ in x[i][k] (Richardson of steps h and 2h). */
    private static double difference(Graph f, double[][] x, double[] seed, int i, int k) {
        double keep = x[i][k], h = 1e-3 * Math.max(1, Math.abs(keep));
        double[] v = new double[4];
        double[] steps = {h, -h, 2 * h, -2 * h};
        for (int s = 0; s < 4; s++) {
            x[i][k] = keep + steps[s];
            double[] out = Interpreter.run(f, x)[0];
            double sum = 0;
            for (int j = 0; j < out.length; j++) sum += seed[j] * out[j];
            v[s] = sum;
        }
        x[i][k] = keep;
        return (8 * (v[0] - v[1]) - (v[2] - v[3])) / (12 * h);
    }

    /** The same forward graph replayed on an Eval, then Eval.backward: the eager engine's gradients. */
    static double[][] eager(Graph forward, double[][] inputs, double[] seed, boolean[] wrt) {
        Eval e = new Eval();
        int[] map = new int[forward.size()];
        for (Node nd : forward.nodes()) {
            if (nd.prim() == Prim.INPUT) {
                map[nd.id()] = e.input(nd.type(), inputs[nd.inputIndex()]);
            } else {
                int[] args = Rebuild.remap(nd, map);
                map[nd.id()] = e.apply(nd.prim(), args, nd.type(), nd.ints(), nd.data());
            }
        }
        int out = map[forward.output(0)];
        int[] d = e.backward(out, seed, wrt);
        double[][] r = new double[1 + wrt.length][];
        r[0] = e.doubles(out);
        for (int i = 0; i < wrt.length; i++) r[1 + i] = d[i] < 0 ? new double[inputs[i].length] : e.doubles(d[i]);
        return r;
    }
}
