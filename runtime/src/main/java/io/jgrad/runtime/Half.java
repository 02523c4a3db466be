package io.jgrad.runtime;

/**
 * IEEE 754 binary16 ("half", F16) held in a float: the eager engine computes an F16 op in
 * float32 and rounds each result with {@link #round} (PyTorch's CPU half). Every binary16 value
 * is exactly a float, so an F16 tensor's data is a float[] whose every element satisfies
 * {@code round(x) == x}. JDK 17 has no Float.floatToFloat16, hence this class.
 */
public final class Half {
    private Half() {}

    /** The largest finite half, 65504 = (2 - 2^-10)·2^15. */
    public static final float MAX_VALUE = 65504f;
    /** The smallest positive normal half, 2^-14. */
    public static final float MIN_NORMAL = 0x1p-14f;
    /** The smallest positive (subnormal) half, 2^-24. */
    public static final float MIN_VALUE = 0x1p-24f;

    /**
     * The binary16 value nearest f, as a float: round to nearest, ties to even; values below
     * 2^-14 round to a multiple of 2^-24 (subnormals, down to ±0 with f's sign); |f| ≥ 65520
     * (the midpoint between 65504 and 2^16, which ties to the even 2^16) overflows to ±inf;
     * NaN stays NaN and ±inf stay.
     */
    public static float round(float f) {
        int bits = Float.floatToRawIntBits(f);
        int abs = bits & 0x7fffffff;
        if (abs >= 0x7f800000) return f;                                     // inf, NaN
        int sign = bits & 0x80000000;
        if (abs >= 0x477ff000) return Float.intBitsToFloat(sign | 0x7f800000);   // |f| >= 65520
        if (abs >= 0x38800000) {                                             // |f| >= 2^-14: a normal half
            // keep 10 of float's 23 fraction bits; a carry out of the fraction raises the
            // exponent, which is the right result (it cannot reach inf: |f| < 65520)
            int rest = abs & 0x1fff, kept = abs & ~0x1fff;
            if (rest > 0x1000 || (rest == 0x1000 && (kept & 0x2000) != 0)) kept += 0x2000;
            return Float.intBitsToFloat(sign | kept);
        }
        // subnormal halves are the multiples of 2^-24 below 2^-14: f·2^24 is exact (a power-of-two
        // scale of a float well inside the range), Math.rint rounds it half to even, and the
        // integer (at most 1024) times 2^-24 is exact again. 1024·2^-24 = 2^-14 is the right carry.
        double q = Math.rint((double) Math.abs(f) * 0x1p24);
        return Float.intBitsToFloat(sign | Float.floatToRawIntBits((float) (q * 0x1p-24)));
    }

    /** The 16 bits of the half nearest f (IEEE binary16 encoding). */
    public static short toBits(float f) {
        float h = round(f);
        int bits = Float.floatToRawIntBits(h);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7fffffff;
        if (abs > 0x7f800000) return (short) (sign | 0x7e00 | ((abs >>> 13) & 0x3ff));   // NaN, quiet
        if (abs == 0x7f800000) return (short) (sign | 0x7c00);
        if (abs >= 0x38800000) return (short) (sign | ((abs - 0x38000000) >>> 13));     // rebias 127 -> 15
        return (short) (sign | (int) (Math.abs(h) * 0x1p24f));                          // subnormal: multiples of 2^-24
    }

    /** The value of the binary16 encoding {@code h}, as a float (exact). */
    public static float fromBits(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f, frac = bits & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (frac << 13));
        if (exp == 0) return Float.intBitsToFloat(sign | Float.floatToRawIntBits(frac * 0x1p-24f));
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (frac << 13));
    }

    /** Rounds every element of v in place; returns v. */
    public static float[] roundAll(float[] v) {
        for (int i = 0; i < v.length; i++) v[i] = round(v[i]);
        return v;
    }
}
