package io.jgrad.ir;

import java.util.Arrays;

/**
 * Hash-consing: a node computing what an earlier node computes (same primitive, operands,
 * attributes and type) is replaced by the earlier one. ADD, MUL, MAX, MIN and EQ commute
 * exactly in IEEE arithmetic (up to which NaN payload comes out), so their operands are
 * compared as a set. Inputs are never merged.
 */
public final class CommonSubexpressionElimination {
    private CommonSubexpressionElimination() {}

    static boolean commutes(Prim p) {
        return switch (p) {
            case ADD, MUL, MAX, MIN, EQ -> true;
            case INPUT, CONST, NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, POW, STOP_GRADIENT,
                 EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC, FLOOR, ROUND, CONVERT, SUB, DIV, ATAN2, POWER, GT, GE, LT, LE, SELECT,
                 BROADCAST, RESHAPE, TRANSPOSE, SLICE, PAD, GATHER, SCATTER_ADD, REDUCE_SUM, REDUCE_MAX, MATMUL, CONCAT, DOT_GENERAL -> false;
        };
    }

    /**
     * One pass in node order, with an open-addressing table of the new graph's ids keyed by
     * what each computes (no object per node: graphs reach 10^6 nodes). A constant's values
     * enter through a hash of at most 64 of them ({@link Node#dataHash}, O(1), cached): a big
     * constant is read in full only when everything else, that hash included, matches another
     * one's (then hashed in full once, and compared element by element only if that matches
     * too); the same shared array compares at once.
     */
    public static Graph run(Graph g) {
        Builder b = new Builder();
        int[] map = new int[g.size()];
        int mask = Integer.highestOneBit(Math.max(8, g.size()) * 2) * 2 - 1;   // load factor at most 1/2
        int[] table = new int[mask + 1];
        Arrays.fill(table, -1);
        int[] hashOf = new int[g.size()];   // by new id (never more new nodes than old)
        for (Node n : g.nodes()) {
            int[] args = Rebuild.remap(n, map);
            if (n.prim() == Prim.INPUT) {   // inputs are never merged
                map[n.id()] = b.copy(n, args);
                continue;
            }
            int h = hash(n, args), slot = h & mask, found = -1;
            for (int c; (c = table[slot]) >= 0; slot = (slot + 1) & mask) {
                if (hashOf[c] == h && sameComputation(b.node(c), n, args)) {
                    found = c;
                    break;
                }
            }
            if (found < 0) {
                found = b.copy(n, args);
                hashOf[found] = h;
                table[slot] = found;
            }
            map[n.id()] = found;
        }
        int[] outs = g.outputs();
        for (int i = 0; i < outs.length; i++) outs[i] = map[outs[i]];
        return b.build(outs, g.outputNames());
    }

    private static int hash(Node n, int[] args) {
        int a = 0;
        if (commutes(n.prim())) a = Math.min(args[0], args[1]) * 31 + Math.max(args[0], args[1]);   // commuting ops are binary
        else for (int x : args) a = a * 31 + x;
        int h = ((n.prim().ordinal() * 31 + a) * 31 + n.type().hashCode()) * 31 + Arrays.hashCode(n.rawInts()) * 7 + n.dataHash();
        h *= 0x9E3779B9;   // spread the bits the table's mask keeps
        return h ^ (h >>> 16);
    }

    /** Does earlier node e (of the new graph) compute what n, with operands args (new ids), computes? */
    private static boolean sameComputation(Node e, Node n, int[] args) {
        if (e.prim() != n.prim() || !e.type().equals(n.type()) || !Arrays.equals(e.rawInts(), n.rawInts())) return false;
        int[] ea = e.rawArgs();
        boolean sameArgs = Arrays.equals(ea, args)
                || (commutes(n.prim()) && ea[0] == args[1] && ea[1] == args[0]);
        return sameArgs && e.sameData(n);
    }
}
