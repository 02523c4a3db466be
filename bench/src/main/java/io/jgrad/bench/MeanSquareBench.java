package io.jgrad.bench;

import io.jgrad.bench.handwritten.MeanSquare;

/** {@code mean(x²)} to a scalar and d/dx, written by hand. */
public class MeanSquareBench extends VectorHandWrittenBench {
    @Override
    float valueAndGrad(float[] x, float[] grad) {
        return MeanSquare.valueAndGrad(x, grad);
    }
}
