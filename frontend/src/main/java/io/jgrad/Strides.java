package io.jgrad;

import java.util.Arrays;

/**
 * The strides PyTorch would give an eager result, kept only to name {@code reshape}'s node as
 * PyTorch does: ReshapeAliasBackward0 where PyTorch can view the data, UnsafeViewBackward0 where
 * it must copy (after a transpose, a partial slice, a select, an expand, ...). jgrad's own data
 * is always row-major; these are PyTorch's strides for the same tensor, in elements, and
 * {@code null} means contiguous. Each rule is PyTorch 1.13's: views permute, drop, insert or
 * zero strides; {@link #view} is at::detail::computeStride; elementwise results are dense in the
 * order TensorIterator picks ({@link #elementwise}).
 */
final class Strides {
    private Strides() {}

    /** Row-major strides of a shape. */
    static int[] contiguous(int[] shape) {
        int[] s = new int[shape.length];
        int p = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = p;
            p *= shape[d] > 1 ? shape[d] : 1;
        }
        return s;
    }

    /** null for strides equal to the contiguous ones (dims of size 1 do not count), else the strides. */
    static int[] normal(int[] shape, int[] strides) {
        if (strides == null) return null;
        int[] c = contiguous(shape);
        for (int d = 0; d < shape.length; d++) if (shape[d] != 1 && strides[d] != c[d]) return strides;
        return null;
    }

    private static int[] of(int[] shape, int[] strides) {
        return strides == null ? contiguous(shape) : strides;
    }

    /** permute/transpose/t: result axis i is axis p[i]. */
    static int[] permute(int[] shape, int[] strides, int[] p) {
        int[] s = of(shape, strides), out = new int[p.length], outShape = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = s[p[i]];
            outShape[i] = shape[p[i]];
        }
        return normal(outShape, out);
    }

    /** transpose(a, b): the two axes' strides swapped (negative axes allowed; a 0-dim tensor unchanged). */
    static int[] transpose(int[] shape, int[] strides, int a, int b) {
        if (shape.length == 0) return strides;
        int[] p = new int[shape.length];
        for (int d = 0; d < p.length; d++) p[d] = d;
        int i = io.jgrad.ir.Shapes.axis("transpose", shape, a), j = io.jgrad.ir.Shapes.axis("transpose", shape, b);
        p[i] = j;
        p[j] = i;
        return permute(shape, strides, p);
    }

    /** slice: the same strides, a new size along the axis. */
    static int[] slice(int[] shape, int[] strides, int[] resultShape) {
        return normal(resultShape, of(shape, strides).clone());
    }

    /** select: the axis removed. */
    static int[] select(int[] shape, int[] strides, int axis, int[] resultShape) {
        int[] s = of(shape, strides);
        int[] out = new int[s.length - 1];
        for (int d = 0, j = 0; d < s.length; d++) if (d != axis) out[j++] = s[d];
        return normal(resultShape, out);
    }

    /** unsqueeze: PyTorch's new stride is size·stride of the axis it is inserted before (1 at the end). */
    static int[] unsqueeze(int[] shape, int[] strides, int axis, int[] resultShape) {
        int[] s = of(shape, strides);
        int[] out = new int[s.length + 1];
        for (int d = 0, j = 0; d < out.length; d++) {
            if (d == axis) out[d] = axis >= s.length ? 1 : shape[axis] * s[axis];
            else out[d] = s[j++];
        }
        return normal(resultShape, out);
    }

    /** squeeze: the axis removed when its size is 1 (otherwise nothing changes). */
    static int[] squeeze(int[] shape, int[] strides, int axis, int[] resultShape) {
        if (resultShape.length == shape.length) return strides;
        int[] s = of(shape, strides);
        int[] out = new int[s.length - 1];
        for (int d = 0, j = 0; d < s.length; d++) if (d != axis) out[j++] = s[d];
        return normal(resultShape, out);
    }

    /** expand: stride 0 for a new leading axis and for an axis of size 1 made larger. */
    static int[] expand(int[] shape, int[] strides, int[] resultShape) {
        int[] s = of(shape, strides);
        int lead = resultShape.length - shape.length;
        int[] out = new int[resultShape.length];
        for (int d = 0; d < out.length; d++) {
            if (d < lead) out[d] = 0;
            else out[d] = shape[d - lead] == 1 && resultShape[d] != 1 ? 0 : s[d - lead];
        }
        return normal(resultShape, out);
    }

    /**
     * at::detail::computeStride: the strides of {@code newShape} viewing data of {@code shape}
     * and {@code strides} without a copy, or null if reshape has to copy.
     */
    static int[] view(int[] shape, int[] strides, int[] newShape) {
        int[] old = of(shape, strides);
        if (shape.length == 0 || Shapes.size(shape) == 0) return contiguous(newShape);
        int[] out = new int[newShape.length];
        int viewD = newShape.length - 1;
        long chunkBase = old[old.length - 1], tensorNumel = 1, viewNumel = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            tensorNumel *= shape[d];
            if (d == 0 || (shape[d - 1] != 1 && old[d - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    out[viewD] = (int) (viewNumel * chunkBase);
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0) {
                    chunkBase = old[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        return viewD == -1 ? out : null;
    }

    /**
     * The strides of an elementwise result over operands of the given strides broadcast to
     * {@code shape} (null entries contiguous): TensorIterator's order, the axis with the smallest
     * stride innermost (an operand broadcast along either axis has no say; equal strides put the
     * smaller size first), then dense in that order.
     */
    static int[] elementwise(int[] shape, int[][] shapes, int[][] strides) {
        boolean any = false;
        for (int[] s : strides) any |= s != null;
        if (!any || shape.length < 2) return null;
        int n = shape.length;
        int[][] st = new int[shapes.length][];
        for (int k = 0; k < shapes.length; k++) st[k] = broadcast(shapes[k], strides[k], shape);
        int[] perm = new int[n];   // perm[0] innermost, as TensorIterator's perm_
        for (int i = 0; i < n; i++) perm[i] = n - 1 - i;
        for (int i = 1; i < n; i++) {
            int dim1 = i;
            for (int dim0 = i - 1; dim0 >= 0; dim0--) {
                int c = shouldSwap(st, shape, perm[dim0], perm[dim1]);
                if (c > 0) {
                    int t = perm[dim0];
                    perm[dim0] = perm[dim1];
                    perm[dim1] = t;
                    dim1 = dim0;
                } else if (c < 0) {
                    break;
                }
            }
        }
        int[] out = new int[n];
        int p = 1;
        for (int i = 0; i < n; i++) {
            out[perm[i]] = p;
            p *= shape[perm[i]] > 1 ? shape[perm[i]] : 1;
        }
        return normal(shape, out);
    }

    private static int shouldSwap(int[][] st, int[] shape, int dim0, int dim1) {
        for (int[] s : st) {
            int s0 = s[dim0], s1 = s[dim1];
            if (s0 == 0 || s1 == 0) continue;
            if (s0 < s1) return -1;
            if (s0 > s1) return 1;
            if (shape[dim0] > shape[dim1]) return 1;
        }
        return 0;
    }

    /** An operand's strides seen from the broadcast result: 0 along new and broadcast axes. */
    private static int[] broadcast(int[] shape, int[] strides, int[] to) {
        int[] s = of(shape, strides), out = new int[to.length];
        int lead = to.length - shape.length;
        for (int d = lead; d < to.length; d++) out[d] = shape[d - lead] == 1 && to[d] != 1 ? 0 : s[d - lead];
        return out;
    }

    static boolean same(int[] a, int[] b) {
        return Arrays.equals(a, b);
    }
}
