package io.jgrad.ir;

import java.util.regex.Pattern;

/**
 * The IR text form, one op a line with its type:
 * <pre>
 * graph(%0: f32[] w, %1: f32[3] x) {
 *   %2 = const 2.0 : f32[]
 *   %3 = broadcast %2 : f32[3]
 *   %4 = mul %1, %3 : f32[3]
 *   %5 = reduce_sum %4 axes=[0] : f32[]
 *   %6 = pow %5 exponent=2.0 : f32[]
 *   return out=%6
 * }
 * </pre>
 * The header lists the inputs in parameter order with their ids (an input may sit anywhere in
 * the node order, e.g. the adjoint's seed); the body lists every other node in id order.
 * Attributes: {@code exponent=} (pow), {@code perm=} (transpose), {@code axes=} (reductions),
 * {@code axis= start= end=} (slice), {@code axis= low= high=} (pad), {@code axis= indices=[..]}
 * (gather), {@code axis= size= indices=[..]} (scatter_add), {@code axis=} (concat),
 * {@code lhs_batch=[..] rhs_batch=[..] lhs_contract=[..] rhs_contract=[..]} (dot_general);
 * const values are printed with {@link Double#toString}, which {@link Parser} reads back exactly.
 * Names that are not identifiers are quoted. {@link Parser#parse} inverts it: print, parse,
 * print gives the same text.
 */
public final class Printer {
    private Printer() {}

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

    public static String print(Graph g) {
        StringBuilder sb = new StringBuilder("graph(");
        boolean first = true;
        for (Node in : g.inputs()) {
            if (!first) sb.append(", ");
            first = false;
            sb.append('%').append(in.id()).append(": ").append(in.type()).append(' ').append(name(in.name()));
        }
        sb.append(") {\n");
        for (Node n : g.nodes()) if (n.prim() != Prim.INPUT) sb.append("  ").append(line(n)).append('\n');
        sb.append("  return");
        for (int o = 0; o < g.outputCount(); o++)
            sb.append(o == 0 ? " " : ", ").append(name(g.outputName(o))).append("=%").append(g.output(o));
        return sb.append("\n}\n").toString();
    }

    /** One node as it appears in the body (an INPUT as {@code %0 = input 0 w : f32[]}, for messages). */
    public static String line(Node n) {
        StringBuilder sb = new StringBuilder().append('%').append(n.id()).append(" = ").append(n.prim().text);
        if (n.prim() == Prim.INPUT) {
            sb.append(' ').append(n.rawInts().length > 0 ? n.rawInts()[0] : -1).append(' ').append(name(n.name()));
        }
        for (int i = 0; i < n.arity(); i++) sb.append(i == 0 ? " %" : ", %").append(n.arg(i));
        switch (n.prim()) {
            case CONST -> {
                double[] d = n.rawData();
                if (n.type().isScalar() && d.length == 1) sb.append(' ').append(d[0]);
                else sb.append(' ').append(doubles(d));
            }
            case POW -> sb.append(" exponent=").append(n.rawData().length > 0 ? Double.toString(n.rawData()[0]) : "?");
            case TRANSPOSE -> sb.append(" perm=").append(ints(n.rawInts()));
            case REDUCE_SUM, REDUCE_MAX -> sb.append(" axes=").append(ints(n.rawInts()));
            case SLICE -> attrs(sb, n.rawInts(), "axis", "start", "end");
            case PAD -> attrs(sb, n.rawInts(), "axis", "low", "high");
            case CONCAT -> attrs(sb, n.rawInts(), "axis");
            case GATHER, SCATTER_ADD -> {
                int[] v = n.rawInts();
                boolean scatter = n.prim() == Prim.SCATTER_ADD;
                if (v.length > 0) sb.append(" axis=").append(v[0]);
                if (scatter && v.length > 1) sb.append(" size=").append(v[1]);
                sb.append(" indices=").append(ints(java.util.Arrays.copyOfRange(v, Math.min(v.length, scatter ? 2 : 1), v.length)));
            }
            case DOT_GENERAL -> {
                Contraction.Dims d = Contraction.Dims.of(n.rawInts());
                sb.append(" lhs_batch=").append(ints(d.lb())).append(" rhs_batch=").append(ints(d.rb()))
                  .append(" lhs_contract=").append(ints(d.lc())).append(" rhs_contract=").append(ints(d.rc()));
            }
            case INPUT, NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, STOP_GRADIENT,
                 EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC, FLOOR, ROUND, CONVERT,
                 ADD, SUB, MUL, DIV, MAX, MIN, ATAN2, POWER, GT, GE, LT, LE, EQ, SELECT, BROADCAST, RESHAPE, MATMUL -> { }
        }
        return sb.append(" : ").append(n.type()).toString();
    }

    /** {@code key=value} for each attribute (printed as far as the node has them; the verifier names a short list). */
    private static void attrs(StringBuilder sb, int[] v, String... keys) {
        for (int i = 0; i < keys.length && i < v.length; i++) sb.append(' ').append(keys[i]).append('=').append(v[i]);
    }

    static String ints(int[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) { if (i > 0) sb.append(','); sb.append(v[i]); }
        return sb.append(']').toString();
    }

    static String doubles(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) { if (i > 0) sb.append(", "); sb.append(v[i]); }
        return sb.append(']').toString();
    }

    /** An identifier as is, anything else as a quoted string with \" \\ \n and \\uXXXX escapes. */
    static String name(String s) {
        if (s != null && IDENTIFIER.matcher(s).matches()) return s;
        if (s == null) return "\"\"";
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c == '\n') sb.append("\\n");
            else if (c < 0x20 || c > 0x7e) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.append('"').toString();
    }
}
