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
        for (Node n : forward.nodes()) {
            int id = b.copy(n, n.rawArgs());
            if (id != n.id()) throw new AssertionError("copy must keep ids");
        }
        int seed = withSeed ? b.input(inputCount, "seed", outType) : b.constant(outType, 1.0);

        boolean[] active = active(forward, wrt, output);
        int[] adjoint = new int[forward.size()];
        Arrays.fill(adjoint, -1);
        if (active[output]) adjoint[output] = seed;
        for (int id = output; id >= 0; id--) {
            int gbar = adjoint[id];
            if (gbar < 0) continue;
            Node n = forward.node(id);
            boolean[] want = new boolean[n.arity()];
            for (int i = 0; i < want.length; i++) want[i] = active[n.arg(i)];
            int[] contributions = n.prim().vjp(b, n, gbar, want);
            for (int i = 0; i < contributions.length; i++) {
                int c = contributions[i];
                if (c < 0) continue;
                int a = n.arg(i);
                adjoint[a] = adjoint[a] < 0 ? c : b.binary(Prim.ADD, adjoint[a], c);
            }
        }

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
            int d = adjoint[in.id()];
            outputs[k] = d >= 0 ? d : Prim.splat(b, 0, in.type());
            String name = "d_" + in.name();
            // two inputs of one name (or an output called d_x) still give distinct output names
            if (!taken.add(name)) taken.add(name = "d_" + in.name() + "_" + in.inputIndex());
            names[k++] = name;
        }
        return b.build(outputs, names);
    }

    /**
     * Values that need an adjoint: they depend on a requested input through differentiable
     * operands, and the output depends on them.
     */
    private static boolean[] active(Graph g, boolean[] wrt, int output) {
        boolean[] depends = new boolean[g.size()];
        for (Node n : g.nodes()) depends[n.id()] = dependsOnWrt(n, depends, wrt);
        boolean[] reaches = new boolean[g.size()];
        reaches[output] = true;
        for (int id = output; id >= 0; id--) {
            if (!reaches[id] || !depends[id]) continue;
            Node n = g.node(id);
            for (int a : n.rawArgs()) reaches[a] = true;
        }
        boolean[] active = new boolean[g.size()];
        for (int id = 0; id < active.length; id++) active[id] = depends[id] && reaches[id];
        return active;
    }

    private static boolean dependsOnWrt(Node n, boolean[] depends, boolean[] wrt) {
        return switch (n.prim()) {
            case INPUT -> wrt[n.inputIndex()];
            case CONST, STOP_GRADIENT, GT, GE, LT, LE, EQ -> false;
            case SELECT -> depends[n.arg(1)] || depends[n.arg(2)];
            // POW with exponent 0 is constant (its VJP is zero): nothing flows through it
            case POW -> n.exponent() != 0 && depends[n.arg(0)];
            case NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS,
                 ADD, SUB, MUL, DIV, MAX, MIN, BROADCAST, RESHAPE, TRANSPOSE, REDUCE_SUM, REDUCE_MAX, MATMUL -> {
                boolean any = false;
                for (int a : n.rawArgs()) any |= depends[a];
                yield any;
            }
        };
    }
}
