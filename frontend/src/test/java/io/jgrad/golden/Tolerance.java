package io.jgrad.golden;

/**
 * The comparison rule of shared/golden/README.md. A float32 result {@code g} matches the
 * float64 truth {@code t} when
 * {@code |g - t| <= 1e-5 + 1e-4·|t| + 8·|t32 - t| + 1e-5·max|t over the same array|},
 * where {@code t32} is PyTorch's own float32 result: an engine may be a few times as far
 * from the truth as PyTorch's float32 is, and no further. A non-finite truth is matched
 * exactly (inf by the same inf, NaN by NaN); so is a finite truth that PyTorch's float32
 * overflows to infinity or turns into NaN (exp(100) is inf in float32): API.md's "NaN and
 * infinities exactly as PyTorch's float32 would give them".
 */
public final class Tolerance {
    private Tolerance() {}

    /** Null when every element matches, else a description of the first few that do not. */
    public static String mismatches(float[] got, double[] truth, double[] truth32) {
        if (got.length != truth.length) return "length " + got.length + ", expected " + truth.length;
        double scale = 0;
        for (double t : truth) if (Double.isFinite(t)) scale = Math.max(scale, Math.abs(t));
        StringBuilder bad = new StringBuilder();
        int count = 0;
        for (int i = 0; i < got.length; i++) {
            if (!matches(got[i], truth[i], truth32[i], scale)) {
                if (count++ < 5) {
                    bad.append(String.format("%n  [%d] got %s, expected %s (PyTorch float32 %s, allowed %.3g)", i, got[i],
                            truth[i], truth32[i], allowed(truth[i], truth32[i], scale)));
                }
            }
        }
        return count == 0 ? null : count + " of " + got.length + " elements differ:" + bad;
    }

    public static boolean matches(float got, double t, double t32, double scale) {
        if (!Double.isFinite(t)) {
            return Double.isNaN(t) ? Float.isNaN(got) : got == t;
        }
        if (!Double.isFinite(t32)) {
            return Double.isNaN(t32) ? Float.isNaN(got) : got == t32;
        }
        return Math.abs(got - t) <= allowed(t, t32, scale);
    }

    static double allowed(double t, double t32, double scale) {
        double pytorchError = Double.isFinite(t32) ? Math.abs(t32 - t) : 0;
        return 1e-5 + 1e-4 * Math.abs(t) + 8 * pytorchError + 1e-5 * scale;
    }

    /**
     * Version 2: each array by the rule of its dtype (shared/golden/README.md, "Comparing,
     * version 2"). F32: the float32 rule above (t32 = PyTorch's float32 result). F64:
     * {@code |g - t| <= 1e-12 + 1e-9·|t| + 1e-9·max|t|}. F16: within one half-precision ulp of
     * PyTorch's float16 result t16, {@code 2^(max(floor(log2|t16|), -14) - 10)} (2^-24 at 0).
     * A non-finite expected value is matched exactly.
     */
    public static void check(io.jgrad.runtime.DType dtype, String what, double[] got, double[] truth, double[] t32, double[] t16) {
        String m = switch (dtype) {
            case F32 -> {
                if (t32 == null) throw new AssertionError(what + ": the case has no float32 result");
                float[] g = new float[got.length];
                for (int i = 0; i < g.length; i++) g[i] = (float) got[i];
                yield mismatches(g, truth, t32);
            }
            case F64 -> mismatches64(got, truth);
            case F16 -> {
                if (t16 == null) throw new AssertionError(what + ": the case has no float16 result");
                yield mismatches16(got, t16);
            }
            case BOOL -> throw new AssertionError(what + ": a BOOL array is never compared");
        };
        if (m != null) throw new AssertionError(what + " (" + dtype + "): " + m);
    }

    /** The float64 rule: {@code |g - t| <= 1e-12 + 1e-9·|t| + 1e-9·max|t over the array|}. */
    static String mismatches64(double[] got, double[] truth) {
        if (got.length != truth.length) return "length " + got.length + ", expected " + truth.length;
        double scale = 0;
        for (double t : truth) if (Double.isFinite(t)) scale = Math.max(scale, Math.abs(t));
        StringBuilder bad = new StringBuilder();
        int count = 0;
        for (int i = 0; i < got.length; i++) {
            double t = truth[i], allowed = 1e-12 + 1e-9 * Math.abs(t) + 1e-9 * scale;
            boolean ok = Double.isFinite(t) ? Math.abs(got[i] - t) <= allowed : Double.isNaN(t) ? Double.isNaN(got[i]) : got[i] == t;
            if (!ok && count++ < 5) bad.append(String.format("%n  [%d] got %s, expected %s (allowed %.3g)", i, got[i], t, allowed));
        }
        return count == 0 ? null : count + " of " + got.length + " elements differ:" + bad;
    }

    /** The float16 rule: within one half ulp of PyTorch's float16 result (its exponent floored at -14: subnormals). */
    static String mismatches16(double[] got, double[] t16) {
        if (got.length != t16.length) return "length " + got.length + ", expected " + t16.length;
        StringBuilder bad = new StringBuilder();
        int count = 0;
        for (int i = 0; i < got.length; i++) {
            double t = t16[i];
            double ulp = t == 0 ? 0x1p-24 : Math.scalb(1.0, Math.max(Math.getExponent(t), -14) - 10);
            boolean ok = Double.isFinite(t) ? Math.abs(got[i] - t) <= ulp : Double.isNaN(t) ? Double.isNaN(got[i]) : got[i] == t;
            if (!ok && count++ < 5) bad.append(String.format("%n  [%d] got %s, expected %s (PyTorch float16; one ulp %.3g)", i, got[i], t, ulp));
        }
        return count == 0 ? null : count + " of " + got.length + " elements differ:" + bad;
    }

    /** Throws an AssertionError naming {@code what} unless every element matches. */
    public static void check(String what, float[] got, double[] truth, double[] truth32) {
        String m = mismatches(got, truth, truth32);
        if (m != null) throw new AssertionError(what + ": " + m);
    }
}
