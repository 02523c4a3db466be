package io.jgrad;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PyTorch's engine for {@code backward()}: walks the user ops (the {@link GradFn}s) from the
 * output in reverse topological order, iteratively (no recursion, so graphs of any depth),
 * hands each its gradient and adds what it returns into its operands' gradients, and adds into
 * the {@code grad()} of every leaf that requires one. The arithmetic (each op's vector-Jacobian
 * product, the sums where a tensor is used twice) is the primitives' (ir); this class only
 * routes arrays.
 */
final class Backward {
    private Backward() {}

    private static final AtomicLong PASSES = new AtomicLong();

    /** Reverse-mode sweep from {@code root}, seeded with {@code seed} (an array of root's dtype and shape, owned here). */
    static void run(Tensor root, Object seed) {
        List<Tensor> order = topologicalOrder(root);
        for (Tensor t : order) if (t.gradFn != null) t.gradFn.checkRunnable();  // fail before anything changes
        try {
            root.pending = seed;
            for (int i = order.size() - 1; i >= 0; i--) {  // outputs before the operands that made them
                Tensor t = order.get(i);
                Object g = t.pending;
                t.pending = null;
                if (g == null) continue;
                if (t.gradFn != null) {
                    Object[] grads = t.gradFn.apply(g);
                    Tensor[] inputs = t.gradFn.inputs;
                    for (int k = 0; k < inputs.length; k++) if (inputs[k] != null) gather(inputs[k], grads[k]);
                } else if (t.requiresGrad) {
                    t.addIntoGrad(g);  // a leaf that stopped requiring a gradient gets none, as in PyTorch
                }
            }
        } finally {
            for (Tensor t : order) {
                t.pending = null;
                if (t.gradFn != null) t.gradFn.release();
            }
        }
    }

    /** {@code t.pending += g}: a new array (neither may be changed: both can be shared with a tape). */
    private static void gather(Tensor t, Object g) {
        t.pending = t.pending == null ? g : Storage.add(t.type(), t.pending, g);
    }

    /** Post-order DFS without recursion: every tensor comes after the operands it was made from. */
    static List<Tensor> topologicalOrder(Tensor root) {
        long pass = PASSES.incrementAndGet();
        List<Tensor> order = new ArrayList<>();
        Tensor[] stack = new Tensor[16];
        boolean[] expanded = new boolean[16];   // true: its operands are done, emit it
        int top = 0;
        stack[top++] = root;
        while (top > 0) {
            Tensor t = stack[--top];
            if (expanded[top]) {
                order.add(t);
                continue;
            }
            if (t.visitedBy == pass) continue;
            t.visitedBy = pass;
            int need = top + 1 + (t.gradFn == null ? 0 : t.gradFn.inputs.length);
            if (need > stack.length) {
                int n = need > 2 * stack.length ? need : 2 * stack.length;
                stack = java.util.Arrays.copyOf(stack, n);
                expanded = java.util.Arrays.copyOf(expanded, n);
            }
            stack[top] = t;
            expanded[top++] = true;
            if (t.gradFn != null) {
                for (Tensor in : t.gradFn.inputs) {
                    if (in != null && in.visitedBy != pass) {
                        stack[top] = in;
                        expanded[top++] = false;
                    }
                }
            }
        }
        return order;
    }
}
