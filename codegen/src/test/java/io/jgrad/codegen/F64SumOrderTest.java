package io.jgrad.codegen;

import io.jgrad.ir.Builder;
import io.jgrad.ir.Composites;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Interpreter;
import io.jgrad.ir.Prim;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link SumOrderTest}'s sizes (more than one block, lanes, several axes, long matmuls) in F64
 * functions, and with the sum computed in the other dtype inside the function (an f32 sum in an
 * F64 function, an f64 one in an F32 function, through CONVERT): every entry point
 * bit-identical to {@link Ref} and to the IR Interpreter, both of which add in Summation's
 * order in the sum's own dtype. An f32 sum's Cascade state must then round as float even in a
 * function whose other values are double: it lives in the workspace's float region.
 */
class F64SumOrderTest {
    static final DType[][] CASES = {{DType.F64, DType.F64}, {DType.F64, DType.F32}, {DType.F32, DType.F64}};

    /** x of dtype fn converted to the sum's dtype (nothing when equal). */
    private static int to(Builder b, int x, DType d) {
        return b.type(x).dtype() == d ? x : b.convert(x, d);
    }

    private static void check(Graph fwd, String[] names, boolean[] wrt, long seed) {
        CompileRequest req = Pipelines.request(fwd, names, wrt);
        Compiled c = CodeGen.compile(req);
        Harness.checkClass(c);
        Random r = new Random(seed);
        int n = names.length;
        double[][] in = new double[n + 1][];
        for (int i = 0; i < n; i++) in[i] = gaussian(r, Type.f32(req.inputShapes[i]).size());
        in[n] = gaussian(r, Type.f32(req.outputShape).size());
        String err;
        if (c.dtype() == DType.F64) {
            err = F64Harness.check(req, c, in);
            if (err == null) err = F64Harness.againstInterpreter(req, c, in);
        } else {
            float[][] f = new float[n + 1][];
            for (int i = 0; i <= n; i++) {
                f[i] = new float[in[i].length];
                for (int j = 0; j < f[i].length; j++) f[i][j] = (float) in[i][j];
            }
            err = Harness.check(req, c, f);
            if (err == null) err = againstInterpreterF32(req, c, f);
        }
        if (err != null) fail(err + "\nforward:\n" + io.jgrad.ir.Printer.print(req.forward) + "vjp:\n" + io.jgrad.ir.Printer.print(req.vjp));
    }

    /** An F32 function against the Interpreter, bit for bit (its f64 sums too follow Summation). */
    private static String againstInterpreterF32(CompileRequest req, Compiled c, float[][] inSeed) {
        int n = req.inputCount();
        float[][] in = Arrays.copyOf(inSeed, n);
        float[] out = new float[inSeed[n].length];
        float[][] grads = Harness.gradArrays(req);
        c.vjp(in, inSeed[n], out, grads);
        float[][] want = Interpreter.run(req.vjp, inSeed);
        if (!Arrays.equals(want[0], out)) return "vjp value: generated " + Arrays.toString(out) + ", interpreter " + Arrays.toString(want[0]);
        for (int i = 0, k = 1; i < n; i++) {
            if (!req.requiresGrad[i]) continue;
            if (!Arrays.equals(want[k], grads[i])) return "vjp gradient " + i + " differs from the interpreter";
            k++;
        }
        return null;
    }

    private static double[] gaussian(Random r, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = r.nextGaussian() * Math.pow(2, r.nextInt(12) - 6);
        return a;
    }

    @Test
    void fusedFullSums() {
        for (DType[] d : CASES) {
            for (int n : SumOrderTest.COUNTS) {
                Builder b = new Builder();
                int x = b.input(0, "x", Type.of(d[0], n)), y = b.input(1, "y", Type.of(d[0], n));
                int s = Composites.sum(b, Composites.mul(b, Composites.sin(b, to(b, x, d[1])), to(b, y, d[1])));
                check(b.build(to(b, s, d[0])), new String[] {"x", "y"}, new boolean[] {true, true}, n);
            }
        }
    }

    @Test
    void rowColumnAndMultiAxisSums() {
        int[][] shapes = {{3, 300}, {300, 3}, {129, 17}, {4, 5}, {5, 4}, {1000, 2}, {3, 1, 130}, {130, 1, 3}};
        for (DType[] d : CASES) {
            for (int[] s : shapes) {
                for (int axis = 0; axis < s.length; axis++) {
                    Builder b = new Builder();
                    int x = to(b, b.input(0, "x", Type.of(d[0], s)), d[1]);
                    int red = Composites.sum(b, Composites.exp(b, Composites.mul(b, x, 0.01)), axis);
                    check(b.build(Composites.sum(b, Composites.tanh(b, to(b, red, d[0])))), new String[] {"x"}, new boolean[] {true}, axis * 31 + s[0]);
                }
            }
            for (int[] axes : new int[][] {{1, 2}, {0, 2}, {0, 1}, {0, 1, 2}}) {
                Builder b = new Builder();
                int x = to(b, b.input(0, "x", Type.of(d[0], 3, 50, 140)), d[1]);
                int red = to(b, b.reduce(Prim.REDUCE_SUM, Composites.square(b, x), axes), d[0]);
                int out = b.type(red).size() == 1 ? red : Composites.sum(b, Composites.sin(b, red));
                check(b.build(out), new String[] {"x"}, new boolean[] {true}, axes.length * 7 + axes[0]);
            }
        }
    }

    @Test
    void broadcastAdjointsAreColumnSums() {
        for (DType[] d : CASES) {
            for (int batch : new int[] {3, 4, 200}) {
                Builder b = new Builder();
                int x = b.input(0, "x", Type.of(d[0], batch, 9)), bias = b.input(1, "bias", Type.of(d[0], 9));
                // the broadcast of bias happens in the sum's dtype: its adjoint is a column sum there
                int h = Composites.tanh(b, Composites.add(b, to(b, x, d[1]), to(b, bias, d[1])));
                check(b.build(to(b, Composites.mean(b, h), d[0])), new String[] {"x", "bias"}, new boolean[] {false, true}, batch);
            }
        }
    }

    @Test
    void matmuls() {
        int[][] mkn = {{3, 2, 5}, {4, 4, 7}, {2, 5, 1}, {1, 130, 6}, {5, 300, 1}, {4, 300, 9}, {7, 129, 3}, {4, 6, 1}, {300, 9, 1}, {1000, 64, 1}};
        for (DType[] d : CASES) {
            for (int[] s : mkn) {
                Builder b = new Builder();
                int a = b.input(0, "a", Type.of(d[0], s[0], s[1])), w = b.input(1, "w", Type.of(d[0], s[1], s[2]));
                int mm = to(b, Composites.matmul(b, Composites.tanh(b, to(b, a, d[1])), to(b, w, d[1])), d[0]);
                check(b.build(Composites.sum(b, Composites.sin(b, mm))), new String[] {"a", "w"}, new boolean[] {true, true}, s[1]);
            }
        }
    }
}
