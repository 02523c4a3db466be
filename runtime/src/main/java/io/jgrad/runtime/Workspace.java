package io.jgrad.runtime;

/**
 * Scratch memory for one compiled function: every intermediate buffer and every scalar that
 * crosses a generated chunk method, at offsets the code generator planned at compile time.
 * Two regions, a float[] and a double[]: each value lives in the one of its own dtype (an F32
 * function's usually all in floats, an F64 function's in doubles; one that converts inside
 * uses both). Made by {@link Compiled#newWorkspace()}; used by one thread at a time.
 */
public final class Workspace {
    private static final float[] NO_FLOATS = new float[0];
    private static final double[] NO_DOUBLES = new double[0];

    /**
     * The owning Compiled's identity token, not the Compiled itself: a thread-local Workspace
     * that referenced its Compiled would keep its ThreadLocal key, and so the hidden class,
     * reachable forever (the classic ThreadLocal leak).
     */
    final Object owner;
    /** The planned float buffer; generated code gets it through {@link Compiled#workspaceArray}. */
    final float[] f32;
    /** The planned double buffer; generated code gets it through {@link Compiled#workspaceDoubles}. */
    final double[] f64;

    Workspace(Object owner, int floats) {
        this(owner, floats, 0);
    }

    Workspace(Object owner, int floats, int doubles) {
        this.owner = owner;
        this.f32 = floats == 0 ? NO_FLOATS : new float[floats];
        this.f64 = doubles == 0 ? NO_DOUBLES : new double[doubles];
    }

    /** How many elements (floats or doubles) this workspace holds: what the code generator planned. */
    public int size() {
        return f32.length + f64.length;
    }
}
