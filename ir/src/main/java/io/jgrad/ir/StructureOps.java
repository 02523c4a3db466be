package io.jgrad.ir;

import io.jgrad.runtime.DType;
import java.util.Arrays;

/**
 * The structural user ops (API.md "More operations": indexing, joining, views, matmul) lowered
 * onto primitives; {@link Composites} is their public face. Each checks the user-level rule with
 * {@link Shapes} (the words the eager engine uses too) before it emits anything.
 */
final class StructureOps {
    private StructureOps() {}

    // x[..., start:end, ...]: Python's bounds, clamped; one SLICE
    static int slice(Emitter e, int x, int axis, int start, int end) {
        int[] s = Shapes.slice("slice", e.type(x).rawShape(), axis, start, end);
        return e.slice(x, s[0], s[1], s[2]);
    }

    // x[..., index, ...]: a one-row SLICE, then a RESHAPE that drops the axis
    static int select(Emitter e, int x, int axis, int index) {
        int[] shape = e.type(x).rawShape();
        int[] s = Shapes.select("select", shape, axis, index);
        return e.reshape(e.slice(x, s[0], s[1], s[1] + 1), Shapes.removeAxis(shape, s[0]));
    }

    // index_select: one GATHER (a 0-dim tensor is taken as one row)
    static int indexSelect(Emitter e, int x, int axis, int[] indices) {
        Type t = e.type(x);
        int a = Shapes.indexSelect("indexSelect", t.rawShape(), axis, indices);
        int v = t.isScalar() ? e.reshape(x, 1) : x;
        return e.gather(v, a, indices.clone());
    }

    // torch.cat: one CONCAT (also for a single tensor, so the op has a node of its own)
    static int cat(Emitter e, int axis, int[] xs) {
        int[][] shapes = shapes(e, "cat", xs);
        Shapes.cat("cat", axis, shapes);
        sameDType(e, "cat", xs);
        return e.concat(Shapes.axis("cat", shapes[0], axis), xs.clone());
    }

    // torch.stack: each tensor unsqueezed at the axis, then one CONCAT
    static int stack(Emitter e, int axis, int[] xs) {
        int[][] shapes = shapes(e, "stack", xs);
        Shapes.stack("stack", axis, shapes);
        sameDType(e, "stack", xs);
        int a = Shapes.newAxis("stack", shapes[0], axis);
        int[] parts = new int[xs.length];
        for (int i = 0; i < xs.length; i++) parts[i] = e.reshape(xs[i], inserted(shapes[i], a));
        return e.concat(a, parts);
    }

    static int unsqueeze(Emitter e, int x, int axis) {
        int[] shape = e.type(x).rawShape();
        return e.reshape(x, inserted(shape, Shapes.newAxis("unsqueeze", shape, axis)));
    }

    // squeeze of an axis whose size is not 1 (or of a 0-dim tensor) returns x unchanged, as PyTorch
    static int squeeze(Emitter e, int x, int axis) {
        int[] shape = e.type(x).rawShape();
        int a = Shapes.axis("squeeze", shape, axis);
        return shape.length == 0 || shape[a] != 1 ? x : e.reshape(x, Shapes.removeAxis(shape, a));
    }

    static int permute(Emitter e, int x, int[] axes) {
        int[] p = Shapes.permute("permute", e.type(x).rawShape(), axes);
        return e.transpose(x, p);
    }

    static int transpose(Emitter e, int x, int a, int b) {
        int[] shape = e.type(x).rawShape();
        int i = Shapes.axis("transpose", shape, a), j = Shapes.axis("transpose", shape, b);
        if (shape.length == 0) return x;
        int[] p = new int[shape.length];
        for (int k = 0; k < p.length; k++) p[k] = k;
        p[i] = j;
        p[j] = i;
        return e.transpose(x, p);
    }

    static int expand(Emitter e, int x, int[] shape) {
        int[] to = Shapes.expand("expand", e.type(x).rawShape(), shape);
        return Arrays.equals(to, e.type(x).rawShape()) ? x : e.broadcast(x, to);
    }

    // a 0-dim tensor becomes shape [1], as PyTorch's flatten
    static int flatten(Emitter e, int x) {
        Type t = e.type(x);
        return t.rank() == 1 ? x : e.reshape(x, t.size());
    }

    static int eye(Emitter e, DType dtype, int n) {
        if (dtype == null) throw new IllegalArgumentException("eye: dtype is null");
        if (n < 0) throw new IllegalArgumentException("eye: n is " + n + ", expected n >= 0 (n must be greater or equal to 0, got " + n + ")");
        Type t = Type.of(dtype, n, n);
        double[] d = new double[t.size()];
        for (int i = 0; i < n; i++) d[i * n + i] = 1;
        return e.constant(t, d);
    }

    static int arange(Emitter e, DType dtype, int n) {
        if (dtype == null) throw new IllegalArgumentException("arange: dtype is null");
        if (dtype == DType.BOOL) throw new IllegalArgumentException("arange: dtype bool is not supported, expected f16, f32 or f64");
        if (n < 0) throw new IllegalArgumentException("arange: n is " + n + ", expected n >= 0 (upper bound and larger bound inconsistent with step sign)");
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = i;
        return e.constant(Type.of(dtype, n), d);
    }

    // ------------------------------------------------------------------ matmul

    /**
     * torch.matmul for every rank ({@link Shapes#matmul}). 1-D and 2-D operands as version 1
     * (MATMUL, reshapes around it). Batched: a 1-D operand is promoted ([k] → [1,k] on the left,
     * [k,1] on the right) and the added axis dropped at the end; then
     * <ul>
     *   <li>a 2-D right operand: the left one's batch axes fold into its rows, one MATMUL
     *       ([..., m, k] → [B·m, k]), as PyTorch folds them;</li>
     *   <li>a 2-D left operand: one DOT_GENERAL [m,k]·[B..., k, n] → [m, B..., n], transposed to
     *       [B..., m, n] (no copy of the left operand per batch);</li>
     *   <li>both batched: each broadcast to the common batch shape (when it differs), one
     *       DOT_GENERAL with the batch axes paired.</li>
     * </ul>
     */
    static int matmul(Emitter e, String op, int x, int y) {
        Type tx = e.type(x), ty = e.type(y);
        int[] shape = Shapes.matmul(op, tx.rawShape(), ty.rawShape());
        if (tx.dtype() != ty.dtype())
            throw new IllegalArgumentException(op + ": dtypes differ: " + tx + " and " + ty
                    + " (expected both operands to have the same dtype; convert one with to(DType))");
        int ra = tx.rank(), rb = ty.rank();
        if (ra <= 2 && rb <= 2) {
            int kx = tx.dim(ra - 1), ky = ty.dim(0);
            int a = ra == 2 ? x : e.reshape(x, 1, kx);
            int c = rb == 2 ? y : e.reshape(y, ky, 1);
            int product = e.binary(Prim.MATMUL, a, c);
            return ra == 2 && rb == 2 ? product : e.reshape(product, shape);
        }
        int a = ra == 1 ? e.reshape(x, 1, tx.dim(0)) : x;
        int b = rb == 1 ? e.reshape(y, ty.dim(0), 1) : y;
        int[] sa = e.type(a).rawShape(), sb = e.type(b).rawShape();
        int m = sa[sa.length - 2], k = sa[sa.length - 1], n = sb[sb.length - 1];
        int product;
        if (sb.length == 2) {
            int rows = Shapes.size(Arrays.copyOf(sa, sa.length - 1));
            int[] out = sa.clone();
            out[out.length - 1] = n;
            product = e.reshape(e.binary(Prim.MATMUL, e.reshape(a, rows, k), b), out);
        } else if (sa.length == 2) {
            int nbb = sb.length - 2;
            int raw = e.dotGeneral(a, b, new int[0], new int[0], new int[] {1}, new int[] {nbb});   // [m, B..., n]
            int[] perm = new int[nbb + 2];
            for (int i = 0; i < nbb; i++) perm[i] = i + 1;
            perm[nbb] = 0;
            perm[nbb + 1] = nbb + 1;
            product = e.transpose(raw, perm);
        } else {
            int[] batch = Shapes.broadcast(op, Arrays.copyOf(sa, sa.length - 2), Arrays.copyOf(sb, sb.length - 2));
            int nb = batch.length;
            int[] ta = Arrays.copyOf(batch, nb + 2), tb = Arrays.copyOf(batch, nb + 2);
            ta[nb] = m;
            ta[nb + 1] = k;
            tb[nb] = k;
            tb[nb + 1] = n;
            int[] axes = new int[nb];
            for (int i = 0; i < nb; i++) axes[i] = i;
            product = e.dotGeneral(Composites.broadcastTo(e, a, ta), Composites.broadcastTo(e, b, tb), axes, axes, new int[] {nb + 1}, new int[] {nb});
        }
        return Arrays.equals(e.type(product).rawShape(), shape) ? product : e.reshape(product, shape);
    }

    // ------------------------------------------------------------------ helpers

    private static int[][] shapes(Emitter e, String op, int[] xs) {
        if (xs == null || xs.length == 0) throw new IllegalArgumentException(op + ": needs at least one tensor (expected a non-empty list of Tensors)");
        int[][] s = new int[xs.length][];
        for (int i = 0; i < xs.length; i++) s[i] = e.type(xs[i]).rawShape();
        return s;
    }

    private static void sameDType(Emitter e, String op, int[] xs) {
        DType d = e.type(xs[0]).dtype();
        for (int i = 1; i < xs.length; i++)
            if (e.type(xs[i]).dtype() != d)
                throw new IllegalArgumentException(op + ": tensor " + i + " is " + e.type(xs[i]) + ", tensor 0 " + e.type(xs[0])
                        + " (expected one dtype; convert with to(DType))");
    }

    /** shape with a 1 inserted at axis a (0 <= a <= rank). */
    static int[] inserted(int[] shape, int a) {
        int[] out = new int[shape.length + 1];
        for (int d = 0, j = 0; d < out.length; d++) out[d] = d == a ? 1 : shape[j++];
        return out;
    }
}
