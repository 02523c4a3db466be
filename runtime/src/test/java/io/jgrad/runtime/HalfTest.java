package io.jgrad.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Half.round against binary16 decoded here from its definition (sign, 5-bit exponent biased by
 * 15, 10-bit fraction; exponent 0 subnormal, 31 inf/NaN), never from the code under test, and
 * against a nearest-value search in exact decimal arithmetic.
 */
class HalfTest {

    /** The value of a binary16 bit pattern, from IEEE 754's definition, computed in double (exact). */
    static double decode(int bits) {
        int sign = (bits >> 15) & 1, exp = (bits >> 10) & 0x1f, frac = bits & 0x3ff;
        double s = sign == 1 ? -1 : 1;
        if (exp == 0x1f) return frac == 0 ? s * Double.POSITIVE_INFINITY : Double.NaN;
        if (exp == 0) return s * frac * Math.pow(2, -24);
        return s * (1 + frac / 1024.0) * Math.pow(2, exp - 15);
    }

    @Test
    void everyHalfRoundsToItselfAndItsBitsComeBack() {
        for (int bits = 0; bits < 65536; bits++) {
            double v = decode(bits);
            float f = (float) v;
            assertEquals(v, (double) f, "every half is a float: " + Integer.toHexString(bits));
            if (Double.isNaN(v)) {
                assertTrue(Float.isNaN(Half.round(f)));
                assertTrue(Float.isNaN(Half.fromBits((short) bits)));
                continue;
            }
            assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits(Half.round(f)), "round(" + v + ")");
            assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits(Half.fromBits((short) bits)), "fromBits " + Integer.toHexString(bits));
            assertEquals(bits, Half.toBits(f) & 0xffff, "toBits(" + v + ")");
        }
    }

    @Test
    void midpointsTieToEvenAndTheirNeighboursGoToTheNearest() {
        int checked = 0;
        // consecutive non-negative finite halves a < b (bits k, k+1); the same for negatives by symmetry
        for (int k = 0; k < 0x7bff; k++) {
            double a = decode(k), b = decode(k + 1);
            double mid = (a + b) / 2;                 // exact in double (halves have 11 significant bits)
            float m = (float) mid;
            assertEquals(mid, (double) m, "a midpoint of halves is a float");
            float even = (float) ((k & 1) == 0 ? a : b);
            assertEquals(even, Half.round(m), "tie at " + mid + " goes to the even of " + a + " and " + b);
            assertEquals(-even, Half.round(-m), "negative tie at " + -mid);
            assertEquals((float) a, Half.round(Math.nextDown(m)), "just below the midpoint " + mid);
            assertEquals((float) b, Half.round(Math.nextUp(m)), "just above the midpoint " + mid);
            checked++;
        }
        assertEquals(0x7bff, checked);
    }

    @Test
    void subnormalBoundaries() {
        assertEquals(0x1p-24f, Half.MIN_VALUE);
        assertEquals(0x1p-14f, Half.MIN_NORMAL);
        // half of the smallest subnormal ties to even: 0
        assertEquals(0f, Half.round(0x1p-25f));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Half.round(-0x1p-25f)), "the sign of a zero stays");
        assertEquals(0x1p-24f, Half.round(Math.nextUp(0x1p-25f)));
        // 1.5 quanta ties to 2 quanta (even); 2.5 to 2
        assertEquals(2 * 0x1p-24f, Half.round(1.5f * 0x1p-24f));
        assertEquals(2 * 0x1p-24f, Half.round(2.5f * 0x1p-24f));
        // the largest subnormal 1023·2^-24, and rounding up into the smallest normal
        assertEquals(1023 * 0x1p-24f, Half.round(1023 * 0x1p-24f));
        assertEquals(0x1p-14f, Half.round(1023.5f * 0x1p-24f), "1023.5 quanta ties to the even 1024 = 2^-14");
        assertEquals(1023 * 0x1p-24f, Half.round(Math.nextDown(1023.5f * 0x1p-24f)));
        // tiny floats and float subnormals underflow to signed zero
        assertEquals(0f, Half.round(Float.MIN_VALUE));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Half.round(-1e-30f)));
    }

    @Test
    void overflowThresholdIs65520() {
        assertEquals(65504f, Half.MAX_VALUE);
        assertEquals(65504f, Half.round(65504f));
        assertEquals(65504f, Half.round(Math.nextDown(65520f)), "below the midpoint to 2^16");
        assertEquals(Float.POSITIVE_INFINITY, Half.round(65520f), "the midpoint ties to the even 2^16, which is inf");
        assertEquals(Float.NEGATIVE_INFINITY, Half.round(-65520f));
        assertEquals(Float.POSITIVE_INFINITY, Half.round(1e10f));
        assertEquals(Float.POSITIVE_INFINITY, Half.round(Float.POSITIVE_INFINITY));
        assertEquals(Float.NEGATIVE_INFINITY, Half.round(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(Half.round(Float.NaN)));
        assertEquals((short) 0x7c00, Half.toBits(65520f));
        assertEquals((short) 0x7bff, Half.toBits(65519f));
    }

    /** A million random floats against the nearest half found by exact decimal comparison with its two neighbours. */
    @Test
    void randomFloatsRoundToTheNearestHalf() {
        Random rng = new Random(42);
        double[] halves = new double[0x7c00 + 1];   // non-negative finite halves and +inf, ascending
        for (int k = 0; k < halves.length; k++) halves[k] = decode(k);
        for (int i = 0; i < 1_000_000; i++) {
            // spread over the half range and beyond: exponents -30..17
            float f = (float) (Math.scalb(rng.nextDouble() + 1, rng.nextInt(48) - 30) * (rng.nextBoolean() ? 1 : -1));
            double x = Math.abs(f);
            int lo = java.util.Arrays.binarySearch(halves, x);
            float expected;
            if (lo >= 0) {
                expected = (float) halves[lo];
            } else {
                int hi = -lo - 1;   // halves[hi-1] < x < halves[hi]
                if (hi >= 0x7c00) {
                    expected = x >= 65520 ? Float.POSITIVE_INFINITY : 65504f;
                } else {
                    BigDecimal below = new BigDecimal(halves[hi - 1]), above = new BigDecimal(halves[hi]), bx = new BigDecimal(x);
                    int c = bx.subtract(below).compareTo(above.subtract(bx));
                    expected = (float) (c < 0 ? halves[hi - 1] : c > 0 ? halves[hi] : ((hi - 1) % 2 == 0 ? halves[hi - 1] : halves[hi]));
                }
            }
            if (f < 0) expected = -expected;
            assertEquals(expected, Half.round(f), "round(" + f + ")");
        }
    }

    @Test
    void roundAllRoundsInPlace() {
        float[] v = {1f / 3, 65520f, 0x1p-25f};
        assertSame(v, Half.roundAll(v));
        assertArrayEquals(new float[] {0.333251953125f, Float.POSITIVE_INFINITY, 0f}, v);
    }
}
