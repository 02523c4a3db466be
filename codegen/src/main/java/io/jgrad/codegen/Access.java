package io.jgrad.codegen;

import io.jgrad.ir.Node;
import io.jgrad.ir.Type;

/**
 * Where a fused expression reads a value inside a kernel's loop nest: each coordinate of the
 * value as a linear form over the loop variables ({@code coords[axis][var]}) plus a constant
 * ({@code consts[axis]}), optionally looked up in an index table ({@code tables[axis]}: the
 * coordinate is {@code table[form + const]}, a gather); or, for a read of a row-major buffer
 * through a RESHAPE, only the flat index as such a form ({@code flat} plus {@code flatConst}).
 * Broadcasting, transposition, slicing, gathering, padding and concatenation are rewrites of
 * these forms, so none of them ever copies. Every coefficient is non-negative; a constant may
 * be negative only under a guard (a pad's or a concatenation's bounds test, {@link IndexLowering})
 * that keeps the read from running out of range.
 */
final class Access {
    final int[][] coords;
    final int[] consts;
    final int[][] tables;
    final int[] flat;
    final int flatConst;

    private Access(int[][] coords, int[] consts, int[][] tables, int[] flat, int flatConst) {
        this.coords = coords;
        this.consts = consts;
        this.tables = tables;
        this.flat = flat;
        this.flatConst = flatConst;
    }

    private static Access of(int[][] coords, int[] consts, int[][] tables) {
        return new Access(coords, consts, tables, null, 0);
    }

    /** Linear coordinates, no constants, no tables. */
    static Access ofCoords(int[][] coords) {
        return of(coords, new int[coords.length], new int[coords.length][]);
    }

    /** Axis a of the value is loop variable vars[a]. */
    static Access axes(int loopVars, int... vars) {
        int[][] c = new int[vars.length][loopVars];
        for (int a = 0; a < vars.length; a++) c[a][vars[a]] = 1;
        return of(c, new int[vars.length], new int[vars.length][]);
    }

    /** A row-major buffer read at the flat index {@code form · vars + constant}. */
    static Access flat(int[] form, int constant) {
        return new Access(null, null, null, form, constant);
    }

    /** Whether some coordinate is looked up in an index table (no flat form then covers it). */
    boolean hasTables() {
        if (tables == null) return false;
        for (int[] t : tables) if (t != null) return true;
        return false;
    }

    /** The linear part of the flat row-major index of a value of type t read through this access (table coordinates excluded). */
    int[] flatForm(Type t) {
        if (flat != null) return flat;
        int[] st = t.strides();
        int loops = loopCount();
        int[] f = new int[loops];
        for (int a = 0; a < coords.length; a++) {
            if (tables[a] != null) continue;
            for (int l = 0; l < loops; l++) f[l] += st[a] * coords[a][l];
        }
        return f;
    }

    /** The constant part of the flat index (table coordinates excluded). */
    int flatConst(Type t) {
        if (flat != null) return flatConst;
        int[] st = t.strides();
        long c = 0;
        for (int a = 0; a < coords.length; a++) if (tables[a] == null) c += (long) st[a] * consts[a];
        return (int) c;
    }

    private int loopCount() {
        for (int[] c : coords) return c.length;
        return 0;
    }

    /** The least and greatest value a linear coordinate takes over loop extents ext; null for a table coordinate. */
    long[] range(int axis, int[] ext) {
        if (tables[axis] != null) return null;
        long max = consts[axis];
        for (int l = 0; l < ext.length; l++) max += (long) coords[axis][l] * (ext[l] - 1);
        return new long[] {consts[axis], max};
    }

    /** This access with {@code k} added to coordinate {@code axis} (a table coordinate: to every entry). */
    Access shift(int axis, int k) {
        if (k == 0) return this;
        int[] c = consts.clone();
        int[][] t = tables.clone();
        if (t[axis] == null) c[axis] += k;
        else {
            int[] s = t[axis].clone();
            for (int i = 0; i < s.length; i++) s[i] += k;
            t[axis] = s;
        }
        return of(coords, c, t);
    }

    /**
     * This access with coordinate {@code axis} replaced by {@code idx[coordinate]} (a gather).
     * An entry of a table whose value lies outside idx is read only where a guard has failed,
     * never: it becomes 0.
     */
    Access gather(int axis, int[] idx) {
        int[][] t = tables.clone();
        if (t[axis] == null) {
            t[axis] = idx;
            return of(coords, consts, t);
        }
        int[] s = new int[t[axis].length];
        for (int i = 0; i < s.length; i++) {
            int j = t[axis][i];
            s[i] = j >= 0 && j < idx.length ? idx[j] : 0;
        }
        t[axis] = s;
        return of(coords, consts, t);
    }

    /**
     * The access of operand {@code arg} of {@code v}, given v's access; null when a RESHAPE
     * cannot be expressed as coordinates of its operand (the operand must then be a buffer), or
     * reshapes a gathered coordinate. {@code argIsBuffer}: the operand is read from a row-major
     * array, so a flat form suffices. {@code concatOffset}: for a CONCAT, where the operand
     * starts along the axis.
     */
    static Access ofArg(Node v, Type result, Type arg, Access acc, int[] ext, boolean argIsBuffer, int concatOffset) {
        int[] ints = v.prim().family == io.jgrad.ir.Prim.Family.LEAF ? null : v.ints();
        return switch (v.prim()) {
            case BROADCAST -> {
                int off = result.rank() - arg.rank();
                int loops = ext.length;
                int[][] c = new int[arg.rank()][];
                int[] k = new int[arg.rank()];
                int[][] t = new int[arg.rank()][];
                for (int a = 0; a < arg.rank(); a++) {
                    boolean one = arg.dim(a) == 1;
                    c[a] = one ? new int[loops] : acc.coords[a + off];
                    k[a] = one ? 0 : acc.consts[a + off];
                    t[a] = one ? null : acc.tables[a + off];
                }
                yield of(c, k, t);
            }
            case TRANSPOSE -> {
                int[] perm = ints;
                int[][] c = new int[arg.rank()][];
                int[] k = new int[arg.rank()];
                int[][] t = new int[arg.rank()][];
                for (int i = 0; i < perm.length; i++) {
                    c[perm[i]] = acc.coords[i];
                    k[perm[i]] = acc.consts[i];
                    t[perm[i]] = acc.tables[i];
                }
                yield of(c, k, t);
            }
            case RESHAPE -> {
                if (acc.hasTables()) yield null;
                int[] f = acc.flatForm(result);
                int fc = acc.flatConst(result);
                Access c = decompose(f, fc, ext, arg);
                if (c != null) yield c;
                yield argIsBuffer ? flat(f, fc) : null;
            }
            // x[start:end] along the axis: the operand's coordinate is the result's plus start
            case SLICE -> acc.shift(ints[0], ints[1]);
            // low zeros first: the operand's coordinate is the result's minus low (guarded, IndexLowering.pad)
            case PAD -> acc.shift(ints[0], -ints[1]);
            // row j is operand row i_j: the coordinate goes through the index table
            case GATHER -> acc.gather(ints[0], java.util.Arrays.copyOfRange(ints, 1, ints.length));
            // operand i starts at its offset along the axis (guarded, IndexLowering.concat)
            case CONCAT -> acc.shift(ints[0], -concatOffset);
            // elementwise: the operand's element is the result's element
            case NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, POW, STOP_GRADIENT, CONVERT,
                 ADD, SUB, MUL, DIV, MAX, MIN, GT, GE, LT, LE, EQ, SELECT,
                 EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC, FLOOR, ROUND, ATAN2, POWER -> acc;
            // never fused through: leaves have no operands; sums, products and scatters are kernels of their own
            case INPUT, CONST, REDUCE_SUM, REDUCE_MAX, MATMUL, SCATTER_ADD, DOT_GENERAL ->
                    throw new IllegalStateException("no fused access through " + v.prim().text + " (" + v + ")");
        };
    }

    /**
     * Writes the flat form f + fc (over loop variables of extents ext) as coordinates of shape
     * t: the constant as its mixed-radix digits, each loop term whole to the axis of largest
     * stride dividing its coefficient; exact when no axis can then exceed its extent
     * (mixed-radix digits are unique). Null otherwise, and for a negative constant (a guarded
     * read, which only a flat index can follow).
     */
    static Access decompose(int[] f, int fc, int[] ext, Type t) {
        if (fc < 0) return null;
        int rank = t.rank();
        int[] st = t.strides();
        int[][] c = new int[rank][f.length];
        int[] k = new int[rank];
        int rest = fc;
        for (int a = 0; a < rank; a++) {
            k[a] = rest / st[a];
            rest -= k[a] * st[a];
        }
        if (rank == 0 && fc != 0) return null;
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
            long max = k[a];
            for (int l = 0; l < f.length; l++) max += (long) c[a][l] * (ext[l] - 1);
            if (max > t.dim(a) - 1) return null;
        }
        return of(c, k, new int[rank][]);
    }
}
