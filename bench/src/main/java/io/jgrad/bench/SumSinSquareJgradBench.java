package io.jgrad.bench;

import io.jgrad.Tensor;
import io.jgrad.bench.models.Compile;
import io.jgrad.bench.models.Models;
import io.jgrad.runtime.Compiled;

/** jgrad on {@code sum(sin(x²))}, eager and compiled; compare with {@link SumSinSquareBench}. */
public class SumSinSquareJgradBench extends VectorJgradBench {
    @Override
    Compiled compile(int n) {
        return Compile.sumSinSquare(n);
    }

    @Override
    Tensor model(Tensor x) {
        return Models.sumSinSquare(x);
    }
}
