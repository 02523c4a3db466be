package io.jgrad.bench.models;

import io.jgrad.bench.data.MlpData;
import io.jgrad.bench.handwritten.ClampedBce64;
import io.jgrad.codegen.CodeGen;
import io.jgrad.codegen.CompileRequest;
import io.jgrad.ir.Adjoint;
import io.jgrad.ir.Builder;
import io.jgrad.ir.Composites;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Optimizer;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;

/**
 * The F64 workloads compiled through the codegen API: each builds, with {@link Composites},
 * the forward graph the tracer builds from {@link Models} (op for op, the constants as double),
 * then runs {@code Grad.compile}'s pipeline (adjoint, optimiser, {@link CodeGen}). Until the
 * frontend traces {@code Arg.of(...).dtype(F64)}, this is how an F64 {@link Compiled} is made.
 */
public final class CompileF64 {
    private CompileF64() {}

    /** The seed neuron over F64 scalars w, b (differentiated), x, y. */
    public static Compiled seedNeuron() {
        Builder e = new Builder();
        int w = input(e, 0, "w"), b = input(e, 1, "b"), x = input(e, 2, "x"), y = input(e, 3, "y");
        int loss = clampedBce(e, Composites.sigmoid(e, Composites.add(e, Composites.mul(e, w, x), b)), y);
        return compile(e.build(loss), new String[] {"w", "b", "x", "y"}, new boolean[] {true, true, false, false});
    }

    /** Logistic regression: w [f], b (differentiated), X [batch, f], y [batch]; mean clamped BCE. */
    public static Compiled logisticRegression(int batch, int features) {
        Builder e = new Builder();
        int w = input(e, 0, "w", features), b = input(e, 1, "b"), X = input(e, 2, "X", batch, features), y = input(e, 3, "y", batch);
        int p = Composites.sigmoid(e, Composites.add(e, Composites.matmul(e, X, w), b));
        int loss = Composites.mean(e, clampedBce(e, p, y));
        return compile(e.build(loss), new String[] {"w", "b", "X", "y"}, new boolean[] {true, true, false, false});
    }

    /** The two-layer MLP of {@link Models#mlp} over F64 arrays of d's shapes. */
    public static Compiled mlp(MlpData d) {
        Builder e = new Builder();
        int W1 = input(e, 0, "W1", d.in, d.hidden), b1 = input(e, 1, "b1", d.hidden);
        int W2 = input(e, 2, "W2", d.hidden, d.out), b2 = input(e, 3, "b2", d.out);
        int X = input(e, 4, "X", d.batch, d.in), T = input(e, 5, "T", d.batch, d.out);
        int hidden = Composites.tanh(e, Composites.add(e, Composites.matmul(e, X, W1), b1));
        int logits = Composites.add(e, Composites.matmul(e, hidden, W2), b2);
        int loss = Composites.neg(e, Composites.mean(e, Composites.sum(e, Composites.mul(e, T, Composites.logSoftmax(e, logits, 1)), 1)));
        return compile(e.build(loss), new String[] {"W1", "b1", "W2", "b2", "X", "T"}, new boolean[] {true, true, true, true, false, false});
    }

    /** {@link Models#clampedBce} with the double bounds 1e-8 and 1 - 1e-8 (F64 code writes {@code clamp(1e-8, 1 - 1e-8)}). */
    static int clampedBce(Builder e, int p, int y) {
        int pc = Composites.clamp(e, p, ClampedBce64.LO, ClampedBce64.HI);
        int positive = Composites.mul(e, y, Composites.log(e, pc));
        int negative = Composites.mul(e, Composites.rsub(e, y, 1.0), Composites.log(e, Composites.rsub(e, pc, 1.0)));
        return Composites.neg(e, Composites.add(e, positive, negative));
    }

    private static int input(Builder e, int index, String name, int... shape) {
        return e.input(index, name, Type.of(DType.F64, shape));
    }

    /** What Grad.compile does after tracing: optimise the forward, derive and optimise the adjoints, generate. */
    static Compiled compile(Graph forward, String[] names, boolean[] wrt) {
        int n = names.length;
        int[][] shapes = new int[n][];
        for (int i = 0; i < n; i++) shapes[i] = forward.inputs().get(i).type().shape();
        int[] out = forward.type(forward.output(0)).shape();
        Graph vjp = Optimizer.optimize(Adjoint.of(forward, wrt, true));
        Graph vag = out.length == 0 ? Optimizer.optimize(Adjoint.of(forward, wrt, false)) : null;
        return CodeGen.compile(new CompileRequest(Optimizer.optimize(forward), vjp, vag, names, shapes, wrt, out));
    }
}
