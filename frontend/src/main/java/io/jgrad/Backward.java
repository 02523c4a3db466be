package io.jgrad;

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
        Order order = topologicalOrder(root);
        Tensor[] ts = order.tensors;
        int n = order.size;
        for (int i = 0; i < n; i++) if (ts[i].gradFn != null) ts[i].gradFn.checkRunnable();  // fail before anything changes
        try {
            root.pending = seed;
            for (int i = n - 1; i >= 0; i--) {  // outputs before the operands that made them
                Tensor t = ts[i];
                Object g = t.pending;
                t.pending = null;
                if (g == null) continue;
                if (t.gradFn != null) {
                    Object[] grads = t.gradFn.apply(g);
                    Tensor[] inputs = t.gradFn.inputs;
                    for (int k = 0; k < inputs.length; k++) if (inputs[k] != null) gather(inputs[k], grads[k]);
                } else if (t.requiresGrad) {
                    InPlace.addIntoGrad(t, g);  // a leaf that stopped requiring a gradient gets none, as in PyTorch
                }
            }
        } finally {
            for (int i = 0; i < n; i++) {
                ts[i].pending = null;
                if (ts[i].gradFn != null) ts[i].gradFn.release();
            }
        }
    }

    /** {@code t.pending += g}: a new array (neither may be changed: both can be shared with a tape). */
    private static void gather(Tensor t, Object g) {
        t.pending = t.pending == null ? g : Storage.add(t.type(), t.pending, g);
    }

    /** Tensors in an order, the first {@code size} of {@code tensors}. */
    private static final class Order {
        Tensor[] tensors = new Tensor[16];
        int size;

        void add(Tensor t) {
            if (size == tensors.length) tensors = java.util.Arrays.copyOf(tensors, 2 * size);
            tensors[size++] = t;
        }
    }

    /** Post-order DFS without recursion: every tensor comes after the operands it was made from. */
    private static Order topologicalOrder(Tensor root) {
        long pass = PASSES.incrementAndGet();
        Order order = new Order();
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
