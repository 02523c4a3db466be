package io.jgrad;

import java.util.Arrays;

/**
 * The frontend's own argument checks (nulls, creation shapes, data lengths, backward's seed).
 * The shape rules of operations are ir's ({@link io.jgrad.ir.Shapes}), which the lowering checks
 * in eager and traced mode alike. Every check throws {@link IllegalArgumentException} naming the
 * op and the shapes; PyTorch's own message follows in parentheses where it has one.
 */
final class Shapes {
    private Shapes() {}

    static final int[] SCALAR = new int[0];

    static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    static int size(int[] shape) {
        return io.jgrad.ir.Shapes.size(shape);
    }

    static <T> T notNull(String op, String what, T value) {
        if (value == null) throw new IllegalArgumentException(op + ": " + what + " is null");
        return value;
    }

    /** A creation shape: not null, no negative dimension. Returns a private copy. */
    static int[] creation(String op, int[] shape) {
        notNull(op, "shape", shape);
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(op + ": shape " + str(shape) + " has a negative dimension"
                        + " (Trying to create tensor with negative dimension " + d + ": " + str(shape) + ")");
            }
        }
        int[] copy = shape.clone();
        size(copy);
        return copy;
    }

    /** The shape of a data array given to Tensor.of: the lengths must agree. */
    static int[] data(String op, Object data, int length, int[] shape) {
        notNull(op, "data", data);
        int[] s = creation(op, shape);
        if (size(s) != length) {
            throw new IllegalArgumentException(op + ": " + length + " values do not fill shape " + str(s)
                    + " (shape '" + str(s) + "' is invalid for input of size " + length + ")");
        }
        return s;
    }

    /** The seed of backward(seed) has the output's shape exactly. */
    static void seed(int[] output, int[] seed) {
        if (!Arrays.equals(output, seed)) {
            throw new IllegalArgumentException("backward: the gradient has shape " + str(seed) + " but the output has shape "
                    + str(output) + " (Mismatch in shape: grad_output[0] has a shape of torch.Size(" + str(seed)
                    + ") and output[0] has a shape of torch.Size(" + str(output) + "))");
        }
    }
}
