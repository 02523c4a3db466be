package io.jgrad.bench;

import io.jgrad.Tensor;
import io.jgrad.bench.models.Compile;
import io.jgrad.bench.models.Models;
import io.jgrad.runtime.Compiled;

/** jgrad on {@code mean(x²)}, eager and compiled; compare with {@link MeanSquareBench}. */
public class MeanSquareJgradBench extends VectorJgradBench {
    @Override
    Compiled compile(int n) {
        return Compile.meanSquare(n);
    }

    @Override
    Tensor model(Tensor x) {
        return Models.meanSquare(x);
    }
}
