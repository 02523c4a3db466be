package io.jgrad.runtime;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** Summation's documented order, its accuracy, and Cascade's streaming steps giving the same bits. */
class SummationTest {
    /** Term counts around every boundary of the rule: the 4-tail, the block, powers of two of blocks. */
    static final int[] COUNTS = {0, 1, 2, 3, 4, 5, 7, 8, 9, 31, 127, 128, 129, 131, 255, 256, 257, 383, 384, 385, 512, 513,
            3 * 128 + 3, 5 * 128, 7 * 128 + 1, 8 * 128, 8 * 128 + 2, 9 * 128 - 1, 1000, 4097, 100_003};

    /** Terms of many magnitudes and both signs: every change of order shows in the bits. */
    static float[] wild(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) ((r.nextDouble() - 0.3) * Math.pow(2, r.nextInt(40) - 20));
        return x;
    }

    // ---------------------------------------------------------------- the order, written independently

    /** The class comment's rule, spelled out with lists: blocks, four accumulators, a left-heavy pairwise tree. */
    static float spec(float[] x) {
        int n = x.length;
        List<Float> blocks = new ArrayList<>();
        for (int start = 0; start < Math.max(n, 1); start += 128) {
            float[] acc = {-0.0f, -0.0f, -0.0f, -0.0f};
            for (int q = start; q < Math.min(n, start + 128); q++) {
                boolean tail = q >= n - n % 4;
                acc[tail ? 0 : q % 4] += x[q];
            }
            blocks.add((acc[0] + acc[1]) + (acc[2] + acc[3]));
        }
        return tree(blocks);
    }

    static float tree(List<Float> sums) {
        if (sums.size() == 1) return sums.get(0);
        int h = 1;
        while (h * 2 < sums.size()) h *= 2;
        return tree(sums.subList(0, h)) + tree(sums.subList(h, sums.size()));
    }

    @Test
    void sumFollowsTheWrittenRule() {
        for (int n : COUNTS) {
            float[] x = wild(n, n);
            assertEquals(Float.floatToRawIntBits(spec(x)), Float.floatToRawIntBits(Summation.sum(x, 0, n, 1)), "n=" + n);
        }
    }

    @Test
    void smallCasesByHand() {
        // a0 = (1e8 + 1) + 1 = 1e8 (1 is below half an ulp of 1e8), a1 = 1, a2 = -1e8, a3 = 1:
        // (a0 + a1) + (a2 + a3) = 1e8 + -1e8 = 0; a running sum would give 2.
        assertEquals(0.0f, Summation.sum(new float[] {1e8f, 1, -1e8f, 1, 1}, 0, 5, 1));
        // three terms: all to a0 in order: (1e8 + 1) - 1e8 = 0
        assertEquals(0.0f, Summation.sum(new float[] {1e8f, 1, -1e8f}, 0, 3, 1));
        // the empty sum and a sum of -0.0 are -0.0; one term is itself
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(Summation.sum(new float[0], 0, 0, 1)));
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(Summation.sum(new float[] {-0.0f, -0.0f}, 0, 2, 1)));
        assertEquals(Float.floatToRawIntBits(0.0f), Float.floatToRawIntBits(Summation.sum(new float[] {0.0f}, 0, 1, 1)));
        // 129 terms = a block of 128 and a block of 1: 2^25 in the first block's accumulator 0,
        // then 1 in block 2 comes after the whole first block: (2^25 + 0 + 0 + 0) + 1 = 2^25 (1 is a quarter ulp)
        float[] x = new float[129];
        x[0] = 1 << 25;
        x[128] = 1;
        assertEquals((float) (1 << 25), Summation.sum(x, 0, 129, 1));
        // NaN and infinities propagate as in IEEE addition
        assertTrue(Float.isNaN(Summation.sum(new float[] {1, Float.NaN, 2}, 0, 3, 1)));
        assertTrue(Float.isNaN(Summation.sum(new float[] {Float.POSITIVE_INFINITY, 1, 1, Float.NEGATIVE_INFINITY}, 0, 4, 1)));
    }

    @Test
    void stridedOffsetAndDoubleTwin() {
        for (int n : COUNTS) {
            float[] x = wild(n, 7 + n);
            float[] spread = new float[3 + 3 * n];
            double[] xd = new double[n];
            for (int i = 0; i < n; i++) {
                spread[3 + 3 * i] = x[i];
                xd[i] = x[i];
            }
            assertEquals(Summation.sum(x, 0, n, 1), Summation.sum(spread, 3, n, 3), "n=" + n);
            // the same tree in double: with float terms and few of them the double sum must be exact-ish and
            // equal a double evaluation of the written rule
            assertEquals(specDouble(xd), Summation.sum(xd, 0, n, 1), "n=" + n);
        }
    }

    static double specDouble(double[] x) {
        int n = x.length;
        List<Double> blocks = new ArrayList<>();
        for (int start = 0; start < Math.max(n, 1); start += 128) {
            double[] acc = {-0.0, -0.0, -0.0, -0.0};
            for (int q = start; q < Math.min(n, start + 128); q++) acc[q >= n - n % 4 ? 0 : q % 4] += x[q];
            blocks.add((acc[0] + acc[1]) + (acc[2] + acc[3]));
        }
        return treeD(blocks);
    }

    static double treeD(List<Double> sums) {
        if (sums.size() == 1) return sums.get(0);
        int h = 1;
        while (h * 2 < sums.size()) h *= 2;
        return treeD(sums.subList(0, h)) + treeD(sums.subList(h, sums.size()));
    }

    @Test
    void dotIsTheSumOfRoundedProducts() {
        for (int n : COUNTS) {
            float[] a = wild(n, 11 + n), b = wild(n, 13 + n), p = new float[n];
            for (int i = 0; i < n; i++) p[i] = a[i] * b[i];
            assertEquals(Float.floatToRawIntBits(Summation.sum(p, 0, n, 1)), Float.floatToRawIntBits(Summation.dot(a, 0, 1, b, 0, 1, n)), "n=" + n);
        }
        // a [2,3] x [3,2] matmul by hand: small integers are exact in any order
        float[] c = new float[4];
        Summation.matmul(new float[] {1, 2, 3, 4, 5, 6}, new float[] {7, 8, 9, 10, 11, 12}, c, 2, 3, 2);
        assertArrayEquals(new float[] {58, 64, 139, 154}, c);
    }

    // ---------------------------------------------------------------- accuracy

    @Test
    void tenMillionTenthsIsAccurate() {
        int n = 10_000_000;
        float[] x = new float[n];
        Arrays.fill(x, 0.1f);
        double exact = n * (double) 0.1f;
        float s = Summation.sum(x, 0, n, 1);
        assertTrue(Math.abs(s - exact) / exact <= 1e-6, "sum of 10^7 x 0.1f = " + s);
    }

    @Test
    void uniformSumsWithinTheLogBound() {
        Random r = new Random(42);
        for (int n = 1000; n <= 10_000_000; n *= 10) {
            float[] x = new float[n];
            double exact = 0;
            for (int i = 0; i < n; i++) {
                x[i] = r.nextFloat();
                exact += x[i];
            }
            float s = Summation.sum(x, 0, n, 1);
            int levels = 32 - Integer.numberOfLeadingZeros((n - 1) / 128);
            double bound = (128 / 4 + 5 + levels) * 0x1p-24 + 0x1p-24; // the documented bound, plus the result's own rounding
            double rel = Math.abs(s - exact) / exact;
            assertTrue(rel <= bound, "n=" + n + " relative error " + rel + " over the bound " + bound);
            assertTrue(rel <= 1e-6, "n=" + n + " relative error " + rel);
        }
    }

    // ---------------------------------------------------------------- Cascade: streaming gives the same bits

    @Test
    void blockLoopWithPushAndFinishMatches() {
        float[] stack = new float[40];
        for (int n : COUNTS) {
            if (n == 0) continue;
            float[] x = wild(n, 17 + n);
            // what the generated code does: blocks of 128 with four accumulators in locals
            int blocks = 0;
            for (int base = 0; base < n; base += 128) {
                float[] acc = {-0.0f, -0.0f, -0.0f, -0.0f};
                for (int q = base; q < Math.min(n, base + 128); q++) acc[Cascade.accumulator(q, n)] += x[q];
                Cascade.push(stack, 5, ++blocks, (acc[0] + acc[1]) + (acc[2] + acc[3]));
            }
            assertEquals(Cascade.blocks(n), blocks);
            assertTrue(Cascade.depth(n) + 5 <= stack.length);
            assertEquals(Float.floatToRawIntBits(Summation.sum(x, 0, n, 1)), Float.floatToRawIntBits(Cascade.finish(stack, 5, blocks)), "n=" + n);
        }
    }

    @Test
    void termAtATimeMatches() {
        for (int n : COUNTS) {
            if (n == 0) continue;
            float[] x = wild(n, 19 + n);
            float[] state = new float[2 + Cascade.stateSize(n)];
            Arrays.fill(state, Float.NaN); // stale state must not leak in
            for (int q = 0; q < n; q++) Cascade.add(state, 2, q, n, x[q]);
            assertEquals(Float.floatToRawIntBits(Summation.sum(x, 0, n, 1)), Float.floatToRawIntBits(Cascade.result(state, 2, n)), "n=" + n);
            double[] xd = new double[n];
            for (int i = 0; i < n; i++) xd[i] = x[i] * 1.000001;
            double[] sd = new double[Cascade.stateSize(n)];
            for (int q = 0; q < n; q++) Cascade.add(sd, 0, q, n, xd[q]);
            assertEquals(Summation.sum(xd, 0, n, 1), Cascade.result(sd, 0, n), "n=" + n);
        }
    }

    @Test
    void lanesMatchColumnSums() {
        int lanes = 5;
        for (int n : COUNTS) {
            if (n == 0) continue;
            float[] x = wild(n * lanes, 23 + n); // [n, lanes] row-major: lane j sums column j
            float[] s = new float[3 + Cascade.laneStateSize(n, lanes)];
            Arrays.fill(s, Float.NaN);
            Cascade.laneReset(s, 3, lanes);
            for (int q = 0; q < n; q++) {
                int row = 3 + Cascade.accumulator(q, n) * lanes;
                for (int j = 0; j < lanes; j++) s[row + j] += x[q * lanes + j];
                if (n > 128 && (q & 127) == 127) Cascade.laneBlockEnd(s, 3, lanes, (q >> 7) + 1);
            }
            float[] dest = new float[lanes + 2];
            Cascade.laneFinish(s, 3, lanes, n, dest, 2);
            for (int j = 0; j < lanes; j++) {
                assertEquals(Float.floatToRawIntBits(Summation.sum(x, j, n, lanes)), Float.floatToRawIntBits(dest[2 + j]), "n=" + n + " lane " + j);
            }
            double[] xd = new double[x.length];
            for (int i = 0; i < x.length; i++) xd[i] = x[i] / 3.0;
            double[] sd = new double[Cascade.laneStateSize(n, lanes)];
            Cascade.laneReset(sd, 0, lanes);
            for (int q = 0; q < n; q++) {
                int row = Cascade.accumulator(q, n) * lanes;
                for (int j = 0; j < lanes; j++) sd[row + j] += xd[q * lanes + j];
                if (n > 128 && (q & 127) == 127) Cascade.laneBlockEnd(sd, 0, lanes, (q >> 7) + 1);
            }
            double[] dd = new double[lanes];
            Cascade.laneFinish(sd, 0, lanes, n, dd, 0);
            for (int j = 0; j < lanes; j++) assertEquals(Summation.sum(xd, j, n, lanes), dd[j], "n=" + n + " lane " + j);
        }
    }

    // ---------------------------------------------------------------- reductions over axes

    @Test
    void reduceSumComposesInnermostAxisFirst() {
        int[] shape = {3, 1, 150, 4, 2};
        float[] x = wild(3 * 150 * 4 * 2, 29);
        // axes {0, 2, 3}: extent-1 axis 1 kept, axis 4 kept; innermost reduced axis 3 (stride 2),
        // outer reduced axes 0 and 2 flattened row-major: partial p = (i0, i2) in that order
        float[] out = new float[2];
        Summation.reduceSum(x, shape, new int[] {2, 0, 3}, out);
        for (int k = 0; k < 2; k++) {
            float[] partials = new float[3 * 150];
            for (int i0 = 0; i0 < 3; i0++)
                for (int i2 = 0; i2 < 150; i2++) partials[i0 * 150 + i2] = Summation.sum(x, i0 * 1200 + i2 * 8 + k, 4, 2);
            assertEquals(Float.floatToRawIntBits(Summation.sum(partials, 0, 450, 1)), Float.floatToRawIntBits(out[k]), "k=" + k);
        }
        // one axis: exactly the strided sum; extent-1 reduced axes change nothing
        float[] col = new float[3 * 4 * 2], col1 = new float[3 * 4 * 2];
        Summation.reduceSum(x, shape, new int[] {2}, col);
        Summation.reduceSum(x, shape, new int[] {1, 2}, col1);
        assertArrayEquals(col, col1);
        assertEquals(Summation.sum(x, 1 * 1200 + 3 * 2 + 1, 150, 8), col[1 * 8 + 3 * 2 + 1]);
        // no axis of extent > 1 reduced: the element itself
        float[] same = new float[x.length];
        Summation.reduceSum(x, shape, new int[] {1}, same);
        assertArrayEquals(x, same);
        // all axes of a [R, C] matrix: the sum of its row sums
        float[] m = wild(40 * 300, 31), all = new float[1], rows = new float[40];
        Summation.reduceSum(m, new int[] {40, 300}, new int[] {0, 1}, all);
        for (int i = 0; i < 40; i++) rows[i] = Summation.sum(m, i * 300, 300, 1);
        assertEquals(Summation.sum(rows, 0, 40, 1), all[0]);
        double[] md = new double[m.length], alld = new double[1];
        for (int i = 0; i < m.length; i++) md[i] = m[i];
        Summation.reduceSum(md, new int[] {40, 300}, new int[] {0, 1}, alld);
        double[] rowsd = new double[40];
        for (int i = 0; i < 40; i++) rowsd[i] = Summation.sum(md, i * 300, 300, 1);
        assertEquals(Summation.sum(rowsd, 0, 40, 1), alld[0]);
    }

    @Test
    void badInputIsRejectedBeforeWriting() {
        float[] out = {42f};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Summation.reduceSum(new float[6], new int[] {2, 3}, new int[] {2}, out));
        assertTrue(e.getMessage().contains("axis 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Summation.reduceSum(new float[6], new int[] {2, 3}, new int[] {0, 0}, new float[3]));
        e = assertThrows(IllegalArgumentException.class, () -> Summation.reduceSum(new float[5], new int[] {2, 3}, new int[] {0}, new float[3]));
        assertTrue(e.getMessage().contains("x has 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Summation.reduceSum(new float[6], new int[] {2, 3}, new int[] {0}, out));
        assertTrue(e.getMessage().contains("out has 1"), e.getMessage());
        assertEquals(42f, out[0]);
        e = assertThrows(IllegalArgumentException.class, () -> Summation.sum(new float[10], 2, 5, 2));
        assertTrue(e.getMessage().contains("reach index 10"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Summation.sum(new float[10], 0, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> Summation.sum(new float[10], 0, 2, 0));
        e = assertThrows(IllegalArgumentException.class, () -> Summation.matmul(new float[6], new float[6], new float[3], 2, 3, 2));
        assertTrue(e.getMessage().contains("c 3"), e.getMessage());
    }
}
