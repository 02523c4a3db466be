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

    /** Throws an AssertionError naming {@code what} unless every element matches. */
    public static void check(String what, float[] got, double[] truth, double[] truth32) {
        String m = mismatches(got, truth, truth32);
        if (m != null) throw new AssertionError(what + ": " + m);
    }
}
