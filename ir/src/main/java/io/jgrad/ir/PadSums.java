package io.jgrad.ir;

import java.util.ArrayList;
import java.util.List;

/**
 * Sums of pads that tile an axis, rewritten as one concatenation: pad(a, 0, 6) + pad(b, 3, 3)
 * + pad(c, 6, 0) = concat(a, b, c). Forward mode made by transposition gives exactly such sums for
 * the tangent of a concatenation (its VJP slices, whose transposes are pads), and of a stack of
 * scalars; as a sum every element reads every pad through a bounds test, as a concatenation it
 * reads one operand. Used on the forward-mode graph of {@link Derivatives#jacobianColumns}, where
 * each of those reads is a loop over the lanes.
 *
 * <p>The same values: each element of the sum is one operand element plus +0.0 from the other
 * pads, which is that element (a -0.0 becomes +0.0 in the sum and stays -0.0 in the
 * concatenation: the same number). Gaps no pad covers become zero constants.
 */
final class PadSums {
    private PadSums() {}

    /** Longest sum rewritten (the walk keeps a list of pads per sum node). */
    static final int MAX_TERMS = 4096;

    static Graph run(Graph g) {
        int[] uses = g.useCounts();
        List<List<Node>> terms = new ArrayList<>(g.size());   // per ADD node: its pads, or null
        Builder b = new Builder();
        int[] map = new int[g.size()];
        for (Node n : g.nodes()) {
            List<Node> pads = null;
            if (n.prim() == Prim.ADD) pads = pads(g, n, terms, uses);
            terms.add(pads);
            map[n.id()] = pads != null && tiles(pads) ? concat(b, pads, map, n.type()) : Rebuild.copy(b, n, map);
        }
        int[] outs = g.outputs();
        for (int i = 0; i < outs.length; i++) outs[i] = map[outs[i]];
        return b.build(outs, g.outputNames());
    }

    /** The pads along one axis that ADD node n sums (through ADDs used only there), or null. */
    private static List<Node> pads(Graph g, Node n, List<List<Node>> terms, int[] uses) {
        List<Node> all = new ArrayList<>();
        for (int a : n.rawArgs()) {
            Node x = g.node(a);
            if (x.prim() == Prim.PAD) all.add(x);
            else if (x.prim() == Prim.ADD && uses[a] == 1 && terms.get(a) != null) all.addAll(terms.get(a));
            else return null;
            if (all.size() > MAX_TERMS) return null;
        }
        int axis = all.get(0).rawInts()[0];
        for (Node p : all) if (p.rawInts()[0] != axis) return null;
        return all;
    }

    /** Whether the pads' operands occupy disjoint ranges of their axis. */
    private static boolean tiles(List<Node> pads) {
        List<Node> sorted = sorted(pads);
        int end = 0;
        for (Node p : sorted) {
            int low = p.rawInts()[1];
            if (low < end) return false;
            end = p.type().dim(p.rawInts()[0]) - p.rawInts()[2];
        }
        return true;
    }

    private static List<Node> sorted(List<Node> pads) {
        List<Node> s = new ArrayList<>(pads);
        s.sort((x, y) -> Integer.compare(x.rawInts()[1], y.rawInts()[1]));
        return s;
    }

    /** The operands in order along the axis, zeros in the gaps. */
    private static int concat(Builder b, List<Node> pads, int[] map, Type t) {
        int axis = pads.get(0).rawInts()[0];
        List<Integer> parts = new ArrayList<>();
        int at = 0;
        for (Node p : sorted(pads)) {
            int low = p.rawInts()[1];
            if (low > at) parts.add(zeros(b, t, axis, low - at));
            parts.add(map[p.arg(0)]);
            at = t.dim(axis) - p.rawInts()[2];
        }
        if (at < t.dim(axis)) parts.add(zeros(b, t, axis, t.dim(axis) - at));
        int[] ids = new int[parts.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = parts.get(i);
        return ids.length == 1 ? ids[0] : b.concat(axis, ids);
    }

    private static int zeros(Builder b, Type t, int axis, int extent) {
        int[] s = t.shape();
        s[axis] = extent;
        return Prim.splat(b, 0, t.withShape(s));
    }
}
