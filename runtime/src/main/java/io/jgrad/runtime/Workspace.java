package io.jgrad.runtime;

/**
 * Scratch memory for one compiled function: every intermediate buffer and every scalar that
 * crosses a generated chunk method, at offsets the code generator planned at compile time.
 * Made by {@link Compiled#newWorkspace()}; used by one thread at a time.
 */
public final class Workspace {
    /**
     * The owning Compiled's identity token, not the Compiled itself: a thread-local Workspace
     * that referenced its Compiled would keep its ThreadLocal key, and so the hidden class,
     * reachable forever (the classic ThreadLocal leak).
     */
    final Object owner;
    /** The planned float buffer; generated code gets it through {@link Compiled#workspaceArray}. */
    final float[] f32;

    Workspace(Object owner, int floats) {
        this.owner = owner;
        this.f32 = new float[floats];
    }

    /** How many floats this workspace holds (what the code generator planned). */
    public int size() {
        return f32.length;
    }
}
