package io.jgrad;

import io.jgrad.ir.Composites;
import io.jgrad.ir.Emitter;
import io.jgrad.ir.Graph;

/**
 * The traced half of every {@link Tensor} operation: a Tensor op lands here when any operand is
 * traced, with the same lowering ({@link Composites}, an {@link Emitter} lambda) that the eager
 * engine runs over an Eval; here it runs over the trace's graph builder. Shape errors are ir's
 * ({@link io.jgrad.ir.Shapes}: the same words eagerly and traced), with the user's source line
 * appended. An eager operand becomes a constant.
 */
final class TraceOps {
    private TraceOps() {}

    /** {@code f} applied to traced {@code a}, recorded in its trace. */
    static Tensor unary(String op, Tensor a, Lowering.One f) {
        Trace trace = Trace.of(op, a);
        int x = trace.valueOf(a);
        return trace.result(checked(() -> f.emit(trace.builder, x)));
    }

    /** {@code f} applied to {@code a} and {@code b} (at least one traced), recorded in their trace. */
    static Tensor binary(String op, Tensor a, Tensor b, Lowering.Two f) {
        Trace trace = Trace.of(op, a, b);
        int x = trace.valueOf(a), y = trace.valueOf(b);
        return trace.result(checked(() -> f.emit(trace.builder, x, y)));
    }

    /** {@code f} applied to {@code xs} (at least one traced), recorded in their trace. */
    static Tensor many(String op, Tensor[] xs, Lowering.Many f) {
        Trace trace = Trace.of(op, xs);
        int[] ids = new int[xs.length];
        for (int i = 0; i < xs.length; i++) ids[i] = trace.valueOf(xs[i]);
        return trace.result(checked(() -> f.emit(trace.builder, ids)));
    }

    private interface Check<T> { T run(); }

    /** Runs a shape check or an emission; a shape error gets the user's source line appended. */
    private static <T> T checked(Check<T> check) {
        try {
            return check.run();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + at(), e);
        }
    }

    /**
     * The error for asking a traced tensor for what exists only eagerly ({@code what} names
     * the call, e.g. "item()").
     */
    static IllegalStateException noValue(Tensor t, String what) {
        if (!t.traced.trace.isOpen()) {
            return new IllegalStateException(what + ": this tensor (shape " + Shapes.str(t.shape) + ") was traced by a"
                    + " Grad.compile call that has returned: it never holds values. Read values and gradients from the"
                    + " Compiled that Grad.compile returned (value, valueAndGrad, vjp)" + at());
        }
        return new IllegalStateException(what + ": this tensor (shape " + Shapes.str(t.shape)
                + ") is being traced by Grad.compile, so it has no values, gradient or autograd state:"
                + " values do not exist while a function is being traced. Use only tensor operations inside"
                + " the compiled function, and read values and gradients from the Compiled that"
                + " Grad.compile returns (value, valueAndGrad, vjp)" + at());
    }

    /** " (at Foo.java:12)": the first stack frame outside jgrad's own classes, or "" if none. */
    static String at() {
        return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
                .filter(f -> !isJgrad(f.getDeclaringClass()))
                .findFirst()
                .map(f -> " (at " + f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + "))")
                .orElse(""));
    }

    private static final java.security.CodeSource FRONTEND = TraceOps.class.getProtectionDomain().getCodeSource();
    private static final java.security.CodeSource IR = Graph.class.getProtectionDomain().getCodeSource();

    private static final java.util.Set<String> JGRAD_PACKAGES = java.util.Set.of("io.jgrad", "io.jgrad.ir");

    /**
     * jgrad's own code: classes of the frontend and ir packages loaded from jgrad's own jar or
     * folder — not the user's (even in a shaded jar, or a test in package io.jgrad), not the JDK.
     */
    private static boolean isJgrad(Class<?> c) {
        if (!JGRAD_PACKAGES.contains(c.getPackageName())) return false;
        java.security.CodeSource cs = c.getProtectionDomain().getCodeSource();
        return cs != null && (sameLocation(cs, FRONTEND) || sameLocation(cs, IR));
    }

    private static boolean sameLocation(java.security.CodeSource a, java.security.CodeSource b) {
        return b != null && a.getLocation() != null && a.getLocation().equals(b.getLocation());
    }
}
