package io.jgrad.ir;

import io.jgrad.runtime.DType;
import java.util.Arrays;

/**
 * The structural sparsity of a forward-mode graph's tangents: for every element of every
 * tangent value, the set of Jacobian columns (elements of the differentiated inputs) it can
 * depend on, as a bitset, propagated from the tangent inputs (element e of block j is column
 * offset[j] + e) by one rule per primitive. A value's element whose set is empty is an exact
 * zero of every tangent, so whatever is computed from it only along those columns can be
 * skipped; the output's sets are the Jacobian's pattern, which {@link ColumnColouring} compresses.
 *
 * <p>What is a zero: primal values carry one bit per element, "may be nonzero"; it is clear
 * only where the value is known to be 0 (a constant 0, a pad, a product with a known 0, a
 * structural move of those). A tangent multiplied by a known-zero primal element is zero: the
 * analysis assumes finite values (0·x = 0), as every structural sparsity tool does; a dense
 * Jacobian would show NaN there only where the tangent itself is infinite or NaN.
 *
 * <p>The tangent part of a forward-mode graph is linear in the tangents (that is how
 * {@link Derivatives#jvp} makes it), so the rules are those of linear maps: sums and moves
 * union the sets of the elements they read, a product with a primal value keeps the set where
 * the primal element may be nonzero. A tangent value the rules do not cover (a tangent times a
 * tangent, a nonlinear function of one) makes the whole analysis refuse ({@link #of} returns
 * null): the caller keeps dense lanes, which are right for any graph.
 */
final class Sparsity {
    /** Most longs held at once over the live values; past it the analysis refuses (dense lanes stay). */
    static final long BUDGET = 1L << 22;

    /** Longs per tangent element: ceil(columns / 64). */
    final int words;
    /** Per node: the union of its elements' sets (tangent values), or null (primal values). */
    private final long[][] union;
    /** Per node: the Jacobian work one lane of it costs (elements, or multiply-adds of a contraction). */
    private final long[] weight;
    /** The analysed output's per-element sets, element-major (words each). */
    private final long[] output;

    private Sparsity(int words, long[][] union, long[] weight, long[] output) {
        this.words = words;
        this.union = union;
        this.weight = weight;
        this.output = output;
    }

    /**
     * The analysis of {@code jvp}, whose inputs of index n + j are the tangents of block j,
     * element e of which is column offset[j] + e; {@code out} the tangent output's id. Null when
     * a tangent value is not covered by the linear rules, or the bits would pass {@link #BUDGET}.
     */
    static Sparsity of(Graph jvp, int n, int[] offset, int out) {
        int columns = offset[offset.length - 1];
        int words = Math.max(1, (columns + 63) >>> 6);
        int size = jvp.size();
        long[][] bits = new long[size][];
        boolean[] tangent = new boolean[size];
        long[][] union = new long[size][];
        long[] weight = new long[size];
        int[] uses = jvp.useCounts();
        long held = 0;
        for (Node nd : jvp.nodes()) {
            int id = nd.id();
            Type t = nd.type();
            long[] r;
            if (nd.prim() == Prim.INPUT) {
                int j = nd.inputIndex() - n;
                tangent[id] = j >= 0;
                if (j >= 0) {
                    r = new long[t.size() * words];
                    for (int e = 0; e < t.size(); e++) set(r, e * words, offset[j] + e);
                } else {
                    r = new long[t.size()];
                    Arrays.fill(r, 1);
                }
            } else {
                for (int a : nd.rawArgs()) tangent[id] |= tangent[a];
                r = tangent[id] ? tangentRule(jvp, nd, bits, tangent, words) : primalRule(jvp, nd, bits, tangent);
                if (r == null) return null;
                for (int a : nd.rawArgs())
                    if (--uses[a] == 0 && a != out) {
                        held -= bits[a].length;
                        bits[a] = null;
                    }
            }
            bits[id] = r;
            held += r.length;
            if (held > BUDGET) return null;
            if (tangent[id]) {
                union[id] = unionOf(r, words);
                weight[id] = work(jvp, nd);
            }
        }
        long[] o = tangent[out] ? bits[out] : new long[jvp.type(out).size() * words];
        return new Sparsity(words, union, weight, o);
    }

    /** Whether node id's tangent can be nonzero along any column in {@code columns} (words long). */
    boolean touches(int id, long[] columns) {
        long[] u = union[id];
        if (u == null) return false;
        for (int w = 0; w < words; w++) if ((u[w] & columns[w]) != 0) return true;
        return false;
    }

    /** Node id's columns (null for a primal value). */
    long[] columns(int id) {
        return union[id];
    }

    long weight(int id) {
        return weight[id];
    }

    int nodes() {
        return union.length;
    }

    /** The output's element count. */
    int rows() {
        return output.length / words;
    }

    /** Whether output element r can depend on column c. */
    boolean at(int r, int c) {
        return (output[r * words + (c >>> 6)] & (1L << c)) != 0;
    }

    /** The output's per-element sets, element-major, {@link #words} each (shared: read only). */
    long[] outputBits() {
        return output;
    }

    // ------------------------------------------------------------------ the rules

    /** The sets of a tangent value from its operands'; null when the linear rules do not cover it. */
    private static long[] tangentRule(Graph g, Node nd, long[][] bits, boolean[] tangent, int w) {
        int[] a = nd.rawArgs();
        return switch (nd.prim()) {
            case INPUT, CONST -> throw new AssertionError("a leaf is not computed: " + nd);
            // the same element, or a sum of the same elements (a primal term must be a known zero)
            case NEG, CONVERT -> bits[a[0]].clone();
            case ADD, SUB -> {
                long[] x = asTangent(bits, tangent, a[0], w), y = asTangent(bits, tangent, a[1], w);
                if (x == null || y == null) yield null;
                for (int i = 0; i < x.length; i++) x[i] |= y[i];
                yield x;
            }
            // select(c, a, b) takes a or b: their union (c is a primal BOOL)
            case SELECT -> {
                if (tangent[a[0]]) yield null;
                long[] x = asTangent(bits, tangent, a[1], w), y = asTangent(bits, tangent, a[2], w);
                if (x == null || y == null) yield null;
                for (int i = 0; i < x.length; i++) x[i] |= y[i];
                yield x;
            }
            // ṫ·p: the tangent's set where p may be nonzero; ṫ/p: the tangent's set
            case MUL -> {
                if (tangent[a[0]] && tangent[a[1]]) yield null;
                int t = tangent[a[0]] ? a[0] : a[1], p = tangent[a[0]] ? a[1] : a[0];
                yield gated(bits[t], bits[p], w);
            }
            case DIV -> tangent[a[1]] ? null : bits[a[0]].clone();
            // nonlinear in the tangent: not made by jvp; refuse
            case EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, POW, STOP_GRADIENT,
                 EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC, FLOOR, ROUND,
                 MAX, MIN, ATAN2, POWER, GT, GE, LT, LE, EQ, REDUCE_MAX -> null;
            // moves: each element is one operand element or a zero
            case BROADCAST, RESHAPE, TRANSPOSE, SLICE, PAD, GATHER, CONCAT -> {
                long[][] ops = new long[a.length][];
                for (int i = 0; i < a.length; i++) if ((ops[i] = asTangent(bits, tangent, a[i], w)) == null) yield null;
                yield moved(g, nd, ops, w);
            }
            case REDUCE_SUM -> reduced(g.type(a[0]), nd.rawInts(), nd.type().size(), bits[a[0]], w);
            case SCATTER_ADD -> scattered(g.type(a[0]), nd, bits[a[0]], w);
            case MATMUL, DOT_GENERAL -> {
                if (tangent[a[0]] && tangent[a[1]]) yield null;
                yield contracted(g, nd, bits[a[0]], bits[a[1]], tangent[a[0]], tangent[a[1]], w);
            }
        };
    }

    /**
     * "May be nonzero" per element of a primal value: clear only where it is known to be 0.
     * Functions with f(0) = 0 keep the operand's bits, a product is zero where a factor is,
     * a sum where both are; anything else may be nonzero everywhere.
     */
    private static long[] primalRule(Graph g, Node nd, long[][] bits, boolean[] tangent) {
        int[] a = nd.rawArgs();
        int size = nd.type().size();
        return switch (nd.prim()) {
            case INPUT -> throw new AssertionError("inputs are leaves: " + nd);
            case CONST -> {
                double[] v = Interpreter.constValues(nd);
                long[] r = new long[size];
                for (int i = 0; i < size; i++) r[i] = v[i] != 0 ? 1 : 0;
                yield r;
            }
            case NEG, CONVERT, STOP_GRADIENT, ABS, SIN, SQRT, TANH, SINH, EXPM1, LOG1P, ERF, FLOOR, ROUND -> bits[a[0]].clone();
            case MUL -> gated(bits[a[0]], bits[a[1]], 1);
            case ADD, SUB, MAX, MIN -> or(bits[a[0]], bits[a[1]]);
            case SELECT -> or(bits[a[1]], bits[a[2]]);
            case EXP, LOG, COS, SIGMOID, SOFTPLUS, POW, COSH, LOG2, LOG10, ERFC, DIV, ATAN2, POWER,
                 GT, GE, LT, LE, EQ -> ones(size);
            case BROADCAST, RESHAPE, TRANSPOSE, SLICE, PAD, GATHER, CONCAT -> {
                long[][] ops = new long[a.length][];
                for (int i = 0; i < a.length; i++) ops[i] = bits[a[i]];
                yield moved(g, nd, ops, 1);
            }
            case REDUCE_SUM, REDUCE_MAX -> reduced(g.type(a[0]), nd.rawInts(), size, bits[a[0]], 1);
            case SCATTER_ADD -> scattered(g.type(a[0]), nd, bits[a[0]], 1);
            case MATMUL, DOT_GENERAL -> contracted(g, nd, bits[a[0]], bits[a[1]], false, false, 1);
        };
    }

    /** Operand i's sets at tangent width: a primal operand must be a known zero (else null). */
    private static long[] asTangent(long[][] bits, boolean[] tangent, int id, int w) {
        long[] b = bits[id];
        if (tangent[id]) return b.clone();
        for (long v : b) if (v != 0) return null;
        return new long[b.length * w];
    }

    /** The sets of t (w words each) where p (one word each) may be nonzero. */
    private static long[] gated(long[] t, long[] p, int w) {
        long[] r = new long[t.length];
        for (int e = 0; e < p.length; e++) if (p[e] != 0) System.arraycopy(t, e * w, r, e * w, w);
        return r;
    }

    private static long[] or(long[] x, long[] y) {
        long[] r = x.clone();
        for (int i = 0; i < r.length; i++) r[i] |= y[i];
        return r;
    }

    private static long[] ones(int size) {
        long[] r = new long[size];
        Arrays.fill(r, 1);
        return r;
    }

    /**
     * A move (broadcast, reshape, transpose, slice, pad, gather, concat): where each result
     * element comes from is found by the primitive's own kernel run on element numbers (operand
     * k's element e as the number base_k + e + 1; a 0 is a padded zero), so this rule cannot
     * disagree with the kernel's index arithmetic.
     */
    private static long[] moved(Graph g, Node nd, long[][] ops, int w) {
        int[] a = nd.rawArgs();
        Type t = nd.type().withDType(DType.F64);
        int[] base = new int[a.length + 1];
        Object[] numbered = new Object[a.length];
        Type[] types = new Type[a.length];
        for (int i = 0; i < a.length; i++) {
            types[i] = g.type(a[i]).withDType(DType.F64);
            double[] v = new double[types[i].size()];
            for (int e = 0; e < v.length; e++) v[e] = base[i] + e + 1;
            numbered[i] = v;
            base[i + 1] = base[i] + v.length;
        }
        double[] from = nd.prim() == Prim.RESHAPE ? (double[]) numbered[0]
                : (double[]) Kernels.apply(nd.prim(), t, nd.rawInts(), null, numbered, types);
        long[] r = new long[t.size() * w];
        for (int o = 0; o < from.length; o++) {
            int src = (int) from[o] - 1;
            if (src < 0) continue;
            int k = 0;
            while (src >= base[k + 1]) k++;
            System.arraycopy(ops[k], (src - base[k]) * w, r, o * w, w);
        }
        return r;
    }

    /** A reduction over {@code axes} (ascending): each result element the union of the elements it reduces. */
    private static long[] reduced(Type x, int[] axes, int outSize, long[] in, int w) {
        int rank = x.rank();
        boolean[] reducedAxis = new boolean[rank];
        for (int ax : axes) reducedAxis[ax] = true;
        // the result's stride of each operand axis (0 for a reduced one)
        int[] stride = new int[rank];
        for (int i = rank - 1, s = 1; i >= 0; i--) {
            if (reducedAxis[i]) continue;
            stride[i] = s;
            s *= x.dim(i);
        }
        long[] r = new long[outSize * w];
        int[] idx = new int[rank];
        for (int e = 0; e < x.size(); e++) {
            int o = 0;
            for (int i = 0; i < rank; i++) o += idx[i] * stride[i];
            for (int k = 0; k < w; k++) r[o * w + k] |= in[e * w + k];
            for (int i = rank - 1; i >= 0 && ++idx[i] == x.dim(i); i--) idx[i] = 0;
        }
        return r;
    }

    /** scatter_add [axis, size, indices...]: element j along the axis goes to position indices[j]. */
    private static long[] scattered(Type x, Node nd, long[] in, int w) {
        int[] ints = nd.rawInts();
        int axis = ints[0], size = ints[1], n = x.dim(axis);
        int outer = Indexing.prod(x.rawShape(), 0, axis), inner = Indexing.prod(x.rawShape(), axis + 1, x.rank());
        long[] r = new long[nd.type().size() * w];
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < n; j++)
                for (int i = 0; i < inner; i++) {
                    int from = ((o * n + j) * inner + i) * w, to = ((o * size + ints[2 + j]) * inner + i) * w;
                    for (int k = 0; k < w; k++) r[to + k] |= in[from + k];
                }
        return r;
    }

    /**
     * matmul / dot_general: result (b, i, j) is the union over the contracted q of the tangent
     * operand's set at (b, i, q) or (b, q, j) where the primal one's element there may be
     * nonzero (both primal: may be nonzero where some term's factors both may). The operands'
     * elements in [batch, free, contracted] order are found as in {@link #moved}, by the kernel.
     */
    private static long[] contracted(Graph g, Node nd, long[] x, long[] y, boolean xTangent, boolean yTangent, int w) {
        Type tx = g.type(nd.arg(0)), ty = g.type(nd.arg(1));
        int[] lhs, rhs;
        int batch, m, k, n;
        if (nd.prim() == Prim.MATMUL) {
            batch = 1;
            m = tx.dim(0);
            k = tx.dim(1);
            n = ty.dim(1);
            lhs = iota(m * k);
            rhs = iota(k * n);
        } else {
            Contraction.Dims d = Contraction.Dims.of(nd.rawInts());
            int[] fx = Contraction.free(tx.rank(), d.lb(), d.lc()), fy = Contraction.free(ty.rank(), d.rb(), d.rc());
            lhs = order(tx, cat(d.lb(), fx, d.lc()));
            rhs = order(ty, cat(d.rb(), d.rc(), fy));
            batch = size(tx, d.lb());
            m = size(tx, fx);
            k = size(tx, d.lc());
            n = size(ty, fy);
        }
        boolean both = !xTangent && !yTangent;
        int rw = both ? 1 : w;
        long[] r = new long[batch * m * n * rw];
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < m; i++)
                for (int q = 0; q < k; q++) {
                    int xe = lhs[(b * m + i) * k + q];
                    for (int j = 0; j < n; j++) {
                        int ye = rhs[(b * k + q) * n + j], to = ((b * m + i) * n + j) * rw;
                        if (both) {
                            r[to] |= x[xe] & y[ye];
                        } else if (xTangent) {
                            if (y[ye] != 0) for (int c = 0; c < w; c++) r[to + c] |= x[xe * w + c];
                        } else if (x[xe] != 0) {
                            for (int c = 0; c < w; c++) r[to + c] |= y[ye * w + c];
                        }
                    }
                }
        return r;
    }

    /** The element numbers of t in the axis order perm (the transposed value's elements, by the kernel). */
    private static int[] order(Type t, int[] perm) {
        boolean identity = true;
        for (int i = 0; i < perm.length; i++) identity &= perm[i] == i;
        if (identity) return iota(t.size());
        Type t64 = t.withDType(DType.F64);
        double[] v = new double[t.size()];
        for (int e = 0; e < v.length; e++) v[e] = e;
        int[] s = new int[perm.length];
        for (int j = 0; j < perm.length; j++) s[j] = t.dim(perm[j]);
        double[] p = (double[]) Kernels.transpose(v, t64, perm, t64.withShape(s));
        int[] r = new int[p.length];
        for (int e = 0; e < r.length; e++) r[e] = (int) p[e];
        return r;
    }

    private static int[] iota(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }

    private static int size(Type t, int[] axes) {
        int s = 1;
        for (int ax : axes) s *= t.dim(ax);
        return s;
    }

    private static int[] cat(int[] a, int[] b, int[] c) {
        int[] r = Arrays.copyOf(a, a.length + b.length + c.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        System.arraycopy(c, 0, r, a.length + b.length, c.length);
        return r;
    }

    /** The work of one lane of a tangent value: its elements, or a contraction's multiply-adds. */
    private static long work(Graph g, Node nd) {
        long out = nd.type().size();
        return switch (nd.prim().family) {
            case MATMUL -> out * g.type(nd.arg(0)).dim(1);
            case CONTRACT -> {
                Contraction.Dims d = Contraction.Dims.of(nd.rawInts());
                yield out * size(g.type(nd.arg(0)), d.lc());
            }
            case LEAF -> out;
            case UNARY, CONVERT, BINARY, COMPARE, SELECT, SHAPE, SCATTER, REDUCE, CONCAT -> Math.max(out, g.type(nd.arg(0)).size());
        };
    }

    private static long[] unionOf(long[] r, int w) {
        long[] u = new long[w];
        for (int e = 0; e < r.length; e += w) for (int k = 0; k < w; k++) u[k] |= r[e + k];
        return u;
    }

    private static void set(long[] r, int at, int column) {
        r[at + (column >>> 6)] |= 1L << column;
    }
}
