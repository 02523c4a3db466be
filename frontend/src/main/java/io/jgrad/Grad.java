package io.jgrad;

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
        return compile((FnN) in -> f.apply(in[0]), a);
    }
    public static Compiled compile(Fn2 f, Arg a, Arg b) {
        requireFn(f);
        return compile((FnN) in -> f.apply(in[0], in[1]), a, b);
    }
    public static Compiled compile(Fn3 f, Arg a, Arg b, Arg c) {
        requireFn(f);
        return compile((FnN) in -> f.apply(in[0], in[1], in[2]), a, b, c);
    }
    public static Compiled compile(Fn4 f, Arg a, Arg b, Arg c, Arg d) {
        requireFn(f);
        return compile((FnN) in -> f.apply(in[0], in[1], in[2], in[3]), a, b, c, d);
    }

    /** Traces {@code f} once, derives the adjoint, optimises and generates a hidden class. */
    public static Compiled compile(FnN f, Arg... args) {
        requireFn(f);
        if (args == null) throw new IllegalArgumentException("Grad.compile: args is null");
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) throw new IllegalArgumentException("Grad.compile: Arg " + i + " is null");
        }
        throw new UnsupportedOperationException("Grad.compile: the tracer and bytecode backend are not built yet (issues 3 and 4)");
    }

    /** A scope in which eager operations record nothing; per thread, nests. */
    public static NoGrad noGrad() {
        return new NoGrad();
    }

    private static void requireFn(Object f) {
        if (f == null) throw new IllegalArgumentException("Grad.compile: the function is null");
    }
}
