package io.jgrad;

import io.jgrad.ir.Kernels;
import io.jgrad.ir.Prim;
import io.jgrad.ir.Type;
import io.jgrad.runtime.DType;

/**
 * The plumbing of an eager tensor's row-major array, one Java array type per dtype (as ir's
 * io.jgrad.ir.Eval holds values): F32 a {@code float[]}, F16 a {@code float[]} whose every element is
 * a binary16 value, F64 a {@code double[]}, BOOL a {@code boolean[]}. Only creation, copies and
 * exact widening live here (what a user call needs to get values in and out); where arithmetic
 * is needed (accumulating a gradient, converting a seed) it is a primitive's kernel (ir's Kernels).
 */
final class Storage {
    private Storage() {}

    /** A new array of {@code n} elements of {@code dtype}, every one {@code value} (converted to the dtype). */
    static Object filled(DType dtype, int n, double value) {
        switch (dtype) {
            case F32 -> {
                float[] a = new float[n];
                if (value != 0 || Double.doubleToRawLongBits(value) != 0) java.util.Arrays.fill(a, (float) value);
                return a;
            }
            case F16 -> {
                float[] a = new float[n];
                float h = io.jgrad.runtime.Half.round((float) value);
                if (Float.floatToRawIntBits(h) != 0) java.util.Arrays.fill(a, h);
                return a;
            }
            case F64 -> {
                double[] a = new double[n];
                if (Double.doubleToRawLongBits(value) != 0) java.util.Arrays.fill(a, value);
                return a;
            }
            case BOOL -> {
                boolean[] a = new boolean[n];
                if (value != 0) java.util.Arrays.fill(a, true);
                return a;
            }
        }
        throw new AssertionError(dtype);
    }

    static int length(Object data) {
        if (data instanceof float[] f) return f.length;
        if (data instanceof double[] d) return d.length;
        return ((boolean[]) data).length;
    }

    static Object copy(Object data) {
        if (data instanceof float[] f) return f.clone();
        if (data instanceof double[] d) return d.clone();
        return ((boolean[]) data).clone();
    }

    /** Element i as a double: exact for every dtype (BOOL is 1 or 0). */
    static double get(Object data, int i) {
        if (data instanceof float[] f) return f[i];
        if (data instanceof double[] d) return d[i];
        return ((boolean[]) data)[i] ? 1 : 0;
    }

    /** Every element as a double (exact widening; BOOL gives 1 and 0), a new array. */
    static double[] toDoubles(Object data) {
        if (data instanceof double[] d) return d.clone();
        int n = length(data);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = get(data, i);
        return out;
    }

    /**
     * True when the array has more than one element and all are the same bits (as doubles):
     * {@code Tensor.zeros}, {@code ones}, {@code full}. Stops at the first element that differs.
     */
    static boolean isUniform(Object data) {
        int n = length(data);
        if (n < 2) return false;
        long first = Double.doubleToRawLongBits(get(data, 0));
        for (int i = 1; i < n; i++)
            if (Double.doubleToRawLongBits(get(data, i)) != first) return false;
        return true;
    }

    /** Every element as a float: only for dtypes whose values are floats already (F32, F16), or BOOL (1 and 0). */
    static float[] toFloats(Object data) {
        if (data instanceof float[] f) return f.clone();
        boolean[] b = (boolean[]) data;
        float[] out = new float[b.length];
        for (int i = 0; i < b.length; i++) out[i] = b[i] ? 1f : 0f;
        return out;
    }

    /** {@code a + b} for two arrays of type t, a new array: the ADD primitive's kernel (its rounding per dtype). */
    static Object add(Type t, Object a, Object b) {
        return Kernels.binary(Prim.ADD, t.dtype(), a, b);
    }

    /** {@code data} (of type t) converted to dtype {@code to}, a new array: the CONVERT primitive's kernel. */
    static Object convert(Type t, Object data, DType to) {
        return copy(Kernels.convert(data, t.dtype(), to));   // a copy: the kernel may return data itself
    }

    /** Copies {@code from} into {@code to}, two arrays of one type and length. */
    static void copyInto(Object from, Object to) {
        System.arraycopy(from, 0, to, 0, length(to));
    }

    // A tensor's version counter is an int[2] shared by every tensor that shares its data:
    // [0] the count of in-place writes, [1] flags. Copy-on-write capture (Tensor.captureData)
    // needs the flags: a trace may share the array only while no other tensor shares it.
    /** Flag: the data is shared by views (detach, reshape, ...). */
    static final int VIEWS = 1;
    /** Flag: a trace holds the array as a constant; the tensor copies it before writing. */
    static final int CAPTURED = 2;

    /** A new version counter with no flags. */
    static int[] newVersion() {
        return new int[2];
    }

    /** Fills with zeros (false) in place. */
    static void zero(Object data) {
        if (data instanceof float[] f) java.util.Arrays.fill(f, 0f);
        else if (data instanceof double[] d) java.util.Arrays.fill(d, 0.0);
        else java.util.Arrays.fill((boolean[]) data, false);
    }
}
