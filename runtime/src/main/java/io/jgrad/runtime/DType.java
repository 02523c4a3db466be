package io.jgrad.runtime;

/**
 * The one element-type enum, shared by every module (API.md, version 2): the eager engine, the
 * IR and the generated code all speak of dtypes with these constants.
 */
public enum DType {
    /** IEEE binary16; eager only (each op computes in float32 and rounds its result, as PyTorch's CPU half). */
    F16("f16", "torch.float16"),
    F32("f32", "torch.float32"),
    F64("f64", "torch.float64"),
    /** The result of a comparison or logical op; never differentiated. */
    BOOL("bool", "torch.bool");

    /** The name in the IR text form ({@code f32[3,4]}). */
    public final String text;
    /** PyTorch's name, as printed in a tensor's repr. */
    public final String torchName;

    DType(String text, String torchName) {
        this.text = text;
        this.torchName = torchName;
    }

    public boolean isFloat() {
        return this != BOOL;
    }

    /** PyTorch's promotion between two float tensor dtypes: F16 < F32 < F64. */
    public static DType promote(DType a, DType b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    /** The dtype whose {@link #text} is {@code s}. */
    public static DType parse(String s) {
        for (DType d : values()) if (d.text.equals(s)) return d;
        throw new IllegalArgumentException("unknown dtype '" + s + "', expected one of f16, f32, f64, bool");
    }
}
