package io.jgrad.ir;

import io.jgrad.runtime.DType;
import io.jgrad.runtime.Half;
import java.util.Arrays;

/**
 * Everything about the indexing primitives in one place: SLICE, PAD, GATHER, SCATTER_ADD and
 * CONCAT, each along one axis. Their shape rules, VJPs and kernels ({@link Prim} and
 * {@link Kernels} dispatch here). Attributes ({@link Node#ints()}):
 * <ul>
 *   <li>SLICE {@code [axis, start, end]}: elements start..end-1 along axis, 0 &lt;= start &lt;= end &lt;= size;</li>
 *   <li>PAD {@code [axis, low, high]}: low zeros before and high zeros after along axis;</li>
 *   <li>GATHER {@code [axis, i0, ..., ik-1]}: result row j along axis is operand row i_j (0 &lt;= i_j &lt; size);</li>
 *   <li>SCATTER_ADD {@code [axis, size, i0, ..., ik-1]}: a zero tensor of {@code size} rows along axis,
 *       operand row j added into row i_j, in order j = 0, 1, ... (the operand has k rows);</li>
 *   <li>CONCAT {@code [axis]}: the operands (one or more, one dtype, equal sizes off the axis) joined.</li>
 * </ul>
 * Every kernel views a shape as [outer, n, inner] around the axis: outer the product of the sizes
 * before it, inner of those after it, so a row along the axis is one contiguous run of inner elements.
 */
final class Indexing {
    private Indexing() {}

    // ======================================================================== attributes

    static int[] slice(int axis, int start, int end) { return new int[] {axis, start, end}; }

    static int[] pad(int axis, int low, int high) { return new int[] {axis, low, high}; }

    static int[] gather(int axis, int[] indices) {
        int[] a = new int[indices.length + 1];
        a[0] = axis;
        System.arraycopy(indices, 0, a, 1, indices.length);
        return a;
    }

    static int[] scatterAdd(int axis, int size, int[] indices) {
        int[] a = new int[indices.length + 2];
        a[0] = axis;
        a[1] = size;
        System.arraycopy(indices, 0, a, 2, indices.length);
        return a;
    }

    /** The indices of a GATHER or SCATTER_ADD node's attributes. */
    static int[] indices(Prim p, int[] ints) {
        int from = p == Prim.GATHER ? 1 : 2;
        return Arrays.copyOfRange(ints, from, ints.length);
    }

    // ======================================================================== shape rules

    /** x's shape with axis' size replaced, after checking the attribute count and the axis. */
    private static int[] around(Prim p, Type x, int[] ints, int count, String form) {
        if (count >= 0 ? ints.length != count : ints.length < -count)
            throw p.error("has attributes " + Arrays.toString(ints) + ", expected " + form);
        if (x.rank() == 0) throw p.error("needs an operand of rank >= 1, got " + x);
        int axis = ints[0];
        if (axis < 0 || axis >= x.rank()) throw p.error("axis " + axis + " is out of range [0, " + (x.rank() - 1) + "] for " + x);
        return x.shape();
    }

    static Type sliceType(Type x, int[] ints) {
        int[] shape = around(Prim.SLICE, x, ints, 3, "[axis, start, end]");
        int axis = ints[0], n = x.dim(axis), start = ints[1], end = ints[2];
        if (start < 0 || start > n) throw Prim.SLICE.error("start " + start + " is out of range [0, " + n + "] for axis " + axis + " of " + x);
        if (end < start || end > n) throw Prim.SLICE.error("end " + end + " is out of range [" + start + ", " + n + "] for axis " + axis + " of " + x);
        shape[axis] = end - start;
        return x.withShape(shape);
    }

    static Type padType(Type x, int[] ints) {
        int[] shape = around(Prim.PAD, x, ints, 3, "[axis, low, high]");
        int axis = ints[0], low = ints[1], high = ints[2];
        if (low < 0) throw Prim.PAD.error("low " + low + " is out of range [0, 2^31-1]");
        if (high < 0) throw Prim.PAD.error("high " + high + " is out of range [0, 2^31-1]");
        long size = (long) x.dim(axis) + low + high;
        if (size > Integer.MAX_VALUE) throw Prim.PAD.error("the padded size " + size + " of axis " + axis + " exceeds 2^31-1");
        shape[axis] = (int) size;
        return x.withShape(shape);
    }

    static Type gatherType(Type x, int[] ints) {
        int[] shape = around(Prim.GATHER, x, ints, -1, "[axis, indices...]");
        int axis = ints[0], n = x.dim(axis);
        for (int j = 1; j < ints.length; j++)
            if (ints[j] < 0 || ints[j] >= n)
                throw Prim.GATHER.error("index " + ints[j] + " (position " + (j - 1) + ") is out of range [0, " + (n - 1) + "] for axis " + axis + " of " + x);
        shape[axis] = ints.length - 1;
        return x.withShape(shape);
    }

    static Type scatterAddType(Type x, int[] ints) {
        int[] shape = around(Prim.SCATTER_ADD, x, ints, -2, "[axis, size, indices...]");
        int axis = ints[0], size = ints[1], k = ints.length - 2;
        if (!x.dtype().isFloat()) throw Prim.SCATTER_ADD.error("needs a float operand, got " + x);
        if (size < 0) throw Prim.SCATTER_ADD.error("size " + size + " is out of range [0, 2^31-1]");
        if (x.dim(axis) != k) throw Prim.SCATTER_ADD.error("has " + k + " indices for the " + x.dim(axis) + " rows along axis " + axis + " of " + x);
        for (int j = 2; j < ints.length; j++)
            if (ints[j] < 0 || ints[j] >= size)
                throw Prim.SCATTER_ADD.error("index " + ints[j] + " (position " + (j - 2) + ") is out of range [0, " + (size - 1) + "] for size " + size);
        shape[axis] = size;
        return x.withShape(shape);
    }

    static Type concatType(Type[] args, int[] ints) {
        Type x = args[0];
        int[] shape = around(Prim.CONCAT, x, ints, 1, "[axis]");
        int axis = ints[0];
        long total = 0;
        for (int i = 0; i < args.length; i++) {
            Type a = args[i];
            boolean fits = a.dtype() == x.dtype() && a.rank() == x.rank();
            for (int d = 0; fits && d < x.rank(); d++) fits = d == axis || a.dim(d) == x.dim(d);
            if (!fits)
                throw Prim.CONCAT.error("operand " + i + " is " + a + ", which does not fit operand 0 " + x
                        + " (one dtype, one rank, equal sizes except along axis " + axis + ")");
            total += a.dim(axis);
        }
        if (total > Integer.MAX_VALUE) throw Prim.CONCAT.error("the joined size " + total + " of axis " + axis + " exceeds 2^31-1");
        shape[axis] = (int) total;
        return x.withShape(shape);
    }

    // ======================================================================== VJPs: each primitive's is its transpose

    // slice(x, a, s, e): ḡ padded back to x's shape, pad(ḡ, a, s, n - e)
    static int sliceVjp(Emitter e, int x, int[] ints, int gbar) {
        return e.pad(gbar, ints[0], ints[1], e.type(x).dim(ints[0]) - ints[2]);
    }

    // pad(x, a, lo, hi): the middle of ḡ, slice(ḡ, a, lo, lo + n)
    static int padVjp(Emitter e, int x, int[] ints, int gbar) {
        return e.slice(gbar, ints[0], ints[1], ints[1] + e.type(x).dim(ints[0]));
    }

    // gather(x, a, idx): scatter_add(ḡ, a, n, idx): a repeated index adds its rows (index_select's backward)
    static int gatherVjp(Emitter e, int x, int[] ints, int gbar) {
        return e.scatterAdd(gbar, ints[0], e.type(x).dim(ints[0]), indices(Prim.GATHER, ints));
    }

    // scatter_add(x, a, size, idx): gather(ḡ, a, idx)
    static int scatterAddVjp(Emitter e, int[] ints, int gbar) {
        return e.gather(gbar, ints[0], indices(Prim.SCATTER_ADD, ints));
    }

    // concat(x0, x1, ...; a): operand i gets slice(ḡ, a, offset_i, offset_i + n_i)
    static int[] concatVjp(Emitter e, int[] operands, int[] ints, int gbar, boolean[] want) {
        int axis = ints[0];
        int[] d = new int[operands.length];
        int offset = 0;
        for (int i = 0; i < d.length; i++) {
            int n = e.type(operands[i]).dim(axis);
            d[i] = want[i] ? e.slice(gbar, axis, offset, offset + n) : -1;
            offset += n;
        }
        return d;
    }

    // ======================================================================== kernels (exact copies, any dtype; scatter_add adds)

    /** Result type t's [outer, m, inner] around the axis. */
    private static int outer(Type t, int axis) { return prod(t.rawShape(), 0, axis); }
    private static int inner(Type t, int axis) { return prod(t.rawShape(), axis + 1, t.rank()); }

    static Object slice(Object x, Type from, int[] ints, Type t) {
        int axis = ints[0], outer = outer(t, axis), inner = inner(t, axis), run = t.dim(axis) * inner, n = from.dim(axis), start = ints[1];
        Object y = Kernels.newArray(t.dtype(), t.size());
        if (run > 0) for (int o = 0; o < outer; o++) System.arraycopy(x, (o * n + start) * inner, y, o * run, run);
        return y;
    }

    static Object pad(Object x, Type from, int[] ints, Type t) {
        int axis = ints[0], outer = outer(t, axis), inner = inner(t, axis), n = from.dim(axis), m = t.dim(axis), run = n * inner;
        Object y = Kernels.newArray(t.dtype(), t.size());   // new arrays are zero: +0.0 (false for BOOL)
        if (run > 0) for (int o = 0; o < outer; o++) System.arraycopy(x, o * run, y, (o * m + ints[1]) * inner, run);
        return y;
    }

    static Object gather(Object x, Type from, int[] ints, Type t) {
        int axis = ints[0], outer = outer(t, axis), inner = inner(t, axis), n = from.dim(axis), m = t.dim(axis);
        Object y = Kernels.newArray(t.dtype(), t.size());
        if (inner > 0)
            for (int o = 0; o < outer; o++)
                for (int j = 0; j < m; j++) System.arraycopy(x, (o * n + ints[j + 1]) * inner, y, (o * m + j) * inner, inner);
        return y;
    }

    static Object concat(Object[] xs, Type[] from, int[] ints, Type t) {
        int axis = ints[0], outer = outer(t, axis), inner = inner(t, axis), m = t.dim(axis);
        Object y = Kernels.newArray(t.dtype(), t.size());
        int offset = 0;
        for (int i = 0; i < xs.length; i++) {
            int n = from[i].dim(axis), run = n * inner;
            if (run > 0) for (int o = 0; o < outer; o++) System.arraycopy(xs[i], o * run, y, (o * m + offset) * inner, run);
            offset += n;
        }
        return y;
    }

    static Object scatterAdd(Object x, int[] ints, Type t) {
        Object y = Kernels.newArray(t.dtype(), t.size());
        int axis = ints[0];
        if (t.size() > 0) scatterAdd(x, y, t.dtype(), ints, outer(t, axis), t.dim(axis), inner(t, axis));
        return y;
    }

    /**
     * Rows j = 0, 1, ... of x added into rows idx[j] of the zero tensor y, each addition rounded
     * to the dtype (F16: the float sum rounded to half, as PyTorch's half index_add adds in half).
     * A row no index names stays +0.0.
     */
    private static void scatterAdd(Object x, Object y, DType d, int[] ints, int outer, int size, int inner) {
        int k = ints.length - 2;
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < k; j++) {
                int from = (o * k + j) * inner, to = (o * size + ints[j + 2]) * inner;
                switch (d) {
                    case F64 -> { double[] a = (double[]) x, b = (double[]) y; for (int i = 0; i < inner; i++) b[to + i] += a[from + i]; }
                    case F32 -> { float[] a = (float[]) x, b = (float[]) y; for (int i = 0; i < inner; i++) b[to + i] += a[from + i]; }
                    case F16 -> { float[] a = (float[]) x, b = (float[]) y; for (int i = 0; i < inner; i++) b[to + i] = Half.round(b[to + i] + a[from + i]); }
                    case BOOL -> throw new IllegalArgumentException("scatter_add: needs a float operand, got bool");
                }
            }
    }

    static int prod(int[] s, int from, int to) {
        int n = 1;
        for (int i = from; i < to; i++) n *= s[i];
        return n;
    }
}
