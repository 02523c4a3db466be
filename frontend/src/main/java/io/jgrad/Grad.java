package io.jgrad;

import io.jgrad.codegen.CodeGen;
import io.jgrad.codegen.CompileRequest;
import io.jgrad.runtime.Compiled;

/** Entry points: compile a function of tensors to value-and-gradient bytecode; eager no-grad scopes. */
public final class Grad {
    private Grad() {}

    /** Every input a differentiable scalar. */
    public static Compiled compile(Fn1 f) { return compile(f, Arg.scalar()); }
    public static Compiled compile(Fn2 f) { return compile(f, Arg.scalar(), Arg.scalar()); }
    public static Compiled compile(Fn3 f) { return compile(f, Arg.scalar(), Arg.scalar(), Arg.scalar()); }
    public static Compiled compile(Fn4 f) { return compile(f, Arg.scalar(), Arg.scalar(), Arg.scalar(), Arg.scalar()); }

    public static Compiled compile(Fn1 f, Arg a) {
        requireFn(f);
        return trace(in -> f.apply(in[0]), new Arg[] {a});
    }
    public static Compiled compile(Fn2 f, Arg a, Arg b) {
        requireFn(f);
        return trace(in -> f.apply(in[0], in[1]), new Arg[] {a, b});
    }
    public static Compiled compile(Fn3 f, Arg a, Arg b, Arg c) {
        requireFn(f);
        return trace(in -> f.apply(in[0], in[1], in[2]), new Arg[] {a, b, c});
    }
    public static Compiled compile(Fn4 f, Arg a, Arg b, Arg c, Arg d) {
        requireFn(f);
        return trace(in -> f.apply(in[0], in[1], in[2], in[3]), new Arg[] {a, b, c, d});
    }

    /** Traces {@code f} once, derives the adjoint, optimises and generates a hidden class. */
    public static Compiled compile(FnN f, Arg... args) {
        requireFn(f);
        return trace(f, args);
    }

    private static Compiled trace(FnN f, Arg[] args) {
        if (args == null) throw new IllegalArgumentException("Grad.compile: args is null");
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) throw new IllegalArgumentException("Grad.compile: Arg " + i + " is null");
        }
        Tracer.Lowered l = Tracer.lower(f, args.clone());
        return CodeGen.compile(new CompileRequest(l.forward, l.vjp, l.valueAndGrad, l.names, l.shapes, l.requiresGrad, l.outputShape));
    }

    // ------------------------------------------------------------------ derivatives of any order

    /**
     * d output / d wrt[i] for a one-element {@code output} (torch.autograd.grad with
     * create_graph=True), without touching any {@code grad()}. The results are differentiable:
     * eagerly they carry history while grad mode is on (so {@code Grad.grad} of a gradient gives
     * second derivatives, e.g. {@code Grad.grad(Grad.grad(f, x)[0].mul(v).sum(), x)} is a
     * Hessian-vector product), and inside {@code Grad.compile} they are traced tensors the
     * function may return or differentiate again. The graph is kept (nothing is freed).
     *
     * <ul>
     *   <li>Eagerly every {@code wrt} must require a gradient and be among the tensors the
     *       output was computed from (PyTorch's errors otherwise, as IllegalArgumentException).</li>
     *   <li>Traced, any traced tensor of the same compiled function may be a {@code wrt} (a
     *       {@code noGrad()} input or an intermediate value too); one the output does not depend
     *       on gets zeros. An eager {@code wrt} for a traced output, or the reverse, is an
     *       IllegalArgumentException.</li>
     * </ul>
     */
    public static Tensor[] grad(Tensor output, Tensor... wrt) {
        return Gradients.of("Grad.grad", output, null, wrt);
    }

    /**
     * seed^T · d output / d wrt[i] for an output of any shape: the vector-Jacobian product, with
     * {@code seed} of the output's shape (converted to its dtype, as backward(gradient) does).
     * Otherwise as {@link #grad}; the seed may itself require a gradient.
     */
    public static Tensor[] vjp(Tensor output, Tensor seed, Tensor... wrt) {
        Shapes.notNull("Grad.vjp", "seed", seed);
        return Gradients.of("Grad.vjp", output, seed, wrt);
    }

    /**
     * A gradient check for users' own tests (JAX's check_grads): at the given eager point it
     * compares, in float64, the eager gradient ({@link #grad}), the compiled gradient
     * ({@link #compile}: vjp) and forward-mode derivative ({@code Compiled.jvp}), and central
     * finite differences of the compiled function, along random directions and, for inputs of
     * at most {@value GradCheck#PER_ELEMENT} elements in total, element by element. The point's
     * tensors are converted to F64; if any of them requires a gradient only those are
     * differentiated, otherwise all of them. A tensor output is checked through random seeds.
     * Throws AssertionError naming the input, the element, both values and the tolerance.
     * {@code f} must be smooth at the point (a kink or a branch makes finite differences
     * meaningless) and must compute in F64 when given F64 tensors.
     */
    public static void check(FnN f, Tensor... point) {
        GradCheck.check(f, point);
    }

    /** A scope in which eager operations record nothing; per thread, nests. */
    public static NoGrad noGrad() {
        return new NoGrad();
    }

    private static void requireFn(Object f) {
        if (f == null) throw new IllegalArgumentException("Grad.compile: the function is null");
    }
}
