package io.jgrad;

/** A function of any number of tensors to one tensor, for {@link Grad#compile(FnN, Arg...)}. */
@FunctionalInterface
public interface FnN {
    Tensor apply(Tensor[] in);
}
