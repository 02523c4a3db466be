package io.jgrad;

import io.jgrad.ir.Adjoint;
import io.jgrad.ir.Builder;
import io.jgrad.ir.Composites;
import io.jgrad.ir.Eval;
import io.jgrad.ir.Node;
import io.jgrad.ir.Prim;
import io.jgrad.ir.Type;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code Grad.grad} and {@code Grad.vjp}: torch.autograd.grad with create_graph=True, eagerly
 * and traced. Every argument is checked before anything is computed.
 *
 * <ul>
 *   <li>Traced: the reverse walk of ir ({@link Adjoint#backward}) appends the VJP rules to the
 *       trace's graph, differentiating with respect to the {@code wrt} values themselves (any
 *       traced value, a {@code noGrad()} input too); the results are traced tensors of that
 *       graph, so the compiled function may return them or differentiate them again.</li>
 *   <li>Eager: PyTorch's engine walk over the recorded ops, as {@link Backward}, but the
 *       gradients are tensors: each op's VJP runs on its tape with history
 *       ({@link GradFn#applyWithHistory}) while grad mode is on, and contributions are added
 *       with {@link Tensor#add}; no {@code grad()} is touched and the graph is kept.</li>
 * </ul>
 */
final class Gradients {
    private Gradients() {}

    /** d output / d wrt[i] (output one element), or seed^T · d output / d wrt[i] (seed non-null). */
    static Tensor[] of(String op, Tensor output, Tensor seed, Tensor[] wrt) {
        Shapes.notNull(op, "output", output);
        Shapes.notNull(op, "wrt", wrt);
        if (wrt.length == 0) throw new IllegalArgumentException(op + ": no tensor to differentiate with respect to (wrt is empty)");
        for (int i = 0; i < wrt.length; i++) Shapes.notNull(op, "wrt[" + i + "]", wrt[i]);
        if (seed == null && output.size() != 1) {
            throw new IllegalArgumentException(op + ": grad can be implicitly created only for scalar outputs; the output has shape "
                    + Shapes.str(output.shape) + ": use Grad.vjp(output, seed, wrt...) with a seed of that shape");
        }
        if (seed != null) Shapes.seed(output.shape, seed.shape);
        if (!output.dtype.isFloat())
            throw new IllegalArgumentException(op + ": the output is " + output.dtype + ", which has no derivative");
        return output.traced != null ? traced(op, output, seed, wrt) : eager(op, output, seed, wrt);
    }

    // ---------------------------------------------------------------- traced

    private static Tensor[] traced(String op, Tensor output, Tensor seed, Tensor[] wrt) {
        Trace trace = output.traced.trace;
        trace.checkOpen(op);
        for (int i = 0; i < wrt.length; i++) {
            Tensor w = wrt[i];
            if (w.traced == null) {
                throw new IllegalArgumentException(op + ": wrt[" + i + "] (shape " + Shapes.str(w.shape) + ") is an eager tensor but the"
                        + " output is traced by Grad.compile: inside a compiled function differentiate with respect to its traced"
                        + " tensors (pass the eager tensor as an Arg)" + TraceOps.at());
            }
            if (w.traced.trace != trace) {
                throw new IllegalArgumentException(op + ": wrt[" + i + "] was traced by another Grad.compile call than the output;"
                        + " a traced tensor can only be differentiated within its own compiled function" + TraceOps.at());
            }
            if (!w.dtype.isFloat())
                throw new IllegalArgumentException(op + ": wrt[" + i + "] is " + w.dtype + ", which has no derivative" + TraceOps.at());
        }
        if (seed != null && seed.traced != null && seed.traced.trace != trace) {
            throw new IllegalArgumentException(op + ": the seed was traced by another Grad.compile call than the output" + TraceOps.at());
        }
        Builder b = trace.builder;
        int out = output.traced.value;
        int s = seed == null ? b.constant(b.type(out), 1.0) : Composites.to(b, trace.valueOf(seed), output.dtype);
        boolean[] marked = new boolean[b.size()];
        for (Tensor w : wrt) marked[w.traced.value] = true;
        int[] adjoint = Adjoint.backward(b, b.nodes(), new int[] {out}, new int[] {s}, marked);
        Tensor[] result = new Tensor[wrt.length];
        for (int i = 0; i < wrt.length; i++) {
            int id = wrt[i].traced.value;
            int d = id < adjoint.length ? adjoint[id] : -1;
            if (d < 0) {   // the output does not depend on it (through differentiable operations): zeros
                Type t = b.type(id);
                d = Composites.broadcastTo(b, b.constant(Type.scalar(t.dtype()), 0.0), t.shape());
            }
            result[i] = trace.result(d);
        }
        return result;
    }

    // ---------------------------------------------------------------- eager

    private static Tensor[] eager(String op, Tensor output, Tensor seed, Tensor[] wrt) {
        for (int i = 0; i < wrt.length; i++) {
            if (wrt[i].traced != null) {
                throw new IllegalArgumentException(op + ": wrt[" + i + "] is traced by Grad.compile but the output is an eager tensor;"
                        + " differentiate a traced output with respect to traced tensors, inside the compiled function");
            }
        }
        if (seed != null && seed.traced != null) throw TraceOps.noValue(seed, op + " seed");
        if (!output.requiresGrad) {
            throw new IllegalArgumentException(op + ": element 0 of tensors does not require grad and does not have a grad_fn"
                    + " (the output has no history: make its inputs requiresGrad(true) before computing it)");
        }
        for (int i = 0; i < wrt.length; i++) {
            if (!wrt[i].requiresGrad) {
                throw new IllegalArgumentException(op + ": One of the differentiated Tensors does not require grad (wrt[" + i
                        + "], shape " + Shapes.str(wrt[i].shape) + ")");
            }
        }
        List<Tensor> order = topologicalOrder(output);   // operands before the results made from them
        Map<Tensor, Boolean> leads = new IdentityHashMap<>();   // leads to a wrt: its gradient is needed
        Map<Tensor, Integer> wanted = new IdentityHashMap<>();
        for (Tensor w : wrt) wanted.put(w, 0);
        for (Tensor t : order) {
            boolean l = wanted.containsKey(t);
            if (t.gradFn != null) for (Tensor in : t.gradFn.inputs) l |= in != null && leads.getOrDefault(in, false);
            leads.put(t, l);
        }
        for (int i = 0; i < wrt.length; i++) {
            if (!leads.containsKey(wrt[i])) {
                throw new IllegalArgumentException(op + ": One of the differentiated Tensors appears to not have been used in the graph"
                        + " (wrt[" + i + "], shape " + Shapes.str(wrt[i].shape) + ", is not among the tensors the output was computed from)");
            }
        }
        for (Tensor t : order) if (t.gradFn != null && leads.get(t)) t.gradFn.checkRunnable();   // fail before computing anything

        Tensor g0 = seed == null ? new Tensor(output.dtype, output.shape.clone(), Storage.filled(output.dtype, output.size(), 1))
                : seed.dtype == output.dtype ? seed : seed.to(output.dtype);
        boolean history = !NoGrad.active();
        Map<Tensor, Tensor> pending = new IdentityHashMap<>();
        Map<Tensor, Tensor> found = new IdentityHashMap<>();
        pending.put(output, g0);
        for (int k = order.size() - 1; k >= 0; k--) {   // results before the operands they were made from
            Tensor t = order.get(k);
            Tensor g = pending.remove(t);
            if (g == null || !leads.get(t)) continue;
            if (wanted.containsKey(t)) found.put(t, g);
            if (t.gradFn == null) continue;
            Tensor[] inputs = t.gradFn.inputs;
            Tensor[] grads = history ? withHistory(t.gradFn, g) : plain(t.gradFn, inputs, g);
            for (int i = 0; i < inputs.length; i++) {
                Tensor in = inputs[i];
                if (in == null || !leads.get(in)) continue;
                Tensor before = pending.get(in);
                pending.put(in, before == null ? grads[i] : before.add(grads[i]));
            }
        }
        Tensor[] result = new Tensor[wrt.length];
        for (int i = 0; i < wrt.length; i++) {
            Tensor g = found.get(wrt[i]);
            result[i] = g != null ? g : new Tensor(wrt[i].dtype, wrt[i].shape.clone(), Storage.filled(wrt[i].dtype, wrt[i].size(), 0));
        }
        return result;
    }

    /**
     * The VJP of one node as tensors that carry history (create_graph=True): the op's tape is
     * replayed on a new {@link Eval} whose inputs are the operands then {@code g}, and the VJP
     * rules run there ({@link Eval#backward}, which puts {@code g} as the next input); each
     * operand's gradient is then a tensor whose node is that Eval, with the operands and
     * {@code g} as its inputs in that order. Differentiating it again applies the VJP rules of
     * the VJP rules. (Replaying recomputes the op's forward values once; only eager
     * higher-order code pays it.)
     */
    private static Tensor[] withHistory(GradFn fn, Tensor g) {
        Eval tape = fn.tape();
        int out = fn.output();
        Tensor[] inputs = fn.inputs;
        Eval e = new Eval();
        int[] map = new int[out + 1];
        for (int id = 0; id <= out; id++) {
            Node nd = tape.node(id);
            if (nd.prim() == Prim.INPUT) {
                if (nd.inputIndex() != e.inputCount()) throw new AssertionError("an op's tape takes its operands in order");
                map[id] = e.input(nd.type(), tape.value(id));
            } else {
                int[] args = nd.args();
                for (int i = 0; i < args.length; i++) args[i] = map[args[i]];
                map[id] = e.apply(nd.prim(), args, nd.type(), nd.ints(), nd.data());
            }
        }
        int operands = inputs.length;
        if (e.inputCount() != operands) throw new AssertionError("an op's tape has one input per operand");
        boolean[] wrt = new boolean[operands];
        for (int i = 0; i < operands; i++) wrt[i] = inputs[i] != null;
        int[] d = e.backward(map[out], g.data, wrt);   // g becomes input number `operands`
        Tensor[] edges = java.util.Arrays.copyOf(inputs, operands + 1);
        edges[operands] = g.requiresGrad ? g : null;
        Tensor[] grads = new Tensor[operands];
        for (int i = 0; i < operands; i++) {
            Tensor t = inputs[i];
            if (t == null) continue;
            // the Eval may share arrays with the operands and g: each result owns a copy
            Object data = d[i] >= 0 ? Storage.copy(e.value(d[i])) : Storage.filled(t.dtype, t.size(), 0);
            Tensor r = new Tensor(t.dtype, t.shape.clone(), data);
            // PyTorch's double-backward nodes save the operands: their in-place change makes backward refuse
            if (d[i] >= 0) r.recordGradient(new GradFn(fn.name + "Backward", edges.clone(), inputs[0], operands > 1 ? inputs[1] : null, true, e, d[i]));
            grads[i] = r;
        }
        return grads;
    }

    /** Every tensor the output was computed from, operands before results (iterative post-order DFS). */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new java.util.ArrayList<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        java.util.ArrayDeque<Object[]> stack = new java.util.ArrayDeque<>();
        stack.push(new Object[] {root, Boolean.FALSE});
        while (!stack.isEmpty()) {
            Object[] top = stack.pop();
            Tensor t = (Tensor) top[0];
            if ((Boolean) top[1]) {
                order.add(t);
                continue;
            }
            if (seen.put(t, Boolean.TRUE) != null) continue;
            stack.push(new Object[] {t, Boolean.TRUE});
            if (t.gradFn != null) for (Tensor in : t.gradFn.inputs) if (in != null && !seen.containsKey(in)) stack.push(new Object[] {in, Boolean.FALSE});
        }
        return order;
    }

    /** The VJP of one node as tensors without history (grad mode off). */
    private static Tensor[] plain(GradFn fn, Tensor[] inputs, Tensor g) {
        Object[] arrays = fn.apply(g.data);
        Tensor[] r = new Tensor[inputs.length];
        for (int i = 0; i < r.length; i++)
            if (inputs[i] != null) r[i] = new Tensor(inputs[i].dtype, inputs[i].shape.clone(), Storage.copy(arrays[i]));
        return r;
    }
}
