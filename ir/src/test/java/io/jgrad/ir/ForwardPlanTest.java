package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import io.jgrad.runtime.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Eval.replay runs a recorded lowering again over new values (ForwardPlan). Each case runs an
 * op's lowering over fresh Evals several times with new random values, through the eager
 * engine's protocol (replay, else lower and plan), in an order that interleaves cases (every
 * other round twice in a row, the second run a replay, whatever the table's collisions); every
 * record's value, the nodes, and the gradients (backwardValues, whose plan the forward plan
 * keeps after the first replay) are compared bit for bit with the lowering and the reverse walk
 * run directly on a reference Eval that no plan touches.
 */
class ForwardPlanTest {
    /** A lowering with its constants as arguments; the lambdas below capture nothing. */
    interface Op {
        int emit(Emitter e, int[] x, double c0, double c1);
    }

    record Case(String name, Type[] operands, boolean[] wrt, double c0, double c1, Op op) {}

    private static final Type S = Type.scalar(DType.F32), V = Type.f32(3), M = Type.f32(2, 3), D = Type.f64(3), H = Type.of(DType.F16, new int[] {3});

    private static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        boolean[] t = {true}, tt = {true, true}, tf = {true, false}, ft = {false, true};
        for (Type ty : new Type[] {S, V, D, H}) {
            for (double[] b : new double[][] {{0, 1}, {1e-7, 1 - 1e-7}, {-1, 1}, {1, -1}, {-0.0, 2}, {1e-30, 1}}) {
                c.add(new Case("clamp " + ty + " " + b[0] + " " + b[1], new Type[] {ty}, t, b[0], b[1], (e, x, lo, hi) -> Composites.clamp(e, x[0], lo, hi)));
            }
            for (double k : new double[] {1, 2, 0, 0.5}) {
                c.add(new Case("rsub " + ty + " " + k, new Type[] {ty}, t, k, 0, (e, x, a, u) -> Composites.rsub(e, x[0], a)));
                c.add(new Case("pow " + ty + " " + k, new Type[] {ty}, t, k, 0, (e, x, a, u) -> Composites.pow(e, x[0], a)));
                c.add(new Case("mul " + ty + " " + k, new Type[] {ty}, t, k, 0, (e, x, a, u) -> Composites.mul(e, x[0], a)));
            }
            c.add(new Case("sigmoid " + ty, new Type[] {ty}, t, 0, 0, (e, x, a, u) -> Composites.sigmoid(e, x[0])));
            c.add(new Case("log " + ty, new Type[] {ty}, t, 0, 0, (e, x, a, u) -> Composites.log(e, x[0])));
            c.add(new Case("sum " + ty, new Type[] {ty}, t, 0, 0, (e, x, a, u) -> Composites.sum(e, x[0])));
        }
        for (boolean[] w : new boolean[][] {tt, tf, ft}) {
            c.add(new Case("mul", new Type[] {S, S}, w, 0, 0, (e, x, a, u) -> Composites.mul(e, x[0], x[1])));
            c.add(new Case("div broadcast", new Type[] {M, V}, w, 0, 0, (e, x, a, u) -> Composites.div(e, x[0], x[1])));
            c.add(new Case("maximum", new Type[] {V, V}, w, 0, 0, (e, x, a, u) -> Composites.maximum(e, x[0], x[1])));
            c.add(new Case("matmul", new Type[] {M, V}, w, 0, 0, (e, x, a, u) -> Composites.matmul(e, x[0], x[1])));
            c.add(new Case("add promote", new Type[] {V, D}, w, 0, 0, (e, x, a, u) -> Composites.add(e, x[0], x[1])));
        }
        c.add(new Case("logSoftmax", new Type[] {M}, t, 0, 0, (e, x, a, u) -> Composites.logSoftmax(e, x[0], 1)));
        c.add(new Case("mean", new Type[] {M}, t, 0, 0, (e, x, a, u) -> Composites.mean(e, x[0])));
        return c;
    }

    private static Object random(Type t, Random r) {
        double[] d = new double[t.size()];
        for (int i = 0; i < d.length; i++) {
            int k = r.nextInt(8);   // ties, bounds, signed zeros, NaN and infinities too
            d[i] = k == 0 ? r.nextInt(3) - 1 : k == 1 ? -0.0 : k == 2 ? (r.nextBoolean() ? Double.NaN : Double.NEGATIVE_INFINITY) : k == 3 ? 1e-7 : 2 * r.nextGaussian();
        }
        return Kernels.constant(t, d);
    }

    /** The eager engine's protocol (Tensor.unary/binary): replay when planned, else lower over a fresh Eval and plan. */
    private static Eval run(Case c, Object[] values, int[] out) {
        Type t1 = c.operands.length > 1 ? c.operands[1] : null;
        Object v1 = t1 == null ? null : values[1];
        Eval e = Eval.replay(c.op, c.c0, c.c1, c.operands[0], values[0], t1, v1);
        if (e != null) {
            out[0] = e.plannedOutput();
            return e;
        }
        e = new Eval();
        int[] ids = new int[values.length];
        for (int i = 0; i < values.length; i++) ids[i] = e.input(c.operands[i], values[i]);
        out[0] = c.op.emit(e, ids, c.c0, c.c1);
        e.plan(c.op, c.c0, c.c1, c.operands[0], t1, out[0]);
        return e;
    }

    @Test
    void aReplayGivesTheRecordsValuesAndGradientsOfTheLowering() {
        List<Case> cases = cases();
        Random r = new Random(5);
        int compared = 0, replayed = 0;
        for (int round = 0; round < 4; round++) {
            for (Case c : cases) {
                Object[] values = new Object[c.operands.length];
                for (int i = 0; i < values.length; i++) values[i] = random(c.operands[i], r);
                int[] o = new int[1];
                Eval e = run(c, values, o);
                if (round % 2 == 1) {   // right after a run: nothing has taken its table slot since
                    e = run(c, values, o);
                    assertTrue(e.plannedOutput() >= 0, c.name + ": replayed");
                    replayed++;
                }
                int out = o[0];
                Eval reference = new Eval();
                int[] refIds = new int[values.length];
                for (int i = 0; i < values.length; i++) refIds[i] = reference.input(c.operands[i], values[i]);
                int refOut = c.op.emit(reference, refIds, c.c0, c.c1);
                String what = c.name + " round " + round;
                assertEquals(reference.size(), e.size(), what + ": records");
                assertEquals(refOut, out, what + ": output");
                for (int id = 0; id < e.size(); id++) {
                    assertEquals(reference.node(id).toString(), e.node(id).toString(), what + ": node " + id);
                    assertArrayEquals(bits(reference.value(id)), bits(e.value(id)), what + ": value of %" + id);
                }
                Object seed = random(e.type(out), r);
                Object[] got = e.backwardValues(out, seed, c.wrt);
                int s = reference.input(reference.type(refOut), seed);
                int[] adjoint = Adjoint.backward(reference, reference.nodes(), refOut, s, c.wrt);
                for (int i = 0; i < values.length; i++) {
                    int d = refIds[i] < adjoint.length ? adjoint[refIds[i]] : -1;
                    if (!c.wrt[i] || d < 0) {
                        assertNull(got[i], what + " d" + i + ": zero");
                        continue;
                    }
                    assertArrayEquals(bits(reference.value(d)), bits(got[i]), what + " d" + i);
                    compared++;
                }
            }
        }
        assertTrue(compared > 300, "compared " + compared);
        assertEquals(2 * cases.size(), replayed);
    }

    /** Raw bits (NaN payloads included), so that the comparison is exact. */
    private static long[] bits(Object v) {
        if (v instanceof float[] f) {
            long[] b = new long[f.length];
            for (int i = 0; i < f.length; i++) b[i] = Float.floatToRawIntBits(f[i]);
            return b;
        }
        if (v instanceof double[] d) {
            long[] b = new long[d.length];
            for (int i = 0; i < d.length; i++) b[i] = Double.doubleToRawLongBits(d[i]);
            return b;
        }
        boolean[] z = (boolean[]) v;
        long[] b = new long[z.length];
        for (int i = 0; i < z.length; i++) b[i] = z[i] ? 1 : 0;
        return b;
    }

    @Test
    void aCapturingLoweringIsNeverReplayed() {
        for (double k : new double[] {2, 3}) {
            Op captures = (e, x, a, u) -> Composites.mul(e, x[0], k);
            for (int round = 0; round < 2; round++) {
                assertNull(Eval.replay(captures, 0, 0, V, new float[] {1, 2, 3}, null, null), "k " + k);
                Eval e = new Eval();
                int y = captures.emit(e, new int[] {e.input(V, new float[] {1, 2, 3})}, 0, 0);
                e.plan(captures, 0, 0, V, null, y);
                assertArrayEquals(new float[] {(float) k, 2 * (float) k, 3 * (float) k}, e.floats(y));
            }
        }
    }

    @Test
    void otherConstantsOrTypesAreOtherPlans() {
        Op mul = (e, x, a, u) -> Composites.mul(e, x[0], a);
        for (int round = 0; round < 2; round++) {
            for (double k : new double[] {2, 3}) {
                for (Type t : new Type[] {V, D}) {
                    Object v = t == V ? new float[] {1, 2, 3} : new double[] {1, 2, 3};
                    Eval e = Eval.replay(mul, k, 0, t, v, null, null);
                    int y;
                    if (e == null) {
                        assertEquals(0, round, "planned after the first round");
                        e = new Eval();
                        y = mul.emit(e, new int[] {e.input(t, v)}, k, 0);
                        e.plan(mul, k, 0, t, null, y);
                    } else {
                        y = e.plannedOutput();
                    }
                    assertArrayEquals(new double[] {k, 2 * k, 3 * k}, t == D ? e.doubles(y) : Kernels.toDoubles(e.floats(y)), t + " " + k);
                }
            }
        }
    }

    @Test
    void aResultThatIsAConstantsArrayIsNotPlanned() {
        Op constant = (e, x, a, u) -> Prim.splat(e, a, e.type(x[0]));   // the value is the CONST's own array
        for (int round = 0; round < 2; round++) {
            assertNull(Eval.replay(constant, 4, 0, S, new float[] {1}, null, null));
            Eval e = new Eval();
            int y = constant.emit(e, new int[] {e.input(S, new float[] {1})}, 4, 0);
            e.plan(constant, 4, 0, S, null, y);
        }
    }
}
