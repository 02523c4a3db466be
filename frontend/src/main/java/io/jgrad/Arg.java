package io.jgrad;

import java.util.Arrays;

/** Declares one input of a compiled function: its shape, whether it is differentiated, its name. */
public final class Arg {
    private final int[] shape;
    private final boolean requiresGrad;
    private final String name;

    private Arg(int[] shape, boolean requiresGrad, String name) {
        this.shape = shape;
        this.requiresGrad = requiresGrad;
        this.name = name;
    }

    /** A differentiable scalar (shape []). */
    public static Arg scalar() {
        return new Arg(new int[0], true, null);
    }

    /** A differentiable input of the given shape; {@code Arg.of()} is a scalar. */
    public static Arg of(int... shape) {
        if (shape == null) throw new IllegalArgumentException("Arg.of: shape is null");
        long size = 1;
        for (int d : shape) {
            if (d <= 0) throw new IllegalArgumentException("Arg.of: every dimension must be positive, got " + Arrays.toString(shape));
            size *= d;
            if (size > Integer.MAX_VALUE)
                throw new IllegalArgumentException("Arg.of: shape " + Arrays.toString(shape) + " has more than 2^31-1 elements");
        }
        return new Arg(shape.clone(), true, null);
    }

    /** A copy that is not differentiated (data, labels). */
    public Arg noGrad() {
        return new Arg(shape, false, name);
    }

    /** A copy with a name, used in error messages and in the IR. */
    public Arg named(String name) {
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("Arg.named: a name is a Java-like identifier ([A-Za-z_][A-Za-z0-9_]*), got " + (name == null ? "null" : '"' + name + '"'));
        }
        return new Arg(shape, requiresGrad, name);
    }

    public int[] shape() { return shape.clone(); }
    public boolean requiresGrad() { return requiresGrad; }
    /** The name given with {@link #named}, or null. */
    public String name() { return name; }

    @Override
    public String toString() {
        return "Arg" + Arrays.toString(shape) + (requiresGrad ? "" : ".noGrad()") + (name == null ? "" : ".named(" + name + ")");
    }
}
