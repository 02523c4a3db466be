package io.jgrad.ir;

import java.util.HashSet;
import java.util.Set;

/**
 * Checks a graph's invariants: ids are positions, operands are defined before use, arity and
 * attributes fit the primitive, every type agrees with the primitive's shape rule, inputs are
 * numbered 0..n-1 once each, outputs exist and have distinct names. Throws
 * IllegalStateException naming the offending node ({@code %12 = mul %3, %4 : f32[]: ...}).
 */
public final class Verifier {
    private Verifier() {}

    /** Returns g, so calls chain: {@code Verifier.verify(Optimizer.optimize(g))}. */
    public static Graph verify(Graph g) {
        int count = g.size();
        for (int id = 0; id < count; id++) {
            Node n = g.node(id);
            if (n.id() != id) throw fail(n, "has id " + n.id() + " at position " + id);
            Prim p = n.prim();
            if (!p.acceptsArity(n.arity()))
                throw fail(n, p.text + " takes " + (p.arity() < 0 ? "at least 1" : String.valueOf(p.arity())) + " operands, has " + n.arity());
            Type[] argTypes = new Type[n.arity()];
            for (int i = 0; i < n.arity(); i++) {
                int a = n.arg(i);
                if (a < 0 || a >= id) throw fail(n, "operand %" + a + " is not defined before it is used");
                argTypes[i] = g.type(a);
            }
            checkAttributes(n);
            try {
                p.resultType(argTypes, n.rawInts(), n.rawData(), n.type());
            } catch (IllegalArgumentException e) {
                throw fail(n, e.getMessage());
            }
        }
        Set<Integer> indices = new HashSet<>();
        for (Node in : g.inputs())
            if (!indices.add(in.inputIndex()) || in.inputIndex() >= g.inputs().size())
                throw fail(in, "input indices must be 0.." + (g.inputs().size() - 1) + ", each once");
        Set<String> names = new HashSet<>();
        for (int o = 0; o < g.outputCount(); o++) {
            int id = g.output(o);
            String name = g.outputName(o);
            if (id < 0 || id >= count) throw new IllegalStateException("output " + o + " (" + name + ") is %" + id + ", which does not exist");
            if (name == null || name.isEmpty() || !names.add(name))
                throw new IllegalStateException("output " + o + " = %" + id + ": names must be non-empty and distinct, got '" + name + "'");
        }
        return g;
    }

    /** Which attribute array a primitive uses. */
    private enum Attrs { NONE, INTS, DATA }

    private static void checkAttributes(Node n) {
        Attrs wanted = switch (n.prim()) {
            case INPUT, TRANSPOSE, REDUCE_SUM, REDUCE_MAX, SLICE, PAD, GATHER, SCATTER_ADD, CONCAT, DOT_GENERAL -> Attrs.INTS;
            case CONST, POW -> Attrs.DATA;
            case NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, STOP_GRADIENT,
                 EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC, FLOOR, ROUND, CONVERT,
                 ADD, SUB, MUL, DIV, MAX, MIN, ATAN2, POWER, GT, GE, LT, LE, EQ, SELECT, BROADCAST, RESHAPE, MATMUL -> Attrs.NONE;
        };
        int ints = n.rawInts().length, data = n.dataLength();
        if (wanted != Attrs.INTS && ints > 0) throw fail(n, n.prim().text + " takes no integer attributes, has " + ints);
        if (wanted != Attrs.DATA && data > 0) throw fail(n, n.prim().text + " takes no float attributes, has " + data);
        if (n.prim() == Prim.INPUT && (n.name() == null || n.name().isEmpty())) throw fail(n, "an input needs a name");
        if (n.prim() != Prim.INPUT && n.name() != null) throw fail(n, "only an input has a name");
    }

    private static IllegalStateException fail(Node n, String why) {
        return new IllegalStateException(Printer.line(n) + ": " + why);
    }
}
