package io.jgrad;

/** A function of 1 tensor to one tensor, for {@link Grad#compile}. */
@FunctionalInterface
public interface Fn1 {
    Tensor apply(Tensor a);
}
