package io.jgrad.codegen;

import io.jgrad.ir.Graph;
import io.jgrad.ir.Node;
import io.jgrad.ir.Prim;

import java.util.Arrays;

/**
 * A plain text and DOT rendering of a graph for {@code Compiled.ir()} and {@code dot()}.
 * Stands in until branch {@code ir} provides its Printer and Dot (the round-tripping forms).
 */
final class IrText {
    private IrText() {}

    static String print(Graph g) {
        StringBuilder sb = new StringBuilder();
        for (Node nd : g.nodes()) {
            sb.append('%').append(nd.id()).append(" = ").append(nd.prim().text);
            if (nd.prim() == Prim.INPUT) sb.append(' ').append(nd.inputIndex()).append(" \"").append(nd.name()).append('"');
            for (int a : nd.args()) sb.append(" %").append(a);
            if (nd.prim() == Prim.CONST) sb.append(' ').append(Arrays.toString(nd.data()));
            else if (nd.ints().length > 0 && nd.prim() != Prim.INPUT) sb.append(' ').append(Arrays.toString(nd.ints()));
            else if (nd.prim() == Prim.POW) sb.append(' ').append(nd.exponent());
            sb.append(" : ").append(nd.type()).append('\n');
        }
        sb.append("return");
        for (int k = 0; k < g.outputCount(); k++) sb.append(k == 0 ? " " : ", ").append(g.outputName(k)).append("=%").append(g.output(k));
        return sb.append('\n').toString();
    }

    static String dot(Graph g) {
        StringBuilder sb = new StringBuilder("digraph jgrad {\n  rankdir=TB;\n");
        for (Node nd : g.nodes()) {
            String label = nd.prim() == Prim.INPUT ? nd.name() : nd.prim().text;
            sb.append("  n").append(nd.id()).append(" [label=\"").append(label).append("\\n").append(nd.type()).append("\"];\n");
            for (int a : nd.args()) sb.append("  n").append(a).append(" -> n").append(nd.id()).append(";\n");
        }
        for (int k = 0; k < g.outputCount(); k++)
            sb.append("  out").append(k).append(" [shape=box,label=\"").append(g.outputName(k)).append("\"];\n  n").append(g.output(k)).append(" -> out").append(k).append(";\n");
        return sb.append("}\n").toString();
    }
}
