package io.jgrad;

import io.jgrad.runtime.DType;

/**
 * The plumbing of an eager tensor's row-major array, one Java array type per dtype: F32 a
 * {@code float[]}, F16 a {@code float[]} whose every element is a binary16 value, F64 a
 * {@code double[]}, BOOL a {@code boolean[]}. Only creation, copies and exact widening live here
 * (what a user call needs to get values in and out); no operation's arithmetic does.
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
                float h = half((float) value);
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

    /** Every element as a float: only for dtypes whose values are floats already (F32, F16), or BOOL (1 and 0). */
    static float[] toFloats(Object data) {
        if (data instanceof float[] f) return f.clone();
        boolean[] b = (boolean[]) data;
        float[] out = new float[b.length];
        for (int i = 0; i < b.length; i++) out[i] = b[i] ? 1f : 0f;
        return out;
    }

    /**
     * The binary16 value nearest to x (ties to even, subnormals, overflow to inf), as a float.
     * Temporary: runtime.Half.round (being written in ir's branch) replaces it.
     */
    private static float half(float x) {
        if (Float.isNaN(x)) return x;
        int bits = Float.floatToRawIntBits(x), sign = bits & 0x80000000;
        float a = Math.abs(x);
        if (a >= 65520f) return Float.intBitsToFloat(sign | 0x7f800000);     // past max half + half an ulp: inf
        if (a < 0x1p-14f) return Float.intBitsToFloat(sign | Float.floatToRawIntBits((float) Math.rint(a * 0x1p24f) * 0x1p-24f));
        int m = bits & 0x7fffffff;
        m = (m + 0xfff + ((m >> 13) & 1)) & ~0x1fff;                            // keep 10 of 23 fraction bits, ties to even
        return Float.intBitsToFloat(sign | m);
    }

    /** A new array holding {@code data}'s values converted to {@code to} (temporary: ir's CONVERT primitive replaces it). */
    static Object convert(Object data, DType to) {
        int n = length(data);
        return switch (to) {
            case F32 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) a[i] = (float) get(data, i);
                yield a;
            }
            case F16 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) a[i] = half((float) get(data, i));
                yield a;
            }
            case F64 -> toDoubles(data);
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) a[i] = get(data, i) != 0;
                yield a;
            }
        };
    }

    /** Fills with zeros (false) in place. */
    static void zero(Object data) {
        if (data instanceof float[] f) java.util.Arrays.fill(f, 0f);
        else if (data instanceof double[] d) java.util.Arrays.fill(d, 0.0);
        else java.util.Arrays.fill((boolean[]) data, false);
    }
}
