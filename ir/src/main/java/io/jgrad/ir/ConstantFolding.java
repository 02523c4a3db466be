package io.jgrad.ir;

/**
 * Evaluates at compile time every node whose operands are all constants, with the
 * primitives' own kernels ({@link Kernels}: each dtype's rounding), so a folded graph computes
 * exactly what the unfolded one computed; a folded value is stored as the exact doubles of its
 * dtype's values, so it prints and parses back to the same bits in F16, F32 and F64. (stop_gradient of a constant folds too: a constant
 * has no derivative either.) Two guards keep the graph small:
 * <ul>
 *   <li>an elementwise node whose operands are all splats (a uniform CONST, or one broadcast)
 *       is evaluated once, on one element, and becomes a scalar CONST broadcast to its shape;</li>
 *   <li>BROADCAST is never folded, and TRANSPOSE and RESHAPE only when the result has at most
 *       {@value #SMALL} elements: the backend reads a constant through them by index arithmetic,
 *       as it reads an input, so materialising one would only cost a pass over the values per
 *       graph (vjp and valueAndGrad each folded their own transposed copy of a captured matrix);</li>
 *   <li>any other node is folded only if its result has no more elements than its constant
 *       operands together, or at most {@value #SMALL}.</li>
 * </ul>
 */
public final class ConstantFolding {
    private ConstantFolding() {}

    static final int SMALL = 64;

    public static Graph run(Graph g) {
        Builder b = new Builder();
        int[] map = new int[g.size()];
        for (Node n : g.nodes()) map[n.id()] = fold(b, n, Rebuild.remap(n, map));
        int[] outs = g.outputs();
        for (int i = 0; i < outs.length; i++) outs[i] = map[outs[i]];
        return b.build(outs, g.outputNames());
    }

    private static int fold(Builder b, Node n, int[] args) {
        Prim p = n.prim();
        // a broadcast is index arithmetic for the backend: materialising it only costs memory
        if (p.family == Prim.Family.LEAF || p == Prim.BROADCAST) return copy(b, n, args);
        Type t = n.type();
        // a view of a big constant stays a view: O(1) here, free index arithmetic in the backend
        if ((p == Prim.TRANSPOSE || p == Prim.RESHAPE) && t.size() > SMALL) return copy(b, n, args);
        Type[] argTypes = new Type[args.length];
        for (int i = 0; i < args.length; i++) argTypes[i] = b.type(args[i]);

        if (p.isElementwise() && !t.isScalar()) {
            Object[] one = new Object[args.length];
            Type[] oneTypes = new Type[args.length];
            for (int i = 0; i < args.length; i++) {
                Double v = Rebuild.splat(b, args[i]);
                if (v == null) { one = null; break; }
                oneTypes[i] = Type.scalar(argTypes[i].dtype());
                one[i] = Kernels.constant(oneTypes[i], new double[] {v});   // the element as its dtype holds it
            }
            if (one != null) {
                Type scalar = Type.scalar(t.dtype());
                Object v = Kernels.apply(p, scalar, n.rawInts(), n.rawData(), one, oneTypes);
                return b.broadcast(b.constant(scalar, Kernels.get(v, 0)), t.shape());
            }
        }

        // decide before touching any values: a node that stays costs O(1), however big its constants
        int constSize = 0;
        for (int a : args) {
            if (b.node(a).prim() != Prim.CONST) return copy(b, n, args);
            constSize += b.type(a).size();
        }
        if (t.size() > Math.max(SMALL, constSize)) return copy(b, n, args);
        Object[] values = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            Node a = b.node(args[i]);
            values[i] = Kernels.constant(a.type(), a.rawData());   // a constant holds its data rounded to its dtype
        }
        return b.constantOwned(t, Kernels.toDoubles(Kernels.apply(p, t, n.rawInts(), n.rawData(), values, argTypes)));
    }

    private static int copy(Builder b, Node n, int[] args) {
        return b.copy(n, args);
    }
}
