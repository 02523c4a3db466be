package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import io.jgrad.runtime.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Eval.backwardValues replays a recorded reverse walk for a tape of a structure seen before
 * (BackwardPlan). Each case runs an op's lowering on fresh Evals over new random values
 * several times (the first records, the others replay, in an order that interleaves cases, so
 * plans of similar structures meet) and compares every gradient bit for bit with the reverse
 * walk run directly on an identical Eval (Adjoint.backward over its nodes, which no plan
 * touches). The constants vary between runs in ways that change the walk's records: a bound
 * equal to a constant the VJP rule makes (Eval reuses recent equal scalars), pow's exponent 0.
 */
class BackwardPlanTest {
    record Case(String name, Type[] operands, boolean[] wrt, BiFunction<Eval, int[], Integer> op) {}

    private static final Type S = Type.scalar(DType.F32), V = Type.f32(3), M = Type.f32(2, 3), D = Type.f64(3);

    private static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        boolean[] t = {true}, tt = {true, true}, tf = {true, false}, ft = {false, true};
        for (double lo : new double[] {0, 1, -1}) {
            for (double hi : new double[] {1, 2, 0}) {
                c.add(new Case("clamp " + lo + " " + hi, new Type[] {S}, t, (e, x) -> Composites.clamp(e, x[0], lo, hi)));
                c.add(new Case("clamp v " + lo + " " + hi, new Type[] {V}, t, (e, x) -> Composites.clamp(e, x[0], lo, hi)));
            }
        }
        for (double k : new double[] {1, 2, 0, 0.5}) {
            c.add(new Case("rsub " + k, new Type[] {S}, t, (e, x) -> Composites.rsub(e, x[0], k)));
            c.add(new Case("pow " + k, new Type[] {V}, t, (e, x) -> Composites.pow(e, x[0], k)));
            c.add(new Case("pow64 " + k, new Type[] {D}, t, (e, x) -> Composites.pow(e, x[0], k)));
            c.add(new Case("mul " + k, new Type[] {S}, t, (e, x) -> Composites.mul(e, x[0], k)));
            c.add(new Case("rdiv " + k, new Type[] {V}, t, (e, x) -> Composites.rdiv(e, x[0], k)));
        }
        for (boolean[] w : new boolean[][] {tt, tf, ft}) {
            c.add(new Case("mul", new Type[] {S, S}, w, (e, x) -> Composites.mul(e, x[0], x[1])));
            c.add(new Case("div broadcast", new Type[] {M, V}, w, (e, x) -> Composites.div(e, x[0], x[1])));
            c.add(new Case("maximum", new Type[] {V, V}, w, (e, x) -> Composites.maximum(e, x[0], x[1])));
            c.add(new Case("matmul", new Type[] {M, V}, w, (e, x) -> Composites.matmul(e, x[0], x[1])));
            c.add(new Case("add scalar", new Type[] {V, S}, w, (e, x) -> Composites.add(e, x[0], x[1])));
        }
        c.add(new Case("sigmoid", new Type[] {S}, t, (e, x) -> Composites.sigmoid(e, x[0])));
        c.add(new Case("tanh", new Type[] {V}, t, (e, x) -> Composites.tanh(e, x[0])));
        c.add(new Case("mean", new Type[] {M}, t, (e, x) -> Composites.mean(e, x[0])));
        c.add(new Case("sum axis", new Type[] {M}, t, (e, x) -> Composites.sum(e, x[0], 0)));
        c.add(new Case("softmax", new Type[] {M}, t, (e, x) -> Composites.softmax(e, x[0], 1)));
        c.add(new Case("logSoftmax", new Type[] {M}, t, (e, x) -> Composites.logSoftmax(e, x[0], 1)));
        c.add(new Case("t", new Type[] {M}, t, (e, x) -> Composites.t(e, x[0])));
        return c;
    }

    private static Object random(Type t, Random r) {
        double[] d = new double[t.size()];
        for (int i = 0; i < d.length; i++) d[i] = r.nextInt(4) == 0 ? r.nextInt(3) - 1 : 2 * r.nextGaussian();   // ties and bounds too
        return Kernels.constant(t, d);
    }

    @Test
    void aReplayedWalkGivesTheBitsOfTheWalk() {
        List<Case> cases = cases();
        Random r = new Random(17);
        int compared = 0, replayed = 0, later = 0;
        for (int round = 0; round < 4; round++) {
            for (Case c : cases) {
                Object[] values = new Object[c.operands.length];
                for (int i = 0; i < values.length; i++) values[i] = random(c.operands[i], r);
                Eval e = new Eval(), reference = new Eval();
                int[] ids = new int[values.length], refIds = new int[values.length];
                for (int i = 0; i < values.length; i++) {
                    ids[i] = e.input(c.operands[i], values[i]);
                    refIds[i] = reference.input(c.operands[i], values[i]);
                }
                int out = c.op.apply(e, ids), refOut = c.op.apply(reference, refIds);
                Object seed = random(e.type(out), r);
                int size = e.size();
                Object[] got = e.backwardValues(out, seed, c.wrt);
                if (round > 0) {
                    later++;
                    if (e.size() == size) replayed++;   // a replay appends nothing
                }

                int s = reference.input(reference.type(refOut), seed);
                int[] adjoint = Adjoint.backward(reference, reference.nodes(), refOut, s, c.wrt);
                for (int i = 0; i < values.length; i++) {
                    int d = refIds[i] < adjoint.length ? adjoint[refIds[i]] : -1;
                    String what = c.name + " round " + round + " d" + i;
                    if (!c.wrt[i] || d < 0) {
                        assertNull(got[i], what + ": zero");
                        continue;
                    }
                    assertArrayEquals(Kernels.toDoubles(reference.value(d)), Kernels.toDoubles(got[i]), what);
                    compared++;
                }
            }
        }
        assertTrue(compared > 200, "compared " + compared);
        // a plan can be overwritten by another structure of the same table slot: most, not all, replay
        assertTrue(replayed > 0.9 * later, replayed + " of " + later + " later runs replayed");
    }

    @Test
    void backwardAfterAReplayStillAppendsTheWalksRecords() {
        for (int round = 0; round < 3; round++) {
            Eval e = new Eval();
            int x = e.input(V, new float[] {1, 2, 3});
            int y = Composites.tanh(e, x);
            int size = e.size();
            int[] d = e.backward(y, new float[] {1, 1, 1}, new boolean[] {true});
            assertTrue(e.size() > size, "the walk's records are in the Eval");
            float[] g = e.floats(d[0]);
            for (int i = 0; i < 3; i++) {
                float th = (float) Math.tanh(i + 1);
                assertEquals(1 - th * th, g[i], 1e-6f, "d tanh at " + (i + 1));
            }
            assertEquals("input", e.node(size).prim().text, "the seed is the first record after the tape");
        }
    }
}
