package io.jgrad;

import io.jgrad.ir.Graph;

/** Tests only: the optimised forward graph {@code Grad.compile} would compile (the tracer is package-private). */
public final class ForwardGraphs {
    private ForwardGraphs() {}

    public static Graph forward(FnN f, Arg... args) {
        return Tracer.lower(f, args.clone()).forward;
    }

    public static boolean[] requiresGrad(FnN f, Arg... args) {
        return Tracer.lower(f, args.clone()).requiresGrad.clone();
    }
}
