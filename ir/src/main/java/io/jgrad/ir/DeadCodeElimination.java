package io.jgrad.ir;

/** Removes every value that no output needs. INPUT nodes stay (they are the signature). Renumbers densely. */
public final class DeadCodeElimination {
    private DeadCodeElimination() {}

    public static Graph run(Graph g) {
        boolean[] live = new boolean[g.size()];
        for (int o : g.outputs()) live[o] = true;
        for (Node in : g.inputs()) live[in.id()] = true;
        for (int id = g.size() - 1; id >= 0; id--)
            if (live[id]) for (int a : g.node(id).rawArgs()) live[a] = true;
        Builder b = new Builder();
        int[] map = new int[g.size()];
        for (Node n : g.nodes()) map[n.id()] = live[n.id()] ? Rebuild.copy(b, n, map) : -1;
        int[] outs = g.outputs();
        for (int i = 0; i < outs.length; i++) outs[i] = map[outs[i]];
        return b.build(outs, g.outputNames());
    }
}
