package io.jgrad.ir;

/**
 * Evaluates at compile time every node whose operands are all constants, with the
 * interpreter's own node rule (float32 rounding for F32 values), so a folded graph computes
 * exactly what the unfolded one computed. (stop_gradient of a constant folds too: a constant
 * has no derivative either.) Two guards keep the graph small:
 * <ul>
 *   <li>an elementwise node whose operands are all splats (a uniform CONST, or one broadcast)
 *       is evaluated once, on one element, and becomes a scalar CONST broadcast to its shape;</li>
 *   <li>BROADCAST is never folded (a broadcast constant stays a scalar and index arithmetic);
 *       any other node is folded only if its result has no more elements than its constant
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

        if (p.isElementwise() && !t.isScalar()) {
            double[][] one = new double[args.length][];
            Type[] oneTypes = new Type[args.length];
            for (int i = 0; i < args.length; i++) {
                Double v = Rebuild.splat(b, args[i]);
                if (v == null) { one = null; break; }
                one[i] = new double[] {Interpreter.roundTo(b.type(args[i]).dtype(), v)};
                oneTypes[i] = Type.of(b.type(args[i]).dtype());
            }
            if (one != null) {
                Node scalarNode = new Node(-1, p, new int[args.length], Type.of(t.dtype()), n.rawInts(), n.rawData(), null);
                double v = Interpreter.evalNode(scalarNode, one, oneTypes, true)[0];
                return b.broadcast(b.constant(Type.of(t.dtype()), v), t.shape());
            }
        }

        // decide before touching any values: a node that stays costs O(1), however big its constants
        int constSize = 0;
        for (int a : args) {
            if (b.node(a).prim() != Prim.CONST) return copy(b, n, args);
            constSize += b.type(a).size();
        }
        if (t.size() > Math.max(SMALL, constSize)) return copy(b, n, args);
        double[][] values = new double[args.length][];
        Type[] argTypes = new Type[args.length];
        for (int i = 0; i < args.length; i++) {
            values[i] = Interpreter.constValues(b.node(args[i]));   // an F32 constant is the float nearest its data
            argTypes[i] = b.type(args[i]);
        }
        return b.constantOwned(t, Interpreter.evalNode(n, values, argTypes, true));
    }

    private static int copy(Builder b, Node n, int[] args) {
        return b.copy(n, args);
    }
}
