package io.jgrad;

import io.jgrad.runtime.DType;

import io.jgrad.ir.Builder;
import io.jgrad.ir.Composites;
import io.jgrad.ir.Type;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * One run of a user function inside {@code Grad.compile}: the IR being built. Open while the
 * function runs; a traced tensor used after its trace closed is an error (its values will
 * never exist). Eager tensors the function captures become constants, once each.
 */
final class Trace {
    final Builder builder = new Builder();
    private final Thread thread = Thread.currentThread();
    private final Map<Tensor, Integer> constants = new IdentityHashMap<>();
    private boolean open = true;
    /**
     * No-grad scopes open when tracing began: compiling from inside a scope still
     * differentiates; only a scope the traced function opens itself stops gradients.
     */
    private final int noGradDepthAtStart = NoGrad.depth();

    void close() {
        open = false;
    }

    boolean isOpen() {
        return open;
    }

    Tensor tensor(int value) {
        io.jgrad.ir.Type t = builder.type(value);
        return new Tensor(t.dtype(), t.shape(), new Traced(this, value));
    }

    /**
     * The tensor of an op's result. Inside a {@code Grad.noGrad()} scope opened by the traced
     * function, the result is recorded under stop_gradient: as eagerly, nothing made there
     * carries a gradient back to the inputs.
     */
    Tensor result(int value) {
        boolean noGrad = NoGrad.depth() > noGradDepthAtStart;
        return tensor(noGrad ? Composites.detach(builder, value) : value);
    }

    /** The trace shared by the traced operands of one op (at least one is traced). */
    static Trace of(String op, Tensor... operands) {
        Trace found = null;
        for (Tensor t : operands) {
            if (t.traced == null) continue;
            Trace tr = t.traced.trace;
            tr.checkOpen(op);
            if (found != null && found != tr) {
                throw new IllegalArgumentException(op + ": the operands come from two different Grad.compile traces;"
                        + " a traced tensor can only be combined with tensors of its own compiled function" + TraceOps.at());
            }
            found = tr;
        }
        return found;
    }

    void checkOpen(String op) {
        if (!open) {
            throw new IllegalStateException(op + ": this tensor was traced by a Grad.compile call that has returned;"
                    + " traced tensors exist only while compile runs the function, and they never hold values."
                    + " Do the computation inside the compiled function, or use eager tensors outside it" + TraceOps.at());
        }
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException(op + ": a traced tensor was used from another thread than the one running"
                    + " Grad.compile; trace on one thread" + TraceOps.at());
        }
    }

    /** The IR value of an operand: its traced value, or a constant made (once) from an eager tensor. */
    int valueOf(Tensor t) {
        if (t.traced != null) return t.traced.value;
        Integer known = constants.get(t);
        if (known != null) return known;
        if (t.requiresGrad) {
            captured.add("tensor " + t.type() + (t.gradFn == null ? " (a leaf" : " (made by " + t.gradFn.name)
                    + ", requires_grad=True) captured" + TraceOps.at());
        }
        // Every element the same (Tensor.zeros, ones, full): one scalar constant broadcast, so the
        // generated class holds one number instead of the whole array.
        // F32: no copy where the tensor lets the trace share its array (it copies before any later
        // write, Tensor.captureData), else one copy; kept as float32 either way: what the class reads
        int c = Storage.isUniform(t.data)
                ? builder.broadcast(builder.constant(Type.scalar(t.dtype()), Storage.get(t.data, 0)), t.type().shape())
                : t.dtype() == DType.F32 && t.data instanceof float[] f
                ? (t.captureData() ? Composites.constantShared(builder, f, t.type().shape()) : Composites.constant(builder, f, t.type().shape()))
                : builder.constant(t.type(), Storage.toDoubles(t.data));
        constants.put(t, c);
        return c;
    }

    /** Eager tensors that require a gradient and became constants, described for the warning. */
    private final java.util.List<String> captured = new java.util.ArrayList<>();

    private static final System.Logger LOG = System.getLogger("io.jgrad.Grad");

    /**
     * Issue 11's item 6: a captured tensor that requires a gradient silently gets none. Capturing
     * stays as it is (its value at compile time, a constant), but a compile that did it says so
     * once, through System.Logger at WARNING.
     */
    void warnAboutCapturedGradients() {
        if (captured.isEmpty()) return;
        LOG.log(System.Logger.Level.WARNING, "Grad.compile: the compiled function uses " + captured.size() + " eager tensor"
                + (captured.size() == 1 ? "" : "s") + " that require" + (captured.size() == 1 ? "s" : "") + " grad as a constant"
                + " (its value now; it receives no gradient): " + String.join("; ", captured)
                + "; pass it as an Arg to differentiate it, or detach() it to silence this");
    }
}
