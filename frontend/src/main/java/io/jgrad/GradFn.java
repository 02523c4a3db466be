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
    /** Up to two tensors whose in-place change makes backward refuse (PyTorch's saved variables), null when none. */
    private Tensor saved0, saved1;
    private final int version0, version1;
    /** Backward frees this node (it saved something, if only a constant). */
    private final boolean freedAfterBackward;
    /** The op's tape: its inputs are the operands in order; null once freed. */
    private Eval tape;
    private final int output;
    /** Per operand: differentiate with respect to it. */
    private final boolean[] wrt;

    /**
     * {@code saved0}/{@code saved1}: what PyTorch saves of the operands and result (either may be
     * null); {@code freed}: PyTorch saves something (a constant at least), so backward frees it.
     */
    GradFn(String name, Tensor[] inputs, Tensor saved0, Tensor saved1, boolean freed, Eval tape, int output) {
        this.name = name;
        this.inputs = inputs;
        this.tape = tape;
        this.output = output;
        this.wrt = wrt(inputs);
        this.freedAfterBackward = freed;
        this.saved0 = saved0;
        this.saved1 = saved1;
        this.version0 = saved0 == null ? 0 : saved0.version();
        this.version1 = saved1 == null ? 0 : saved1.version();
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

    /** Throws PyTorch's errors if backward cannot run through this node; changes nothing. */
    void checkRunnable() {
        if (tape == null) {
            throw new IllegalStateException("backward(): Trying to backward through the graph a second time (or directly"
                    + " access saved tensors after they have already been freed). Saved intermediate values of the graph"
                    + " are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to"
                    + " backward through the graph a second time or if you need to access saved tensors after calling"
                    + " backward. (node " + name + ")");
        }
        checkVersion(saved0, version0);
        checkVersion(saved1, version1);
    }

    private void checkVersion(Tensor saved, int version) {
        if (saved != null && saved.version() != version) {
            throw new IllegalStateException("backward(): one of the variables needed for gradient computation has"
                    + " been modified by an inplace operation: [" + torchTypeName(saved) + " " + Shapes.str(saved.shape)
                    + "] is at version " + saved.version() + "; expected version " + version
                    + " instead. (node " + name + ")");
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
        Object[] grads = tape.backwardValues(output, g, wrt);   // null: zero, or an operand that needs none
        for (int i = 0; i < grads.length; i++)
            if (inputs[i] != null && grads[i] == null) grads[i] = Storage.filled(inputs[i].dtype, inputs[i].size(), 0);
        return grads;
    }

    /** The op's tape (null once freed) and its result's id there: Grad.grad replays them with history ({@link Gradients}). */
    Eval tape() {
        return tape;
    }

    int output() {
        return output;
    }

    /** PyTorch frees saved tensors after backward: a second pass through this node then fails. */
    void release() {
        if (freedAfterBackward) {
            tape = null;
            saved0 = saved1 = null;
        }
    }
}
