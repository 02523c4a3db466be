package io.jgrad;

import io.jgrad.ir.Adjoint;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Optimizer;
import io.jgrad.ir.Type;
import io.jgrad.runtime.DType;

import java.util.HashSet;
import java.util.Set;

/**
 * The front of {@code Grad.compile}: calls the user function once with traced tensors of the
 * declared shapes, and derives the three graphs the backend compiles (docs/PIPELINE.md).
 */
final class Tracer {
    private Tracer() {}

    /** Everything the backend needs, plus the unoptimised graphs for inspection and tests. */
    static final class Lowered {
        final String[] names;
        final int[][] shapes;
        final boolean[] requiresGrad;
        final int[] outputShape;
        /** As traced: one output, the function's result. */
        final Graph traced;
        final Graph forward;
        /** Forward + adjoint with a seed input (any output). */
        final Graph vjp;
        /** Forward + adjoint with seed 1; null unless the output is a scalar. */
        final Graph valueAndGrad;

        Lowered(String[] names, int[][] shapes, boolean[] requiresGrad, Graph traced) {
            this.names = names;
            this.shapes = shapes;
            this.requiresGrad = requiresGrad;
            this.traced = traced;
            this.outputShape = traced.type(traced.output(0)).shape();
            this.forward = Optimizer.optimize(traced);
            this.vjp = Optimizer.optimize(Adjoint.of(traced, requiresGrad, true));
            this.valueAndGrad = outputShape.length == 0 ? Optimizer.optimize(Adjoint.of(traced, requiresGrad, false)) : null;
        }
    }

    /**
     * The one dtype of a compiled function's inputs, F32 or F64 (F32 for no inputs); anything
     * else is refused before tracing: F16 (eager only), BOOL, and inputs of two dtypes.
     */
    private static DType dtypeOf(Arg[] args) {
        for (int i = 0; i < args.length; i++) {
            switch (args[i].dtype()) {
                case F32, F64 -> { }
                case F16 -> throw new IllegalArgumentException("Grad.compile: " + which(args, i) + " is F16, and compiled functions"
                        + " run in F32 or F64 only (float16 exists eagerly); declare it F32 (Arg.dtype(DType.F32)) and convert the"
                        + " data with to(DType.F32)");
                case BOOL -> throw new IllegalArgumentException("Grad.compile: " + which(args, i) + " is BOOL; compiled functions"
                        + " take F32 or F64 inputs (convert with to(DType.F32))");
            }
        }
        for (int i = 1; i < args.length; i++) {
            if (args[i].dtype() != args[0].dtype()) {
                throw new IllegalArgumentException("Grad.compile: " + which(args, 0) + " is " + args[0].dtype() + " but "
                        + which(args, i) + " is " + args[i].dtype() + "; a compiled function's inputs share one dtype: declare"
                        + " them alike and convert inside the function with to(DType." + args[0].dtype() + ") where needed");
            }
        }
        return args.length == 0 ? DType.F32 : args[0].dtype();
    }

    private static String which(Arg[] args, int i) {
        return "input " + i + (args[i].name() == null ? "" : " (" + args[i].name() + ")");
    }

    static Lowered lower(FnN f, Arg[] args) {
        String[] names = new String[args.length];
        int[][] shapes = new int[args.length][];
        boolean[] requiresGrad = new boolean[args.length];
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].name() != null && !seen.add(args[i].name())) {
                throw new IllegalArgumentException("Grad.compile: two inputs are named '" + args[i].name() + "'; give each Arg its own name");
            }
            shapes[i] = args[i].shape();
            requiresGrad[i] = args[i].requiresGrad();
        }
        DType dtype = dtypeOf(args);
        for (int i = 0; i < args.length; i++) {
            // an unnamed input is in<i>, or in<i>_<k> where the user named another input in<i>
            String name = args[i].name();
            if (name == null) {
                name = "in" + i;
                for (int k = 2; seen.contains(name); k++) name = "in" + i + "_" + k;
                seen.add(name);
            }
            names[i] = name;
        }
        Trace trace = new Trace();
        Tensor[] inputs = new Tensor[args.length];
        for (int i = 0; i < args.length; i++) {
            inputs[i] = trace.tensor(trace.builder.input(i, names[i], Type.of(dtype, shapes[i])));
        }
        Tensor result;
        try {
            result = f.apply(inputs);
        } finally {
            trace.close();
        }
        if (result == null) throw new IllegalArgumentException("Grad.compile: the function returned null; it must return a Tensor");
        int out;
        if (result.traced == null) {
            out = trace.valueOf(result);   // a function whose result does not depend on its inputs
        } else if (result.traced.trace != trace) {
            throw new IllegalArgumentException("Grad.compile: the function returned a tensor traced by another Grad.compile call");
        } else {
            out = result.traced.value;
        }
        DType outType = trace.builder.type(out).dtype();
        if (outType != dtype && args.length > 0) {
            throw new IllegalArgumentException("Grad.compile: the function returns " + outType + " but its inputs are " + dtype
                    + "; a compiled function's output has its inputs' dtype (convert the result with to(DType." + dtype + "))");
        }
        if (outType != DType.F32 && outType != DType.F64) {
            throw new IllegalArgumentException("Grad.compile: the function returns " + outType + "; a compiled function returns F32 or F64"
                    + " (convert the result with to(DType.F32))");
        }
        Type outT = trace.builder.type(out);
        if (outT.size() == 0) {   // the runtime's checks and workspaces take positive sizes, as Arg does
            throw new IllegalArgumentException("Grad.compile: the function returns an empty tensor (shape " + Shapes.str(outT.shape())
                    + ", made by " + trace.builder.node(out).prim().text + "); a compiled function's result needs every dimension"
                    + " positive, as its inputs do (empty tensors work eagerly)");
        }
        trace.warnAboutCapturedGradients();
        Graph graph = trace.builder.build(new int[] {out}, new String[] {"out"});
        return new Lowered(names, shapes, requiresGrad, graph);
    }
}
