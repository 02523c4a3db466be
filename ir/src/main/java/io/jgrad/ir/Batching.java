package io.jgrad.ir;

/**
 * Batching rules (JAX's vmap): each primitive applied to operands that carry a batch of L
 * lanes along a new <b>trailing</b> axis, written as ordinary primitives. {@link Derivatives#jacobianColumns}
 * uses them to carry L forward-mode tangents through one pass (jacfwd = vmap(jvp)): the primal
 * values are computed once and every tangent value of shape s becomes one of shape s + [L].
 *
 * <p>Why the lanes go last, not first:
 * <ul>
 *   <li>the lane loop is the innermost, contiguous loop of every tangent operation, and the
 *       primal coefficient it multiplies by (cos x, a matrix entry) is one value for all L lanes:
 *       a tight loop over L lanes beside one primal read, which the JIT and the vector path
 *       vectorise (with leading lanes the inner loop would run over the primal's last axis —
 *       1 for a scalar, 4 for Hand's 4 × 4 transforms);</li>
 *   <li>no axis attribute moves: slice, pad, gather, scatter_add, concat and the reductions keep
 *       their axes, broadcasting (aligned right) keeps its meaning, a reshape keeps its row-major
 *       order; only transpose, matmul and dot_general need a rule of their own;</li>
 *   <li>the Jacobian's layout falls out: a tangent of the output, [m..., L], with lane c the
 *       one-hot direction of input element c, is row-major [m × L], the caller's block itself.</li>
 * </ul>
 * A matmul keeps the lanes in its contiguous inner loop: A·dB is a plain matmul over [k, n·L];
 * dA·B is computed as Bᵀ·dA (dot_general with the operands swapped, lanes last) and read back
 * through a transpose of the two matrix axes, which leaves the lanes innermost.
 *
 * <p>One rule per primitive, in one exhaustive switch ({@link #apply}); everything else about a
 * primitive stays where it was (shape rule and VJP in {@link Prim}, kernels in {@link Kernels}).
 */
final class Batching {
    private Batching() {}

    /**
     * Node {@code n} applied in {@code b} to operands {@code args} (ids in b), where
     * {@code batched[i]} says operand i carries the trailing lane axis of {@code lanes}; at least
     * one does. Returns the id of the result, which carries the lanes (type n's + [lanes]).
     */
    static int apply(Builder b, Node n, int[] args, boolean[] batched, int lanes) {
        Prim p = n.prim();
        int x = args.length > 0 ? args[0] : -1;
        return switch (p) {
            case INPUT, CONST -> throw new AssertionError("a leaf carries no lanes of its own: " + n);
            // elementwise: every operand gets the lanes (an unbatched one is copied along them),
            // the attributes (pow's exponent) and the operation stay
            case NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, POW, STOP_GRADIENT,
                 EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC, FLOOR, ROUND,
                 ADD, SUB, MUL, DIV, MAX, MIN, ATAN2, POWER, GT, GE, LT, LE, EQ, SELECT ->
                    b.add(p, lifted(b, args, batched, lanes), null, n.rawInts(), n.rawData(), null);
            // the target dtype is the declared type's; the shape gains the lanes
            case CONVERT -> b.convert(x, n.type().dtype());
            // broadcasting aligns shapes right: [s..., L] to [t..., L] is s to t with the lanes kept
            case BROADCAST -> b.broadcast(x, withLanes(n.type().rawShape(), lanes));
            // row-major order of [s..., L] is the order of s with each element's lanes together
            case RESHAPE -> b.reshape(x, withLanes(n.type().rawShape(), lanes));
            // the lanes stay the last axis
            case TRANSPOSE -> {
                int[] perm = n.rawInts();
                yield b.transpose(x, withLanes(perm, perm.length));
            }
            // one axis attribute, below the lane axis: unchanged
            case SLICE, PAD, GATHER, SCATTER_ADD, REDUCE_SUM, REDUCE_MAX, CONCAT ->
                    b.add(p, lifted(b, args, batched, lanes), null, n.rawInts(), null, null);
            case MATMUL -> matmul(b, args[0], args[1], batched[0], batched[1], lanes);
            case DOT_GENERAL -> dotGeneral(b, n.rawInts(), args[0], args[1], batched[0], batched[1]);
        };
    }

    /**
     * [m,k]·[k,n] with lanes: A·dB is the matmul [m,k]·[k, n·L] (dB's row-major order is
     * already that); dA·B is dot_general(B, dA) over k, axes [n, m, L], transposed to
     * [m, n, L]; both carrying lanes (never in a tangent graph, which is linear) pairs them as a
     * batch axis.
     */
    private static int matmul(Builder b, int x, int y, boolean bx, boolean by, int lanes) {
        if (!bx) {
            Type ty = b.type(y);
            int k = ty.dim(0), n = ty.dim(1), m = b.type(x).dim(0);
            int flat = b.binary(Prim.MATMUL, x, b.reshape(y, k, n * lanes));
            return b.reshape(flat, m, n, lanes);
        }
        // (dA·B)[i, j, l] = Σ_q B[q, j]·dA[i, q, l]: B on the left keeps the lanes last, the
        // matmul's contiguous inner loop (over i and the lanes), and [j, i, l] becomes [i, j, l]
        if (!by) return b.transpose(b.dotGeneral(y, x, new int[0], new int[0], new int[] {0}, new int[] {1}), 1, 0, 2);
        return b.transpose(b.dotGeneral(x, y, new int[] {2}, new int[] {2}, new int[] {1}, new int[] {0}), 1, 2, 0);
    }

    /**
     * dot_general with lanes: on the rhs only, they are its last free axis and so already the
     * result's last axis; on the lhs only, the operands are swapped so that they are again the
     * rhs's last free axis, and the free axes are put back in order around them; on both, they
     * are paired as the last batch axis and moved to the end.
     */
    private static int dotGeneral(Builder b, int[] ints, int x, int y, boolean bx, boolean by) {
        Contraction.Dims d = Contraction.Dims.of(ints);
        int nb = d.lb().length;
        if (!bx) return b.apply(Prim.DOT_GENERAL, new int[] {x, y}, null, ints, null);
        Type tx = b.type(x);
        if (!by) {
            // the operands swapped: x's free axes (the lanes last) come after y's, so the lanes
            // stay the innermost axis; then y's free axes are moved back behind x's
            int r = b.dotGeneral(y, x, d.rb(), d.lb(), d.rc(), d.lc());
            int yFree = b.type(y).rank() - nb - d.rc().length, xFree = tx.rank() - nb - d.lc().length;
            int[] perm = new int[nb + yFree + xFree];
            int k = 0;
            for (int i = 0; i < nb; i++) perm[k++] = i;
            for (int i = 0; i < xFree - 1; i++) perm[k++] = nb + yFree + i;
            for (int i = 0; i < yFree; i++) perm[k++] = nb + i;
            perm[k] = nb + yFree + xFree - 1;
            return isIdentity(perm) ? r : b.transpose(r, perm);
        }
        int r = b.dotGeneral(x, y, withLanes(d.lb(), tx.rank() - 1), withLanes(d.rb(), b.type(y).rank() - 1), d.lc(), d.rc());
        return toEnd(b, r, nb);
    }

    /**
     * vmap of a whole graph: the inputs with {@code batched[index]} take type [t..., lanes], every
     * value depending on them carries the lanes, and every output does (one that depends on no
     * batched input is copied along them). Lane l of the result is g applied to lane l of the
     * batched inputs and the unbatched inputs as they are: what the tests check each rule against.
     */
    static Graph vmap(Graph g, boolean[] batched, int lanes) {
        if (lanes < 1) throw new IllegalArgumentException("vmap: lanes must be positive, got " + lanes);
        Builder b = new Builder();
        int[] map = new int[g.size()];
        boolean[] has = new boolean[g.size()];
        for (Node n : g.nodes()) {
            int id = n.id();
            if (n.prim() == Prim.INPUT) {
                has[id] = batched[n.inputIndex()];
                map[id] = b.input(n.inputIndex(), n.name(), has[id] ? n.type().withShape(withLanes(n.type().rawShape(), lanes)) : n.type());
                continue;
            }
            int[] args = Rebuild.remap(n, map);
            boolean[] in = new boolean[args.length];
            boolean any = false;
            for (int i = 0; i < args.length; i++) any |= in[i] = has[n.arg(i)];
            has[id] = any;
            map[id] = any ? apply(b, n, args, in, lanes) : b.copy(n, args);
        }
        int[] outs = g.outputs();
        for (int i = 0; i < outs.length; i++) outs[i] = has[outs[i]] ? map[outs[i]] : lift(b, map[outs[i]], lanes);
        return b.build(outs, g.outputNames());
    }

    private static boolean isIdentity(int[] perm) {
        for (int i = 0; i < perm.length; i++) if (perm[i] != i) return false;
        return true;
    }

    /** Value r with its axis {@code axis} moved to the end (nothing when it is there already). */
    private static int toEnd(Builder b, int r, int axis) {
        int rank = b.type(r).rank();
        if (axis == rank - 1) return r;
        int[] perm = new int[rank];
        for (int i = 0, j = 0; i < rank; i++) if (i != axis) perm[j++] = i;
        perm[rank - 1] = axis;
        return b.transpose(r, perm);
    }

    /** The operands with the lanes: an unbatched one is copied along a new trailing axis. */
    private static int[] lifted(Builder b, int[] args, boolean[] batched, int lanes) {
        int[] out = args.clone();
        for (int i = 0; i < out.length; i++) if (!batched[i]) out[i] = lift(b, args[i], lanes);
        return out;
    }

    /** x of shape s as [s..., L], every lane a copy: reshape to [s..., 1], broadcast. */
    static int lift(Builder b, int x, int lanes) {
        int[] s = b.type(x).rawShape();
        int[] one = withLanes(s, 1);
        return b.broadcast(b.reshape(x, one), withLanes(s, lanes));
    }

    /** s with {@code last} appended. */
    static int[] withLanes(int[] s, int last) {
        int[] r = java.util.Arrays.copyOf(s, s.length + 1);
        r[s.length] = last;
        return r;
    }
}
