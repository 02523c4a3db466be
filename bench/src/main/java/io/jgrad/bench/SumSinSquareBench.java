package io.jgrad.bench;

import io.jgrad.bench.handwritten.SumSinSquare;

/** {@code sum(sin(x²))} to a scalar and d/dx, written by hand. */
public class SumSinSquareBench extends VectorHandWrittenBench {
    @Override
    float valueAndGrad(float[] x, float[] grad) {
        return SumSinSquare.valueAndGrad(x, grad);
    }
}
