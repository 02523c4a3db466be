package io.jgrad.runtime;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.MUL;

/**
 * {@link ScalarGemm}'s order with {@link Summation}'s four accumulators as the four lanes of one
 * vector (256-bit doubles, 128-bit floats): term q of a block to lane q % 4, a multiply and an
 * add per term (no fma: the products rounded, as in {@link Summation#dot}), the sum's last k % 4
 * terms to lane 0 in scalar, then (a0 + a1) + (a2 + a3) — the same additions, so the same bits.
 * For the products {@link ScalarGemm} takes with both operands unit-stride along the sum (a row
 * of A and a column of B contiguous: GMM's G·Cᵀ of [10, 1000]·[1000, 10] per batch), read in
 * place. Loaded only when {@link Gemm#enabled()} (the JVM has jdk.incubator.vector).
 */
final class VectorDot {
    private VectorDot() {}

    static final VectorSpecies<Double> D4 = DoubleVector.SPECIES_256;
    static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;
    /**
     * -0.0 in every lane, the receiver of every vector operation here: each call is made on a vector
     * C2 knows the exact class of, as in {@link VectorGemm} (its NEG_ZERO_F says why). With the
     * convenience methods ({@code s.add(x.mul(y))}) on loads and loop accumulators, a JVM that had
     * used other vector shapes before boxed every operation: 40 MB per [20,1000]·[1000,20] x 5 call
     * in F32, 13x slower (VectorProfileTest).
     */
    static final FloatVector NEG_ZERO_F4 = FloatVector.broadcast(F4, -0.0f);
    static final DoubleVector NEG_ZERO_D4 = DoubleVector.broadcast(D4, -0.0);

    /** The float twin of the double kernel below (four float lanes, 128 bits): a(i, q) = a[aOff + i·aRs + q], b(q, j) = b[bOff + q + j·bCs]. */
    static void kernel(float[] a, int aOff, int aRs, float[] b, int bOff, int bCs, int m, int k, int n, float[] c, int cOff, float[] w, int s) {
        int blocks = Cascade.blocks(k), tail = k & ~3, m2 = m & ~1, n2 = n & ~1, depth = Cascade.depth(k), st = s;
        for (int j = 0; j < n2; j += 2) {
            int b0 = bOff + j * bCs, b1 = b0 + bCs;
            for (int i = 0; i < m2; i += 2) {
                int a0 = aOff + i * aRs, a1 = a0 + aRs, ci = cOff + i * n + j;
                if (blocks == 1) {
                    tile(a, a0, a1, b, b0, b1, 0, k, tail, c, ci, n);
                    continue;
                }
                for (int bl = 0; bl < blocks; bl++) {
                    int q0 = bl * Summation.BLOCK, q1 = Math.min(k, q0 + Summation.BLOCK);
                    tile(a, a0, a1, b, b0, b1, q0, q1, tail, w, st, 2);
                    for (int e = 0; e < 4; e++) Cascade.push(w, st + 4 + e * depth, bl + 1, w[st + e]);
                }
                c[ci] = Cascade.finish(w, st + 4, blocks);
                c[ci + 1] = Cascade.finish(w, st + 4 + depth, blocks);
                c[ci + n] = Cascade.finish(w, st + 4 + 2 * depth, blocks);
                c[ci + n + 1] = Cascade.finish(w, st + 4 + 3 * depth, blocks);
            }
        }
        for (int i = m2; i < m; i++) for (int j = 0; j < n; j++) c[cOff + i * n + j] = Summation.dot(a, aOff + i * aRs, 1, b, bOff + j * bCs, 1, k);
        for (int j = n2; j < n; j++) for (int i = 0; i < m2; i++) c[cOff + i * n + j] = Summation.dot(a, aOff + i * aRs, 1, b, bOff + j * bCs, 1, k);
    }

    /** Terms q0 .. q1-1 of the 2 x 2 tile (rows at a0, a1; columns at b0, b1): lane r of a sum is accumulator r, the tail terms (from {@code tail}) go to lane 0; the four block sums (a0 + a1) + (a2 + a3) to d[d0], d[d0 + 1], d[d0 + ld], d[d0 + ld + 1]. */
    private static void tile(float[] a, int a0, int a1, float[] b, int b0, int b1, int q0, int q1, int tail, float[] d, int d0, int ld) {
        FloatVector s00 = NEG_ZERO_F4.broadcast(-0.0f), s01 = s00, s10 = s00, s11 = s00;   // an intrinsic, not the constant object (see VectorGemm.NEG_ZERO_F)
        int end = Math.max(q0, Math.min(q1, tail)), q = q0;
        for (; q < end; q += 4) {
            FloatVector x0 = FloatVector.fromArray(F4, a, a0 + q), x1 = FloatVector.fromArray(F4, a, a1 + q), y0 = FloatVector.fromArray(F4, b, b0 + q), y1 = FloatVector.fromArray(F4, b, b1 + q);
            FloatVector e0 = NEG_ZERO_F4.lanewise(ADD, x0), e1 = NEG_ZERO_F4.lanewise(ADD, x1);   // -0.0 + x = x, of an exact class
            s00 = e0.lanewise(MUL, y0).lanewise(ADD, s00);   // x0 y0 + s00: s00 + x0 y0 (+ commutes bit for bit)
            s01 = e0.lanewise(MUL, y1).lanewise(ADD, s01);
            s10 = e1.lanewise(MUL, y0).lanewise(ADD, s10);
            s11 = e1.lanewise(MUL, y1).lanewise(ADD, s11);
        }
        FloatVector t00 = NEG_ZERO_F4.lanewise(ADD, s00), t01 = NEG_ZERO_F4.lanewise(ADD, s01), t10 = NEG_ZERO_F4.lanewise(ADD, s10), t11 = NEG_ZERO_F4.lanewise(ADD, s11);
        float u00 = t00.lane(0), u01 = t01.lane(0), u10 = t10.lane(0), u11 = t11.lane(0);
        for (; q < q1; q++) {   // the sum's last k % 4 terms: accumulator 0
            u00 += a[a0 + q] * b[b0 + q];
            u01 += a[a0 + q] * b[b1 + q];
            u10 += a[a1 + q] * b[b0 + q];
            u11 += a[a1 + q] * b[b1 + q];
        }
        d[d0] = (u00 + t00.lane(1)) + (t00.lane(2) + t00.lane(3));
        d[d0 + 1] = (u01 + t01.lane(1)) + (t01.lane(2) + t01.lane(3));
        d[d0 + ld] = (u10 + t10.lane(1)) + (t10.lane(2) + t10.lane(3));
        d[d0 + ld + 1] = (u11 + t11.lane(1)) + (t11.lane(2) + t11.lane(3));
    }

    /**
     * C = A B for a(i, q) = a[aOff + i·aRs + q] and b(q, j) = b[bOff + q + j·bCs] (both unit
     * stride along the sum): 2 x 2 tiles of four-lane sums read in place, block by block of
     * {@link Summation#BLOCK} terms, the block sums on {@link Cascade}'s stacks at w[s ..] as
     * {@link ScalarGemm} keeps them; odd edges are {@link Summation#dot} per element.
     */
    static void kernel(double[] a, int aOff, int aRs, double[] b, int bOff, int bCs, int m, int k, int n, double[] c, int cOff, double[] w, int s) {
        int blocks = Cascade.blocks(k), tail = k & ~3, m2 = m & ~1, n2 = n & ~1, depth = Cascade.depth(k), st = s;
        for (int j = 0; j < n2; j += 2) {
            int b0 = bOff + j * bCs, b1 = b0 + bCs;
            for (int i = 0; i < m2; i += 2) {
                int a0 = aOff + i * aRs, a1 = a0 + aRs, ci = cOff + i * n + j;
                if (blocks == 1) {
                    tile(a, a0, a1, b, b0, b1, 0, k, tail, c, ci, n);
                    continue;
                }
                for (int bl = 0; bl < blocks; bl++) {
                    int q0 = bl * Summation.BLOCK, q1 = Math.min(k, q0 + Summation.BLOCK);
                    tile(a, a0, a1, b, b0, b1, q0, q1, tail, w, st, 2);
                    for (int e = 0; e < 4; e++) Cascade.push(w, st + 4 + e * depth, bl + 1, w[st + e]);
                }
                c[ci] = Cascade.finish(w, st + 4, blocks);
                c[ci + 1] = Cascade.finish(w, st + 4 + depth, blocks);
                c[ci + n] = Cascade.finish(w, st + 4 + 2 * depth, blocks);
                c[ci + n + 1] = Cascade.finish(w, st + 4 + 3 * depth, blocks);
            }
        }
        for (int i = m2; i < m; i++) for (int j = 0; j < n; j++) c[cOff + i * n + j] = Summation.dot(a, aOff + i * aRs, 1, b, bOff + j * bCs, 1, k);
        for (int j = n2; j < n; j++) for (int i = 0; i < m2; i++) c[cOff + i * n + j] = Summation.dot(a, aOff + i * aRs, 1, b, bOff + j * bCs, 1, k);
    }

    /** Terms q0 .. q1-1 of the 2 x 2 tile (rows at a0, a1; columns at b0, b1): lane r of a sum is accumulator r, the tail terms (from {@code tail}) go to lane 0; the four block sums (a0 + a1) + (a2 + a3) to d[d0], d[d0 + 1], d[d0 + ld], d[d0 + ld + 1]. */
    private static void tile(double[] a, int a0, int a1, double[] b, int b0, int b1, int q0, int q1, int tail, double[] d, int d0, int ld) {
        DoubleVector s00 = NEG_ZERO_D4.broadcast(-0.0), s01 = s00, s10 = s00, s11 = s00;   // an intrinsic, not the constant object (see VectorGemm.NEG_ZERO_F)
        int end = Math.max(q0, Math.min(q1, tail)), q = q0;
        for (; q < end; q += 4) {
            DoubleVector x0 = DoubleVector.fromArray(D4, a, a0 + q), x1 = DoubleVector.fromArray(D4, a, a1 + q), y0 = DoubleVector.fromArray(D4, b, b0 + q), y1 = DoubleVector.fromArray(D4, b, b1 + q);
            DoubleVector e0 = NEG_ZERO_D4.lanewise(ADD, x0), e1 = NEG_ZERO_D4.lanewise(ADD, x1);   // -0.0 + x = x, of an exact class
            s00 = e0.lanewise(MUL, y0).lanewise(ADD, s00);   // x0 y0 + s00: s00 + x0 y0 (+ commutes bit for bit)
            s01 = e0.lanewise(MUL, y1).lanewise(ADD, s01);
            s10 = e1.lanewise(MUL, y0).lanewise(ADD, s10);
            s11 = e1.lanewise(MUL, y1).lanewise(ADD, s11);
        }
        DoubleVector t00 = NEG_ZERO_D4.lanewise(ADD, s00), t01 = NEG_ZERO_D4.lanewise(ADD, s01), t10 = NEG_ZERO_D4.lanewise(ADD, s10), t11 = NEG_ZERO_D4.lanewise(ADD, s11);
        double u00 = t00.lane(0), u01 = t01.lane(0), u10 = t10.lane(0), u11 = t11.lane(0);
        for (; q < q1; q++) {   // the sum's last k % 4 terms: accumulator 0
            u00 += a[a0 + q] * b[b0 + q];
            u01 += a[a0 + q] * b[b1 + q];
            u10 += a[a1 + q] * b[b0 + q];
            u11 += a[a1 + q] * b[b1 + q];
        }
        d[d0] = (u00 + t00.lane(1)) + (t00.lane(2) + t00.lane(3));
        d[d0 + 1] = (u01 + t01.lane(1)) + (t01.lane(2) + t01.lane(3));
        d[d0 + ld] = (u10 + t10.lane(1)) + (t10.lane(2) + t10.lane(3));
        d[d0 + ld + 1] = (u11 + t11.lane(1)) + (t11.lane(2) + t11.lane(3));
    }
}
