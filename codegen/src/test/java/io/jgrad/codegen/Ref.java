package io.jgrad.codegen;

import io.jgrad.runtime.DType;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Kernels;
import io.jgrad.ir.Node;
import io.jgrad.ir.Prim;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Ops;
import io.jgrad.runtime.Gemm;
import io.jgrad.runtime.Summation;

/**
 * A naive reference executor for tests: every primitive by its definition, element by element
 * with explicit coordinates. In exact mode ({@code f32}) each result is rounded to its own
 * dtype: an f32 one to float (for + - * / and sqrt a double result rounded once equals the
 * float operation; transcendentals use {@link Ops}), an f64 one stays the double rule of the IR
 * ({@link io.jgrad.ir.Kernels#unaryRule}, {@link io.jgrad.ir.Kernels#pow}); sums and matmul
 * elements add in the one documented order, {@link Summation}'s, in the value's dtype (called
 * with the shapes and axes alone, never asking the compiler how it looped). Otherwise
 * everything stays double in index order (the "truth", and the magnitudes rounding errors
 * scale with).
 */
final class Ref {
    final double[][] values;
    /**
     * A magnitude per element: what rounding errors scale with. |value| for leaves and
     * nonlinear primitives; linear ones combine their operands' magnitudes (a sum's is the sum
     * of its terms' magnitudes, so a cancelling sum keeps the scale of its terms).
     */
    final double[][] magnitudes;

    private Ref(int n) {
        values = new double[n][];
        magnitudes = new double[n][];
    }

    private void magnitude(Node nd, Graph g) {
        double[] v = values[nd.id()];
        double[] m = new double[v.length];
        for (int i = 0; i < v.length; i++) m[i] = Math.abs(v[i]);
        switch (nd.prim()) {
            case ADD, SUB -> {
                double[] a = magnitudes[nd.arg(0)], b = magnitudes[nd.arg(1)];
                for (int i = 0; i < m.length; i++) m[i] = a[i] + b[i];
            }
            case MUL -> {
                double[] a = magnitudes[nd.arg(0)], b = magnitudes[nd.arg(1)];
                for (int i = 0; i < m.length; i++) m[i] = a[i] * b[i];
            }
            case DIV -> {
                double[] a = magnitudes[nd.arg(0)], b = values[nd.arg(1)];
                for (int i = 0; i < m.length; i++) m[i] = a[i] / Math.abs(b[i]);
            }
            case NEG, STOP_GRADIENT, RESHAPE -> m = magnitudes[nd.arg(0)].clone();
            case SELECT -> {
                double[] c = values[nd.arg(0)], a = magnitudes[nd.arg(1)], b = magnitudes[nd.arg(2)];
                for (int i = 0; i < m.length; i++) m[i] = c[i] != 0 ? a[i] : b[i];
            }
            case BROADCAST, TRANSPOSE, REDUCE_SUM, MATMUL, SLICE, PAD, GATHER, CONCAT, SCATTER_ADD, DOT_GENERAL -> {
                // the same traversal as the values, over the magnitudes
                double[][] saved = values.clone();
                for (int a : nd.args()) values[a] = magnitudes[a];
                double[] keep = values[nd.id()];
                eval(nd, g, null, false);
                m = values[nd.id()];
                values[nd.id()] = keep;
                for (int a : nd.args()) values[a] = saved[a];
            }
            default -> { }
        }
        magnitudes[nd.id()] = m;
    }

    /**
     * Evaluates g in float32 ({@code f32}) in the generated code's documented summation order,
     * so results are exact, not reassociated; or in double.
     */
    static Ref run(Graph g, float[][] inputs, boolean f32) {
        double[][] in = new double[inputs.length][];
        for (int i = 0; i < in.length; i++) {
            in[i] = new double[inputs[i].length];
            for (int k = 0; k < in[i].length; k++) in[i][k] = inputs[i][k];
        }
        return run(g, in, f32);
    }

    /** The same over double inputs (an F64 graph's), each value rounded to its dtype when {@code exact}. */
    static Ref run(Graph g, double[][] inputs, boolean exact) {
        Ref r = new Ref(g.size());
        for (Node nd : g.nodes()) {
            r.eval(nd, g, inputs, exact);
            if (!exact) r.magnitude(nd, g);
        }
        return r;
    }

    double[] output(Graph g, int k) { return values[g.output(k)]; }

    private void eval(Node nd, Graph g, double[][] inputs, boolean exact) {
        int id = nd.id();
        Type t = nd.type();
        int size = t.size();
        double[] out = new double[size];
        boolean f32 = exact && t.dtype() == DType.F32;   // round this value to float
        switch (nd.prim()) {
            case INPUT -> {
                double[] in = inputs[nd.inputIndex()];
                for (int i = 0; i < size; i++) out[i] = in[i];
            }
            case CONST -> {
                for (int i = 0; i < size; i++) {
                    double c = nd.constAt(i);
                    out[i] = t.dtype() == DType.BOOL ? (c != 0 ? 1 : 0) : t.dtype() == DType.F32 ? (float) c : c;
                }
            }
            case NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, POW, STOP_GRADIENT -> {
                double[] x = values[nd.arg(0)];
                for (int i = 0; i < size; i++) out[i] = unary(nd, x[i], f32);
            }
            // issue-10 functions: the IR's scalar rule in double; in float32 on the float operands, rounded once
            case EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC, FLOOR, ROUND -> {
                double[] x = values[nd.arg(0)];
                for (int i = 0; i < size; i++) out[i] = round(Kernels.unaryRule(nd.prim(), f32 ? (float) x[i] : x[i]), f32);
            }
            case ATAN2, POWER -> {
                double[] a = values[nd.arg(0)], b = values[nd.arg(1)];
                for (int i = 0; i < size; i++)
                    out[i] = round(Kernels.binaryRule(nd.prim(), f32 ? (float) a[i] : a[i], f32 ? (float) b[i] : b[i]), f32);
            }
            case ADD, SUB, MUL, DIV, MAX, MIN -> {
                double[] a = values[nd.arg(0)], b = values[nd.arg(1)];
                for (int i = 0; i < size; i++) out[i] = round(binary(nd.prim(), a[i], b[i]), f32);
            }
            case GT, GE, LT, LE, EQ -> {
                double[] a = values[nd.arg(0)], b = values[nd.arg(1)];
                for (int i = 0; i < size; i++) out[i] = compare(nd.prim(), a[i], b[i]) ? 1 : 0;
            }
            case SELECT -> {
                double[] c = values[nd.arg(0)], a = values[nd.arg(1)], b = values[nd.arg(2)];
                for (int i = 0; i < size; i++) out[i] = c[i] != 0 ? a[i] : b[i];
            }
            case BROADCAST -> {
                Type xt = g.type(nd.arg(0));
                double[] x = values[nd.arg(0)];
                int off = t.rank() - xt.rank();
                int[] xs = xt.strides();
                for (int i = 0; i < size; i++) {
                    int[] c = coords(i, t);
                    int j = 0;
                    for (int a = 0; a < xt.rank(); a++) if (xt.dim(a) != 1) j += c[a + off] * xs[a];
                    out[i] = x[j];
                }
            }
            case RESHAPE -> System.arraycopy(values[nd.arg(0)], 0, out, 0, size);
            case CONVERT -> { // to bool: x != 0 (NaN is true); to a float dtype: rounded to it (bools are 0/1 already)
                double[] x = values[nd.arg(0)];
                for (int i = 0; i < size; i++) out[i] = t.dtype() == DType.BOOL ? (x[i] != 0 ? 1 : 0) : round(x[i], f32);
            }
            case TRANSPOSE -> {
                Type xt = g.type(nd.arg(0));
                double[] x = values[nd.arg(0)];
                int[] perm = nd.ints();
                int[] xs = xt.strides();
                for (int i = 0; i < size; i++) {
                    int[] c = coords(i, t);
                    int j = 0;
                    for (int a = 0; a < perm.length; a++) j += c[a] * xs[perm[a]];
                    out[i] = x[j];
                }
            }
            case REDUCE_SUM, REDUCE_MAX -> {
                Type xt = g.type(nd.arg(0));
                double[] x = values[nd.arg(0)];
                boolean sum = nd.prim() == Prim.REDUCE_SUM;
                if (sum && f32) { // Summation's order, from the shape and axes
                    float[] xf = new float[x.length], of = new float[size];
                    for (int i = 0; i < x.length; i++) xf[i] = (float) x[i];
                    Summation.reduceSum(xf, xt.shape(), nd.axes(), of);
                    for (int i = 0; i < size; i++) out[i] = of[i];
                    break;
                }
                if (sum && exact) { // an f64 sum: the same order in double
                    Summation.reduceSum(x.clone(), xt.shape(), nd.axes(), out);
                    break;
                }
                boolean[] red = new boolean[xt.rank()];
                for (int a : nd.axes()) red[a] = true;
                java.util.Arrays.fill(out, sum ? -0.0 : Double.NEGATIVE_INFINITY);
                int[] os = t.strides();
                for (int i = 0; i < xt.size(); i++) { // row-major: each output in index order (exact in f64 mode)
                    int[] c = coords(i, xt);
                    int j = 0;
                    for (int a = 0, k = 0; a < xt.rank(); a++) if (!red[a]) j += c[a] * os[k++];
                    out[j] = sum ? out[j] + x[i] : max(out[j], x[i]);
                }
            }
            case SLICE, PAD, GATHER -> { // out[.., c, ..] = x[.., src(c), ..], +0.0 (false) where src is out of range
                Type xt = g.type(nd.arg(0));
                double[] x = values[nd.arg(0)];
                int[] in = nd.ints();
                int axis = in[0];
                int[] xs = xt.strides();
                for (int i = 0; i < size; i++) {
                    int[] c = coords(i, t);
                    int s = switch (nd.prim()) {
                        case SLICE -> c[axis] + in[1];
                        case PAD -> c[axis] - in[1];
                        default -> in[1 + c[axis]];
                    };
                    if (s < 0 || s >= xt.dim(axis)) { out[i] = 0.0; continue; }
                    c[axis] = s;
                    int j = 0;
                    for (int a = 0; a < c.length; a++) j += c[a] * xs[a];
                    out[i] = x[j];
                }
            }
            case CONCAT -> { // each output element from the operand whose rows hold its coordinate
                int axis = nd.ints()[0];
                for (int i = 0; i < size; i++) {
                    int[] c = coords(i, t);
                    int k = 0;
                    while (c[axis] >= g.type(nd.arg(k)).dim(axis)) c[axis] -= g.type(nd.arg(k++)).dim(axis);
                    Type xt = g.type(nd.arg(k));
                    int[] xs = xt.strides();
                    int j = 0;
                    for (int a = 0; a < c.length; a++) j += c[a] * xs[a];
                    out[i] = values[nd.arg(k)][j];
                }
            }
            case SCATTER_ADD -> { // zeros, then operand element (.., j, ..) added into (.., i_j, ..) in row-major order
                Type xt = g.type(nd.arg(0));
                double[] x = values[nd.arg(0)];
                int[] in = nd.ints();
                int axis = in[0];
                int[] os = t.strides();
                java.util.Arrays.fill(out, 0.0);
                for (int i = 0; i < xt.size(); i++) {
                    int[] c = coords(i, xt);
                    c[axis] = in[2 + c[axis]];
                    int j = 0;
                    for (int a = 0; a < c.length; a++) j += c[a] * os[a];
                    out[j] = round(out[j] + x[i], f32);
                }
            }
            case DOT_GENERAL -> dotGeneral(nd, g, out, f32, exact);
            case MATMUL -> {
                Type at = g.type(nd.arg(0)), bt = g.type(nd.arg(1));
                double[] a = values[nd.arg(0)], b = values[nd.arg(1)];
                int m = at.dim(0), k = at.dim(1), n = bt.dim(1);
                // on the vector path, above Gemm's threshold: the fused order (Summation.dotFused), as the kernel
                boolean fused = Gemm.uses(m, k, n) && (g.type(id).dtype() == io.jgrad.runtime.DType.F32 || g.type(id).dtype() == io.jgrad.runtime.DType.F64);
                if (f32) { // each element Summation's dot product over k
                    float[] af = new float[a.length], bf = new float[b.length], cf = new float[size];
                    for (int i = 0; i < a.length; i++) af[i] = (float) a[i];
                    for (int i = 0; i < b.length; i++) bf[i] = (float) b[i];
                    if (fused) Summation.matmulFused(af, bf, cf, m, k, n);
                    else Summation.matmul(af, bf, cf, m, k, n);
                    for (int i = 0; i < size; i++) out[i] = cf[i];
                    break;
                }
                if (exact) { // f64
                    if (fused) Summation.matmulFused(a.clone(), b.clone(), out, m, k, n);
                    else Summation.matmul(a.clone(), b.clone(), out, m, k, n);
                    break;
                }
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++) {
                        double acc = -0.0;
                        for (int q = 0; q < k; q++) acc += a[i * k + q] * b[q * n + j];
                        out[i * n + j] = acc;
                    }
            }
        }
        values[id] = out;
    }

    /**
     * dot_general by coordinates: x as [B, M, K] and y as [B, K, N] (batch, free, contracted axes
     * in their listed order; the flat index of each group row-major over its axes), then per
     * batch Summation's matmul in the value's dtype (exact), or double sums in index order.
     */
    private void dotGeneral(Node nd, Graph g, double[] out, boolean f32, boolean exact) {
        int[] in = nd.ints();
        int nb = in[0], nc = in[1];
        int[] lb = java.util.Arrays.copyOfRange(in, 2, 2 + nb), rb = java.util.Arrays.copyOfRange(in, 2 + nb, 2 + 2 * nb);
        int[] lc = java.util.Arrays.copyOfRange(in, 2 + 2 * nb, 2 + 2 * nb + nc), rc = java.util.Arrays.copyOfRange(in, 2 + 2 * nb + nc, in.length);
        Type xt = g.type(nd.arg(0)), yt = g.type(nd.arg(1));
        int[][] gx = {lb, rest(xt.rank(), lb, lc), lc}, gy = {rb, rc, rest(yt.rank(), rb, rc)};
        int bn = extent(xt, gx[0]), m = extent(xt, gx[1]), k = extent(xt, gx[2]), n = extent(yt, gy[2]);
        double[] a = canonical(values[nd.arg(0)], xt, gx), b = canonical(values[nd.arg(1)], yt, gy);
        for (int bi = 0; bi < bn; bi++) {
            double[] ab = java.util.Arrays.copyOfRange(a, bi * m * k, (bi + 1) * m * k), bb = java.util.Arrays.copyOfRange(b, bi * k * n, (bi + 1) * k * n);
            double[] c = new double[m * n];
            if (f32) {
                float[] af = new float[ab.length], bf = new float[bb.length], cf = new float[c.length];
                for (int i = 0; i < af.length; i++) af[i] = (float) ab[i];
                for (int i = 0; i < bf.length; i++) bf[i] = (float) bb[i];
                Summation.matmul(af, bf, cf, m, k, n);
                for (int i = 0; i < c.length; i++) c[i] = cf[i];
            } else if (exact) {
                Summation.matmul(ab, bb, c, m, k, n);
            } else {
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++) {
                        double acc = -0.0;
                        for (int q = 0; q < k; q++) acc += ab[i * k + q] * bb[q * n + j];
                        c[i * n + j] = acc;
                    }
            }
            System.arraycopy(c, 0, out, bi * m * n, m * n);
        }
    }

    private static int[] rest(int rank, int[] p, int[] q) {
        boolean[] used = new boolean[rank];
        for (int a : p) used[a] = true;
        for (int a : q) used[a] = true;
        return java.util.stream.IntStream.range(0, rank).filter(a -> !used[a]).toArray();
    }

    private static int extent(Type t, int[] axes) {
        int e = 1;
        for (int a : axes) e *= t.dim(a);
        return e;
    }

    /** v (of type t) in the layout [group 0, group 1, group 2], each group row-major over its axes in order. */
    private static double[] canonical(double[] v, Type t, int[][] groups) {
        double[] r = new double[v.length];
        int e1 = extent(t, groups[1]), e2 = extent(t, groups[2]);
        for (int i = 0; i < v.length; i++) {
            int[] c = coords(i, t);
            int[] gi = new int[3];
            for (int k = 0; k < 3; k++) for (int a : groups[k]) gi[k] = gi[k] * t.dim(a) + c[a];
            r[(gi[0] * e1 + gi[1]) * e2 + gi[2]] = v[i];
        }
        return r;
    }

    static int[] coords(int flat, Type t) {
        int[] c = new int[t.rank()];
        for (int a = t.rank() - 1; a >= 0; a--) {
            c[a] = flat % t.dim(a);
            flat /= t.dim(a);
        }
        return c;
    }

    private static double round(double d, boolean f32) { return f32 ? (float) d : d; }

    /** Java's Math.max on doubles: NaN wins, -0 < +0. */
    private static double max(double a, double b) { return Math.max(a, b); }

    private static double binary(Prim p, double a, double b) {
        return switch (p) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            default -> throw new AssertionError(p);
        };
    }

    private static boolean compare(Prim p, double a, double b) {
        return switch (p) {
            case GT -> a > b;
            case GE -> a >= b;
            case LT -> a < b;
            case LE -> a <= b;
            case EQ -> a == b;
            default -> throw new AssertionError(p);
        };
    }

    private static double unary(Node nd, double x, boolean f32) {
        float f = (float) x;
        if (f32) {
            return switch (nd.prim()) {
                case NEG -> -f;
                case EXP -> Ops.exp(f);
                case LOG -> Ops.log(f);
                case LOG1P -> Ops.log1p(f);
                case SIN -> Ops.sin(f);
                case COS -> Ops.cos(f);
                case TANH -> Ops.tanh(f);
                case SIGMOID -> Ops.sigmoid(f);
                case SOFTPLUS -> Ops.softplus(f);
                case SQRT -> Ops.sqrt(f);
                case ABS -> Math.abs(f);
                case POW -> Ops.pow(f, nd.exponent());
                case STOP_GRADIENT -> f;
                default -> throw new AssertionError(nd);
            };
        }
        return switch (nd.prim()) {
            case NEG -> -x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case LOG1P -> Math.log1p(x);
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case SOFTPLUS -> x > 20 ? x : Math.log1p(Math.exp(x));
            case SQRT -> Math.sqrt(x);
            case ABS -> Math.abs(x);
            case POW -> io.jgrad.ir.Kernels.pow(x, nd.exponent());
            case STOP_GRADIENT -> x;
            default -> throw new AssertionError(nd);
        };
    }
}
