package io.jgrad.ir;

/**
 * The optimisation pipeline: algebraic simplification, constant folding, common subexpression
 * elimination and dead code elimination, repeated until the graph stops changing. Every pass
 * preserves the interpreted value of every output bit for bit (up to NaN payloads); inputs
 * are kept even when unused; ids come out dense.
 */
public final class Optimizer {
    private Optimizer() {}

    /** More rounds than any graph we have seen needs; a guard, not a tuning knob. */
    private static final int MAX_ROUNDS = 20;

    public static Graph optimize(Graph g) {
        String before = Printer.print(g);
        for (int round = 0; round < MAX_ROUNDS; round++) {
            g = AlgebraicSimplifier.run(g);
            g = ConstantFolding.run(g);
            g = CommonSubexpressionElimination.run(g);
            g = DeadCodeElimination.run(g);
            String after = Printer.print(g);
            if (after.equals(before)) return g;
            before = after;
        }
        return g;
    }
}
