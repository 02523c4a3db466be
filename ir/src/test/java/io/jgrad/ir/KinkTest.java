package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import java.util.stream.Stream;

/**
 * Derivatives where none exists, and IEEE specials: PyTorch's choices. The kink_* goldens
 * (relu/abs at 0, clamp at its bounds, maximum/minimum ties, x**0, sqrt and log at 0) must match
 * exactly, unoptimised and optimised. The NaN/inf cases below follow PyTorch's derivative
 * formulas (derivatives.yaml: threshold_backward, clamp_backward, grad·sgn, where(a==b, g/2, g)).
 */
class KinkTest {

    @TestFactory
    Stream<DynamicTest> kinkGoldensMatchExactly() {
        return GoldenCase.all().stream().filter(n -> n.startsWith("kink_")).map(n -> DynamicTest.dynamicTest(n, () -> {
            GoldenCase c = GoldenCase.load(n);
            Graph adjoint = Adjoint.of(c.forward(), c.wrt(), c.seed != null);
            for (Graph g : new Graph[] {adjoint, Optimizer.optimize(adjoint)}) {
                float[][] out = Interpreter.run(g, c.adjointInputs());
                assertArrayEquals(toFloat(c.value32), out[0], n + " value");
                int k = 1;
                for (double[] expected : c.grads32.values()) assertArrayEquals(toFloat(expected), out[k++], n + " gradient");
            }
        }));
    }

    @Test
    void kinkCasesArePresent() {
        assertEquals(8, GoldenCase.all().stream().filter(n -> n.startsWith("kink_")).count());
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    /** A composite applied to one value. */
    interface Op {
        int apply(Builder b, int x);
    }

    /** The value of op(x), and the gradient of sum(op(x)) after optimisation, in float32. */
    private static float[][] eval(Op op, float... x) {
        Builder b = new Builder();
        int in = b.input(0, "x", Type.f32(x.length));
        int y = op.apply(b, in);
        Graph f = b.build(new int[] {Composites.sum(b, y)}, new String[] {"out"});
        Graph g = Verifier.verify(Optimizer.optimize(Adjoint.of(f, new boolean[] {true}, false)));
        Builder v = new Builder();
        Graph values = v.build(op.apply(v, v.input(0, "x", Type.f32(x.length))));
        return new float[][] {Interpreter.run(values, new float[][] {x})[0], Interpreter.run(g, new float[][] {x})[1]};
    }

    @Test
    void reluKeepsNaNAndPassesTheGradientThere() {
        float[][] r = eval((b, x) -> Composites.relu(b, x), Float.NaN, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY);
        assertTrue(Float.isNaN(r[0][0]));                     // torch.relu(nan) = nan
        assertEquals(0f, r[0][1]);
        assertEquals(Float.POSITIVE_INFINITY, r[0][2]);
        assertEquals(0f, r[0][3]);
        // torch 1.13: threshold_backward zeroes where result <= 0, and NaN <= 0 is false: relu'(nan) = 1
        assertArrayEquals(new float[] {1, 0, 1, 0}, r[1]);
    }

    @Test
    void clampKeepsNaNAndIsZeroThere() {
        float[][] r = eval((b, x) -> Composites.clamp(b, x, -1, 1), Float.NaN, -1, 1, 5, Float.NEGATIVE_INFINITY);
        assertTrue(Float.isNaN(r[0][0]));
        assertArrayEquals(new float[] {-1, 1, 1, -1}, java.util.Arrays.copyOfRange(r[0], 1, 5));
        assertArrayEquals(new float[] {0, 1, 1, 0, 0}, r[1]);   // (x >= lo) & (x <= hi), false for NaN
    }

    @Test
    void clampWithCrossedBoundsGivesTheUpperBound() {
        float[][] r = eval((b, x) -> Composites.clamp(b, x, 2, 1), 0, 1.5f, 3);
        assertArrayEquals(new float[] {1, 1, 1}, r[0]);        // torch.clamp(x, min=2, max=1) is 1 everywhere
        assertArrayEquals(new float[] {0, 0, 0}, r[1]);
    }

    @Test
    void absOfNaNHasZeroSignAndInfiniteSeedStaysFinite() {
        float[][] r = eval((b, x) -> Composites.abs(b, x), Float.NaN, -0f, -2);
        assertTrue(Float.isNaN(r[0][0]));
        assertArrayEquals(new float[] {0, 0, -1}, r[1]);       // sgn(nan) = 0 in PyTorch's sign kernel, sgn(-0) = 0
    }

    @Test
    void maximumPropagatesNaNAndSplitsTies() {
        Builder b = new Builder();
        int a = b.input(0, "a", Type.f32(3)), c = b.input(1, "c", Type.f32(3));
        Graph f = b.build(new int[] {Composites.sum(b, Composites.maximum(b, a, c))}, new String[] {"out"});
        Graph g = Optimizer.optimize(Adjoint.of(f, new boolean[] {true, true}, false));
        float[][] out = Interpreter.run(g, new float[][] {{Float.NaN, 1, Float.POSITIVE_INFINITY}, {1, 1, Float.POSITIVE_INFINITY}});
        assertTrue(Float.isNaN(out[0][0]));
        // NaN: neither a < c nor a > c nor a == c, so where(a==c, g/2, g) gives g to both (PyTorch)
        assertArrayEquals(new float[] {1, 0.5f, 0.5f}, out[1]);
        assertArrayEquals(new float[] {1, 0.5f, 0.5f}, out[2]);
    }

    @Test
    void powZeroIsOneWithZeroGradientEvenAtNaN() {
        float[][] r = eval((b, x) -> Composites.pow(b, x, 0), Float.NaN, 0, Float.POSITIVE_INFINITY);
        assertArrayEquals(new float[] {1, 1, 1}, r[0]);
        assertArrayEquals(new float[] {0, 0, 0}, r[1]);
    }

    @Test
    void sqrtAndLogAtZero() {
        float[][] s = eval((b, x) -> Composites.sqrt(b, x), 0, -0f, -1);
        assertArrayEquals(new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}, java.util.Arrays.copyOf(s[1], 2));   // 1/(2·±0)
        assertTrue(Float.isNaN(s[0][2]) && Float.isNaN(s[1][2]));
        float[][] l = eval((b, x) -> Composites.log(b, x), 0, -0f);
        assertArrayEquals(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}, l[0]);
        assertArrayEquals(new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}, l[1]);
    }

    @Test
    void sigmoidSoftplusAndTanhSaturateWithoutNaN() {
        float[][] s = eval((b, x) -> Composites.sigmoid(b, x), -200, 200);
        assertArrayEquals(new float[] {0, 1}, s[0]);
        assertArrayEquals(new float[] {0, 0}, s[1]);
        float[][] p = eval((b, x) -> Composites.softplus(b, x), -200, 100, 20.5f);
        assertArrayEquals(new float[] {0, 100, 20.5f}, p[0]);   // above PyTorch's threshold 20: x itself
        assertArrayEquals(new float[] {0, 1, 1}, p[1]);
        float[][] t = eval((b, x) -> Composites.tanh(b, x), -50, 50);
        assertArrayEquals(new float[] {-1, 1}, t[0]);
        assertArrayEquals(new float[] {0, 0}, t[1]);
    }

    @Test
    void softmaxIsStableForHugeInputs() {
        float[][] r = eval((b, x) -> Composites.softmax(b, x, 0), 1000, 1000);
        assertArrayEquals(new float[] {0.5f, 0.5f}, r[0]);
        assertArrayEquals(new float[] {0, 0}, r[1]);   // Σ softmax = 1 is constant
    }
}
