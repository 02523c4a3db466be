package io.jgrad.ir;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Hash-consing: a node computing what an earlier node computes (same primitive, operands,
 * attributes and type) is replaced by the earlier one. ADD, MUL, MAX, MIN and EQ commute
 * exactly in IEEE arithmetic (up to which NaN payload comes out), so their operands are
 * compared as a set. Inputs are never merged.
 */
public final class CommonSubexpressionElimination {
    private CommonSubexpressionElimination() {}

    /**
     * A node's identity for hash-consing. The data (a constant's values) enters through its
     * cached hash: a big constant is hashed once in the whole pipeline, and its values are
     * compared only when everything else, the hash included, matches (a true duplicate, or the
     * same shared array, which compares at once).
     */
    private record Key(Prim prim, int[] args, Type type, int[] ints, Node data) {
        @Override public boolean equals(Object o) {
            return o instanceof Key k && k.prim == prim && Arrays.equals(k.args, args) && k.type.equals(type)
                    && Arrays.equals(k.ints, ints) && k.data.sameData(data);
        }
        @Override public int hashCode() {
            return ((prim.hashCode() * 31 + Arrays.hashCode(args)) * 31 + type.hashCode()) * 31
                    + Arrays.hashCode(ints) * 7 + data.dataHash();
        }
    }

    static boolean commutes(Prim p) {
        return switch (p) {
            case ADD, MUL, MAX, MIN, EQ -> true;
            case INPUT, CONST, NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, POW, STOP_GRADIENT,
                 SUB, DIV, GT, GE, LT, LE, SELECT, BROADCAST, RESHAPE, TRANSPOSE, REDUCE_SUM, REDUCE_MAX, MATMUL -> false;
        };
    }

    public static Graph run(Graph g) {
        Builder b = new Builder();
        Map<Key, Integer> seen = new HashMap<>();
        int[] map = new int[g.size()];
        for (Node n : g.nodes()) {
            if (n.prim() == Prim.INPUT) {
                map[n.id()] = Rebuild.copy(b, n, map);
                continue;
            }
            int[] args = Rebuild.remap(n, map);
            int[] keyArgs = args.clone();
            if (commutes(n.prim())) Arrays.sort(keyArgs);
            Key key = new Key(n.prim(), keyArgs, n.type(), n.rawInts(), n);
            Integer earlier = seen.get(key);
            if (earlier != null) {
                map[n.id()] = earlier;
            } else {
                int id = b.copy(n, args);
                seen.put(key, id);
                map[n.id()] = id;
            }
        }
        int[] outs = g.outputs();
        for (int i = 0; i < outs.length; i++) outs[i] = map[outs[i]];
        return b.build(outs, g.outputNames());
    }
}
