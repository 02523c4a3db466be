package io.jgrad;

/**
 * The seam for the tracer: one static method per {@link Tensor} operation, the receiver first.
 * A Tensor op lands here when any operand is traced; an eager operand mixed with a traced one
 * is the tracer's to turn into a constant. Until the tracer exists, every method throws.
 */
final class TraceOps {
    private TraceOps() {}

    static Tensor add(Tensor a, Tensor b) { throw notBuilt(); }
    static Tensor add(Tensor a, float c) { throw notBuilt(); }
    static Tensor sub(Tensor a, Tensor b) { throw notBuilt(); }
    static Tensor sub(Tensor a, float c) { throw notBuilt(); }
    static Tensor mul(Tensor a, Tensor b) { throw notBuilt(); }
    static Tensor mul(Tensor a, float c) { throw notBuilt(); }
    static Tensor div(Tensor a, Tensor b) { throw notBuilt(); }
    static Tensor div(Tensor a, float c) { throw notBuilt(); }
    static Tensor rsub(Tensor a, float c) { throw notBuilt(); }
    static Tensor rdiv(Tensor a, float c) { throw notBuilt(); }
    static Tensor pow(Tensor a, float exponent) { throw notBuilt(); }
    static Tensor neg(Tensor a) { throw notBuilt(); }
    static Tensor exp(Tensor a) { throw notBuilt(); }
    static Tensor log(Tensor a) { throw notBuilt(); }
    static Tensor log1p(Tensor a) { throw notBuilt(); }
    static Tensor sin(Tensor a) { throw notBuilt(); }
    static Tensor cos(Tensor a) { throw notBuilt(); }
    static Tensor tanh(Tensor a) { throw notBuilt(); }
    static Tensor sigmoid(Tensor a) { throw notBuilt(); }
    static Tensor relu(Tensor a) { throw notBuilt(); }
    static Tensor softplus(Tensor a) { throw notBuilt(); }
    static Tensor sqrt(Tensor a) { throw notBuilt(); }
    static Tensor abs(Tensor a) { throw notBuilt(); }
    static Tensor square(Tensor a) { throw notBuilt(); }
    static Tensor sum(Tensor a) { throw notBuilt(); }
    static Tensor mean(Tensor a) { throw notBuilt(); }
    static Tensor t(Tensor a) { throw notBuilt(); }
    static Tensor detach(Tensor a) { throw notBuilt(); }
    static Tensor clamp(Tensor a, float min, float max) { throw notBuilt(); }
    static Tensor maximum(Tensor a, Tensor b) { throw notBuilt(); }
    static Tensor minimum(Tensor a, Tensor b) { throw notBuilt(); }
    static Tensor sum(Tensor a, int axis) { throw notBuilt(); }
    static Tensor mean(Tensor a, int axis) { throw notBuilt(); }
    static Tensor matmul(Tensor a, Tensor b) { throw notBuilt(); }
    static Tensor dot(Tensor a, Tensor b) { throw notBuilt(); }
    static Tensor reshape(Tensor a, int[] shape) { throw notBuilt(); }
    static Tensor softmax(Tensor a, int axis) { throw notBuilt(); }
    static Tensor logSoftmax(Tensor a, int axis) { throw notBuilt(); }

    /**
     * The error for asking a traced tensor for what exists only eagerly ({@code what} names
     * the call, e.g. "item()").
     */
    static IllegalStateException noValue(Tensor t, String what) {
        return new IllegalStateException(what + ": this tensor (shape " + Shapes.str(t.shape)
                + ") is being traced by Grad.compile, so it has no values, gradient or autograd state:"
                + " values do not exist while a function is being traced. Use only tensor operations inside"
                + " the compiled function, and read values and gradients from the Compiled that"
                + " Grad.compile returns (value, valueAndGrad, vjp).");
    }

    private static UnsupportedOperationException notBuilt() {
        return new UnsupportedOperationException("tracing is not built yet");
    }
}
