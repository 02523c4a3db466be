package io.jgrad.ir;

/**
 * A Graphviz picture of a graph: one box per value labelled with its id, primitive,
 * attributes and type; inputs are blue, constants grey, outputs are double octagons fed by the
 * value they name. Render with {@code dot -Tsvg}.
 */
public final class Dot {
    private Dot() {}

    public static String print(Graph g) {
        StringBuilder sb = new StringBuilder("digraph jgrad {\n  rankdir=TB;\n  node [shape=box, fontname=\"monospace\", fontsize=10];\n");
        for (Node n : g.nodes()) {
            String label, style = "";
            if (n.prim() == Prim.INPUT) {
                label = "%" + n.id() + " " + n.name() + "\\ninput " + n.type();
                style = ", style=filled, fillcolor=lightblue";
            } else if (n.prim() == Prim.CONST) {
                label = "%" + n.id() + " const " + constText(n) + "\\n" + n.type();
                style = ", style=filled, fillcolor=lightgrey";
            } else {
                String line = Printer.line(n);
                // "%7 = reduce_sum %5 axes=[1] : f32[3]" -> "%7 reduce_sum axes=[1]\nf32[3]"
                String op = line.substring(line.indexOf(" = ") + 3, line.lastIndexOf(" : ")).replaceAll("%\\d+(, )?", "").replaceAll("\\s+", " ").trim();
                label = "%" + n.id() + " " + op + "\\n" + n.type();
            }
            sb.append("  n").append(n.id()).append(" [label=\"").append(escape(label)).append('"').append(style).append("];\n");
        }
        for (Node n : g.nodes())
            for (int i = 0; i < n.arity(); i++) {
                sb.append("  n").append(n.arg(i)).append(" -> n").append(n.id());
                if (n.arity() > 1) sb.append(" [label=\"").append(i).append("\"]");
                sb.append(";\n");
            }
        for (int o = 0; o < g.outputCount(); o++) {
            sb.append("  out").append(o).append(" [label=\"").append(escape(g.outputName(o))).append("\", shape=doubleoctagon];\n");
            sb.append("  n").append(g.output(o)).append(" -> out").append(o).append(";\n");
        }
        return sb.append("}\n").toString();
    }

    private static String constText(Node n) {
        double[] d = n.rawData();
        if (n.isUniformConst()) return d.length == 1 ? Double.toString(d[0]) : "splat " + d[0];
        return d.length <= 4 ? Printer.doubles(d) : "[" + d.length + " values]";
    }

    /** Escapes quotes and backslashes except the "\n" line breaks the labels use on purpose. */
    private static String escape(String s) {
        return s.replace("\\n", "\u0000").replace("\\", "\\\\").replace("\"", "\\\"").replace("\u0000", "\\n");
    }
}
