package io.jgrad;

import io.jgrad.runtime.DType;

import io.jgrad.ir.Builder;
import io.jgrad.ir.Composites;

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
        return constants.computeIfAbsent(t, k -> k.dtype() == DType.F32 && k.data instanceof float[] f
                ? Composites.constant(builder, f, k.type().shape())   // one copy, kept as float32: what the class reads
                : builder.constant(k.type(), Storage.toDoubles(k.data)));
    }
}
