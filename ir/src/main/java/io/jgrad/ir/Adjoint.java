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
        if (!e.type(seed).equals(nodes.get(output).type()))
            throw new IllegalArgumentException("adjoint: the seed is " + e.type(seed) + ", the output " + nodes.get(output).type());
        boolean[] active = active(nodes, wrt, output);
        int[] adjoint = new int[output + 1];
        Arrays.fill(adjoint, -1);
        if (active[output]) adjoint[output] = seed;
        for (int id = output; id >= 0; id--) {
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

    /**
     * Values that need an adjoint: they depend on a requested input through differentiable
     * operands, and the output depends on them.
     */
    private static boolean[] active(java.util.List<Node> nodes, boolean[] wrt, int output) {
        int count = output + 1;
        boolean[] depends = new boolean[count];
        for (int id = 0; id < count; id++) depends[id] = dependsOnWrt(nodes.get(id), depends, wrt);
        boolean[] reaches = new boolean[count];
        reaches[output] = true;
        for (int id = output; id >= 0; id--) {
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
            // piecewise constant: FLOOR and ROUND (zero derivative, as PyTorch's) and the comparisons
            case CONST, STOP_GRADIENT, FLOOR, ROUND, GT, GE, LT, LE, EQ -> false;
            case SELECT -> depends[n.arg(1)] || depends[n.arg(2)];
            // POW with exponent 0 is constant (its VJP is zero): nothing flows through it
            case POW -> n.exponent() != 0 && depends[n.arg(0)];
            // a conversion to or from BOOL carries no derivative
            case CONVERT -> n.type().dtype().isFloat() && depends[n.arg(0)];
            case NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC,
                 ADD, SUB, MUL, DIV, MAX, MIN, ATAN2, POWER, BROADCAST, RESHAPE, TRANSPOSE, SLICE, PAD, GATHER, SCATTER_ADD,
                 REDUCE_SUM, REDUCE_MAX, MATMUL, CONCAT, DOT_GENERAL -> {
                boolean any = false;
                for (int a : n.rawArgs()) any |= depends[a];
                yield any;
            }
        };
    }
}
