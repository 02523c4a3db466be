package io.jgrad.codegen;

import io.jgrad.ir.Node;
import io.jgrad.ir.Type;

/**
 * Where a fused expression reads a value inside a kernel's loop nest: each coordinate of the
 * value as a linear form over the loop variables ({@code coords[axis][var]}), or, for a read
 * of a row-major buffer through a RESHAPE, only the flat index as such a form ({@code flat}).
 * Broadcasting and transposition are rewrites of these forms, so neither ever copies.
 * Every coefficient is non-negative.
 */
final class Access {
    final int[][] coords;
    final int[] flat;

    private Access(int[][] coords, int[] flat) {
        this.coords = coords;
        this.flat = flat;
    }

    static Access ofCoords(int[][] coords) { return new Access(coords, null); }

    /** Axis a of the value is loop variable vars[a]. */
    static Access axes(int loopVars, int... vars) {
        int[][] c = new int[vars.length][loopVars];
        for (int a = 0; a < vars.length; a++) c[a][vars[a]] = 1;
        return new Access(c, null);
    }

    /** The flat row-major index of a value of type t read through this access. */
    int[] flatForm(Type t) {
        if (flat != null) return flat;
        int[] st = t.strides();
        int loops = coords.length == 0 ? 0 : coords[0].length;
        int[] f = new int[loops];
        for (int a = 0; a < coords.length; a++)
            for (int l = 0; l < loops; l++) f[l] += st[a] * coords[a][l];
        return f;
    }

    /**
     * The access of operand {@code pos} of {@code v}, given v's access; null when a RESHAPE
     * cannot be expressed as coordinates of its operand (the operand must then be a buffer).
     * {@code argIsBuffer}: the operand is read from a row-major array, so a flat form suffices.
     */
    static Access ofArg(Node v, Type result, Type arg, Access acc, int[] ext, boolean argIsBuffer) {
        return switch (v.prim()) {
            case BROADCAST -> {
                int off = result.rank() - arg.rank();
                int loops = ext.length;
                int[][] c = new int[arg.rank()][];
                for (int a = 0; a < arg.rank(); a++) c[a] = arg.dim(a) == 1 ? new int[loops] : acc.coords[a + off];
                yield new Access(c, null);
            }
            case TRANSPOSE -> {
                int[] perm = v.ints();
                int[][] c = new int[arg.rank()][];
                for (int i = 0; i < perm.length; i++) c[perm[i]] = acc.coords[i];
                yield new Access(c, null);
            }
            case RESHAPE -> {
                int[] f = acc.flatForm(result);
                int[][] c = decompose(f, ext, arg);
                if (c != null) yield new Access(c, null);
                yield argIsBuffer ? new Access(null, f) : null;
            }
            // elementwise: the operand's element is the result's element
            case NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, POW, STOP_GRADIENT, CONVERT,
                 ADD, SUB, MUL, DIV, MAX, MIN, GT, GE, LT, LE, EQ, SELECT,
                 EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC, FLOOR, ROUND, ATAN2, POWER -> acc;
            // never fused through: leaves have no operands; sums and products are kernels of their own
            case INPUT, CONST, REDUCE_SUM, REDUCE_MAX, MATMUL ->
                    throw new IllegalStateException("no fused access through " + v.prim().text + " (" + v + ")");
            case SLICE, PAD, GATHER, SCATTER_ADD, CONCAT, DOT_GENERAL -> throw new IllegalArgumentException(v.prim().text + ": not lowered yet");   // PLACEHOLDER (opsir): the codegen engineer lowers the issue-10 primitives
        };
    }

    /**
     * Writes the flat form f (over loop variables of extents ext) as coordinates of shape t:
     * each loop term goes whole to the axis of largest stride dividing its coefficient; exact
     * when no axis can then exceed its extent (mixed-radix digits are unique). Null otherwise.
     */
    static int[][] decompose(int[] f, int[] ext, Type t) {
        int rank = t.rank();
        int[] st = t.strides();
        int[][] c = new int[rank][f.length];
        for (int l = 0; l < f.length; l++) {
            if (f[l] == 0 || ext[l] == 1) continue;
            int axis = -1;
            for (int a = 0; a < rank; a++) {
                if (t.dim(a) > 1 && st[a] <= f[l] && f[l] % st[a] == 0) { axis = a; break; }
            }
            if (axis < 0) return null;
            c[axis][l] += f[l] / st[axis];
        }
        for (int a = 0; a < rank; a++) {
            long max = 0;
            for (int l = 0; l < f.length; l++) max += (long) c[a][l] * (ext[l] - 1);
            if (max > t.dim(a) - 1) return null;
        }
        return c;
    }
}
