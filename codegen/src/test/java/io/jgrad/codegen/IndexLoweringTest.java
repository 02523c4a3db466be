package io.jgrad.codegen;

import io.jgrad.ir.Builder;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Interpreter;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertNull;

/** Smoke: each lowering against the interpreter. */
class IndexLoweringTest {
    static String check(DType d, int[][] shapes, BiFunction<Builder, int[], Integer> body) {
        Builder b = new Builder();
        int[] in = new int[shapes.length];
        String[] names = new String[shapes.length];
        boolean[] wrt = new boolean[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            names[i] = "x" + i;
            in[i] = b.input(i, names[i], Type.of(d, shapes[i]));
            wrt[i] = true;
        }
        int out = body.apply(b, in);
        Graph g = b.build(out);
        CompileRequest req = Pipelines.request(g, names, wrt);
        Compiled c = CodeGen.compile(req);
        Harness.checkClass(c);
        Random r = new Random(7);
        double[][] data = new double[shapes.length + 1][];
        for (int i = 0; i < shapes.length; i++) data[i] = gauss(r, Type.f32(shapes[i]).size());
        data[shapes.length] = gauss(r, g.type(out).size());
        return d == DType.F64 ? F64Harness.againstInterpreter(req, c, data) : againstInterpreterF32(req, c, data);
    }

    static double[] gauss(Random r, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = r.nextGaussian();
        return a;
    }

    static String againstInterpreterF32(CompileRequest req, Compiled c, double[][] d) {
        int n = req.inputCount();
        float[][] inSeed = new float[d.length][];
        for (int i = 0; i < d.length; i++) {
            inSeed[i] = new float[d[i].length];
            for (int j = 0; j < d[i].length; j++) inSeed[i][j] = (float) d[i][j];
        }
        float[][] in = java.util.Arrays.copyOf(inSeed, n);
        float[] out = new float[inSeed[n].length];
        c.forward(in, out);
        String e = same("forward", out, Interpreter.run(req.forward, in)[0]);
        if (e != null) return e;
        float[][] grads = Harness.gradArrays(req);
        c.vjp(in, inSeed[n], out, grads);
        float[][] want = Interpreter.run(req.vjp, inSeed);
        e = same("vjp", out, want[0]);
        for (int i = 0, k = 1; e == null && i < n; i++) if (req.requiresGrad[i]) e = same("vjp d" + i, grads[i], want[k++]);
        return e;
    }

    static String same(String what, float[] got, float[] want) {
        for (int i = 0; i < want.length; i++)
            if (Float.floatToIntBits(got[i]) != Float.floatToIntBits(want[i])) return what + " element " + i + ": " + got[i] + " vs " + want[i];
        return null;
    }

    @Test
    void smoke() {
        for (DType d : new DType[] {DType.F32, DType.F64}) {
            assertNull(check(d, new int[][] {{4, 6}}, (b, x) -> b.unary(io.jgrad.ir.Prim.TANH, b.slice(x[0], 1, 2, 5))));
            assertNull(check(d, new int[][] {{4, 6}}, (b, x) -> b.unary(io.jgrad.ir.Prim.TANH, b.pad(x[0], 1, 2, 5))));
            assertNull(check(d, new int[][] {{4, 6}}, (b, x) -> b.unary(io.jgrad.ir.Prim.TANH, b.gather(x[0], 1, 5, 0, 0, 3))));
            assertNull(check(d, new int[][] {{4, 6}, {4, 2}}, (b, x) -> b.unary(io.jgrad.ir.Prim.TANH, b.concat(1, x[0], x[1], x[0]))));
            assertNull(check(d, new int[][] {{3, 4, 5}, {3, 5, 6}}, (b, x) -> b.unary(io.jgrad.ir.Prim.TANH, b.dotGeneral(x[0], x[1], new int[] {0}, new int[] {0}, new int[] {2}, new int[] {1}))));
        }
    }
}
