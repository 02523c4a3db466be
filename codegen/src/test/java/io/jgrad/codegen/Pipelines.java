package io.jgrad.codegen;

import io.jgrad.ir.Adjoint;
import io.jgrad.ir.Builder;
import io.jgrad.ir.Composites;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Optimizer;
import io.jgrad.ir.Type;
import io.jgrad.ir.Verifier;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;

/** What the frontend does after tracing (PIPELINE.md), for tests: adjoint, optimise, compile. */
final class Pipelines {
    private Pipelines() {}

    static CompileRequest request(Graph fwd, String[] names, boolean[] wrt) {
        int n = names.length;
        int[][] shapes = new int[n][];
        for (int i = 0; i < n; i++) shapes[i] = fwd.inputs().get(i).type().shape();
        int[] outShape = fwd.type(fwd.output(0)).shape();
        Graph vjp = Verifier.verify(Optimizer.optimize(Adjoint.of(fwd, wrt, true)));
        Graph vag = outShape.length == 0 ? Verifier.verify(Optimizer.optimize(Adjoint.of(fwd, wrt, false))) : null;
        return new CompileRequest(Verifier.verify(Optimizer.optimize(fwd)), vjp, vag, names, shapes, wrt, outShape);
    }

    static Compiled compile(Graph fwd, String[] names, boolean[] wrt) {
        return CodeGen.compile(request(fwd, names, wrt));
    }

    /** The seed notebook's logistic neuron (shared/golden seed_bce_scalar): w, b differentiable; x, y data. */
    static Graph seedNeuron() {
        return seedNeuron(DType.F32);
    }

    /** The seed neuron over inputs of dtype d (its clamp bounds and 1s are float constants, as the seed's). */
    static Graph seedNeuron(DType d) {
        Builder b = new Builder();
        int w = b.input(0, "w", Type.of(d)), bias = b.input(1, "b", Type.of(d));
        int x = b.input(2, "x", Type.of(d)), y = b.input(3, "y", Type.of(d));
        int z0 = Composites.mul(b, w, x);
        int z = Composites.add(b, z0, bias);
        int yp = Composites.sigmoid(b, z);
        int p = Composites.clamp(b, yp, 1e-08f, 0.99999999f);
        int l1 = Composites.log(b, p);
        int a = Composites.mul(b, y, l1);
        int q = Composites.rsub(b, p, 1.0f);
        int l2 = Composites.log(b, q);
        int ty = Composites.rsub(b, y, 1.0f);
        int bb = Composites.mul(b, ty, l2);
        int s = Composites.add(b, a, bb);
        return b.build(Composites.neg(b, s));
    }

    static final String[] NEURON_NAMES = {"w", "b", "x", "y"};
    static final boolean[] NEURON_WRT = {true, true, false, false};

    /** A small tensor model: mean((relu(x·W + b) - y)^2) with W [4,3], b [3], x [5,4], y [5,3]. */
    static Graph tensorModel() {
        return tensorModel(DType.F32);
    }

    static Graph tensorModel(DType dt) {
        Builder b = new Builder();
        int w = b.input(0, "W", Type.of(dt, 4, 3)), bias = b.input(1, "b", Type.of(dt, 3));
        int x = b.input(2, "x", Type.of(dt, 5, 4)), y = b.input(3, "y", Type.of(dt, 5, 3));
        int h = Composites.relu(b, Composites.add(b, Composites.matmul(b, x, w), bias));
        int d = Composites.sub(b, h, y);
        return b.build(Composites.mean(b, Composites.square(b, d)));
    }

    static final String[] MODEL_NAMES = {"W", "b", "x", "y"};
    static final boolean[] MODEL_WRT = {true, true, false, false};

    static float[][] data(java.util.Random r, int... sizes) {
        float[][] a = new float[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            a[i] = new float[sizes[i]];
            for (int j = 0; j < sizes[i]; j++) a[i][j] = (float) r.nextGaussian();
        }
        return a;
    }

    static double[][] dataF64(java.util.Random r, int... sizes) {
        double[][] a = new double[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            a[i] = new double[sizes[i]];
            for (int j = 0; j < sizes[i]; j++) a[i][j] = r.nextGaussian();
        }
        return a;
    }
}
