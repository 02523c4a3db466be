package io.jgrad.runtime;

/**
 * Makes the kernels of a {@link Compiled}'s derivative calls when they are first used (internal:
 * the code generator implements it and hands it over in the {@link Signature}). So compiling a
 * function costs nothing for derivatives nobody asks for. Each method is called at most once per
 * kernel, under the Compiled's lock; it may take long (it derives, optimises and generates code).
 */
public interface DerivedFactory {
    /** Forward mode: inputs, then one tangent per differentiable input; outputs: value, J·tangents. */
    Derived jvp();

    /** Scalar functions: inputs, then one direction per differentiable input; outputs: value, H·v per differentiable input. */
    Derived hvp();

    /**
     * The Jacobian blocks of the inputs with {@code blocks[i]} (only differentiable inputs are
     * set), by whichever of reverse and forward passes needs fewer passes.
     */
    Derived jacobian(boolean[] blocks);
}
