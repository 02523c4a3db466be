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

    /** A scope in which eager operations record nothing; per thread, nests. */
    public static NoGrad noGrad() {
        return new NoGrad();
    }

    private static void requireFn(Object f) {
        if (f == null) throw new IllegalArgumentException("Grad.compile: the function is null");
    }
}
