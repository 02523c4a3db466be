package io.jgrad.ir;

/**
 * The optimisation pipeline: algebraic simplification, sums moved into products, constant
 * folding, common subexpression elimination and dead code elimination, repeated until the graph
 * stops changing. Every pass but one preserves the interpreted value of every output bit for bit
 * (up to NaN payloads); {@link SumsIntoProducts} reorders the additions of a sum over a product's
 * free axis (exact in real arithmetic, a different rounding; a function of the shapes, so
 * every body compiled from one function agrees). Inputs are kept even when unused; ids come out
 * dense.
 */
public final class Optimizer {
    private Optimizer() {}

    /** More rounds than any graph we have seen needs; a guard, not a tuning knob. */
    private static final int MAX_ROUNDS = 20;

    public static Graph optimize(Graph g) {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Graph before = g;
            g = AlgebraicSimplifier.run(g);
            g = SumsIntoProducts.run(g);
            g = ConstantFolding.run(g);
            g = CommonSubexpressionElimination.run(g);
            g = DeadCodeElimination.run(g);
            if (same(before, g)) return g;
        }
        return g;
    }

    /**
     * The same graph node for node (what equal text forms meant, without printing): O(nodes),
     * since the passes share constant arrays with the graph they copy.
     */
    static boolean same(Graph a, Graph b) {
        if (a.size() != b.size() || !java.util.Arrays.equals(a.outputs(), b.outputs())
                || !java.util.Arrays.equals(a.outputNames(), b.outputNames())) return false;
        for (int i = 0; i < a.size(); i++) if (!a.node(i).sameComputation(b.node(i))) return false;
        return true;
    }
}
