package io.jgrad.ir;

import io.jgrad.runtime.DType;
import io.jgrad.runtime.Half;
import java.util.List;

/**
 * The reference executor: runs any graph node by node with the primitives' own kernels
 * ({@link Kernels}, the same the eager engine's {@link Eval} uses), obviously rather than fast.
 * It is what the bytecode backend is tested against, and constant folding uses the same kernels,
 * so a folded graph computes exactly what the unfolded one does.
 *
 * <p>Each value has its dtype's semantics ({@link Kernels}): F32 results are the float nearest
 * the double rule, F64 is computed in double without other rounding, F16 rounds each F32 result
 * to half, BOOL is true/false; REDUCE_SUM and MATMUL add in the element type in
 * {@link io.jgrad.runtime.Summation}'s order (the compiled code's); REDUCE_MAX starts from -inf
 * and propagates NaN.
 *
 * <p>Entry points: {@link #evaluate} over typed arrays (float[] for F32/F16, double[] for F64,
 * boolean[] for BOOL); {@link #run(Graph, float[][])} and {@link #run(Graph, double[][])}
 * convert each input to its dtype and each output back; {@link #runF64} evaluates the same
 * graph as if every float dtype were F64, for finite-difference checks of the adjoint.
 */
public final class Interpreter {
    private Interpreter() {}

    /**
     * Runs g on float inputs (row-major; input i is parameter index i), each converted to its
     * input's dtype (exact for F32 and F64, rounded for F16, != 0 for BOOL), and returns each
     * output as floats (an F64 output rounded to float, BOOL as 0/1).
     */
    public static float[][] run(Graph g, float[][] inputs) {
        Object[] in = new Object[checkCount(g, inputs == null ? -1 : inputs.length)];
        for (int i = 0; i < in.length; i++) {
            checkInput(g, i, inputs[i] == null ? -1 : inputs[i].length);
            in[i] = fromFloats(inputs[i], g.inputs().get(i).type().dtype());
        }
        Object[] out = evaluate(g, in);
        float[][] result = new float[out.length][];
        for (int o = 0; o < out.length; o++) result[o] = toFloats(out[o]);
        return result;
    }

    /**
     * Runs g on double inputs, each converted to its input's dtype (rounded to float for F32,
     * to half for F16), and returns each output as doubles (exact for every dtype).
     */
    public static double[][] run(Graph g, double[][] inputs) {
        Object[] in = new Object[checkCount(g, inputs == null ? -1 : inputs.length)];
        for (int i = 0; i < in.length; i++) {
            checkInput(g, i, inputs[i] == null ? -1 : inputs[i].length);
            in[i] = Kernels.constant(g.inputs().get(i).type(), inputs[i]);
        }
        Object[] out = evaluate(g, in);
        double[][] result = new double[out.length][];
        for (int o = 0; o < out.length; o++) result[o] = Kernels.toDoubles(out[o]);
        return result;
    }

    /**
     * Runs g on typed inputs (float[] for F32/F16, double[] for F64, boolean[] for BOOL; used as
     * given, never changed) and returns each output as a new typed array.
     */
    public static Object[] evaluate(Graph g, Object[] inputs) {
        checkCount(g, inputs == null ? -1 : inputs.length);
        for (int i = 0; i < inputs.length; i++) {
            Node in = g.inputs().get(i);
            checkIndex(g, i);
            Kernels.check("interpreter: input " + i + " (" + in.name() + ")", in.type(), inputs[i]);
        }
        Object[] values = evaluateAll(g, inputs, false);
        Object[] out = new Object[g.outputCount()];
        for (int o = 0; o < out.length; o++) out[o] = copy(values[g.output(o)]);
        return out;
    }

    /**
     * Every node's value (indexed by id, row-major, as doubles) for float inputs converted as
     * {@link #run(Graph, float[][])} does: for debugging, and for tests that need the scale of
     * the terms a result was summed from.
     */
    public static double[][] values(Graph g, float[][] inputs) {
        Object[] in = new Object[checkCount(g, inputs == null ? -1 : inputs.length)];
        for (int i = 0; i < in.length; i++) {
            checkInput(g, i, inputs[i] == null ? -1 : inputs[i].length);
            in[i] = fromFloats(inputs[i], g.inputs().get(i).type().dtype());
        }
        Object[] all = evaluateAll(g, in, false);
        double[][] r = new double[all.length][];
        for (int i = 0; i < r.length; i++) r[i] = Kernels.toDoubles(all[i]);
        return r;
    }

    /** Runs g entirely in double precision, whatever its float dtypes say (BOOL stays BOOL). */
    public static double[][] runF64(Graph g, double[][] inputs) {
        Object[] in = new Object[checkCount(g, inputs == null ? -1 : inputs.length)];
        for (int i = 0; i < in.length; i++) {
            checkInput(g, i, inputs[i] == null ? -1 : inputs[i].length);
            in[i] = Kernels.constant(widened(g.inputs().get(i).type()), inputs[i]);
        }
        Object[] all = evaluateAll(g, in, true);
        double[][] out = new double[g.outputCount()][];
        for (int o = 0; o < out.length; o++) out[o] = Kernels.toDoubles(all[g.output(o)]);
        return out;
    }

    private static int checkCount(Graph g, int given) {
        int n = g.inputs().size();
        if (given != n) throw new IllegalArgumentException("interpreter: the graph has " + n + " inputs, got " + (given < 0 ? "null" : given));
        return n;
    }

    private static void checkIndex(Graph g, int i) {
        if (g.inputs().get(i).inputIndex() != i) throw new IllegalArgumentException("interpreter: input indices are not 0.." + (g.inputs().size() - 1));
    }

    private static void checkInput(Graph g, int i, int length) {
        checkIndex(g, i);
        Node in = g.inputs().get(i);
        if (length != in.type().size())
            throw new IllegalArgumentException("interpreter: input " + i + " (" + in.name() + ") needs " + in.type().size()
                    + " values for " + in.type() + ", got " + (length < 0 ? "null" : length));
    }

    /** t with a float dtype replaced by F64 (runF64's view of every value). */
    private static Type widened(Type t) {
        return t.dtype().isFloat() ? t.withDType(DType.F64) : t;
    }

    private static Object[] evaluateAll(Graph g, Object[] inputs, boolean allF64) {
        List<Node> nodes = g.nodes();
        Object[] values = new Object[nodes.size()];
        for (Node n : nodes) {
            if (n.prim() == Prim.INPUT) {
                values[n.id()] = inputs[n.inputIndex()];
                continue;
            }
            Object[] args = new Object[n.arity()];
            Type[] types = new Type[n.arity()];
            for (int i = 0; i < n.arity(); i++) {
                args[i] = values[n.arg(i)];
                types[i] = allF64 ? widened(g.type(n.arg(i))) : g.type(n.arg(i));
            }
            Type t = allF64 ? widened(n.type()) : n.type();
            values[n.id()] = Kernels.apply(n.prim(), t, n.rawInts(), n.rawData(), args, types);
        }
        return values;
    }

    /** A CONST's value as the graph holds it (rounded to its dtype), as doubles. */
    static double[] constValues(Node c) {
        return Kernels.toDoubles(Kernels.constant(c.type(), c.rawData()));
    }

    private static Object fromFloats(float[] x, DType d) {
        return switch (d) {
            case F32 -> x;
            case F16 -> {
                float[] y = x.clone();
                yield Half.roundAll(y);
            }
            case F64 -> {
                double[] y = new double[x.length];
                for (int i = 0; i < x.length; i++) y[i] = x[i];
                yield y;
            }
            case BOOL -> {
                boolean[] y = new boolean[x.length];
                for (int i = 0; i < x.length; i++) y[i] = x[i] != 0;
                yield y;
            }
        };
    }

    private static float[] toFloats(Object v) {
        if (v instanceof float[] f) return f.clone();
        int n = Kernels.length(v);
        float[] r = new float[n];
        for (int i = 0; i < n; i++) r[i] = (float) Kernels.get(v, i);
        return r;
    }

    private static Object copy(Object v) {
        if (v instanceof float[] f) return f.clone();
        if (v instanceof double[] d) return d.clone();
        return ((boolean[]) v).clone();
    }
}
