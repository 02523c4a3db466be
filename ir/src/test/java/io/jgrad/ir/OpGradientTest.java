package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every user op alone, on random inputs inside its domain and clear of its kinks, with a random
 * seed (vector-Jacobian product): the adjoint against central finite differences in double,
 * unoptimised and optimised, and its float32 result against the double one.
 */
class OpGradientTest {

    interface Op2 { int apply(Builder b, int x, int y); }

    record Case(String name, int[] xShape, int[] yShape, double lo, double hi, Op2 op) {}

    private static final int[] M = {3, 4}, ROW = {4}, COL = {3, 1}, S = {};

    static Case unary(String name, double lo, double hi, java.util.function.BiFunction<Builder, Integer, Integer> f) {
        return new Case(name, M, null, lo, hi, (b, x, y) -> f.apply(b, x));
    }

    static final List<Case> CASES = List.of(
            new Case("add broadcast", M, ROW, -2, 2, Composites::add),
            new Case("sub broadcast", COL, ROW, -2, 2, Composites::sub),
            new Case("mul broadcast", S, M, -2, 2, Composites::mul),
            new Case("div broadcast", M, COL, 0.5, 2, Composites::div),
            new Case("maximum", M, ROW, -2, 2, Composites::maximum),
            new Case("minimum", COL, M, -2, 2, Composites::minimum),
            new Case("matmul 2x2", M, new int[] {4, 2}, -2, 2, Composites::matmul),
            new Case("matmul 2x1", M, ROW, -2, 2, Composites::matmul),
            new Case("matmul 1x2", new int[] {3}, M, -2, 2, Composites::matmul),
            new Case("dot", ROW, ROW, -2, 2, Composites::dot),
            unary("add c", -2, 2, (b, x) -> Composites.add(b, x, 1.5f)),
            unary("sub c", -2, 2, (b, x) -> Composites.sub(b, x, 1.5f)),
            unary("mul c", -2, 2, (b, x) -> Composites.mul(b, x, -1.5f)),
            unary("div c", -2, 2, (b, x) -> Composites.div(b, x, 0.75f)),
            unary("rsub", -2, 2, (b, x) -> Composites.rsub(b, x, 1.5f)),
            unary("rdiv", 0.5, 2, (b, x) -> Composites.rdiv(b, x, 1.5f)),
            unary("pow 3", -2, 2, (b, x) -> Composites.pow(b, x, 3)),
            unary("pow -1.5", 0.3, 2, (b, x) -> Composites.pow(b, x, -1.5f)),
            unary("pow 0.5", 0.3, 2, (b, x) -> Composites.pow(b, x, 0.5f)),
            unary("pow 0", -2, 2, (b, x) -> Composites.pow(b, x, 0)),
            unary("neg", -2, 2, Composites::neg),
            unary("exp", -2, 2, Composites::exp),
            unary("log", 0.2, 3, Composites::log),
            unary("log1p", -0.5, 3, Composites::log1p),
            unary("sin", -3, 3, Composites::sin),
            unary("cos", -3, 3, Composites::cos),
            unary("tanh", -2, 2, Composites::tanh),
            unary("sigmoid", -4, 4, Composites::sigmoid),
            unary("relu", -2, 2, Composites::relu),
            unary("softplus", -3, 25, Composites::softplus),
            unary("sqrt", 0.2, 3, Composites::sqrt),
            unary("abs", -2, 2, Composites::abs),
            unary("square", -2, 2, Composites::square),
            unary("clamp", -2, 2, (b, x) -> Composites.clamp(b, x, -0.5f, 0.8f)),
            unary("sum", -2, 2, (b, x) -> Composites.sum(b, x)),
            unary("mean", -2, 2, (b, x) -> Composites.mean(b, x)),
            unary("sum axis 0", -2, 2, (b, x) -> Composites.sum(b, x, 0)),
            unary("mean axis -1", -2, 2, (b, x) -> Composites.mean(b, x, -1)),
            unary("t", -2, 2, Composites::t),
            unary("reshape", -2, 2, (b, x) -> Composites.reshape(b, x, 2, -1)),
            unary("softmax 0", -2, 2, (b, x) -> Composites.softmax(b, x, 0)),
            unary("softmax 1", -2, 2, (b, x) -> Composites.softmax(b, x, 1)),
            unary("logSoftmax 0", -2, 2, (b, x) -> Composites.logSoftmax(b, x, 0)),
            unary("logSoftmax -1", -2, 2, (b, x) -> Composites.logSoftmax(b, x, -1)),
            unary("reduce_max", -2, 2, (b, x) -> b.reduce(Prim.REDUCE_MAX, x, 1)),
            unary("transpose", -2, 2, (b, x) -> b.transpose(b.reshape(x, 2, 3, 2), 2, 0, 1)),
            unary("broadcast", -2, 2, (b, x) -> b.broadcast(b.reshape(x, 3, 1, 4), 3, 2, 4)));

    @TestFactory
    Stream<DynamicTest> everyOpAgainstFiniteDifferences() {
        return CASES.stream().map(c -> DynamicTest.dynamicTest(c.name, () -> {
            for (long seed = 0; seed < 5; seed++) check(c, seed);
        }));
    }

    private static void check(Case c, long seed) {
        Random rng = new Random(seed * 7919 + c.name.hashCode());
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32(c.xShape));
        int y = c.yShape == null ? -1 : b.input(1, "y", Type.f32(c.yShape));
        int out = c.op.apply(b, x, y);
        Graph forward = b.build(new int[] {out}, new String[] {"out"});
        int n = forward.inputs().size();
        float[][] inputs = new float[n][];
        for (int i = 0; i < n; i++) {
            inputs[i] = new float[forward.inputs().get(i).type().size()];
            for (int k = 0; k < inputs[i].length; k++) {
                float v;
                do v = (float) (c.lo + rng.nextDouble() * (c.hi - c.lo));
                while (nearKink(c.name, v));
                inputs[i][k] = v;
            }
        }
        if (c.name.equals("maximum") || c.name.equals("minimum")) inputs[1][1] = inputs[0][1] + 0.25f;   // a near miss, not a tie
        boolean[] wrt = new boolean[n];
        java.util.Arrays.fill(wrt, true);
        float[] vjpSeed = new float[forward.type(out).size()];
        for (int k = 0; k < vjpSeed.length; k++) vjpSeed[k] = (float) (rng.nextDouble() * 2 - 1);
        RandomPrograms.Program p = new RandomPrograms.Program(seed, forward, inputs, wrt, vjpSeed);
        Graph adjoint = Verifier.verify(Adjoint.of(forward, wrt, true));
        Graph optimised = Verifier.verify(Optimizer.optimize(adjoint));
        assertTrue(FiniteDifferences.checkGradients(p, adjoint) > 0);
        assertTrue(FiniteDifferences.checkGradients(p, optimised) > 0);
        // float32 within a few ulps of the double evaluation (these are short programs)
        float[][] f32 = Interpreter.run(optimised, p.adjointInputs());
        double[][] f64 = Interpreter.runF64(optimised, FiniteDifferences.toDouble(p.adjointInputs()));
        for (int o = 0; o < f32.length; o++)
            for (int k = 0; k < f32[o].length; k++)
                assertEquals(f64[o][k], f32[o][k], 1e-5 * (1 + Math.abs(f64[o][k])), c.name + " output " + o + "[" + k + "]");
    }

    /** Keep inputs clear of the kinks of relu, abs (0) and clamp (its bounds). */
    static boolean nearKink(String op, double v) {
        return switch (op) {
            case "relu", "abs" -> Math.abs(v) < 0.05;
            case "clamp" -> Math.abs(v + 0.5) < 0.05 || Math.abs(v - 0.8) < 0.05;
            default -> false;
        };
    }
}
