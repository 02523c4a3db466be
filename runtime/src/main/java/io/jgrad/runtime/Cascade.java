package io.jgrad.runtime;

import static io.jgrad.runtime.Summation.BLOCK;

/**
 * {@link Summation}'s order for code that produces the terms one at a time (the generated
 * code: a sum fused with the expression feeding it, a matmul's i-k-j loops). The caller keeps
 * a small state in a float[] (a workspace region); these steps add to it so that the result
 * has exactly the bits of {@link Summation}. The pairwise tree over the block sums is built by
 * a binary counter: after block number {@code blocks} (counted from 1) the stack holds one
 * partial sum per set bit of {@code blocks}, level l holding 2<sup>l</sup> blocks; a new block
 * sum c is merged with level l while bit l is clear ({@code c = stack[l] + c}, the earlier
 * blocks on the left), then stored. At the end the levels left are added from the lowest up,
 * the higher (earlier) on the left: the tree of {@link Summation}'s rule 3.
 *
 * <p>Three shapes of use, each with float and double twins:
 * <ul>
 *   <li>block sums only ({@link #push}, {@link #finish}): the caller sums each block with
 *       four accumulators in locals ({@link #accumulator} picks one) and pushes its sum;</li>
 *   <li>one term at a time ({@link #add}, {@link #result}): state = four accumulators and the
 *       stack; for terms that are themselves expensive (the partial sums of a reduction's
 *       outer axes);</li>
 *   <li>lanes ({@link #laneReset}, {@link #laneBlockEnd}, {@link #laneFinish}): L independent
 *       sums advanced together, term q of every lane added to accumulator row
 *       {@link #accumulator}(q, n) by the caller's own contiguous (vectorisable) loop: a column
 *       sum, or a row of a matmul accumulated over k.</li>
 * </ul>
 */
public final class Cascade {
    private Cascade() {}

    /** log2(BLOCK). */
    public static final int LOG_BLOCK = Integer.numberOfTrailingZeros(BLOCK);

    /** Number of blocks of a sum of n terms (1 for n = 0: one empty block). */
    public static int blocks(int n) {
        return n <= 0 ? 1 : (n - 1) / BLOCK + 1;
    }

    /** Stack levels a sum of n terms needs (the bits of its block count). */
    public static int depth(int n) {
        return 32 - Integer.numberOfLeadingZeros(blocks(n));
    }

    /** The accumulator (0..3) term q of a sum of n terms goes to: q % 4, but 0 for the last n % 4 terms. */
    public static int accumulator(int q, int n) {
        return q < (n & ~3) ? q & 3 : 0;
    }

    // ------------------------------------------------------------------ block sums (float)

    /** Merges the sum c of block number {@code blocks} (from 1) into the stack at stack[offset ..]. */
    public static void push(float[] stack, int offset, int blocks, float c) {
        int l = offset;
        for (int b = blocks; (b & 1) == 0; b >>>= 1, l++) c = stack[l] + c;
        stack[l] = c;
    }

    /** The sum of all {@code blocks} pushed blocks. */
    public static float finish(float[] stack, int offset, int blocks) {
        int l = Integer.numberOfTrailingZeros(blocks);
        float t = stack[offset + l];
        for (int b = blocks >>> (l + 1), k = l + 1; b != 0; b >>>= 1, k++) if ((b & 1) != 0) t = stack[offset + k] + t;
        return t;
    }

    // ------------------------------------------------------------------ one term at a time (float)

    /** Floats of state {@link #add} needs for a sum of n terms: four accumulators, then the stack. */
    public static int stateSize(int n) {
        return 4 + depth(n);
    }

    /** Adds term q (from 0, in increasing order) of a sum of n terms. */
    public static void add(float[] state, int offset, int q, int n, float v) {
        int pos = q & (BLOCK - 1);
        if (pos == 0) {
            state[offset] = -0.0f;
            state[offset + 1] = -0.0f;
            state[offset + 2] = -0.0f;
            state[offset + 3] = -0.0f;
        }
        int a = offset + accumulator(q, n);
        state[a] = state[a] + v;
        if (pos == BLOCK - 1 || q == n - 1) {
            float c = (state[offset] + state[offset + 1]) + (state[offset + 2] + state[offset + 3]);
            push(state, offset + 4, (q >>> LOG_BLOCK) + 1, c);
        }
    }

    /** The sum, once all n terms were added (n >= 1). */
    public static float result(float[] state, int offset, int n) {
        return finish(state, offset + 4, blocks(n));
    }

    // ------------------------------------------------------------------ lanes (float)

    /** Floats of state for {@code lanes} sums of n terms each: four accumulator rows, then stack rows if n > BLOCK. */
    public static int laneStateSize(int n, int lanes) {
        return (4 + (n > BLOCK ? depth(n) : 0)) * lanes;
    }

    /** Sets the four accumulator rows to -0.0 (before term 0). */
    public static void laneReset(float[] s, int offset, int lanes) {
        java.util.Arrays.fill(s, offset, offset + 4 * lanes, -0.0f);
    }

    /** After the last term of full block number {@code blocks} (n > BLOCK only): folds the rows, pushes the block, resets. */
    public static void laneBlockEnd(float[] s, int offset, int lanes, int blocks) {
        int r0 = offset, r1 = offset + lanes, r2 = offset + 2 * lanes, r3 = offset + 3 * lanes;
        for (int j = 0; j < lanes; j++) s[r0 + j] = (s[r0 + j] + s[r1 + j]) + (s[r2 + j] + s[r3 + j]);
        int stack = offset + 4 * lanes;
        int l = 0;
        for (int b = blocks; (b & 1) == 0; b >>>= 1, l++) {
            int sl = stack + l * lanes;
            for (int j = 0; j < lanes; j++) s[r0 + j] = s[sl + j] + s[r0 + j];
        }
        System.arraycopy(s, r0, s, stack + l * lanes, lanes);
        laneReset(s, offset, lanes);
    }

    /** After all n terms: writes the lanes' sums to dest[destOffset ..]. */
    public static void laneFinish(float[] s, int offset, int lanes, int n, float[] dest, int destOffset) {
        int r0 = offset, r1 = offset + lanes, r2 = offset + 2 * lanes, r3 = offset + 3 * lanes;
        if (n <= BLOCK) {
            for (int j = 0; j < lanes; j++) dest[destOffset + j] = (s[r0 + j] + s[r1 + j]) + (s[r2 + j] + s[r3 + j]);
            return;
        }
        int blocks = blocks(n);
        if (n % BLOCK != 0) laneBlockEnd(s, offset, lanes, blocks);
        int stack = offset + 4 * lanes;
        int l = Integer.numberOfTrailingZeros(blocks);
        System.arraycopy(s, stack + l * lanes, dest, destOffset, lanes);
        for (int b = blocks >>> (l + 1), k = l + 1; b != 0; b >>>= 1, k++) {
            if ((b & 1) == 0) continue;
            int sk = stack + k * lanes;
            for (int j = 0; j < lanes; j++) dest[destOffset + j] = s[sk + j] + dest[destOffset + j];
        }
    }

    // ------------------------------------------------------------------ double twins

    /** The double twin of {@link #push(float[], int, int, float)}. */
    public static void push(double[] stack, int offset, int blocks, double c) {
        int l = offset;
        for (int b = blocks; (b & 1) == 0; b >>>= 1, l++) c = stack[l] + c;
        stack[l] = c;
    }

    /** The double twin of {@link #finish(float[], int, int)}. */
    public static double finish(double[] stack, int offset, int blocks) {
        int l = Integer.numberOfTrailingZeros(blocks);
        double t = stack[offset + l];
        for (int b = blocks >>> (l + 1), k = l + 1; b != 0; b >>>= 1, k++) if ((b & 1) != 0) t = stack[offset + k] + t;
        return t;
    }

    /** The double twin of {@link #add(float[], int, int, int, float)}. */
    public static void add(double[] state, int offset, int q, int n, double v) {
        int pos = q & (BLOCK - 1);
        if (pos == 0) {
            state[offset] = -0.0;
            state[offset + 1] = -0.0;
            state[offset + 2] = -0.0;
            state[offset + 3] = -0.0;
        }
        int a = offset + accumulator(q, n);
        state[a] = state[a] + v;
        if (pos == BLOCK - 1 || q == n - 1) {
            double c = (state[offset] + state[offset + 1]) + (state[offset + 2] + state[offset + 3]);
            push(state, offset + 4, (q >>> LOG_BLOCK) + 1, c);
        }
    }

    /** The double twin of {@link #result(float[], int, int)}. */
    public static double result(double[] state, int offset, int n) {
        return finish(state, offset + 4, blocks(n));
    }

    /** The double twin of {@link #laneReset(float[], int, int)}. */
    public static void laneReset(double[] s, int offset, int lanes) {
        java.util.Arrays.fill(s, offset, offset + 4 * lanes, -0.0);
    }

    /** The double twin of {@link #laneBlockEnd(float[], int, int, int)}. */
    public static void laneBlockEnd(double[] s, int offset, int lanes, int blocks) {
        int r0 = offset, r1 = offset + lanes, r2 = offset + 2 * lanes, r3 = offset + 3 * lanes;
        for (int j = 0; j < lanes; j++) s[r0 + j] = (s[r0 + j] + s[r1 + j]) + (s[r2 + j] + s[r3 + j]);
        int stack = offset + 4 * lanes;
        int l = 0;
        for (int b = blocks; (b & 1) == 0; b >>>= 1, l++) {
            int sl = stack + l * lanes;
            for (int j = 0; j < lanes; j++) s[r0 + j] = s[sl + j] + s[r0 + j];
        }
        System.arraycopy(s, r0, s, stack + l * lanes, lanes);
        laneReset(s, offset, lanes);
    }

    /** The double twin of {@link #laneFinish(float[], int, int, int, float[], int)}. */
    public static void laneFinish(double[] s, int offset, int lanes, int n, double[] dest, int destOffset) {
        int r0 = offset, r1 = offset + lanes, r2 = offset + 2 * lanes, r3 = offset + 3 * lanes;
        if (n <= BLOCK) {
            for (int j = 0; j < lanes; j++) dest[destOffset + j] = (s[r0 + j] + s[r1 + j]) + (s[r2 + j] + s[r3 + j]);
            return;
        }
        int blocks = blocks(n);
        if (n % BLOCK != 0) laneBlockEnd(s, offset, lanes, blocks);
        int stack = offset + 4 * lanes;
        int l = Integer.numberOfTrailingZeros(blocks);
        System.arraycopy(s, stack + l * lanes, dest, destOffset, lanes);
        for (int b = blocks >>> (l + 1), k = l + 1; b != 0; b >>>= 1, k++) {
            if ((b & 1) == 0) continue;
            int sk = stack + k * lanes;
            for (int j = 0; j < lanes; j++) dest[destOffset + j] = s[sk + j] + dest[destOffset + j];
        }
    }
}
