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

    private record Key(Prim prim, int[] args, Type type, int[] ints, long[] dataBits) {
        @Override public boolean equals(Object o) {
            return o instanceof Key k && k.prim == prim && Arrays.equals(k.args, args) && k.type.equals(type)
                    && Arrays.equals(k.ints, ints) && Arrays.equals(k.dataBits, dataBits);
        }
        @Override public int hashCode() {
            return ((prim.hashCode() * 31 + Arrays.hashCode(args)) * 31 + type.hashCode()) * 31
                    + Arrays.hashCode(ints) * 7 + Arrays.hashCode(dataBits);
        }
    }

    static boolean commutes(Prim p) {
        return switch (p) {
            case ADD, MUL, MAX, MIN, EQ -> true;
            case INPUT, CONST, NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, POW, STOP_GRADIENT,
                 EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC, FLOOR, ROUND, CONVERT, SUB, DIV, ATAN2, POWER, GT, GE, LT, LE, SELECT,
                 BROADCAST, RESHAPE, TRANSPOSE, SLICE, PAD, GATHER, SCATTER_ADD, REDUCE_SUM, REDUCE_MAX, MATMUL, CONCAT, DOT_GENERAL -> false;
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
            double[] data = n.rawData();
            long[] bits = new long[data.length];
            for (int i = 0; i < data.length; i++) bits[i] = Double.doubleToRawLongBits(data[i]);
            Key key = new Key(n.prim(), keyArgs, n.type(), n.rawInts(), bits);
            Integer earlier = seen.get(key);
            if (earlier != null) {
                map[n.id()] = earlier;
            } else {
                int id = b.add(n.prim(), args, n.type(), n.rawInts(), n.rawData(), null);
                seen.put(key, id);
                map[n.id()] = id;
            }
        }
        int[] outs = g.outputs();
        for (int i = 0; i < outs.length; i++) outs[i] = map[outs[i]];
        return b.build(outs, g.outputNames());
    }
}
