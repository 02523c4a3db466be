package io.jgrad.codegen;

import io.jgrad.ir.Builder;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Interpreter;
import io.jgrad.ir.Optimizer;
import io.jgrad.ir.Prim;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each issue-10 structure primitive lowered, through the real pipeline (adjoint, optimiser), in
 * F32 and F64: value and gradient (the vjp graph: the transposes of these primitives) of the
 * generated class bit for bit against the IR Interpreter, the class verified by ASM. Edge
 * cases: empty slices, pads on one side, repeated and out-of-order gather indices, concatenations
 * of one and of many operands (and of one value twice), dot_generals with batch axes and odd
 * axis orders, one-element results. And the plan: slices, gathers, pads and concatenations read
 * by a fused loop take no buffer.
 */
class IndexLoweringTest {
    /** Compiles f over inputs of the given shapes (all differentiable); null when every entry point equals the interpreter. */
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
        Random r = new Random(7 + shapes.length);
        for (int trial = 0; trial < 2; trial++) {
            double[][] data = new double[shapes.length + 1][];
            for (int i = 0; i < shapes.length; i++) data[i] = gauss(r, Type.f32(shapes[i]).size());
            data[shapes.length] = gauss(r, g.type(out).size());
            String e = d == DType.F64 ? F64Harness.againstInterpreter(req, c, data) : againstInterpreterF32(req, c, data);
            if (e != null) return e;
        }
        return null;
    }

    static double[] gauss(Random r, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = r.nextInt(20) == 0 ? -0.0 : r.nextGaussian();
        return a;
    }

    static String againstInterpreterF32(CompileRequest req, Compiled c, double[][] d) {
        int n = req.inputCount();
        float[][] inSeed = new float[d.length][];
        for (int i = 0; i < d.length; i++) {
            inSeed[i] = new float[d[i].length];
            for (int j = 0; j < d[i].length; j++) inSeed[i][j] = (float) d[i][j];
        }
        float[][] in = Arrays.copyOf(inSeed, n);
        float[] out = new float[inSeed[n].length];
        c.forward(in, out);
        String e = same("forward", out, Interpreter.run(req.forward, in)[0]);
        if (e != null) return e;
        float[][] grads = Harness.gradArrays(req);
        c.vjp(in, inSeed[n], out, grads);
        float[][] want = Interpreter.run(req.vjp, inSeed);
        e = same("vjp", out, want[0]);
        for (int i = 0, k = 1; e == null && i < n; i++) if (req.requiresGrad[i]) e = same("vjp d" + i, grads[i], want[k++]);
        if (e != null || req.valueAndGrad == null) return e;
        grads = Harness.gradArrays(req);
        float v = c.valueAndGrad(in, grads);
        want = Interpreter.run(req.valueAndGrad, in);
        e = same("valueAndGrad", new float[] {v}, want[0]);
        for (int i = 0, k = 1; e == null && i < n; i++) if (req.requiresGrad[i]) e = same("valueAndGrad d" + i, grads[i], want[k++]);
        return e;
    }

    static String same(String what, float[] got, float[] want) {
        for (int i = 0; i < want.length; i++)
            if (Float.floatToIntBits(got[i]) != Float.floatToIntBits(want[i])) return what + " element " + i + ": " + got[i] + " vs " + want[i];
        return null;
    }

    private static int tanh(Builder b, int x) { return b.unary(Prim.TANH, x); }

    /** A scalar loss of v: sum(v · v), so every gradient element is reached and nonzero. */
    private static int loss(Builder b, int v) {
        int sq = b.binary(Prim.MUL, v, v);
        int[] axes = new int[b.type(v).rank()];
        for (int a = 0; a < axes.length; a++) axes[a] = a;
        return axes.length == 0 ? sq : b.reduce(Prim.REDUCE_SUM, sq, axes);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void slices(DType d) {
        assertNull(check(d, new int[][] {{4, 6}}, (b, x) -> tanh(b, b.slice(x[0], 1, 2, 5))));
        assertNull(check(d, new int[][] {{4, 6}}, (b, x) -> loss(b, b.slice(b.slice(x[0], 0, 1, 4), 1, 0, 6))));
        assertNull(check(d, new int[][] {{5, 3, 4}}, (b, x) -> tanh(b, b.slice(b.transpose(x[0], 2, 0, 1), 0, 1, 3))));
        // a slice of a slice of a broadcast, read inside a sum (the four-way unrolled loop)
        assertNull(check(d, new int[][] {{7}}, (b, x) -> b.reduce(Prim.REDUCE_SUM, b.slice(b.slice(b.broadcast(x[0], 300, 7), 0, 3, 297), 1, 1, 6), 0, 1)));
        // one element of a tensor: a scalar read at one point
        assertNull(check(d, new int[][] {{3, 4}}, (b, x) -> b.binary(Prim.MUL, b.reshape(b.slice(b.slice(x[0], 0, 2, 3), 1, 1, 2)), b.reduce(Prim.REDUCE_SUM, x[0], 0, 1))));
        // empty slices: joined to something, and summed (an empty sum is +0.0)
        assertNull(check(d, new int[][] {{3, 4}}, (b, x) -> tanh(b, b.concat(1, b.slice(x[0], 1, 2, 2), x[0], b.slice(x[0], 1, 4, 4)))));
        assertNull(check(d, new int[][] {{3, 4}}, (b, x) -> b.binary(Prim.ADD, b.reduce(Prim.REDUCE_SUM, b.slice(x[0], 0, 1, 1), 0, 1), b.reduce(Prim.REDUCE_SUM, x[0], 0, 1))));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void pads(DType d) {
        assertNull(check(d, new int[][] {{4, 6}}, (b, x) -> tanh(b, b.pad(x[0], 1, 2, 5))));
        assertNull(check(d, new int[][] {{4, 6}}, (b, x) -> tanh(b, b.pad(x[0], 0, 0, 3))));     // high side only
        assertNull(check(d, new int[][] {{4, 6}}, (b, x) -> tanh(b, b.pad(x[0], 0, 3, 0))));     // low side only
        assertNull(check(d, new int[][] {{4, 6}}, (b, x) -> loss(b, b.pad(b.pad(x[0], 1, 1, 1), 0, 2, 1))));
        // a pad inside a slice that cuts the padding off again: no test survives
        assertNull(check(d, new int[][] {{4, 6}}, (b, x) -> tanh(b, b.slice(b.pad(x[0], 1, 2, 2), 1, 2, 8))));
        // pads of a one-element value and of a splat constant
        assertNull(check(d, new int[][] {{1}}, (b, x) -> tanh(b, b.pad(x[0], 0, 2, 3))));
        assertNull(check(d, new int[][] {{2, 3}}, (b, x) -> b.binary(Prim.MUL, x[0], b.slice(b.pad(b.broadcast(b.constant(Type.scalar(d), 1.5), 2, 2), 1, 1, 1), 1, 0, 3))));
        // a sum of pads: the adjoint of several slices of one value (the LSTM's gates)
        assertNull(check(d, new int[][] {{3, 8}}, (b, x) -> loss(b, b.binary(Prim.MUL, b.unary(Prim.SIGMOID, b.slice(x[0], 1, 0, 4)), b.unary(Prim.TANH, b.slice(x[0], 1, 4, 8))))));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void gathers(DType d) {
        assertNull(check(d, new int[][] {{4, 6}}, (b, x) -> tanh(b, b.gather(x[0], 1, 5, 0, 0, 3))));
        // repeated indices: the vjp's scatter_add adds rows in order
        assertNull(check(d, new int[][] {{5, 3}}, (b, x) -> loss(b, b.gather(x[0], 0, 4, 4, 1, 4, 0, 2, 4))));
        // gathers of gathers, of slices, of pads (composed tables, guarded entries)
        assertNull(check(d, new int[][] {{6, 2}}, (b, x) -> loss(b, b.gather(b.gather(x[0], 0, 5, 3, 1, 0), 0, 3, 3, 0))));
        assertNull(check(d, new int[][] {{6, 2}}, (b, x) -> loss(b, b.gather(b.slice(x[0], 0, 2, 6), 0, 3, 0, 1))));
        assertNull(check(d, new int[][] {{4, 2}}, (b, x) -> loss(b, b.gather(b.pad(x[0], 0, 2, 1), 0, 0, 6, 2, 5, 1))));
        assertNull(check(d, new int[][] {{4, 2}}, (b, x) -> loss(b, b.pad(b.gather(x[0], 0, 3, 1), 0, 2, 1))));
        // a gather read through a reshape (the reshape takes a buffer) and in a transpose
        assertNull(check(d, new int[][] {{4, 3}}, (b, x) -> tanh(b, b.reshape(b.gather(x[0], 0, 3, 2, 2, 1), 12))));
        assertNull(check(d, new int[][] {{4, 3}}, (b, x) -> loss(b, b.transpose(b.gather(x[0], 1, 2, 0), 1, 0))));
        // an embedding lookup: rows of a table by token, into a matmul
        assertNull(check(d, new int[][] {{10, 4}, {4, 3}}, (b, x) -> loss(b, b.binary(Prim.MATMUL, b.gather(x[0], 0, 7, 1, 7, 3, 9), x[1]))));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void scatterAdds(DType d) {
        assertNull(check(d, new int[][] {{5, 3}}, (b, x) -> tanh(b, b.scatterAdd(x[0], 0, 4, 3, 0, 3, 3, 1))));
        assertNull(check(d, new int[][] {{2, 5, 3}}, (b, x) -> loss(b, b.scatterAdd(b.unary(Prim.SIN, x[0]), 1, 2, 1, 1, 0, 1, 1))));
        assertNull(check(d, new int[][] {{4}}, (b, x) -> b.scatterAdd(x[0], 0, 1, 0, 0, 0, 0)));   // one element: a sum in row order
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void concats(DType d) {
        assertNull(check(d, new int[][] {{4, 6}, {4, 2}}, (b, x) -> tanh(b, b.concat(1, x[0], x[1], x[0]))));
        assertNull(check(d, new int[][] {{4, 6}}, (b, x) -> loss(b, b.concat(0, x[0]))));
        assertNull(check(d, new int[][] {{1}, {2}}, (b, x) -> loss(b, b.concat(0, x[1], x[0], x[1], x[0]))));
        // stored (an output): one loop per operand
        assertNull(check(d, new int[][] {{2, 3}, {2, 1}}, (b, x) -> b.concat(1, b.unary(Prim.EXP, x[0]), x[1])));
        // many operands, fused and stored
        assertNull(check(d, new int[][] {{3, 2}, {3, 1}}, (b, x) -> {
            int[] xs = new int[120];
            for (int i = 0; i < xs.length; i++) xs[i] = i % 3 == 0 ? x[1] : i % 3 == 1 ? x[0] : b.unary(Prim.NEG, x[1]);
            return loss(b, b.concat(1, xs));
        }));
        // hundreds of operands, stored: the loops continue across chunks (none over the JIT's 8000 bytes)
        assertNull(check(d, new int[][] {{2, 1}, {2, 3}}, (b, x) -> {
            int[] xs = new int[400];
            for (int i = 0; i < xs.length; i++) xs[i] = i % 2 == 0 ? x[0] : b.slice(b.unary(Prim.EXP, x[1]), 1, i % 3, i % 3 + 1);
            return b.concat(1, xs);
        }));
        // a concatenation inside a slice that reaches one operand only: no comparison left
        assertNull(check(d, new int[][] {{4, 6}, {4, 2}}, (b, x) -> tanh(b, b.slice(b.concat(1, x[0], x[1]), 1, 6, 8))));
        // of gathered coordinates
        assertNull(check(d, new int[][] {{2, 3}, {1, 3}}, (b, x) -> loss(b, b.gather(b.concat(0, x[0], x[1]), 0, 2, 0, 2, 1))));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void dotGenerals(DType d) {
        // batched matmul [B, m, k]·[B, k, n], with k past one Summation block
        assertNull(check(d, new int[][] {{3, 4, 5}, {3, 5, 6}}, (b, x) -> loss(b, b.dotGeneral(x[0], x[1], new int[] {0}, new int[] {0}, new int[] {2}, new int[] {1}))));
        assertNull(check(d, new int[][] {{2, 3, 300}, {2, 300, 5}}, (b, x) -> loss(b, b.dotGeneral(x[0], x[1], new int[] {0}, new int[] {0}, new int[] {2}, new int[] {1}))));
        // n = 1 (one sum per element in locals), k < 4, k = 1
        assertNull(check(d, new int[][] {{2, 3, 200}, {2, 200}}, (b, x) -> loss(b, b.dotGeneral(x[0], x[1], new int[] {0}, new int[] {0}, new int[] {2}, new int[] {1}))));
        assertNull(check(d, new int[][] {{2, 3, 3}, {2, 3, 4}}, (b, x) -> loss(b, b.dotGeneral(x[0], x[1], new int[] {0}, new int[] {0}, new int[] {2}, new int[] {1}))));
        assertNull(check(d, new int[][] {{2, 3}, {2, 4}}, (b, x) -> loss(b, b.dotGeneral(x[0], x[1], new int[0], new int[0], new int[0], new int[0]))));
        // odd axis orders: batch axes listed out of order, two contracted axes, free axes between
        assertNull(check(d, new int[][] {{3, 2, 4, 5}, {5, 2, 6, 3, 4}}, (b, x) -> loss(b, b.dotGeneral(x[0], x[1],
                new int[] {1, 0}, new int[] {1, 3}, new int[] {3, 2}, new int[] {0, 4}))));
        assertNull(check(d, new int[][] {{4, 3, 5}, {5, 4}}, (b, x) -> loss(b, b.dotGeneral(x[0], x[1], new int[0], new int[0], new int[] {2, 0}, new int[] {0, 1}))));
        // a fused left operand, a fused right operand (written in the canonical layout first)
        assertNull(check(d, new int[][] {{3, 4, 5}, {3, 5, 6}}, (b, x) -> loss(b, b.dotGeneral(tanh(b, x[0]), b.unary(Prim.EXP, x[1]),
                new int[] {0}, new int[] {0}, new int[] {2}, new int[] {1}))));
        // [m, k]·[B, k, n]: the batch on the right only; and a dot product to one element
        assertNull(check(d, new int[][] {{3, 5}, {2, 5, 4}}, (b, x) -> loss(b, b.dotGeneral(x[0], x[1], new int[0], new int[0], new int[] {1}, new int[] {1}))));
        assertNull(check(d, new int[][] {{7}, {7}}, (b, x) -> b.dotGeneral(x[0], x[1], new int[0], new int[0], new int[] {0}, new int[] {0})));
        assertNull(check(d, new int[][] {{150}, {150}}, (b, x) -> b.dotGeneral(x[0], x[1], new int[0], new int[0], new int[] {0}, new int[] {0})));
    }

    @Test
    void badIndicesAreRejectedBeforeAnythingIsEmitted() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32(4, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.gather(x, 0, 1, 4));
        assertTrue(e.getMessage().contains("gather") && e.getMessage().contains("index 4") && e.getMessage().contains("[0, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> b.gather(x, 1, -1));
        assertTrue(e.getMessage().contains("index -1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> b.slice(x, 0, 2, 5));
        assertTrue(e.getMessage().contains("slice") && e.getMessage().contains("end 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> b.scatterAdd(x, 0, 2, 0, 1, 2, 0));
        assertTrue(e.getMessage().contains("scatter_add") && e.getMessage().contains("index 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> b.concat(0, x, b.input(1, "y", Type.f32(4, 2))));
        assertTrue(e.getMessage().contains("concat") && e.getMessage().contains("operand 1"), e.getMessage());
    }

    /** Index arithmetic, not copies: a fused reader of a slice, gather, pad or concatenation of inputs needs no workspace. */
    @Test
    void viewsReadByAFusedLoopTakeNoBuffer() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32(4, 6)), y = b.input(1, "y", Type.f32(4, 2));
        int s = b.slice(x, 1, 1, 5), gth = b.gather(x, 1, 0, 5, 2, 2), pd = b.pad(y, 1, 1, 1), cat = b.concat(1, y, y);
        int sum = b.binary(Prim.ADD, b.binary(Prim.ADD, s, gth), b.binary(Prim.MUL, pd, cat));
        Graph g = b.build(b.unary(Prim.TANH, b.binary(Prim.ADD, sum, b.slice(x, 1, 2, 6))));
        Plan p = new Plan(g, -1, new int[] {-1}, Num.F32);
        for (int v : new int[] {s, gth, pd, cat}) assertFalse(p.mat[v], "%" + v + " got a buffer");
        assertEquals(0, p.tensorSize[Num.F32.ordinal()], "workspace");
        assertEquals(1, p.stmts.size(), "one loop nest");
    }

    /** The random graphs keep the optimiser's output valid: every pass's result passes the verifier (with the new primitives drawn). */
    @Test
    void optimisedRandomGraphsStayCompilable() {
        for (int i = 0; i < 200; i++) {
            RandomPrograms rp = new RandomPrograms(77_000L + i, i % 2 == 0 ? DType.F32 : DType.F64);
            Graph fwd = rp.forward();
            Graph opt = io.jgrad.ir.Verifier.verify(Optimizer.optimize(fwd));
            assertEquals(io.jgrad.ir.Printer.print(opt), io.jgrad.ir.Printer.print(io.jgrad.ir.Parser.parse(io.jgrad.ir.Printer.print(opt))));
        }
    }
}
