package io.jgrad.bench;

import io.jgrad.Tensor;

/** Helpers for the eager benchmarks. */
final class Eager {
    private Eager() {}

    /** A leaf that requires a gradient, holding a copy of data. */
    static Tensor param(float[] data, int... shape) {
        return Tensor.of(data, shape).requiresGrad(true);
    }

    static Tensor param(float value) {
        return Tensor.scalar(value).requiresGrad(true);
    }

    /**
     * Clears accumulated gradients before a step, as a training loop does (PyTorch's
     * {@code zero_grad}); bench.py does the same, so both sides pay for it.
     */
    static void zeroGrad(Tensor... params) {
        for (Tensor p : params) {
            Tensor g = p.grad();
            if (g != null) g.zero();
        }
    }
}
