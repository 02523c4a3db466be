package io.jgrad.ir;

import java.util.Arrays;

/**
 * The shape rules of the user API and their error words, one set for the eager engine and the
 * tracer (both lower through {@link Composites}, which checks with these before it emits
 * anything). Every check throws IllegalArgumentException starting with the op's name, naming
 * the shapes, with PyTorch's own message in parentheses where it has one. Shapes are plain
 * {@code int[]} (a scalar is {@code []}); no method changes or keeps its arguments.
 */
public final class Shapes {
    private Shapes() {}

    public static final int[] SCALAR = new int[0];

    /** {@code [3, 4]}: the form every message uses. */
    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /** The number of elements; throws when it exceeds 2^31-1 (checked at every multiply, so it cannot wrap). */
    public static int size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;   // n < 2^31 and d < 2^31, so the product cannot wrap a long
            if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("a tensor of shape " + str(shape) + " has more than 2^31-1 elements");
        }
        return (int) n;
    }

    /** NumPy broadcasting: align at the right, each pair equal or one of them 1. Returns {@code a} itself when the shapes are equal. */
    public static int[] broadcast(String op, int[] a, int[] b) {
        if (Arrays.equals(a, b)) return a;
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b) + " cannot be broadcast"
                        + " (the size of tensor a (" + da + ") must match the size of tensor b (" + db
                        + ") at non-singleton dimension " + i + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * A reduction or softmax axis, negative counting from the end, normalised to [0, rank).
     * Like PyTorch, a scalar accepts axis 0 and -1 (one element along a single axis).
     */
    public static int axis(String op, int[] shape, int axis) {
        int rank = Math.max(shape.length, 1);
        if (axis < -rank || axis >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for shape " + str(shape)
                    + " (Dimension out of range (expected to be in range of [" + (-rank) + ", " + (rank - 1)
                    + "], but got " + axis + "))");
        }
        return axis < 0 ? axis + rank : axis;
    }

    /** The shape left when a reduction removes {@code axis} (already normalised); a scalar stays a scalar. */
    public static int[] removeAxis(int[] shape, int axis) {
        if (shape.length == 0) return SCALAR;
        int[] out = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != axis) out[j++] = shape[i];
        return out;
    }

    /**
     * torch.matmul for every rank: [n,k]·[k,m] → [n,m], [n,k]·[k] → [n], [k]·[k,m] → [m], [k]·[k] → [];
     * batched operands [..., n, k]·[..., k, m] → [batch..., n, m] with the batch dimensions (all but
     * the last two) broadcast; a 1-D first operand is promoted to [1, k] and a 1-D second one to
     * [k, 1], and the added dimension is removed from the result.
     */
    public static int[] matmul(String op, int[] a, int[] b) {
        if (a.length == 0 || b.length == 0) {
            throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b) + " cannot be multiplied"
                    + " (both arguments to matmul need to be at least 1D, but they are " + a.length + "D and " + b.length + "D)");
        }
        int k1 = a[a.length - 1];
        int k2 = b.length == 1 ? b[0] : b[b.length - 2];   // the contracted dimension
        if (k1 != k2) {
            String rows = (a.length == 1 ? 1 : a[a.length - 2]) + "x" + k1;
            String cols = b.length == 1 ? String.valueOf(k2) : k2 + "x" + b[b.length - 1];
            throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b) + " cannot be multiplied ("
                    + rows + " and " + cols + ")");
        }
        if (a.length <= 2 && b.length <= 2) {
            if (a.length == 2 && b.length == 2) return new int[] {a[0], b[1]};
            if (a.length == 2) return new int[] {a[0]};
            if (b.length == 2) return new int[] {b[1]};
            return SCALAR;
        }
        int[] batchA = a.length > 2 ? Arrays.copyOf(a, a.length - 2) : SCALAR;
        int[] batchB = b.length > 2 ? Arrays.copyOf(b, b.length - 2) : SCALAR;
        int[] batch;
        try {
            batch = broadcast(op, batchA, batchB);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b) + " cannot be multiplied: the batch dimensions "
                    + str(batchA) + " and " + str(batchB) + " cannot be broadcast", e);
        }
        int[] out = Arrays.copyOf(batch, batch.length + 2);
        out[batch.length] = a.length == 1 ? 1 : a[a.length - 2];
        out[batch.length + 1] = b.length == 1 ? 1 : b[b.length - 1];
        size(out);
        if (a.length == 1) return removeAxis(out, batch.length);
        if (b.length == 1) return Arrays.copyOf(out, out.length - 1);
        return out;
    }

    /** dot: two 1-D tensors of the same length → scalar. */
    public static int[] dot(String op, int[] a, int[] b) {
        if (a.length != 1 || b.length != 1) {
            throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b) + " are not both 1-D"
                    + " (1D tensors expected, but got " + a.length + "D and " + b.length + "D tensors)");
        }
        if (a[0] != b[0]) {
            throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b) + " differ in length"
                    + " (inconsistent tensor size, expected tensor [" + a[0] + "] and src [" + b[0]
                    + "] to have the same number of elements, but got " + a[0] + " and " + b[0] + " elements respectively)");
        }
        return SCALAR;
    }

    /** t(): like PyTorch, 0-D and 1-D tensors are returned as they are, 2-D are transposed. */
    public static int[] transpose(String op, int[] a) {
        if (a.length > 2) {
            throw new IllegalArgumentException(op + ": shape " + str(a) + " has more than 2 dimensions"
                    + " (t() expects a tensor with <= 2 dimensions, but self is " + a.length + "D)");
        }
        return a.length == 2 ? new int[] {a[1], a[0]} : a;
    }

    /** reshape: the same number of elements; at most one dimension may be -1 (inferred). Returns the target shape. */
    public static int[] reshape(String op, int[] from, int[] to) {
        if (to == null) throw new IllegalArgumentException(op + ": shape is null");
        int n = size(from);
        int infer = -1;
        long known = 1;
        for (int i = 0; i < to.length; i++) {
            if (to[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException(op + ": shape " + str(to) + " has more than one -1 (only one dimension can be inferred)");
                infer = i;
            } else if (to[i] < 0) {
                throw new IllegalArgumentException(op + ": shape " + str(to) + " has a negative dimension (invalid shape dimension " + to[i] + ")");
            } else {
                known *= to[i];
                if (known > Integer.MAX_VALUE) throw invalidReshape(op, from, to, n);   // checked at every step, so it cannot wrap
            }
        }
        int[] out = to.clone();
        if (infer >= 0) {
            if (known == 0) {
                throw new IllegalArgumentException(op + ": cannot reshape " + str(from) + " into " + str(to)
                        + " because the unspecified dimension size -1 can be any value and is ambiguous");
            }
            if (n % known != 0) throw invalidReshape(op, from, to, n);
            out[infer] = (int) (n / known);
        } else if (known != n) {
            throw invalidReshape(op, from, to, n);
        }
        return out;
    }

    private static IllegalArgumentException invalidReshape(String op, int[] from, int[] to, int n) {
        return new IllegalArgumentException(op + ": cannot reshape " + str(from) + " into " + str(to)
                + " (shape '" + str(to) + "' is invalid for input of size " + n + ")");
    }

    // ------------------------------------------------------------------ version 2: structure

    /** An axis of an op that inserts one (unsqueeze, stack): in [-(rank+1), rank], normalised to [0, rank]. */
    public static int newAxis(String op, int[] shape, int axis) {
        int r = shape.length;
        if (axis < -(r + 1) || axis > r) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for shape " + str(shape)
                    + " (Dimension out of range (expected to be in range of [" + (-(r + 1)) + ", " + r + "], but got " + axis + "))");
        }
        return axis < 0 ? axis + r + 1 : axis;
    }

    /** An axis of an op that needs a dimension (select, slice, cat, indexSelect on a tensor): in [-rank, rank-1]. */
    public static int dimAxis(String op, int[] shape, int axis) {
        if (shape.length == 0)
            throw new IllegalArgumentException(op + ": cannot be applied to a 0-dim tensor (shape []), axis " + axis);
        return axis(op, shape, axis);
    }

    /**
     * slice(axis, start, end) as Python's x[start:end] along an axis: a negative bound counts from
     * the end, then both clamp to [0, size] and end to at least start. Returns {axis, start, end}
     * normalised.
     */
    public static int[] slice(String op, int[] shape, int axis, int start, int end) {
        int a = dimAxis(op, shape, axis), n = shape[a];
        long s = start < 0 ? (long) start + n : start, e = end < 0 ? (long) end + n : end;
        s = Math.max(0, Math.min(s, n));
        e = Math.max(s, Math.min(e, n));
        return new int[] {a, (int) s, (int) e};
    }

    /** select(axis, index): index in [-size, size-1]. Returns {axis, index} normalised. */
    public static int[] select(String op, int[] shape, int axis, int index) {
        int a = dimAxis(op, shape, axis), n = shape[a];
        if (index < -n || index >= n) {
            throw new IllegalArgumentException(op + ": index " + index + " is out of range [" + (-n) + ", " + (n - 1) + "] for axis " + a
                    + " of shape " + str(shape) + " (index " + index + " is out of bounds for dimension " + a + " with size " + n + ")");
        }
        return new int[] {a, index < 0 ? index + n : index};
    }

    /** indexSelect(axis, indices): each index in [0, size-1] (PyTorch's index_select takes no negative index). Returns the axis. */
    public static int indexSelect(String op, int[] shape, int axis, int[] indices) {
        if (indices == null) throw new IllegalArgumentException(op + ": indices is null");
        int a = axis(op, shape, axis), n = shape.length == 0 ? 1 : shape[a];
        for (int j = 0; j < indices.length; j++)
            if (indices[j] < 0 || indices[j] >= n)
                throw new IllegalArgumentException(op + ": index " + indices[j] + " (position " + j + ") is out of range [0, " + (n - 1)
                        + "] for axis " + a + " of shape " + str(shape) + " (index out of range in self)");
        return a;
    }

    /**
     * cat along an axis: at least one tensor, none 0-dim, one rank, equal sizes except along the
     * axis. Returns the result shape.
     */
    public static int[] cat(String op, int axis, int[][] shapes) {
        if (shapes == null || shapes.length == 0)
            throw new IllegalArgumentException(op + ": needs at least one tensor (expected a non-empty list of Tensors)");
        for (int i = 0; i < shapes.length; i++)
            if (shapes[i].length == 0)
                throw new IllegalArgumentException(op + ": tensor " + i + " has shape [] (zero-dimensional tensor (at position " + i + ") cannot be concatenated)");
        int[] first = shapes[0];
        int a = axis(op, first, axis);
        long total = 0;
        for (int i = 0; i < shapes.length; i++) {
            int[] s = shapes[i];
            boolean fits = s.length == first.length;
            for (int d = 0; fits && d < s.length; d++) fits = d == a || s[d] == first[d];
            if (!fits)
                throw new IllegalArgumentException(op + ": tensor " + i + " has shape " + str(s) + ", tensor 0 " + str(first)
                        + " (sizes of tensors must match except in dimension " + a + ")");
            total += s[a];
        }
        int[] out = first.clone();
        if (total > Integer.MAX_VALUE) throw new IllegalArgumentException(op + ": the result would have " + total + " rows along axis " + a);
        out[a] = (int) total;
        return out;
    }

    /** stack along a new axis: at least one tensor, all of one shape. Returns the result shape. */
    public static int[] stack(String op, int axis, int[][] shapes) {
        if (shapes == null || shapes.length == 0)
            throw new IllegalArgumentException(op + ": needs at least one tensor (stack expects a non-empty TensorList)");
        int[] first = shapes[0];
        int a = newAxis(op, first, axis);
        for (int i = 1; i < shapes.length; i++)
            if (!Arrays.equals(shapes[i], first))
                throw new IllegalArgumentException(op + ": tensor " + i + " has shape " + str(shapes[i]) + ", tensor 0 " + str(first)
                        + " (stack expects each tensor to be equal size)");
        int[] out = new int[first.length + 1];
        for (int d = 0, j = 0; d < out.length; d++) out[d] = d == a ? shapes.length : first[j++];
        size(out);
        return out;
    }

    /** permute: one axis per dimension (negative allowed), each once. Returns the normalised permutation. */
    public static int[] permute(String op, int[] shape, int[] axes) {
        if (axes == null) throw new IllegalArgumentException(op + ": axes is null");
        if (axes.length != shape.length)
            throw new IllegalArgumentException(op + ": " + axes.length + " axes " + Arrays.toString(axes) + " for shape " + str(shape)
                    + " (number of dims don't match in permute)");
        int[] p = new int[axes.length];
        boolean[] seen = new boolean[axes.length];
        for (int i = 0; i < axes.length; i++) {
            p[i] = axis(op, shape, axes[i]);
            if (seen[p[i]])
                throw new IllegalArgumentException(op + ": axis " + axes[i] + " is repeated in " + Arrays.toString(axes) + " (repeated dim in permute)");
            seen[p[i]] = true;
        }
        return p;
    }

    /**
     * expand: the target has at least the tensor's rank; a -1 keeps a size (not allowed for a new
     * leading dimension); every existing size equals the target's or is 1. Returns the result shape.
     */
    public static int[] expand(String op, int[] shape, int[] target) {
        if (target == null) throw new IllegalArgumentException(op + ": shape is null");
        if (target.length < shape.length)
            throw new IllegalArgumentException(op + ": cannot expand shape " + str(shape) + " to " + str(target)
                    + " (the number of sizes provided (" + target.length + ") must be greater or equal to the number of dimensions in the tensor ("
                    + shape.length + "))");
        int lead = target.length - shape.length;
        int[] out = new int[target.length];
        for (int i = 0; i < target.length; i++) {
            int t = target[i];
            if (i < lead) {
                if (t < 0)
                    throw new IllegalArgumentException(op + ": cannot expand shape " + str(shape) + " to " + str(target) + " (the expanded size of the tensor ("
                            + t + ") isn't allowed in a leading, non-existing dimension " + i + ")");
                out[i] = t;
                continue;
            }
            int s = shape[i - lead];
            if (t == -1) t = s;
            if (t < 0 || (s != t && s != 1))
                throw new IllegalArgumentException(op + ": cannot expand shape " + str(shape) + " to " + str(target) + " (the expanded size of the tensor ("
                        + target[i] + ") must match the existing size (" + s + ") at non-singleton dimension " + i + ")");
            out[i] = t;
        }
        size(out);
        return out;
    }
}
