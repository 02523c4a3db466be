package io.jgrad;

import io.jgrad.ir.Builder;
import io.jgrad.ir.Composites;
import io.jgrad.ir.Graph;

/**
 * The tracer: one static method per {@link Tensor} operation, the receiver first. A Tensor op
 * lands here when any operand is traced. Each method checks shapes with the eager engine's
 * {@link Shapes} rules (so both modes reject a call with the same words), adds the user's
 * source line to the message, and records the op through {@link Composites} — the one
 * lowering of the user API onto IR primitives. An eager operand becomes a constant.
 */
final class TraceOps {
    private TraceOps() {}

    /** An op on one traced value: the lowering in {@link Composites}. */
    private interface Unary { int emit(Builder b, int x); }
    private interface Binary { int emit(Builder b, int x, int y); }

    static Tensor add(Tensor a, Tensor b) { return broadcasting("add", a, b, Composites::add); }
    static Tensor add(Tensor a, float c) { return unary("add", a, (bl, x) -> Composites.add(bl, x, c)); }
    static Tensor sub(Tensor a, Tensor b) { return broadcasting("sub", a, b, Composites::sub); }
    static Tensor sub(Tensor a, float c) { return unary("sub", a, (bl, x) -> Composites.sub(bl, x, c)); }
    static Tensor mul(Tensor a, Tensor b) { return broadcasting("mul", a, b, Composites::mul); }
    static Tensor mul(Tensor a, float c) { return unary("mul", a, (bl, x) -> Composites.mul(bl, x, c)); }
    static Tensor div(Tensor a, Tensor b) { return broadcasting("div", a, b, Composites::div); }
    static Tensor div(Tensor a, float c) { return unary("div", a, (bl, x) -> Composites.div(bl, x, c)); }
    static Tensor rsub(Tensor a, float c) { return unary("rsub", a, (bl, x) -> Composites.rsub(bl, x, c)); }
    static Tensor rdiv(Tensor a, float c) { return unary("rdiv", a, (bl, x) -> Composites.rdiv(bl, x, c)); }
    static Tensor pow(Tensor a, float exponent) { return unary("pow", a, (bl, x) -> Composites.pow(bl, x, exponent)); }
    static Tensor neg(Tensor a) { return unary("neg", a, Composites::neg); }
    static Tensor exp(Tensor a) { return unary("exp", a, Composites::exp); }
    static Tensor log(Tensor a) { return unary("log", a, Composites::log); }
    static Tensor log1p(Tensor a) { return unary("log1p", a, Composites::log1p); }
    static Tensor sin(Tensor a) { return unary("sin", a, Composites::sin); }
    static Tensor cos(Tensor a) { return unary("cos", a, Composites::cos); }
    static Tensor tanh(Tensor a) { return unary("tanh", a, Composites::tanh); }
    static Tensor sigmoid(Tensor a) { return unary("sigmoid", a, Composites::sigmoid); }
    static Tensor relu(Tensor a) { return unary("relu", a, Composites::relu); }
    static Tensor softplus(Tensor a) { return unary("softplus", a, Composites::softplus); }
    static Tensor sqrt(Tensor a) { return unary("sqrt", a, Composites::sqrt); }
    static Tensor abs(Tensor a) { return unary("abs", a, Composites::abs); }
    static Tensor square(Tensor a) { return unary("square", a, Composites::square); }
    static Tensor sum(Tensor a) { return unary("sum", a, Composites::sum); }
    static Tensor mean(Tensor a) { return unary("mean", a, Composites::mean); }
    static Tensor detach(Tensor a) { return unary("detach", a, Composites::detach); }
    static Tensor clamp(Tensor a, float min, float max) { return unary("clamp", a, (bl, x) -> Composites.clamp(bl, x, min, max)); }
    static Tensor maximum(Tensor a, Tensor b) { return broadcasting("maximum", a, b, Composites::maximum); }
    static Tensor minimum(Tensor a, Tensor b) { return broadcasting("minimum", a, b, Composites::minimum); }

    static Tensor t(Tensor a) {
        checked(() -> Shapes.transpose("t", a.shape));
        return unary("t", a, Composites::t);
    }

    static Tensor sum(Tensor a, int axis) {
        checked(() -> Shapes.axis("sum", a.shape, axis));
        return unary("sum", a, (bl, x) -> Composites.sum(bl, x, axis));
    }

    static Tensor mean(Tensor a, int axis) {
        checked(() -> Shapes.axis("mean", a.shape, axis));
        return unary("mean", a, (bl, x) -> Composites.mean(bl, x, axis));
    }

    static Tensor softmax(Tensor a, int axis) {
        checked(() -> Shapes.axis("softmax", a.shape, axis));
        return unary("softmax", a, (bl, x) -> Composites.softmax(bl, x, axis));
    }

    static Tensor logSoftmax(Tensor a, int axis) {
        checked(() -> Shapes.axis("logSoftmax", a.shape, axis));
        return unary("logSoftmax", a, (bl, x) -> Composites.logSoftmax(bl, x, axis));
    }

    static Tensor reshape(Tensor a, int[] shape) {
        checked(() -> Shapes.reshape("reshape", a.shape, shape));
        int[] target = shape.clone();
        return unary("reshape", a, (bl, x) -> Composites.reshape(bl, x, target));
    }

    static Tensor matmul(Tensor a, Tensor b) {
        Shapes.notNull("matmul", "other", b);
        checked(() -> Shapes.matmul("matmul", a.shape, b.shape));
        return binary("matmul", a, b, Composites::matmul);
    }

    static Tensor dot(Tensor a, Tensor b) {
        Shapes.notNull("dot", "other", b);
        checked(() -> Shapes.dot("dot", a.shape, b.shape));
        return binary("dot", a, b, Composites::dot);
    }

    private static Tensor broadcasting(String op, Tensor a, Tensor b, Binary rule) {
        Shapes.notNull(op, "other", b);
        checked(() -> Shapes.broadcast(op, a.shape, b.shape));
        return binary(op, a, b, rule);
    }

    private static Tensor unary(String op, Tensor a, Unary rule) {
        Trace trace = Trace.of(op, a);
        int x = trace.valueOf(a);
        return trace.result(checked(() -> rule.emit(trace.builder, x)));
    }

    private static Tensor binary(String op, Tensor a, Tensor b, Binary rule) {
        Trace trace = Trace.of(op, a, b);
        int x = trace.valueOf(a), y = trace.valueOf(b);
        return trace.result(checked(() -> rule.emit(trace.builder, x, y)));
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
