package io.jgrad;

import io.jgrad.runtime.DType;
import java.util.Arrays;

/**
 * Declares one input of a compiled function: its shape, its dtype (F32 unless said), whether it
 * is differentiated, its name. Immutable: every method returns a copy with its other properties
 * unchanged, so {@code noGrad()}, {@code named()} and {@code dtype()} chain in any order.
 */
public final class Arg {
    private final int[] shape;
    private final DType dtype;
    private final boolean requiresGrad;
    private final String name;

    private Arg(int[] shape, DType dtype, boolean requiresGrad, String name) {
        this.shape = shape;
        this.dtype = dtype;
        this.requiresGrad = requiresGrad;
        this.name = name;
    }

    /** A differentiable F32 scalar (shape []). */
    public static Arg scalar() {
        return new Arg(new int[0], DType.F32, true, null);
    }

    /** A differentiable F32 input of the given shape; {@code Arg.of()} is a scalar. */
    public static Arg of(int... shape) {
        return new Arg(checkShape("Arg.of", shape), DType.F32, true, null);
    }

    /**
     * A differentiable input with the shape and dtype of an example tensor (eager, or traced by
     * another compile), so that {@code Grad.compile(f, Arg.like(x))} matches {@code x}.
     */
    public static Arg like(Tensor example) {
        if (example == null) throw new IllegalArgumentException("Arg.like: the example tensor is null");
        return new Arg(checkShape("Arg.like", example.shape()), example.dtype(), true, null);
    }

    private static int[] checkShape(String op, int[] shape) {
        if (shape == null) throw new IllegalArgumentException(op + ": shape is null");
        long size = 1;
        for (int d : shape) {
            if (d <= 0) throw new IllegalArgumentException(op + ": every dimension must be positive, got " + Arrays.toString(shape));
            size *= d;
            if (size > Integer.MAX_VALUE)
                throw new IllegalArgumentException(op + ": shape " + Arrays.toString(shape) + " has more than 2^31-1 elements");
        }
        return shape.clone();
    }

    /** A copy that is not differentiated (data, labels). */
    public Arg noGrad() {
        return new Arg(shape, dtype, false, name);
    }

    /** A copy with a name, used in error messages and in the IR. */
    public Arg named(String name) {
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("Arg.named: a name is a Java-like identifier ([A-Za-z_][A-Za-z0-9_]*), got " + (name == null ? "null" : '"' + name + '"'));
        }
        return new Arg(shape, dtype, requiresGrad, name);
    }

    /**
     * A copy of the given dtype. A compiled function's inputs share one dtype, F32 or F64
     * (Grad.compile refuses F16 and mixed dtypes, naming them).
     */
    public Arg dtype(DType dtype) {
        if (dtype == null) throw new IllegalArgumentException("Arg.dtype: dtype is null");
        return new Arg(shape, dtype, requiresGrad, name);
    }

    public int[] shape() { return shape.clone(); }
    public DType dtype() { return dtype; }
    public boolean requiresGrad() { return requiresGrad; }
    /** The name given with {@link #named}, or null. */
    public String name() { return name; }

    @Override
    public String toString() {
        return "Arg" + Arrays.toString(shape) + (dtype == DType.F32 ? "" : ".dtype(" + dtype + ")")
                + (requiresGrad ? "" : ".noGrad()") + (name == null ? "" : ".named(" + name + ")");
    }
}
