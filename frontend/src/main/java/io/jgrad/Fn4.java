package io.jgrad;

/** A function of 4 tensors to one tensor, for {@link Grad#compile}. */
@FunctionalInterface
public interface Fn4 {
    Tensor apply(Tensor a, Tensor b, Tensor c, Tensor d);
}
