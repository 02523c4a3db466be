package io.jgrad;

import io.jgrad.ir.Eval;

/**
 * PyTorch's {@code grad_fn}: one recorded user operation. It holds the operation's PyTorch name
 * and its local tape, the {@link Eval} that computed it: the primitives the op's lowering ran,
 * with their values. Its backward applies those primitives' VJP rules on the same tape
 * ({@link Eval#backward}), so the derivative of every op is the one written beside each
 * primitive in ir, nowhere here.
 *
 * <p>What PyTorch would save decides the rest, as PyTorch's autograd shows it: the saved
 * operands' version counters are checked before backward runs, and a node that saves anything
 * is freed by backward (a second backward through it fails with PyTorch's words); a node that
 * saves nothing (AddBackward0, SumBackward0, ...) can run again.
 */
final class GradFn {
    final String name;
    /** The operands that required a gradient when the op ran, by position; the others are null. */
    final Tensor[] inputs;
    /** The tensors whose in-place change makes backward refuse (PyTorch's saved variables). */
    private Tensor[] saved;
    private final int[] savedVersions;
    /** Backward frees this node (it saved something, if only a constant). */
    private final boolean freedAfterBackward;
    /** The op's tape: its inputs are the operands in order; null once freed. */
    private Eval tape;
    private final int output;
    /** Per operand: differentiate with respect to it. */
    private final boolean[] wrt;
    /**
     * Per operand, its parameter index on the tape; null: operand i is parameter i (an op's
     * own node). A gradient made by {@link #applyWithHistory} shares its op's tape, where the
     * seed it was made from is a later parameter.
     */
    private final int[] params;

    /** {@code saved} null: PyTorch saves nothing; empty: only constants (freed all the same). */
    GradFn(String name, Tensor[] inputs, Tensor[] saved, Eval tape, int output) {
        this(name, inputs, saved, tape, output, null);
    }

    private GradFn(String name, Tensor[] inputs, Tensor[] saved, Eval tape, int output, int[] params) {
        this.name = name;
        this.inputs = inputs;
        this.tape = tape;
        this.output = output;
        this.params = params;
        this.wrt = params == null ? wrt(inputs) : wrtByParam(inputs, params);
        this.freedAfterBackward = saved != null;
        if (saved == null) {
            this.savedVersions = null;
            return;
        }
        int n = 0;
        for (Tensor s : saved) if (s != null) n++;
        this.saved = new Tensor[n];
        this.savedVersions = new int[n];
        for (Tensor s : saved) {
            if (s != null) {
                this.saved[--n] = s;
                this.savedVersions[n] = s.version();
            }
        }
    }

    private static final boolean[] T = {true}, TT = {true, true}, TF = {true, false}, FT = {false, true};

    /** Which operands to differentiate: those that required a gradient (shared arrays for the usual arities). */
    private static boolean[] wrt(Tensor[] inputs) {
        if (inputs.length == 1 && inputs[0] != null) return T;
        if (inputs.length == 2) {
            boolean a = inputs[0] != null, b = inputs[1] != null;
            if (a && b) return TT;
            if (a) return TF;
            if (b) return FT;
        }
        boolean[] w = new boolean[inputs.length];
        for (int i = 0; i < inputs.length; i++) w[i] = inputs[i] != null;
        return w;
    }

    private static boolean[] wrtByParam(Tensor[] inputs, int[] params) {
        int max = -1;
        for (int p : params) max = Math.max(max, p);
        boolean[] w = new boolean[max + 1];
        for (int i = 0; i < inputs.length; i++) w[params[i]] = inputs[i] != null;
        return w;
    }

    /** Throws PyTorch's errors if backward cannot run through this node; changes nothing. */
    void checkRunnable() {
        if (tape == null) {
            throw new IllegalStateException("backward(): Trying to backward through the graph a second time (or directly"
                    + " access saved tensors after they have already been freed). Saved intermediate values of the graph"
                    + " are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to"
                    + " backward through the graph a second time or if you need to access saved tensors after calling"
                    + " backward. (node " + name + ")");
        }
        if (saved == null) return;
        for (int i = 0; i < saved.length; i++) {
            if (saved[i].version() != savedVersions[i]) {
                throw new IllegalStateException("backward(): one of the variables needed for gradient computation has"
                        + " been modified by an inplace operation: [" + torchTypeName(saved[i]) + " " + Shapes.str(saved[i].shape)
                        + "] is at version " + saved[i].version() + "; expected version " + savedVersions[i]
                        + " instead. (node " + name + ")");
            }
        }
    }

    private static String torchTypeName(Tensor t) {
        return switch (t.dtype) {
            case F16 -> "torch.HalfTensor";
            case F32 -> "torch.FloatTensor";
            case F64 -> "torch.DoubleTensor";
            case BOOL -> "torch.BoolTensor";
        };
    }

    /**
     * The vector-Jacobian product: given {@code g}, the gradient of this node's result (an array
     * of its dtype and shape, never changed here), the gradient of each operand that requires
     * one (an array of that operand's dtype and shape; zeros where the op's derivative is zero),
     * null for the others. The arrays may be shared with the tape: never change them.
     */
    Object[] apply(Object g) {
        int[] d = tape.backward(output, g, wrt);
        Object[] grads = new Object[inputs.length];
        for (int i = 0; i < grads.length; i++) {
            if (inputs[i] == null) continue;
            int id = d[params == null ? i : params[i]];
            grads[i] = id >= 0 ? tape.value(id) : Storage.filled(inputs[i].dtype, inputs[i].size(), 0);
        }
        return grads;
    }

    /**
     * The vector-Jacobian product as tensors that carry history (PyTorch's create_graph=True,
     * for {@code Grad.grad}): the same VJP rules run on the same tape ({@link Eval#backward}
     * appends them, with {@code g} as a new parameter), and each operand's gradient is a tensor
     * whose own node is that part of the tape, with the operands and {@code g} as its inputs: so
     * differentiating it again applies the VJP rules of the VJP rules. Null for the operands that
     * need no gradient. The node is kept (retain_graph): {@code Grad.grad} frees nothing.
     */
    Tensor[] applyWithHistory(Tensor g) {
        int seedParam = tape.inputCount();
        int[] d = tape.backward(output, g.data, wrt);
        int operands = inputs.length;
        Tensor[] edges = java.util.Arrays.copyOf(inputs, operands + 1);
        edges[operands] = g.requiresGrad ? g : null;
        int[] edgeParams = new int[operands + 1];
        for (int i = 0; i < operands; i++) edgeParams[i] = params == null ? i : params[i];
        edgeParams[operands] = seedParam;
        Tensor[] saved = new Tensor[operands + 1];
        for (int i = 0; i <= operands; i++) saved[i] = edges[i];
        Tensor[] grads = new Tensor[operands];
        for (int i = 0; i < operands; i++) {
            if (inputs[i] == null) continue;
            int id = d[edgeParams[i]];
            Tensor t = inputs[i];
            // the tape may share arrays with its operands and the seed: the result owns a copy
            Object data = id >= 0 ? Storage.copy(tape.value(id)) : Storage.filled(t.dtype, t.size(), 0);
            Tensor r = new Tensor(t.dtype, t.shape.clone(), data);
            if (id >= 0) {
                boolean any = false;
                for (Tensor e : edges) any |= e != null;
                if (any) r.recordGradient(new GradFn(name + "Backward", edges.clone(), saved.clone(), tape, id, edgeParams));
            }
            grads[i] = r;
        }
        return grads;
    }

    /** PyTorch frees saved tensors after backward: a second pass through this node then fails. */
    void release() {
        if (freedAfterBackward) {
            tape = null;
            saved = null;
        }
    }
}
