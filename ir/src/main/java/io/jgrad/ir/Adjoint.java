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
            int id = b.add(n.prim(), n.rawArgs(), n.type(), n.rawInts(), n.rawData(), n.name());
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
     * ({@link Prim#vjp}) from {@code seed}, the adjoint of {@code output}; -1 where the adjoint
     * is zero. Contributions to a value's adjoint are added, never overwritten. An INPUT with
     * parameter index i is differentiated when {@code wrt[i]} (an index past wrt's end is not).
     * {@code nodes} must be the node list of {@code e} (or its first output+1 nodes): the rules
     * name forward values by id and append new ones; the walk reads only ids up to output, so
     * the list may grow while it runs.
     */
    public static int[] backward(Emitter e, java.util.List<Node> nodes, int output, int seed, boolean[] wrt) {
        if (output < 0 || output >= nodes.size()) throw new IllegalArgumentException("adjoint: no value %" + output + " to differentiate");
        boolean[] wrtNode = new boolean[output + 1];
        for (int id = 0; id <= output; id++) {
            Node n = nodes.get(id);
            // a BOOL input has no derivative
            wrtNode[id] = n.prim() == Prim.INPUT && n.inputIndex() < wrt.length && wrt[n.inputIndex()] && n.type().dtype().isFloat();
        }
        return backward(e, nodes, new int[] {output}, new int[] {seed}, wrtNode);
    }

    /**
     * The general reverse walk: the adjoints of several values at once, each output seeded by its
     * own seed (an output listed twice gets both seeds added), differentiated with respect to the
     * values marked in {@code wrtNode} (by id; any float value, not only an INPUT: a marked value
     * is treated as an independent variable, and its adjoint is final once the walk is below it).
     * Returns, per id 0..max(outputs), the id of its adjoint in {@code e}, or -1 where it is zero.
     * This is what makes the other derivatives of {@link Derivatives} out of the VJP rules alone:
     * seeding the outputs of a linear computation and walking back to its input is its transpose.
     */
    public static int[] backward(Emitter e, java.util.List<Node> nodes, int[] outputs, int[] seeds, boolean[] wrtNode) {
        if (outputs.length != seeds.length)
            throw new IllegalArgumentException("adjoint: one seed per output, got " + seeds.length + " for " + outputs.length);
        int last = -1;
        for (int k = 0; k < outputs.length; k++) {
            int o = outputs[k];
            if (o < 0 || o >= nodes.size()) throw new IllegalArgumentException("adjoint: no value %" + o + " to differentiate");
            if (!e.type(seeds[k]).equals(nodes.get(o).type()))
                throw new IllegalArgumentException("adjoint: the seed is " + e.type(seeds[k]) + ", the output " + nodes.get(o).type());
            last = Math.max(last, o);
        }
        boolean[] active = active(nodes, wrtNode, outputs, last);
        int[] adjoint = new int[last + 1];
        Arrays.fill(adjoint, -1);
        for (int k = 0; k < outputs.length; k++) {
            int o = outputs[k];
            if (active[o]) adjoint[o] = adjoint[o] < 0 ? seeds[k] : e.binary(Prim.ADD, adjoint[o], seeds[k]);
        }
        for (int id = last; id >= 0; id--) {
            int gbar = adjoint[id];
            if (gbar < 0) continue;
            Node n = nodes.get(id);
            int[] args = n.rawArgs();
            if (args.length == 0) continue;
            boolean[] want = new boolean[args.length];
            for (int i = 0; i < want.length; i++) want[i] = active[args[i]];
            int[] contributions = n.prim().vjp(e, n, gbar, want);
            for (int i = 0; i < contributions.length; i++) {
                int c = contributions[i];
                if (c < 0) continue;
                int a = args[i];
                adjoint[a] = adjoint[a] < 0 ? c : e.binary(Prim.ADD, adjoint[a], c);
            }
        }
        return adjoint;
    }

    private static final boolean[] NO_INPUT = new boolean[0];

    /**
     * Values that need an adjoint: they depend on a marked value through differentiable
     * operands, and an output depends on them.
     */
    private static boolean[] active(java.util.List<Node> nodes, boolean[] wrtNode, int[] outputs, int last) {
        int count = last + 1;
        boolean[] depends = new boolean[count];
        for (int id = 0; id < count; id++) {
            boolean marked = id < wrtNode.length && wrtNode[id] && nodes.get(id).type().dtype().isFloat();
            // the per-primitive rule, with no INPUT requested by index: inputs depend only when marked
            depends[id] = marked || dependsOnWrt(nodes.get(id), depends, NO_INPUT);
        }
        boolean[] reaches = new boolean[count];
        for (int o : outputs) reaches[o] = true;
        for (int id = last; id >= 0; id--) {
            if (!reaches[id] || !depends[id]) continue;
            for (int a : nodes.get(id).rawArgs()) reaches[a] = true;
        }
        boolean[] active = new boolean[count];
        for (int id = 0; id < count; id++) active[id] = depends[id] && reaches[id];
        return active;
    }

    private static boolean dependsOnWrt(Node n, boolean[] depends, boolean[] wrt) {
        return switch (n.prim()) {
            // a BOOL input has no derivative
            case INPUT -> n.inputIndex() < wrt.length && wrt[n.inputIndex()] && n.type().dtype().isFloat();
            case CONST, STOP_GRADIENT, GT, GE, LT, LE, EQ -> false;
            case SELECT -> depends[n.arg(1)] || depends[n.arg(2)];
            // POW with exponent 0 is constant (its VJP is zero): nothing flows through it
            case POW -> n.exponent() != 0 && depends[n.arg(0)];
            // a conversion to or from BOOL carries no derivative
            case CONVERT -> n.type().dtype().isFloat() && depends[n.arg(0)];
            case NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS,
                 ADD, SUB, MUL, DIV, MAX, MIN, BROADCAST, RESHAPE, TRANSPOSE, REDUCE_SUM, REDUCE_MAX, MATMUL -> {
                boolean any = false;
                for (int a : n.rawArgs()) any |= depends[a];
                yield any;
            }
        };
    }
}
