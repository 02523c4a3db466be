package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every operation of API.md "More operations" and every issue-10 primitive used directly
 * (PAD, SCATTER_ADD, DOT_GENERAL with general axis numbers), on random inputs in its domain:
 * the adjoint's gradient and the adjoint of the adjoint (Hessian-vector products) against
 * central finite differences in double ({@link FiniteDifferences}), and the eager route
 * ({@link Eval#backward}) against the compiled one bit for bit. Five random points per op.
 */
class OpsV2GradientTest {

    /** One op: input shapes, how to draw an input element, and the op over the inputs. */
    private record Case(String name, int[][] shapes, Domain domain, Op op) {}

    private interface Op { int emit(Emitter e, int[] in); }
    private interface Domain { double draw(Random r); }

    private static final Domain ANY = r -> r.nextDouble() * 4 - 2;
    private static final Domain POSITIVE = r -> 0.3 + r.nextDouble() * 2;
    private static final Domain UNIT = r -> r.nextDouble() * 1.8 - 0.9;
    /** Clear of 0 by 0.1 (kinks, poles). */
    private static final Domain NONZERO = r -> (0.1 + r.nextDouble() * 1.9) * (r.nextBoolean() ? 1 : -1);
    /** Clear of the integers and the half integers by 0.1 (floor, ceil, round jump there). */
    private static final Domain OFF_GRID = r -> Math.floor(r.nextDouble() * 6 - 3) + (r.nextBoolean() ? 0.2 : 0.7) + r.nextDouble() * 0.1;

    private static int[][] s(int[]... shapes) { return shapes; }
    private static int[] sh(int... d) { return d; }

    private static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        // structure
        c.add(new Case("slice", s(sh(3, 5)), ANY, (e, in) -> Composites.slice(e, in[0], 1, -4, 4)));
        c.add(new Case("slice_clamped", s(sh(4, 2)), ANY, (e, in) -> Composites.slice(e, in[0], 0, -10, 10)));
        c.add(new Case("select", s(sh(2, 3, 4)), ANY, (e, in) -> Composites.select(e, in[0], -2, 1)));
        c.add(new Case("indexSelect_repeats", s(sh(3, 4)), ANY, (e, in) -> Composites.indexSelect(e, in[0], 1, new int[] {3, 0, 3, 3})));
        c.add(new Case("indexSelect_scalar", s(sh()), ANY, (e, in) -> Composites.indexSelect(e, in[0], 0, new int[] {0, 0})));
        c.add(new Case("cat", s(sh(2, 3), sh(2, 1)), ANY, (e, in) -> Composites.cat(e, -1, in[0], in[1], in[0])));
        c.add(new Case("stack", s(sh(3), sh(3)), ANY, (e, in) -> Composites.stack(e, 1, in[0], in[1])));
        c.add(new Case("unsqueeze_squeeze", s(sh(2, 3)), ANY, (e, in) -> Composites.squeeze(e, Composites.unsqueeze(e, in[0], -1), 2)));
        c.add(new Case("permute", s(sh(2, 3, 4)), ANY, (e, in) -> Composites.permute(e, in[0], 2, -3, 1)));
        c.add(new Case("transpose", s(sh(2, 3, 4)), ANY, (e, in) -> Composites.transpose(e, in[0], -1, 0)));
        c.add(new Case("expand", s(sh(3, 1)), ANY, (e, in) -> Composites.expand(e, in[0], 2, -1, 4)));
        c.add(new Case("flatten", s(sh(2, 3)), ANY, (e, in) -> Composites.flatten(e, in[0])));
        c.add(new Case("matmul_batched", s(sh(2, 3, 4), sh(2, 4, 5)), ANY, (e, in) -> Composites.matmul(e, in[0], in[1])));
        c.add(new Case("matmul_broadcast_batch", s(sh(2, 1, 3, 4), sh(3, 4, 2)), ANY, (e, in) -> Composites.matmul(e, in[0], in[1])));
        c.add(new Case("matmul_batched_2d", s(sh(2, 3, 4), sh(4, 5)), ANY, (e, in) -> Composites.matmul(e, in[0], in[1])));
        c.add(new Case("matmul_2d_batched", s(sh(3, 4), sh(2, 4, 5)), ANY, (e, in) -> Composites.matmul(e, in[0], in[1])));
        c.add(new Case("matmul_1d_batched", s(sh(4), sh(2, 4, 3)), ANY, (e, in) -> Composites.matmul(e, in[0], in[1])));
        c.add(new Case("matmul_batched_1d", s(sh(2, 3, 4), sh(4)), ANY, (e, in) -> Composites.matmul(e, in[0], in[1])));
        // primitives directly: pad, scatter_add, a dot_general with batch axes in the middle and two contracted axes
        c.add(new Case("pad", s(sh(2, 3)), ANY, (e, in) -> e.pad(in[0], 1, 2, 1)));
        c.add(new Case("scatter_add", s(sh(4, 2)), ANY, (e, in) -> e.scatterAdd(in[0], 0, 3, 2, 0, 2, 2)));
        c.add(new Case("dot_general", s(sh(3, 2, 4, 5), sh(5, 2, 4, 6)), ANY,
                (e, in) -> e.dotGeneral(in[0], in[1], sh(1), sh(1), sh(3, 2), sh(0, 2))));
        c.add(new Case("dot_general_outer", s(sh(3), sh(2)), ANY, (e, in) -> e.dotGeneral(in[0], in[1], sh(), sh(), sh(), sh())));
        // selection
        c.add(new Case("where_gt", s(sh(3, 4), sh(4)), NONZERO, (e, in) -> Composites.where(e, Composites.gt(e, in[0], 0.0), in[0], in[1])));
        c.add(new Case("where_logical", s(sh(3, 4), sh(4)), NONZERO, (e, in) -> Composites.where(e,
                Composites.logicalOr(e, Composites.logicalAnd(e, Composites.lt(e, in[0], 0.0), Composites.ne(e, in[1], 0.0)),
                        Composites.logicalNot(e, Composites.ge(e, in[1], 0.0))), Composites.mul(e, in[0], in[0]), in[1])));
        // reductions
        c.add(new Case("sum_keep", s(sh(2, 3, 4)), ANY, (e, in) -> Composites.sum(e, in[0], 1, true)));
        c.add(new Case("mean_keep", s(sh(2, 3, 4)), ANY, (e, in) -> Composites.mean(e, in[0], -1, true)));
        c.add(new Case("amax", s(sh(2, 3)), ANY, (e, in) -> Composites.amax(e, in[0])));
        c.add(new Case("amin_axis_keep", s(sh(2, 3, 4)), ANY, (e, in) -> Composites.amin(e, in[0], 1, true)));
        c.add(new Case("amax_axis", s(sh(3, 4)), ANY, (e, in) -> Composites.amax(e, in[0], -1)));
        c.add(new Case("logsumexp", s(sh(2, 3, 4)), ANY, (e, in) -> Composites.logsumexp(e, in[0], 1)));
        c.add(new Case("logsumexp_keep", s(sh(3, 4)), ANY, (e, in) -> Composites.logsumexp(e, in[0], 0, true)));
        c.add(new Case("prod", s(sh(7)), ANY, (e, in) -> Composites.prod(e, in[0])));
        c.add(new Case("prod_axis", s(sh(2, 5, 3)), ANY, (e, in) -> Composites.prod(e, in[0], 1)));
        c.add(new Case("var", s(sh(3, 4)), ANY, (e, in) -> Composites.var(e, in[0], 1)));
        c.add(new Case("std", s(sh(2, 5)), ANY, (e, in) -> Composites.std(e, in[0], -1)));
        // elementwise
        c.add(new Case("tan", s(sh(5)), UNIT, (e, in) -> Composites.tan(e, in[0])));
        c.add(new Case("asin", s(sh(5)), UNIT, (e, in) -> Composites.asin(e, in[0])));
        c.add(new Case("acos", s(sh(5)), UNIT, (e, in) -> Composites.acos(e, in[0])));
        c.add(new Case("atan", s(sh(5)), ANY, (e, in) -> Composites.atan(e, in[0])));
        c.add(new Case("sinh", s(sh(5)), ANY, (e, in) -> Composites.sinh(e, in[0])));
        c.add(new Case("cosh", s(sh(5)), ANY, (e, in) -> Composites.cosh(e, in[0])));
        c.add(new Case("expm1", s(sh(5)), ANY, (e, in) -> Composites.expm1(e, in[0])));
        c.add(new Case("log2", s(sh(5)), POSITIVE, (e, in) -> Composites.log2(e, in[0])));
        c.add(new Case("log10", s(sh(5)), POSITIVE, (e, in) -> Composites.log10(e, in[0])));
        c.add(new Case("reciprocal", s(sh(5)), NONZERO, (e, in) -> Composites.reciprocal(e, in[0])));
        c.add(new Case("rsqrt", s(sh(5)), POSITIVE, (e, in) -> Composites.rsqrt(e, in[0])));
        c.add(new Case("erf", s(sh(5)), ANY, (e, in) -> Composites.erf(e, in[0])));
        c.add(new Case("erfc", s(sh(5)), ANY, (e, in) -> Composites.erfc(e, in[0])));
        c.add(new Case("sign_floor_ceil_round", s(sh(6)), OFF_GRID, (e, in) -> Composites.add(e, Composites.mul(e,
                Composites.add(e, Composites.sign(e, in[0]), Composites.floor(e, in[0])),
                Composites.add(e, Composites.ceil(e, in[0]), Composites.round(e, in[0]))), in[0])));
        c.add(new Case("atan2", s(sh(3, 4), sh(4)), NONZERO, (e, in) -> Composites.atan2(e, in[0], in[1])));
        c.add(new Case("powTensor", s(sh(3, 4), sh(4)), POSITIVE, (e, in) -> Composites.powTensor(e, in[0], Composites.sub(e, in[1], 1.0))));
        c.add(new Case("logSigmoid", s(sh(5)), ANY, (e, in) -> Composites.logSigmoid(e, in[0])));
        c.add(new Case("silu", s(sh(5)), ANY, (e, in) -> Composites.silu(e, in[0])));
        c.add(new Case("gelu", s(sh(5)), ANY, (e, in) -> Composites.gelu(e, in[0])));
        c.add(new Case("leakyRelu", s(sh(5)), NONZERO, (e, in) -> Composites.leakyRelu(e, in[0], 0.1)));
        c.add(new Case("elu", s(sh(5)), NONZERO, (e, in) -> Composites.elu(e, in[0], 0.7)));
        return c;
    }

    @TestFactory
    Stream<DynamicTest> finiteDifferences() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name, () -> {
            Random rng = new Random(c.name.hashCode());
            int checked = 0;
            for (int point = 0; point < 5; point++) checked += check(c, rng, point);
            assertTrue(checked > 0);
        }));
    }

    private static int check(Case c, Random rng, int point) {
        int n = c.shapes.length;
        Builder b = new Builder();
        int[] in = new int[n];
        float[][] inputs = new float[n][];
        for (int i = 0; i < n; i++) {
            Type t = Type.f64(c.shapes[i]);
            in[i] = b.input(i, "x" + i, t);
            inputs[i] = new float[t.size()];
            for (int k = 0; k < inputs[i].length; k++) inputs[i][k] = (float) c.domain.draw(rng);
        }
        int out = c.op.emit(b, in);
        Type to = b.type(out);
        float[] seed = null;
        if (!to.isScalar() || point % 2 == 1) {
            seed = new float[to.size()];
            for (int k = 0; k < seed.length; k++) seed[k] = (float) (rng.nextDouble() * 2 - 1);
        }
        boolean[] wrt = new boolean[n];
        java.util.Arrays.fill(wrt, true);
        Graph forward = Verifier.verify(b.build(new int[] {out}, new String[] {"out"}));
        RandomPrograms.Program p = new RandomPrograms.Program(point, forward, inputs, wrt, seed);
        Graph adjoint = Verifier.verify(Adjoint.of(forward, wrt, seed != null));
        int checked = FiniteDifferences.checkGradients(p, adjoint) + FiniteDifferences.checkGradients(p, Optimizer.optimize(adjoint));
        checked += FiniteDifferences.checkHessianVector(p);
        sameAsEager(c, p, adjoint);
        return checked;
    }

    /** The eager route (Composites over an Eval, Eval.backward) gives the compiled route's bits. */
    private static void sameAsEager(Case c, RandomPrograms.Program p, Graph adjoint) {
        Eval e = new Eval();
        int n = c.shapes.length;
        int[] in = new int[n];
        double[][] x = FiniteDifferences.toDouble(p.inputs());
        for (int i = 0; i < n; i++) in[i] = e.input(Type.f64(c.shapes[i]), x[i]);
        int out = c.op.emit(e, in);
        double[] seed = p.vjpSeed() == null ? new double[] {1} : FiniteDifferences.toDouble(new float[][] {p.vjpSeed()})[0];
        int[] d = e.backward(out, seed, p.wrt());
        double[][] compiled = Interpreter.run(adjoint, FiniteDifferences.toDouble(p.adjointInputs()));
        assertArrayEquals(compiled[0], e.doubles(out), 0, c.name + ": eager value");
        for (int i = 0; i < n; i++) {
            double[] g = d[i] < 0 ? new double[x[i].length] : e.doubles(d[i]);
            for (int k = 0; k < g.length; k++)
                assertEquals(Double.doubleToLongBits(compiled[1 + i][k] + 0.0), Double.doubleToLongBits(g[k] + 0.0),
                        c.name + ": eager d_x" + i + "[" + k + "] " + g[k] + ", compiled " + compiled[1 + i][k]);
        }
    }
}
