package io.jgrad;

/** A function of 3 tensors to one tensor, for {@link Grad#compile}. */
@FunctionalInterface
public interface Fn3 {
    Tensor apply(Tensor a, Tensor b, Tensor c);
}
