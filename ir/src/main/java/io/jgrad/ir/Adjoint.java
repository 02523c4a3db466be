package io.jgrad.ir;

import java.util.Arrays;

/**
 * Reverse mode as an IR → IR pass (PIPELINE.md). The result copies the forward graph (same ids),
 * then walks it in reverse emitting each node's VJP rule ({@link Prim#vjp}) as ordinary IR.
 * Contributions to a value's adjoint are added, never overwritten. Zeros are symbolic: a value
 * gets an adjoint only if it reaches the output and depends on a requested input through
 * differentiable operands (STOP_GRADIENT, comparisons and SELECT's condition cut the
 * dependence), so no {@code 0·x} is ever emitted. The result is plain IR, so the pass applies
 * to its own output (second derivatives).
 */
public final class Adjoint {
    private Adjoint() {}

    /**
     * The forward+adjoint graph of {@code forward} (one output).
     * <ul>
     *   <li>inputs: the forward's inputs (same indices); with {@code withSeed} also an input at
     *       index n named "seed" of the output's type, the vector of the vector-Jacobian product;
     *       without it the output must be a scalar and the seed is the constant 1;</li>
     *   <li>outputs: the value (under the forward output's name), then {@code d_<input name>}
     *       for every input i with {@code wrt[i]}, in input order; an input the output does not
     *       depend on gets a zero constant of its type.</li>
     * </ul>
     */
    public static Graph of(Graph forward, boolean[] wrt, boolean withSeed) {
        int inputCount = forward.inputs().size();
        if (forward.outputCount() != 1)
            throw new IllegalArgumentException("adjoint: the forward graph needs exactly one output, has " + forward.outputCount());
        if (wrt == null || wrt.length != inputCount)
            throw new IllegalArgumentException("adjoint: wrt needs one flag per input (" + inputCount + "), got " + (wrt == null ? "null" : wrt.length));
        int output = forward.output(0);
        Type outType = forward.type(output);
        if (!withSeed && !outType.isScalar())
            throw new IllegalArgumentException("adjoint: without a seed the output must be a scalar, it is " + outType + " (use a seed: the vjp)");

        Builder b = new Builder();
        for (Node n : forward.nodes()) {   // the copy keeps every id, so forward values are reused by id
            int id = b.copy(n, n.rawArgs());
            if (id != n.id()) throw new AssertionError("copy must keep ids");
        }
        int seed = withSeed ? b.input(inputCount, "seed", outType) : b.constant(outType, 1.0);

        int[] adjoint = backward(b, forward.nodes(), output, seed, wrt);

        int gradients = 0;
        for (boolean w : wrt) if (w) gradients++;
        int[] outputs = new int[1 + gradients];
        String[] names = new String[1 + gradients];
        outputs[0] = output;
        names[0] = forward.outputName(0);
        java.util.Set<String> taken = new java.util.HashSet<>(java.util.List.of(names[0]));
        int k = 1;
        for (Node in : forward.inputs()) {
            if (!wrt[in.inputIndex()]) continue;
            int d = in.id() < adjoint.length ? adjoint[in.id()] : -1;   // an input defined after the output does not reach it
            outputs[k] = d >= 0 ? d : Prim.splat(b, 0, in.type());
            String name = "d_" + in.name();
            // two inputs of one name (or an output called d_x) still give distinct output names
            if (!taken.add(name)) taken.add(name = "d_" + in.name() + "_" + in.inputIndex());
            names[k++] = name;
        }
        return b.build(outputs, names);
    }

    /**
     * The reverse walk, shared by {@link #of} (over a graph being built) and the eager engine
     * (over an {@link Eval}, after one user op): for every value 0..output of {@code nodes}
     * that needs one, the id of its adjoint, emitted into {@code e} by the VJP rules
     * ({@link Prim#vjp}) from {@code seed}, the adjoint of {@code output}; a negative entry where
     * the adjoint is zero. Contributions to a value's adjoint are added, never overwritten. An INPUT with
     * parameter index i is differentiated when {@code wrt[i]} (an index past wrt's end is not).
     * {@code nodes} must be the node list of {@code e} (or its first output+1 nodes): the rules
     * name forward values by id and append new ones; the walk reads only ids up to output, so
     * the list may grow while it runs.
     */
    public static int[] backward(Emitter e, java.util.List<Node> nodes, int output, int seed, boolean[] wrt) {
        if (output < 0 || output >= nodes.size()) throw new IllegalArgumentException("adjoint: no value %" + output + " to differentiate");
        Node[] forward = new Node[output + 1];
        for (int id = 0; id <= output; id++) forward[id] = nodes.get(id);
        return backward(e, new NodeTape(forward), output, seed, wrt, new int[output + 1], new boolean[3], new int[3]);
    }

    /**
     * What the reverse walk reads of the forward values 0..output: a graph's nodes
     * ({@link NodeTape}) or an {@link Eval}'s records (which keeps no Node objects, for speed).
     */
    interface Tape {
        Prim prim(int id);
        Type type(int id);
        /** The number of operands of id (its primitive's arity; CONCAT's own count). */
        int arity(int id);
        /** Operand i of id, -1 when i is past its arity. */
        int arg(int id, int i);
        /** INPUT's [index], TRANSPOSE's perm, REDUCE_*'s axes; empty otherwise. */
        int[] ints(int id);
        /** CONST's values, POW's [exponent]; empty otherwise. */
        double[] data(int id);
    }

    /** A tape over Node objects. */
    record NodeTape(Node[] nodes) implements Tape {
        @Override public Prim prim(int id) { return nodes[id].prim(); }
        @Override public Type type(int id) { return nodes[id].type(); }
        @Override public int arity(int id) { return nodes[id].arity(); }
        @Override public int arg(int id, int i) { int[] a = nodes[id].rawArgs(); return i < a.length ? a[i] : -1; }
        @Override public int[] ints(int id) { return nodes[id].rawInts(); }
        @Override public double[] data(int id) { return nodes[id].rawData(); }
    }

    private static int[] operands(Tape tape, int id, int arity) {
        int[] a = new int[arity];
        for (int i = 0; i < arity; i++) a[i] = tape.arg(id, i);
        return a;
    }

    /**
     * The walk over any tape whose ids are those of {@code e}, into the caller's arrays: adjoint
     * (at least output+1 long, returned), want and into (3 long, scratch). The eager engine
     * reuses them from one backward to the next.
     */
    static int[] backward(Emitter e, Tape tape, int output, int seed, boolean[] wrt, int[] adjoint, boolean[] want, int[] into) {
        return walk(e, tape, new int[] {output}, new int[] {seed}, wrt, null, adjoint, want, into);
    }

    /**
     * The general reverse walk: the adjoints of several values at once, each output seeded by its
     * own seed (an output listed twice gets both seeds added), differentiated with respect to the
     * values marked in {@code wrtNode} (by id; any float value, not only an INPUT: a marked value
     * is treated as an independent variable, and its adjoint is final once the walk is below it).
     * Returns, per id 0..max(outputs), the id of its adjoint in {@code e}, or a negative value where it is zero.
     * {@code nodes} is as for {@link #backward(Emitter, java.util.List, int, int, boolean[])}. This
     * is what makes the other derivatives of {@link Derivatives} out of the VJP rules alone:
     * seeding the outputs of a linear computation and walking back to its input is its transpose.
     */
    public static int[] backward(Emitter e, java.util.List<Node> nodes, int[] outputs, int[] seeds, boolean[] wrtNode) {
        if (outputs.length != seeds.length)
            throw new IllegalArgumentException("adjoint: one seed per output, got " + seeds.length + " for " + outputs.length);
        int last = -1;
        for (int o : outputs) {
            if (o < 0 || o >= nodes.size()) throw new IllegalArgumentException("adjoint: no value %" + o + " to differentiate");
            last = Math.max(last, o);
        }
        Node[] forward = new Node[last + 1];
        for (int id = 0; id <= last; id++) forward[id] = nodes.get(id);
        return walk(e, new NodeTape(forward), outputs, seeds, NO_INPUT, wrtNode, new int[last + 1], new boolean[3], new int[3]);
    }

    private static final boolean[] NO_INPUT = new boolean[0];

    /**
     * The walk itself. A value is differentiated when it is an INPUT requested by {@code wrt}
     * (parameter indices) or is marked in {@code wrtNode} (ids; may be null).
     */
    private static int[] walk(Emitter e, Tape tape, int[] outputs, int[] seeds, boolean[] wrt, boolean[] wrtNode,
                              int[] adjoint, boolean[] want, int[] into) {
        int last = -1;
        for (int k = 0; k < outputs.length; k++) {
            Type outType = tape.type(outputs[k]);
            if (e.type(seeds[k]) != outType && !e.type(seeds[k]).equals(outType))
                throw new IllegalArgumentException("adjoint: the seed is " + e.type(seeds[k]) + ", the output " + outType);
            last = Math.max(last, outputs[k]);
        }
        // a value needs an adjoint when it depends on a requested input through differentiable
        // operands and the output depends on it; the walk only visits values that received an
        // adjoint from the output's side, so "depends" is the only flag it needs. One array holds
        // both: adjoint[id] is -1 (does not depend), -2 (depends, no adjoint yet) or the adjoint's id.
        for (int id = 0; id <= last; id++) {
            boolean marked = wrtNode != null && id < wrtNode.length && wrtNode[id] && tape.type(id).dtype().isFloat();
            adjoint[id] = marked || dependsOnWrt(tape, id, adjoint, wrt) ? -2 : -1;
        }
        for (int k = 0; k < outputs.length; k++) {
            int o = outputs[k];
            if (adjoint[o] == -1) continue;
            adjoint[o] = adjoint[o] == -2 ? seeds[k] : e.binary(Prim.ADD, adjoint[o], seeds[k]);
        }
        // want: a rule reads only the flags of its own operands; into: it writes one contribution per operand
        for (int id = last; id >= 0; id--) {
            int gbar = adjoint[id];
            if (gbar < 0) continue;
            Prim p = tape.prim(id);
            int arity = tape.arity(id);
            if (arity == 0) continue;
            if (arity > want.length) want = new boolean[arity];   // CONCAT of many operands
            for (int i = 0; i < arity; i++) want[i] = adjoint[tape.arg(id, i)] != -1;
            int[] contributions = p == Prim.CONCAT
                    ? Indexing.concatVjp(e, operands(tape, id, arity), tape.ints(id), gbar, want)   // the variadic rule reads every operand
                    : p.vjp(e, id, tape.type(id), tape.arg(id, 0), tape.arg(id, 1), tape.ints(id), tape.data(id), gbar, want, into);
            for (int i = 0; i < arity; i++) {
                int c = contributions[i];
                if (c < 0) continue;
                int a = tape.arg(id, i);
                adjoint[a] = adjoint[a] < 0 ? c : e.binary(Prim.ADD, adjoint[a], c);
            }
        }
        return adjoint;   // negative: no adjoint (-1 independent, -2 dependent but nothing reached it)
    }

    /** Whether value id depends on a requested input; {@code adjoint} holds -1 for the earlier values that do not. */
    private static boolean dependsOnWrt(Tape t, int id, int[] adjoint, boolean[] wrt) {
        Prim p = t.prim(id);
        return switch (p) {
            // a BOOL input has no derivative
            case INPUT -> {
                int index = t.ints(id)[0];
                yield index < wrt.length && wrt[index] && t.type(id).dtype().isFloat();
            }
            // piecewise constant: FLOOR and ROUND (zero derivative, as PyTorch's) and the comparisons
            case CONST, STOP_GRADIENT, FLOOR, ROUND, GT, GE, LT, LE, EQ -> false;
            case SELECT -> adjoint[t.arg(id, 1)] != -1 || adjoint[t.arg(id, 2)] != -1;
            // POW with exponent 0 is constant (its VJP is zero): nothing flows through it
            case POW -> t.data(id)[0] != 0 && adjoint[t.arg(id, 0)] != -1;
            // a conversion to or from BOOL carries no derivative
            case CONVERT -> t.type(id).dtype().isFloat() && adjoint[t.arg(id, 0)] != -1;
            case NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC,
                 ADD, SUB, MUL, DIV, MAX, MIN, ATAN2, POWER, BROADCAST, RESHAPE, TRANSPOSE, SLICE, PAD, GATHER, SCATTER_ADD,
                 REDUCE_SUM, REDUCE_MAX, MATMUL, CONCAT, DOT_GENERAL -> {
                boolean any = false;
                for (int i = 0, n = t.arity(id); i < n; i++) any |= adjoint[t.arg(id, i)] != -1;
                yield any;
            }
        };
    }
}
