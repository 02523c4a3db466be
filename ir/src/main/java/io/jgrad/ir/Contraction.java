package io.jgrad.ir;

import io.jgrad.runtime.DType;
import io.jgrad.runtime.Gemm;
import io.jgrad.runtime.Half;
import java.util.Arrays;

/**
 * Everything about DOT_GENERAL in one place (XLA's dot_general): its attributes, shape rule,
 * VJP and kernel. {@code dot_general(x, y)} pairs batch axes {@code lb[i]} of x with {@code rb[i]}
 * of y and contracts axes {@code lc[i]} of x with {@code rc[i]} of y:
 *
 * <pre>out[b..., i..., j...] = Σ_k x[b, i, k] · y[b, k, j]</pre>
 *
 * The result's axes are the batch axes in the listed order, then x's other (free) axes in
 * increasing order, then y's. Attributes: {@code ints = [nb, nc, lb..., rb..., lc..., rc...]}.
 *
 * <p>The order of the additions is the one {@link ReductionKernels#matmul} defines (runtime.Summation's,
 * over the contracted index q = the row-major index over the contracted axes in the listed order),
 * so a dot_general equal to a MATMUL computes the same bits.
 */
final class Contraction {
    private Contraction() {}

    /** The four axis lists. */
    record Dims(int[] lb, int[] rb, int[] lc, int[] rc) {
        static Dims of(int[] ints) {
            if (ints.length < 2 || ints[0] < 0 || ints[1] < 0 || ints.length != 2 + 2 * ints[0] + 2 * ints[1])
                throw Prim.DOT_GENERAL.error("has attributes " + Arrays.toString(ints)
                        + ", expected [nb, nc, lhs batch (nb), rhs batch (nb), lhs contract (nc), rhs contract (nc)]");
            int nb = ints[0], nc = ints[1];
            return new Dims(Arrays.copyOfRange(ints, 2, 2 + nb), Arrays.copyOfRange(ints, 2 + nb, 2 + 2 * nb),
                    Arrays.copyOfRange(ints, 2 + 2 * nb, 2 + 2 * nb + nc), Arrays.copyOfRange(ints, 2 + 2 * nb + nc, 2 + 2 * nb + 2 * nc));
        }

        int[] encode() {
            int nb = lb.length, nc = lc.length;
            if (rb.length != nb || rc.length != nc)
                throw Prim.DOT_GENERAL.error("batch axes " + Arrays.toString(lb) + " and " + Arrays.toString(rb)
                        + ", contracted axes " + Arrays.toString(lc) + " and " + Arrays.toString(rc) + " do not pair up");
            int[] a = new int[2 + 2 * nb + 2 * nc];
            a[0] = nb;
            a[1] = nc;
            System.arraycopy(lb, 0, a, 2, nb);
            System.arraycopy(rb, 0, a, 2 + nb, nb);
            System.arraycopy(lc, 0, a, 2 + 2 * nb, nc);
            System.arraycopy(rc, 0, a, 2 + 2 * nb + nc, nc);
            return a;
        }
    }

    /** The axes of a rank-r operand that are neither batch nor contracted, increasing. */
    static int[] free(int rank, int[] batch, int[] contract) {
        boolean[] used = new boolean[rank];
        for (int a : batch) used[a] = true;
        for (int a : contract) used[a] = true;
        int[] f = new int[rank - batch.length - contract.length];
        for (int a = 0, j = 0; a < rank; a++) if (!used[a]) f[j++] = a;
        return f;
    }

    // ======================================================================== shape rule

    static Type resultType(Type x, Type y, int[] ints) {
        Dims d = Dims.of(ints);
        if (!x.dtype().isFloat() || x.dtype() != y.dtype())
            throw Prim.DOT_GENERAL.error("needs float operands of one dtype, got " + x + " and " + y);
        checkAxes("lhs", x, d.lb, d.lc);
        checkAxes("rhs", y, d.rb, d.rc);
        for (int i = 0; i < d.lb.length; i++)
            if (x.dim(d.lb[i]) != y.dim(d.rb[i]))
                throw Prim.DOT_GENERAL.error("batch axis " + d.lb[i] + " of " + x + " (size " + x.dim(d.lb[i]) + ") and axis "
                        + d.rb[i] + " of " + y + " (size " + y.dim(d.rb[i]) + ") differ in size");
        for (int i = 0; i < d.lc.length; i++)
            if (x.dim(d.lc[i]) != y.dim(d.rc[i]))
                throw Prim.DOT_GENERAL.error("contracted axis " + d.lc[i] + " of " + x + " (size " + x.dim(d.lc[i]) + ") and axis "
                        + d.rc[i] + " of " + y + " (size " + y.dim(d.rc[i]) + ") differ in size");
        int[] fx = free(x.rank(), d.lb, d.lc), fy = free(y.rank(), d.rb, d.rc);
        int[] shape = new int[d.lb.length + fx.length + fy.length];
        int k = 0;
        for (int a : d.lb) shape[k++] = x.dim(a);
        for (int a : fx) shape[k++] = x.dim(a);
        for (int a : fy) shape[k++] = y.dim(a);
        Shapes.size(shape);   // throws past 2^31-1 elements
        return x.withShape(shape);
    }

    private static void checkAxes(String side, Type t, int[] batch, int[] contract) {
        boolean[] seen = new boolean[t.rank()];
        for (int[] list : new int[][] {batch, contract})
            for (int a : list) {
                if (a < 0 || a >= t.rank())
                    throw Prim.DOT_GENERAL.error(side + " axis " + a + " is out of range [0, " + (t.rank() - 1) + "] for " + t);
                if (seen[a]) throw Prim.DOT_GENERAL.error(side + " axis " + a + " of " + t + " is named twice");
                seen[a] = true;
            }
    }

    // ======================================================================== VJP

    /**
     * out = Σ_k x[b,i,k]·y[b,k,j], so with ḡ[b,i,j]:
     * <ul>
     *   <li>d x[b,i,k] = Σ_j ḡ[b,i,j]·y[b,k,j]: dot_general(ḡ, y) pairing ḡ's batch axes with rb and
     *       contracting ḡ's y-free axes with y's free axes; its axes [b, i, k] (k in y's increasing
     *       order of rc) are transposed to x's layout when they differ;</li>
     *   <li>d y[b,k,j] = Σ_i x[b,i,k]·ḡ[b,i,j]: dot_general(x, ḡ) contracting x's free axes with
     *       ḡ's x-free axes; axes [b, k (x's increasing order of lc), j], transposed to y's layout.</li>
     * </ul>
     * For a batched matmul [B,m,k]·[B,k,n] both come out in the operand's layout: no transpose.
     */
    static int[] vjp(Emitter e, int x, int y, int[] ints, int gbar, boolean wx, boolean wy) {
        Dims d = Dims.of(ints);
        Type tx = e.type(x), ty = e.type(y);
        int nb = d.lb.length;
        int[] fx = free(tx.rank(), d.lb, d.lc), fy = free(ty.rank(), d.rb, d.rc);
        int[] gBatch = range(0, nb), gxFree = range(nb, nb + fx.length), gyFree = range(nb + fx.length, nb + fx.length + fy.length);
        int dx = -1, dy = -1;
        if (wx) {
            int raw = e.dotGeneral(gbar, y, gBatch, d.rb, gyFree, fy);
            // raw axes: batch (nb), x's free (fx order), then y's contracted axes in increasing order
            int[] perm = new int[tx.rank()];
            for (int i = 0; i < nb; i++) perm[d.lb[i]] = i;
            for (int j = 0; j < fx.length; j++) perm[fx[j]] = nb + j;
            for (int k = 0; k < d.lc.length; k++) perm[d.lc[k]] = nb + fx.length + rankAmong(d.rc[k], d.rc);
            dx = transposed(e, raw, perm);
        }
        if (wy) {
            int raw = e.dotGeneral(x, gbar, d.lb, gBatch, fx, gxFree);
            // raw axes: batch (nb), x's contracted axes in increasing order, then y's free (fy order)
            int[] perm = new int[ty.rank()];
            for (int i = 0; i < nb; i++) perm[d.rb[i]] = i;
            for (int k = 0; k < d.rc.length; k++) perm[d.rc[k]] = nb + rankAmong(d.lc[k], d.lc);
            for (int j = 0; j < fy.length; j++) perm[fy[j]] = nb + d.lc.length + j;
            dy = transposed(e, raw, perm);
        }
        return new int[] {dx, dy};
    }

    private static int transposed(Emitter e, int v, int[] perm) {
        for (int i = 0; i < perm.length; i++) if (perm[i] != i) return e.transpose(v, perm);
        return v;
    }

    /** How many entries of {@code list} are smaller than a (its position in the sorted list). */
    private static int rankAmong(int a, int[] list) {
        int r = 0;
        for (int b : list) if (b < a) r++;
        return r;
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }

    // ======================================================================== kernel

    /**
     * x transposed to [batch, free, contracted] = [B, M, K], y to [batch, contracted, free] =
     * [B, K, N], then per batch the [M, K]·[K, N] matmul of this path ({@code runtime.Gemm.product}:
     * the vector kernel's order above its threshold, Summation.dot's below and on the scalar
     * path, as {@link ReductionKernels#matmul} for the same 2-D shape); the result [B, M, N] is already in
     * the result's axis order. F16 is the F32 result (Summation.dot's order) rounded to half.
     */
    static Object apply(Object x, Object y, Type tx, Type ty, int[] ints, Type t) {
        Dims d = Dims.of(ints);
        int[] fx = free(tx.rank(), d.lb, d.lc), fy = free(ty.rank(), d.rb, d.rc);
        Object a = canonical(x, tx, concat(d.lb, fx, d.lc));
        Object b = canonical(y, ty, concat(d.rb, d.rc, fy));
        int batch = size(tx, d.lb), m = size(tx, fx), k = size(tx, d.lc), n = size(ty, fy);
        DType dt = t.dtype();
        if (t.size() == 0) return Kernels.newArray(dt, t.size());
        return switch (dt) {
            case F64 -> Gemm.product((double[]) a, (double[]) b, batch, m, k, n);
            case F32 -> Gemm.product((float[]) a, (float[]) b, batch, m, k, n);
            case F16 -> {
                float[] out = new float[t.size()];
                for (int i = 0; i < batch; i++) {
                    float[] c = ReductionKernels.matmulF32(Arrays.copyOfRange((float[]) a, i * m * k, (i + 1) * m * k),
                            Arrays.copyOfRange((float[]) b, i * k * n, (i + 1) * k * n), m, k, n);
                    System.arraycopy(c, 0, out, i * m * n, m * n);
                }
                yield Half.roundAll(out);
            }
            case BOOL -> throw Prim.DOT_GENERAL.error("needs float operands, got bool");
        };
    }

    private static Object canonical(Object v, Type t, int[] perm) {
        for (int i = 0; i < perm.length; i++) if (perm[i] != i) {
            int[] s = new int[perm.length];
            for (int j = 0; j < perm.length; j++) s[j] = t.dim(perm[j]);
            return Kernels.transpose(v, t, perm, t.withShape(s));
        }
        return v;
    }

    private static int size(Type t, int[] axes) {
        int n = 1;
        for (int a : axes) n *= t.dim(a);
        return n;
    }

    private static int[] concat(int[] a, int[] b, int[] c) {
        int[] r = Arrays.copyOf(a, a.length + b.length + c.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        System.arraycopy(c, 0, r, a.length + b.length, c.length);
        return r;
    }
}
