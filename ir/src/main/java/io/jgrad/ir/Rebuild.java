package io.jgrad.ir;

/** Helpers shared by the passes: copying a node with remapped operands, recognising splat constants. */
final class Rebuild {
    private Rebuild() {}

    /** n copied into b with its operands replaced by {@code map[old id]}. */
    static int copy(Builder b, Node n, int[] map) {
        return b.copy(n, remap(n, map));
    }

    static int[] remap(Node n, int[] map) {
        int[] args = new int[n.arity()];
        for (int i = 0; i < args.length; i++) args[i] = map[n.arg(i)];
        return args;
    }

    /**
     * If value id in b has every element equal (a uniform CONST, or a BROADCAST or RESHAPE of
     * one), that element; otherwise null.
     */
    static Double splat(Builder b, int id) {
        Node n = b.node(id);
        while (n.prim() == Prim.BROADCAST || n.prim() == Prim.RESHAPE) n = b.node(n.arg(0));
        return n.isUniformConst() && n.dataLength() > 0 ? n.constAt(0) : null;
    }

    static boolean isSplat(Builder b, int id, double value) {
        Double v = splat(b, id);
        return v != null && Double.doubleToRawLongBits(v) == Double.doubleToRawLongBits(value);
    }
}
