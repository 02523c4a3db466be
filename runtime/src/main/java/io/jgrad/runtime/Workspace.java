package io.jgrad.runtime;

/**
 * Scratch memory for one compiled function: every intermediate buffer the generated code
 * needs, planned at compile time. Made by {@link Compiled#newWorkspace()}; used by one
 * thread at a time.
 */
public final class Workspace {
    final Compiled owner;
    /** The planned float buffer: intermediates live at offsets the code generator chose. */
    public final float[] f32;

    Workspace(Compiled owner, int floats) {
        this.owner = owner;
        this.f32 = new float[floats];
    }
}
