package io.jgrad.ir;

import io.jgrad.runtime.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads {@link Printer}'s text form back into a {@link Graph} (the shape rules are checked as it builds). */
public final class Parser {
    private final String src;
    private int pos;

    private Parser(String src) {
        this.src = src;
    }

    /** Parses a graph; a malformed text throws IllegalArgumentException naming the line. */
    public static Graph parse(String text) {
        Parser p = new Parser(text);
        try {
            return p.graph();
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("parse error at line " + p.lineNumber() + ": " + e.getMessage(), e);
        }
    }

    private record InputDecl(int index, String name, Type type) {}

    private record OpDecl(Prim prim, int[] args, Type type, int[] ints, double[] data) {}

    private Graph graph() {
        expectWord("graph");
        expect('(');
        Map<Integer, InputDecl> inputs = new HashMap<>();
        if (!peekIs(')')) {
            do {
                int id = valueRef();
                expect(':');
                Type t = type();
                String name = name();
                if (inputs.put(id, new InputDecl(inputs.size(), name, t)) != null) throw new IllegalArgumentException("%" + id + " declared twice");
            } while (accept(','));
        }
        expect(')');
        expect('{');
        Map<Integer, OpDecl> ops = new HashMap<>();
        int count = inputs.size();
        while (!peekWord("return")) {
            int id = valueRef();
            expect('=');
            Prim prim = Prim.parse(word());
            if (prim == Prim.INPUT) throw new IllegalArgumentException("inputs are declared in the graph header");
            List<Integer> args = new ArrayList<>();
            if (peekIs('%')) {
                do args.add(valueRef()); while (accept(','));
            }
            int[] ints = null;
            double[] data = null;
            switch (prim) {
                case CONST -> data = peekIs('[') ? doubleList() : new double[] {number()};
                case POW -> { attribute("exponent"); data = new double[] {number()}; }
                case TRANSPOSE -> { attribute("perm"); ints = intList(); }
                case REDUCE_SUM, REDUCE_MAX -> { attribute("axes"); ints = intList(); }
                case SLICE -> ints = intAttributes("axis", "start", "end");
                case PAD -> ints = intAttributes("axis", "low", "high");
                case CONCAT -> ints = intAttributes("axis");
                case GATHER -> ints = Indexing.gather(intAttributes("axis")[0], listAttribute("indices"));
                case SCATTER_ADD -> {
                    int[] as = intAttributes("axis", "size");
                    ints = Indexing.scatterAdd(as[0], as[1], listAttribute("indices"));
                }
                case DOT_GENERAL -> ints = new Contraction.Dims(listAttribute("lhs_batch"), listAttribute("rhs_batch"),
                        listAttribute("lhs_contract"), listAttribute("rhs_contract")).encode();
                case INPUT, NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, STOP_GRADIENT,
                     EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC, FLOOR, ROUND, CONVERT,
                     ADD, SUB, MUL, DIV, MAX, MIN, ATAN2, POWER, GT, GE, LT, LE, EQ, SELECT, BROADCAST, RESHAPE, MATMUL -> { }
            }
            expect(':');
            Type t = type();
            if (inputs.containsKey(id) || ops.put(id, new OpDecl(prim, args.stream().mapToInt(Integer::intValue).toArray(), t, ints, data)) != null)
                throw new IllegalArgumentException("%" + id + " defined twice");
            count++;
        }
        expectWord("return");
        List<Integer> outs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (!peekIs('}')) {
            do {
                names.add(name());
                expect('=');
                outs.add(valueRef());
            } while (accept(','));
        }
        expect('}');
        skipSpace();
        if (pos < src.length()) throw new IllegalArgumentException("text after the closing brace");

        Builder b = new Builder();
        for (int id = 0; id < count; id++) {
            InputDecl in = inputs.get(id);
            OpDecl op = ops.get(id);
            if (in == null && op == null) throw new IllegalArgumentException("ids must be 0.." + (count - 1) + ", %" + id + " is missing");
            int made;
            try {
                made = in != null ? b.input(in.index, in.name, in.type) : b.add(op.prim, op.args, op.type, op.ints, op.data, null);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("%" + id + ": " + e.getMessage(), e);
            }
            if (made != id) throw new AssertionError(made + " != " + id);
        }
        return b.build(outs.stream().mapToInt(Integer::intValue).toArray(), names.toArray(new String[0]));
    }

    // ------------------------------------------------------------------ lexing

    private int lineNumber() {
        int line = 1;
        for (int i = 0; i < Math.min(pos, src.length()); i++) if (src.charAt(i) == '\n') line++;
        return line;
    }

    private void skipSpace() {
        while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) pos++;
    }

    private boolean peekIs(char c) {
        skipSpace();
        return pos < src.length() && src.charAt(pos) == c;
    }

    private boolean accept(char c) {
        if (!peekIs(c)) return false;
        pos++;
        return true;
    }

    private void expect(char c) {
        if (!accept(c)) throw new IllegalArgumentException("expected '" + c + "' but found " + found());
    }

    private String found() {
        skipSpace();
        if (pos >= src.length()) return "the end of the text";
        int end = pos;
        while (end < src.length() && end < pos + 20 && src.charAt(end) != '\n') end++;
        return "'" + src.substring(pos, end) + "'";
    }

    private static boolean wordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-' || c == '+';
    }

    private String word() {
        skipSpace();
        int start = pos;
        while (pos < src.length() && wordChar(src.charAt(pos))) pos++;
        if (start == pos) throw new IllegalArgumentException("expected a word but found " + found());
        return src.substring(start, pos);
    }

    private boolean peekWord(String w) {
        skipSpace();
        return src.startsWith(w, pos) && (pos + w.length() == src.length() || !wordChar(src.charAt(pos + w.length())));
    }

    private void expectWord(String w) {
        if (!peekWord(w)) throw new IllegalArgumentException("expected '" + w + "' but found " + found());
        pos += w.length();
    }

    private void attribute(String key) {
        expectWord(key);
        expect('=');
    }

    /** {@code k1=int k2=int ...} in this order. */
    private int[] intAttributes(String... keys) {
        int[] v = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            attribute(keys[i]);
            v[i] = integer();
        }
        return v;
    }

    private int[] listAttribute(String key) {
        attribute(key);
        return intList();
    }

    private int integer() {
        String w = word();
        try {
            return Integer.parseInt(w);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad integer '" + w + "'");
        }
    }

    private int valueRef() {
        expect('%');
        return Integer.parseInt(word());
    }

    private double number() {
        String w = word();
        try {
            return Double.parseDouble(w);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad number '" + w + "'");
        }
    }

    private int[] intList() {
        expect('[');
        List<Integer> v = new ArrayList<>();
        if (!peekIs(']')) do v.add(Integer.parseInt(word())); while (accept(','));
        expect(']');
        return v.stream().mapToInt(Integer::intValue).toArray();
    }

    private double[] doubleList() {
        expect('[');
        List<Double> v = new ArrayList<>();
        if (!peekIs(']')) do v.add(number()); while (accept(','));
        expect(']');
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private Type type() {
        String d = word();
        int[] shape = intList();
        return Type.of(DType.parse(d), shape);
    }

    private String name() {
        if (!peekIs('"')) return word();
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = src.charAt(pos++);
            if (c == '"') return sb.toString();
            if (c != '\\') { sb.append(c); continue; }
            char e = src.charAt(pos++);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 'u' -> { sb.append((char) Integer.parseInt(src.substring(pos, pos + 4), 16)); pos += 4; }
                default -> sb.append(e);
            }
        }
    }
}
