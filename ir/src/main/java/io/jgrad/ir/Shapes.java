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

    /** torch.matmul for 1-D and 2-D operands: [n,k]·[k,m] → [n,m], [n,k]·[k] → [n], [k]·[k,m] → [m], [k]·[k] → []. */
    public static int[] matmul(String op, int[] a, int[] b) {
        if (a.length == 0 || b.length == 0) {
            throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b) + " cannot be multiplied"
                    + " (both arguments to matmul need to be at least 1D, but they are " + a.length + "D and " + b.length + "D)");
        }
        if (a.length > 2 || b.length > 2) {
            throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b) + " cannot be multiplied"
                    + " (only 1-D and 2-D operands are supported)");
        }
        int k1 = a[a.length - 1];
        int k2 = b[0];   // the contracted dimension: a 1-D b's only one, a 2-D b's rows
        if (k1 != k2) {
            String rows = (a.length == 1 ? 1 : a[0]) + "x" + k1;
            String cols = b.length == 1 ? String.valueOf(k2) : k2 + "x" + b[1];
            throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b) + " cannot be multiplied ("
                    + rows + " and " + cols + ")");
        }
        if (a.length == 2 && b.length == 2) return new int[] {a[0], b[1]};
        if (a.length == 2) return new int[] {a[0]};
        if (b.length == 2) return new int[] {b[1]};
        return SCALAR;
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
}
