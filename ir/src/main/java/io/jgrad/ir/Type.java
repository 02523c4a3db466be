package io.jgrad.ir;

import io.jgrad.runtime.DType;
import java.util.Arrays;

/**
 * The type of an IR value: element type and shape (row-major; {@code []} is a scalar). Immutable.
 * A dimension may be 0 (an empty tensor, which the eager engine allows as PyTorch does; the
 * compiler's {@code Arg} asks for positive dimensions itself).
 */
public final class Type {
    private final DType dtype;
    private final int[] shape;
    private final int size;
    /** hashCode(), computed once: the eager engine hashes types on every op (BackwardPlan). */
    private final int hash;

    private Type(DType dtype, int[] shape) {
        this.dtype = dtype;
        this.shape = shape;
        this.hash = dtype.ordinal() * 31 + Arrays.hashCode(shape);
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("a dimension cannot be negative, got " + Arrays.toString(shape));
            n *= d;
            if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("too many elements: " + Arrays.toString(shape));
        }
        this.size = (int) n;
    }

    public static Type of(DType dtype, int... shape) {
        if (dtype == null) throw new IllegalArgumentException("dtype is null");
        return shape.length == 0 ? SCALARS[dtype.ordinal()] : new Type(dtype, shape.clone());
    }

    public static Type f32(int... shape) {
        return shape.length == 0 ? SCALARS[DType.F32.ordinal()] : of(DType.F32, shape);
    }

    public static Type f64(int... shape) {
        return shape.length == 0 ? SCALARS[DType.F64.ordinal()] : of(DType.F64, shape);
    }

    private static final Type[] SCALARS = new Type[DType.values().length];
    static {
        for (DType d : DType.values()) SCALARS[d.ordinal()] = new Type(d, new int[0]);
    }

    /** The scalar type of dtype d (one shared instance per dtype). */
    public static Type scalar(DType d) {
        return SCALARS[d.ordinal()];
    }

    public DType dtype() { return dtype; }
    /** A copy of the shape. */
    public int[] shape() { return shape.clone(); }
    public int rank() { return shape.length; }
    public int dim(int axis) { return shape[axis]; }
    /** Number of elements (1 for a scalar). */
    public int size() { return size; }
    public boolean isScalar() { return shape.length == 0; }
    public boolean sameShape(Type o) { return Arrays.equals(shape, o.shape); }
    public Type withDType(DType d) { return d == dtype ? this : shape.length == 0 ? SCALARS[d.ordinal()] : new Type(d, shape); }
    /** The shape itself, not a copy: for this package's hot paths, which never change it. */
    int[] rawShape() { return shape; }
    public Type withShape(int... s) { return new Type(dtype, s.clone()); }

    /** Row-major strides; a scalar has none. */
    public int[] strides() {
        int[] st = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) { st[i] = s; s *= shape[i]; }
        return st;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof Type t && t.dtype == dtype && Arrays.equals(t.shape, shape);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** {@code f32[3,4]}, {@code f32[]}: the IR text form. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(dtype.text).append('[');
        for (int i = 0; i < shape.length; i++) { if (i > 0) sb.append(','); sb.append(shape[i]); }
        return sb.append(']').toString();
    }

    /** Parses {@link #toString()}'s form. */
    public static Type parse(String s) {
        int open = s.indexOf('[');
        if (open < 0 || !s.endsWith("]")) throw new IllegalArgumentException("bad type '" + s + "', expected like f32[3,4]");
        DType d = DType.parse(s.substring(0, open));
        String inner = s.substring(open + 1, s.length() - 1).trim();
        if (inner.isEmpty()) return new Type(d, new int[0]);
        String[] parts = inner.split(",");
        int[] sh = new int[parts.length];
        for (int i = 0; i < parts.length; i++) sh[i] = Integer.parseInt(parts[i].trim());
        return new Type(d, sh);
    }
}
