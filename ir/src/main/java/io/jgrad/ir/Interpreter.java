package io.jgrad.ir;

import io.jgrad.runtime.DType;
import java.util.List;

/**
 * The reference executor: runs any graph node by node, obviously rather than fast. It is what
 * the bytecode backend is tested against, and constant folding uses its node rule, so a folded
 * graph computes exactly what the unfolded one does.
 *
 * <p>Semantics, per value type:
 * <ul>
 *   <li>every value is held as doubles; a value of dtype F32 is rounded to float after its
 *       primitive (so elementwise F32 results are {@code (float)} of the double rule on float
 *       inputs, see {@link Prim#apply(double)}); BOOL is 0 or 1;</li>
 *   <li>REDUCE_SUM and MATMUL accumulate in double in row-major order starting from -0.0 (the
 *       identity of IEEE addition: the sum of one element is that element) and round once;</li>
 *   <li>REDUCE_MAX starts from -inf and propagates NaN (as torch.amax).</li>
 * </ul>
 * {@link #runF64} skips every rounding: the same graph evaluated in double, for finite-difference
 * checks of the adjoint.
 */
public final class Interpreter {
    private Interpreter() {}

    /** Runs g on float32 inputs (row-major; input i is parameter index i) and returns each output row-major. */
    public static float[][] run(Graph g, float[][] inputs) {
        double[][] in = new double[checkCount(g, inputs == null ? -1 : inputs.length)][];
        for (int i = 0; i < in.length; i++) {
            float[] x = inputs[i];
            checkInput(g, i, x == null ? -1 : x.length);
            in[i] = new double[x.length];
            for (int k = 0; k < x.length; k++) in[i][k] = x[k];
        }
        double[][] out = evaluate(g, in, true);
        float[][] result = new float[out.length][];
        for (int o = 0; o < out.length; o++) {
            result[o] = new float[out[o].length];
            for (int k = 0; k < out[o].length; k++) result[o][k] = (float) out[o][k];
        }
        return result;
    }

    /**
     * Every node's value (indexed by id, row-major, float32 semantics as {@link #run}): for
     * debugging, and for tests that need the scale of the terms a result was summed from.
     */
    public static double[][] values(Graph g, float[][] inputs) {
        double[][] in = new double[checkCount(g, inputs == null ? -1 : inputs.length)][];
        for (int i = 0; i < in.length; i++) {
            float[] x = inputs[i];
            checkInput(g, i, x == null ? -1 : x.length);
            in[i] = new double[x.length];
            for (int k = 0; k < x.length; k++) in[i][k] = x[k];
        }
        return evaluateAll(g, in, true);
    }

    /** Runs g entirely in double precision, whatever its dtypes say. */
    public static double[][] runF64(Graph g, double[][] inputs) {
        double[][] in = new double[checkCount(g, inputs == null ? -1 : inputs.length)][];
        for (int i = 0; i < in.length; i++) {
            checkInput(g, i, inputs[i] == null ? -1 : inputs[i].length);
            in[i] = inputs[i].clone();
        }
        return evaluate(g, in, false);
    }

    private static int checkCount(Graph g, int given) {
        int n = g.inputs().size();
        if (given != n) throw new IllegalArgumentException("interpreter: the graph has " + n + " inputs, got " + (given < 0 ? "null" : given));
        return n;
    }

    private static void checkInput(Graph g, int i, int length) {
        Node in = g.inputs().get(i);
        if (in.inputIndex() != i) throw new IllegalArgumentException("interpreter: input indices are not 0.." + (g.inputs().size() - 1));
        if (length != in.type().size())
            throw new IllegalArgumentException("interpreter: input " + i + " (" + in.name() + ") needs " + in.type().size()
                    + " values for " + in.type() + ", got " + (length < 0 ? "null" : length));
    }

    private static double[][] evaluate(Graph g, double[][] inputs, boolean roundF32) {
        double[][] values = evaluateAll(g, inputs, roundF32);
        double[][] out = new double[g.outputCount()][];
        for (int o = 0; o < out.length; o++) out[o] = values[g.output(o)].clone();
        return out;
    }

    private static double[][] evaluateAll(Graph g, double[][] inputs, boolean roundF32) {
        List<Node> nodes = g.nodes();
        double[][] values = new double[nodes.size()][];
        for (Node n : nodes) {
            if (n.prim() == Prim.INPUT) {
                values[n.id()] = round(inputs[n.inputIndex()].clone(), n.type(), roundF32);
                continue;
            }
            double[][] args = new double[n.arity()][];
            Type[] types = new Type[n.arity()];
            for (int i = 0; i < n.arity(); i++) {
                args[i] = values[n.arg(i)];
                types[i] = g.type(n.arg(i));
            }
            values[n.id()] = evalNode(n, args, types, roundF32);
        }
        return values;
    }

    /**
     * One node's value from its operands' values (row-major doubles) and types; rounds an F32
     * result to float when {@code roundF32}. Not for INPUT (its value comes from outside).
     */
    static double[] evalNode(Node n, double[][] args, Type[] argTypes, boolean roundF32) {
        Prim p = n.prim();
        Type t = n.type();
        double[] r = switch (p) {
            case INPUT -> throw new IllegalArgumentException("input %" + n.id() + " has no rule; its value is given");
            case CONST -> {
                // the rounding copy in one pass (constant folding reads constants of 10^6 values)
                double[] d = n.rawData(), y = new double[d.length];
                boolean f32 = roundF32 && t.dtype() == DType.F32;
                for (int i = 0; i < d.length; i++) y[i] = f32 ? (float) d[i] : d[i];
                yield y;
            }
            case NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, STOP_GRADIENT -> {
                double[] x = args[0], y = new double[x.length];
                for (int i = 0; i < x.length; i++) y[i] = p.apply(x[i]);
                yield y;
            }
            case POW -> {
                double e = n.exponent();
                double[] x = args[0], y = new double[x.length];
                for (int i = 0; i < x.length; i++) y[i] = Prim.pow(x[i], e);
                yield y;
            }
            case ADD, SUB, MUL, DIV, MAX, MIN, GT, GE, LT, LE, EQ -> {
                double[] a = args[0], b = args[1], y = new double[a.length];
                for (int i = 0; i < a.length; i++) y[i] = p.apply(a[i], b[i]);
                yield y;
            }
            case SELECT -> {
                double[] c = args[0], a = args[1], b = args[2], y = new double[c.length];
                for (int i = 0; i < c.length; i++) y[i] = Prim.select(c[i], a[i], b[i]);
                yield y;
            }
            case BROADCAST -> broadcast(args[0], argTypes[0], t);
            case RESHAPE -> args[0].clone();
            case TRANSPOSE -> transpose(args[0], argTypes[0], n.ints(), t);
            case REDUCE_SUM -> reduce(args[0], argTypes[0], n.axes(), t, false);
            case REDUCE_MAX -> reduce(args[0], argTypes[0], n.axes(), t, true);
            case MATMUL -> matmul(args[0], args[1], argTypes[0].dim(0), argTypes[0].dim(1), argTypes[1].dim(1));
        };
        // a constant is rounded above; a view moves operand values, which are rounded already
        boolean rounded = p == Prim.CONST || p == Prim.TRANSPOSE || p == Prim.RESHAPE || p == Prim.BROADCAST;
        return rounded ? r : round(r, t, roundF32);
    }

    /** A CONST's values as the interpreter uses them (rounded to float for an F32 constant). */
    static double[] constValues(Node c) {
        return evalNode(c, new double[0][], new Type[0], true);
    }

    /** v as a value of dtype d holds it in float32 semantics. */
    static double roundTo(DType d, double v) {
        return d == DType.F32 ? (float) v : v;
    }

    private static double[] round(double[] v, Type t, boolean roundF32) {
        if (roundF32 && t.dtype() == DType.F32) for (int i = 0; i < v.length; i++) v[i] = (float) v[i];
        return v;
    }

    /** The row-major multi-index of flat position k in shape (written into idx). */
    private static void unflatten(int k, int[] shape, int[] idx) {
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = k % shape[d];
            k /= shape[d];
        }
    }

    private static double[] broadcast(double[] x, Type from, Type to) {
        int[] fs = from.shape(), ts = to.shape(), fst = from.strides(), idx = new int[ts.length];
        int lead = ts.length - fs.length;
        double[] y = new double[to.size()];
        for (int k = 0; k < y.length; k++) {
            unflatten(k, ts, idx);
            int src = 0;
            for (int d = 0; d < fs.length; d++) if (fs[d] != 1) src += idx[d + lead] * fst[d];
            y[k] = x[src];
        }
        return y;
    }

    /**
     * y[k] = x[src(k)], result axis d being operand axis perm[d]. Constant folding transposes
     * constants of 10^6 values: the result axis that is contiguous in x (p) and the one that is
     * contiguous in y (q) are walked in 32x32 tiles (a plain walk misses the cache and the TLB
     * at every element), the other axes odometer-wise. The order of the copies does not matter.
     */
    private static double[] transpose(double[] x, Type from, int[] perm, Type to) {
        int rank = perm.length, q = rank - 1, p = -1;
        int[] ts = to.shape(), fst = from.strides(), yst = to.strides(), step = new int[rank];
        for (int d = 0; d < rank; d++) {
            step[d] = fst[perm[d]];
            if (perm[d] == rank - 1) p = d;
        }
        double[] y = new double[to.size()];
        if (rank < 2 || p == q) {   // x is read in order: no tiles needed
            for (int k = 0; k < y.length; k++) y[k] = x[source(k, ts, step)];
            return y;
        }
        final int tile = 32;
        int rows = ts[p], cols = ts[q], outer = y.length / rows / cols;
        int[] idx = new int[rank];
        for (int o = 0; o < outer; o++) {
            // the o-th combination of the axes other than p and q, odometer-wise
            int src = 0, dst = 0;
            for (int d = rank - 1, rest = o; d >= 0; d--) {
                if (d == p || d == q) continue;
                idx[d] = rest % ts[d];
                rest /= ts[d];
                src += idx[d] * step[d];
                dst += idx[d] * yst[d];
            }
            for (int i0 = 0; i0 < rows; i0 += tile)
                for (int j0 = 0; j0 < cols; j0 += tile)
                    for (int i = i0, iEnd = Math.min(i0 + tile, rows); i < iEnd; i++) {
                        int from0 = src + i + j0 * step[q], to0 = dst + i * yst[p] + j0;
                        for (int j = 0, n = Math.min(tile, cols - j0); j < n; j++) y[to0 + j] = x[from0 + j * step[q]];
                    }
        }
        return y;
    }

    private static int source(int k, int[] shape, int[] step) {
        int src = 0;
        for (int d = shape.length - 1; d >= 0; d--) {
            src += (k % shape[d]) * step[d];
            k /= shape[d];
        }
        return src;
    }

    private static double[] reduce(double[] x, Type from, int[] axes, Type to, boolean max) {
        int[] fs = from.shape(), ost = to.strides(), idx = new int[fs.length];
        boolean[] reduced = new boolean[fs.length];
        for (int a : axes) reduced[a] = true;
        double[] y = new double[to.size()];
        java.util.Arrays.fill(y, max ? Double.NEGATIVE_INFINITY : -0.0);
        for (int k = 0; k < x.length; k++) {
            unflatten(k, fs, idx);
            int dst = 0;
            for (int d = 0, o = 0; d < fs.length; d++) if (!reduced[d]) dst += idx[d] * ost[o++];
            y[dst] = max ? Math.max(y[dst], x[k]) : y[dst] + x[k];
        }
        return y;
    }

    private static double[] matmul(double[] a, double[] b, int m, int k, int n) {
        double[] y = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double s = -0.0;
                for (int p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
                y[i * n + j] = s;
            }
        return y;
    }
}
