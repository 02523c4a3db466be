package io.jgrad;

/** A function of 2 tensors to one tensor, for {@link Grad#compile}. */
@FunctionalInterface
public interface Fn2 {
    Tensor apply(Tensor a, Tensor b);
}
