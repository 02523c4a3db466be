package io.jgrad.runtime;

/**
 * The float32 definitions of jgrad's transcendental primitives, and the float64 ones that
 * {@code java.lang.Math} does not have as such (sigmoid, softplus, PyTorch's pow), called by the generated code
 * and by the eager engine's {@code pow}. Each computes in double and rounds once to float:
 * the same rule as the IR interpreter's ({@code Prim.apply}, which does not depend on this
 * module), and the codegen tests compare the two bit for bit. These are the seam for a faster
 * (Vector API) implementation later: generated code reaches them only through
 * {@code invokestatic}, and the JIT inlines them.
 */
public final class Ops {
    private Ops() {}

    public static float exp(float x) { return (float) Math.exp(x); }

    public static float log(float x) { return (float) Math.log(x); }

    /** log(1+x), accurate near 0. */
    public static float log1p(float x) { return (float) Math.log1p(x); }

    public static float sin(float x) { return (float) Math.sin(x); }

    public static float cos(float x) { return (float) Math.cos(x); }

    public static float tanh(float x) { return (float) Math.tanh(x); }

    /** sqrt in double then rounded is the correctly rounded float sqrt. */
    public static float sqrt(float x) { return (float) Math.sqrt(x); }

    /**
     * 1/(1+e^-x) in float, as PyTorch's float32 kernel computes it ((1 + exp(-x)).reciprocal(),
     * three roundings): the same last bit as PyTorch (the seed neuron's p = 0x1.ff5edap-1 at x = 6.7,
     * where the correctly rounded value is 0x1.ff5edcp-1), and 0 below about -88 where e^-x
     * overflows float, as PyTorch's. The IR's F32 kernel (Kernels) is the same formula.
     */
    public static float sigmoid(float x) { return 1f / (1f + (float) Math.exp(-x)); }

    /** log(1+e^x); above 20 it is x (PyTorch's threshold, beta 1). */
    public static float softplus(float x) { return x > 20f ? x : (float) Math.log1p(Math.exp(x)); }

    /**
     * x^p as PyTorch computes it (the IR's Prim.pow rule): p = 0.5 and -0.5 are sqrt and
     * 1/sqrt (they differ from Math.pow at -0.0 and -inf), p = 2 is x*x, every other p is
     * Math.pow; x^0 = 1 even for NaN. In double, rounded once.
     */
    public static float pow(float x, double p) {
        double d = x;
        if (p == 0.5) return (float) Math.sqrt(d);
        if (p == -0.5) return (float) (1.0 / Math.sqrt(d));
        if (p == 2.0) return (float) (d * d);
        return (float) Math.pow(d, p);
    }

    // ---- float64: the IR's double rule itself, no rounding (F64 code calls Math.exp & co. directly)

    /** 1/(1+e^-x); e^-x overflows to inf below about -709, giving 0, the right limit. */
    public static double sigmoid(double x) { return 1.0 / (1.0 + Math.exp(-x)); }

    /** log(1+e^x); above 20 it is x (PyTorch's threshold, beta 1, as in float32). */
    public static double softplus(double x) { return x > 20 ? x : Math.log1p(Math.exp(x)); }

    /** x^p by the rule of {@link #pow(float, double)}, in double without rounding. */
    public static double pow(double x, double p) {
        if (p == 0.5) return Math.sqrt(x);
        if (p == -0.5) return 1.0 / Math.sqrt(x);
        if (p == 2.0) return x * x;
        return Math.pow(x, p);
    }
}
