package io.jgrad.ir;

/** Element type of an IR value. Only {@code F32} is computed today; F64 is planned, so dtype is a field everywhere. */
public enum DType {
    F32("f32"),
    F64("f64"),
    /** The result of a comparison; consumed by {@link Prim#SELECT}. */
    BOOL("bool");

    public final String text;

    DType(String text) {
        this.text = text;
    }

    public boolean isFloat() {
        return this != BOOL;
    }

    public static DType parse(String s) {
        for (DType d : values()) if (d.text.equals(s)) return d;
        throw new IllegalArgumentException("unknown dtype '" + s + "'");
    }
}
