package io.jgrad;

import io.jgrad.ir.Eval;
import io.jgrad.ir.Type;

/**
 * How a {@link Tensor} op runs, for every op alike: with a traced operand it goes to the trace
 * ({@link TraceOps}); eagerly its lowering runs over a fresh {@link Eval} (or, when the same
 * lowering met operands of the same types before, the Eval replays its records:
 * {@link Eval#replay}), the result becomes a tensor, and a result that requires a gradient
 * records its {@link GradFn} with the Eval as its tape. The ops themselves (their names, what
 * they save, their lowerings) are Tensor's one-liners.
 */
final class EagerOps {
    private EagerOps() {}

    /**
     * An op of {@code x} alone. A lambda that captures nothing is replayed from its records
     * (Eval.plan checks that it captures nothing: one that captures is lowered every time).
     */
    static Tensor unary(Tensor x, String op, String name, Saves saves, Layout layout, Lowering.One f) {
        if (x.traced != null) return TraceOps.unary(op, x, f);
        Type t = x.type();
        Eval e = Eval.replay(f, 0, 0, t, x.data, null, null);   // the op's primitives as last time
        int y;
        if (e != null) {
            y = e.plannedOutput();
        } else {
            e = new Eval();
            y = f.emit(e, e.input(t, x.data));
            e.plan(f, 0, 0, t, null, y);
        }
        return unaryResult(x, name, saves, layout, e, y);
    }

    /** An op of {@code x} and constants: as above, the constants given to f rather than captured, so that it can be replayed. */
    static Tensor unary(Tensor x, String op, String name, Saves saves, Layout layout, double c0, double c1, Lowering.OneC f) {
        if (x.traced != null) return TraceOps.unary(op, x, (e, v) -> f.emit(e, v, c0, c1));
        Type t = x.type();
        Eval e = Eval.replay(f, c0, c1, t, x.data, null, null);
        int y;
        if (e != null) {
            y = e.plannedOutput();
        } else {
            e = new Eval();
            y = f.emit(e, e.input(t, x.data), c0, c1);
            e.plan(f, c0, c1, t, null, y);
        }
        return unaryResult(x, name, saves, layout, e, y);
    }

    private static Tensor unaryResult(Tensor x, String name, Saves saves, Layout layout, Eval e, int y) {
        Tensor out = result(e, y, x, null, layout);
        if (x.requiresGrad && out.dtype.isFloat() && EagerThread.recording()) record(out, name, new Tensor[] {x}, saves, x, null, e, y);
        return out;
    }

    /** An op of {@code a} and {@code o} (broadcasting and dtype promotion are in the lowering). */
    static Tensor binary(Tensor a, String op, String name, Saves saves, Layout layout, Tensor o, Lowering.Two f) {
        Shapes.notNull(op, "other", o);
        if (a.traced != null || o.traced != null) return TraceOps.binary(op, a, o, f);
        Type ta = a.type(), tb = o.type();
        Eval e = Eval.replay(f, 0, 0, ta, a.data, tb, o.data);
        int z;
        if (e != null) {
            z = e.plannedOutput();
        } else {
            e = new Eval();
            int x = e.input(ta, a.data), y = e.input(tb, o.data);
            z = f.emit(e, x, y);
            e.plan(f, 0, 0, ta, tb, z);
        }
        Tensor out = result(e, z, a, o, layout);
        if ((a.requiresGrad || o.requiresGrad) && out.dtype.isFloat() && EagerThread.recording()) record(out, name, new Tensor[] {a, o}, saves, a, o, e, z);
        return out;
    }

    /**
     * An op of any number of operands (cat, stack, where). {@code saves} sees the first two
     * operands as {@code a} and {@code b}.
     */
    static Tensor many(String op, String name, Saves saves, Tensor[] xs, Lowering.Many f) {
        Shapes.notNull(op, "tensors", xs);
        boolean traced = false, grad = false;
        for (int i = 0; i < xs.length; i++) {
            Shapes.notNull(op, "tensor " + i, xs[i]);
            traced |= xs[i].traced != null;
            grad |= xs[i].requiresGrad;
        }
        Tensor[] operands = xs.clone();
        if (traced) return TraceOps.many(op, operands, f);
        Eval e = new Eval();
        int[] ids = new int[operands.length];
        for (int i = 0; i < ids.length; i++) ids[i] = e.input(operands[i].type(), operands[i].data);
        int y = f.emit(e, ids);
        Tensor a = operands.length > 0 ? operands[0] : null, b = operands.length > 1 ? operands[1] : null;
        Object v = e.value(y);
        for (Tensor x : operands) if (v == x.data) v = Storage.copy(v);   // only views share data
        Type t = e.type(y);
        Tensor out = new Tensor(t.dtype(), t.isScalar() ? Shapes.SCALAR : t.shape(), v);
        out.type = t;
        if (grad && out.dtype.isFloat() && EagerThread.recording()) record(out, name, operands, saves, a, b, e, y);
        return out;
    }

    /** A new tensor made from nothing (eye, arange): a leaf, computed by the lowering over an Eval. */
    static Tensor create(Lowering.None f) {
        Eval e = new Eval();
        int y = f.emit(e);
        Type t = e.type(y);
        Tensor out = new Tensor(t.dtype(), t.isScalar() ? Shapes.SCALAR : t.shape(), e.value(y));
        out.type = t;
        return out;
    }

    /**
     * The tensor holding value {@code id}. A view holds its operand's data and version counter.
     * Otherwise the Eval may still have shared an array (the sum of a scalar is the scalar's
     * own array): a result that is an operand's array is copied, since only views share data.
     */
    private static Tensor result(Eval e, int id, Tensor a, Tensor b, Layout layout) {
        Type t = e.type(id);
        int[] shape = t.isScalar() ? Shapes.SCALAR : t.shape();
        Tensor out;
        if (layout == Layout.VIEW) {
            out = new Tensor(t.dtype(), shape, InPlace.shareData(a), a.version);
        } else {
            Object v = e.value(id);
            if (v == a.data || (b != null && v == b.data)) v = Storage.copy(v);
            out = new Tensor(t.dtype(), shape, v);
        }
        out.type = t;
        out.strides = switch (layout) {
            case FRESH, VIEW -> null;
            case KEEP -> a.strides == null ? null : Strides.elementwise(shape, new int[][] {a.shape}, new int[][] {a.strides});
            case OPERANDS -> a.strides == null && b.strides == null ? null
                    : Strides.elementwise(shape, new int[][] {a.shape, b.shape}, new int[][] {a.strides, b.strides});
        };
        return out;
    }

    /** A rule giving a view op's result's strides from its operand's shape and strides and its own shape. */
    interface StrideRule {
        int[] of(int[] shape, int[] strides, int[] resultShape);
    }

    /** Sets the strides PyTorch gives the view {@code out} of {@code x} (eager results only; see {@link Strides}). */
    static Tensor strided(Tensor x, Tensor out, StrideRule rule) {
        if (out.traced == null) out.strides = rule.of(x.shape, x.strides, out.shape);
        return out;
    }

    /**
     * Marks the new result {@code out} as made by op {@code name} from {@code operands} ({@code a}
     * and {@code b}, b null for one operand), computed on tape {@code e}; the operands that need
     * no gradient are not edges of the graph.
     */
    private static void record(Tensor out, String name, Tensor[] operands, Saves saves, Tensor a, Tensor b, Eval e, int output) {
        for (int i = 0; i < operands.length; i++) if (!operands[i].requiresGrad) operands[i] = null;
        out.requiresGrad = true;
        out.gradFn = new GradFn(name, operands, saves.first(a, b, out), saves.second(a, b, out), saves != Saves.NOTHING, e, output);
    }
}
