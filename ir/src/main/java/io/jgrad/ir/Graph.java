package io.jgrad.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An immutable SSA graph: nodes in definition order (every operand is defined before it is
 * used; a node's id is its index) and an ordered list of named outputs. Made by
 * {@link Builder#build}; passes return new graphs.
 */
public final class Graph {
    private final List<Node> nodes;
    private final int[] outputs;
    private final String[] outputNames;
    private final List<Node> inputs;

    Graph(List<Node> nodes, int[] outputs, String[] outputNames) {
        this.nodes = Collections.unmodifiableList(new ArrayList<>(nodes));
        this.outputs = outputs.clone();
        this.outputNames = outputNames.clone();
        List<Node> in = new ArrayList<>();
        for (Node n : nodes) if (n.prim() == Prim.INPUT) in.add(n);
        in.sort((a, b) -> Integer.compare(a.inputIndex(), b.inputIndex()));
        this.inputs = Collections.unmodifiableList(in);
    }

    public List<Node> nodes() { return nodes; }
    public Node node(int id) { return nodes.get(id); }
    public int size() { return nodes.size(); }
    public Type type(int id) { return nodes.get(id).type(); }

    /** The INPUT nodes ordered by parameter index. */
    public List<Node> inputs() { return inputs; }

    public int outputCount() { return outputs.length; }
    public int output(int i) { return outputs[i]; }
    public int[] outputs() { return outputs.clone(); }
    public String outputName(int i) { return outputNames[i]; }
    public String[] outputNames() { return outputNames.clone(); }

    /** How many times each value is used as an operand or output. */
    public int[] useCounts() {
        int[] uses = new int[nodes.size()];
        for (Node n : nodes) for (int a : n.rawArgs()) uses[a]++;
        for (int o : outputs) uses[o]++;
        return uses;
    }

    /** Number of nodes that are not INPUT or CONST: the op count reported by tools. */
    public int opCount() {
        int c = 0;
        for (Node n : nodes) if (n.prim().family != Prim.Family.LEAF) c++;
        return c;
    }
}
