package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import io.jgrad.runtime.DType;
import org.junit.jupiter.api.Test;

/**
 * The issue-10 lowerings' values on small hand-checked inputs, their errors (each an
 * IllegalArgumentException naming the op, the argument, the value and the valid range, thrown
 * before anything is emitted), the primitives' own shape-rule errors, and the text form of
 * every new primitive.
 */
class CompositesV2Test {

    private static double[] eval(Emitter e, int id) {
        return Kernels.toDoubles(((Eval) e).value(id));
    }

    @Test
    void structureValues() {
        Eval e = new Eval();
        int x = e.input(Type.f64(2, 3), new double[] {1, 2, 3, 4, 5, 6});
        assertArrayEquals(new double[] {2, 3, 5, 6}, eval(e, Composites.slice(e, x, 1, -2, 10)));   // clamped end, negative start
        assertArrayEquals(new double[0], eval(e, Composites.slice(e, x, 1, 2, 1)));              // end before start: empty
        assertArrayEquals(new int[] {2, 0}, e.type(Composites.slice(e, x, 1, 2, 1)).shape());
        assertArrayEquals(new double[] {3, 6}, eval(e, Composites.select(e, x, 1, -1)));
        assertArrayEquals(new double[] {3, 1, 3, 6, 4, 6}, eval(e, Composites.indexSelect(e, x, 1, new int[] {2, 0, 2})));
        assertArrayEquals(new double[] {1, 2, 3, 1, 4, 5, 6, 4}, eval(e, Composites.cat(e, 1, x, Composites.slice(e, x, 1, 0, 1))));
        int st = Composites.stack(e, -1, x, x);
        assertArrayEquals(new int[] {2, 3, 2}, e.type(st).shape());
        assertArrayEquals(new double[] {1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6}, eval(e, st));
        assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, eval(e, Composites.permute(e, x, -1, 0)));
        assertArrayEquals(new double[] {1, 4, 2, 5, 3, 6}, eval(e, Composites.transpose(e, x, 0, 1)));
        assertEquals(x, Composites.squeeze(e, x, 0), "squeeze of a size-3 axis is x itself");
        assertArrayEquals(new int[] {2, 1, 3}, e.type(Composites.unsqueeze(e, x, -2)).shape());
        assertArrayEquals(new int[] {4, 2, 3}, e.type(Composites.expand(e, x, 4, -1, -1)).shape());
        assertArrayEquals(new int[] {1}, e.type(Composites.flatten(e, e.constant(Type.f64(), 7))).shape());
        assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, eval(e, Composites.eye(e, DType.F64, 3)));
        assertArrayEquals(new double[] {0, 1, 2, 3}, eval(e, Composites.arange(e, 4)));
        assertEquals(DType.F32, e.type(Composites.arange(e, 4)).dtype());
    }

    @Test
    void catOfManyOperandsEagerlyAndCompiled() {
        // five operands (more than the three an Eval record keeps inline), x three times: its gradient sums three slices
        Eval e = new Eval();
        int x = e.input(Type.f64(2), new double[] {1, 2}), y = e.input(Type.f64(1), new double[] {3});
        int c = Composites.cat(e, 0, x, y, x, y, x);
        assertArrayEquals(new double[] {1, 2, 3, 1, 2, 3, 1, 2}, eval(e, c));
        int[] d = e.backward(c, new double[] {1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7}, new boolean[] {true, true});
        assertArrayEquals(new double[] {1 + 1000 + 1e6, 10 + 1e4 + 1e7}, eval(e, d[0]));
        assertArrayEquals(new double[] {100 + 1e5}, eval(e, d[1]));
        assertEquals(5, e.node(c).arity());
        Builder b = new Builder();
        int bx = b.input(0, "x", Type.f64(2)), by = b.input(1, "y", Type.f64(1));
        Graph g = Adjoint.of(b.build(Composites.cat(b, 0, bx, by, bx, by, bx)), new boolean[] {true, true}, true);
        double[][] r = Interpreter.run(Verifier.verify(Optimizer.optimize(g)),
                new double[][] {{1, 2}, {3}, {1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7}});
        assertArrayEquals(eval(e, d[0]), r[1]);
        assertArrayEquals(eval(e, d[1]), r[2]);
    }

    @Test
    void comparisonsWhereAndLogic() {
        Eval e = new Eval();
        double nan = Double.NaN;
        int x = e.input(Type.f64(4), new double[] {1, nan, -1, 0});
        int y = e.input(Type.f64(), new double[] {0});
        assertArrayEquals(new double[] {1, 0, 0, 0}, eval(e, Composites.gt(e, x, y)));
        assertArrayEquals(new double[] {0, 0, 0, 1}, eval(e, Composites.eq(e, x, 0.0)));
        assertArrayEquals(new double[] {1, 1, 1, 0}, eval(e, Composites.ne(e, x, y)), "NaN != 0 is true");
        assertEquals(DType.BOOL, e.type(Composites.ne(e, x, 0.0)).dtype());
        int c = Composites.ge(e, x, 0.0);
        assertArrayEquals(new double[] {0, 1, 1, 0}, eval(e, Composites.logicalNot(e, c)));
        assertArrayEquals(new double[] {1, 0, 0, 0}, eval(e, Composites.logicalAnd(e, c, x)), "a float operand counts as x != 0");
        assertArrayEquals(new double[] {1, 1, 1, 1}, eval(e, Composites.logicalOr(e, c, Composites.logicalNot(e, c))));
        int w = Composites.where(e, c, x, Composites.mul(e, x, 10.0));
        assertArrayEquals(new double[] {1, nan, -10, 0}, eval(e, w));
        int f32 = e.input(Type.f32(4), new float[] {5, 5, 5, 5});
        assertEquals(Type.f64(4), e.type(Composites.where(e, c, f32, x)), "where promotes its branches");
        assertArrayEquals(new double[] {1, 0, -1, 0}, eval(e, Composites.sign(e, e.input(Type.f64(4), new double[] {3, nan, -2, -0.0}))));
    }

    @Test
    void reductionValues() {
        Eval e = new Eval();
        int x = e.input(Type.f64(2, 3), new double[] {1, 5, 5, -2, 0, 4});
        assertArrayEquals(new double[] {5, 4}, eval(e, Composites.amax(e, x, 1)));
        assertArrayEquals(new int[] {2, 1}, e.type(Composites.amin(e, x, -1, true)).shape());
        assertArrayEquals(new double[] {1, -2}, eval(e, Composites.amin(e, x, -1, true)));
        assertArrayEquals(new double[] {-2}, eval(e, Composites.amin(e, x)));
        assertArrayEquals(new double[] {-0.0}, eval(e, Composites.prod(e, x)), "(1·5·5·-2)·0·4 is -0.0, as PyTorch");
        assertArrayEquals(new double[] {25, -0.0}, eval(e, Composites.prod(e, x, 1)));
        assertArrayEquals(new double[] {-2, 0, 20}, eval(e, Composites.prod(e, x, 0)));
        assertArrayEquals(new double[] {1}, eval(e, Composites.prod(e, e.input(Type.f64(0), new double[0]))), "an empty product is 1");
        assertArrayEquals(new double[] {16.0 / 3, 28.0 / 3}, eval(e, Composites.var(e, x, 1)), 1e-12);
        int big = e.input(Type.f64(3), new double[] {1000, 1000, Double.NEGATIVE_INFINITY});
        assertArrayEquals(new double[] {1000 + Math.log(2)}, eval(e, Composites.logsumexp(e, big, 0)), 1e-12);
        int none = e.input(Type.f64(2), new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY});
        assertArrayEquals(new double[] {Double.NEGATIVE_INFINITY}, eval(e, Composites.logsumexp(e, none, 0)));
    }

    @Test
    void matmulShapes() {
        Builder b = new Builder();
        int[][][] cases = {
                {{2, 3, 4}, {2, 4, 5}, {2, 3, 5}}, {{2, 1, 3, 4}, {5, 4, 2}, {2, 5, 3, 2}}, {{4}, {2, 4, 3}, {2, 3}},
                {{2, 3, 4}, {4}, {2, 3}}, {{3, 4}, {2, 4, 5}, {2, 3, 5}}, {{2, 3, 4}, {4, 5}, {2, 3, 5}}, {{1, 3, 4}, {2, 4, 2}, {2, 3, 2}}};
        int i = 0;
        for (int[][] c : cases) {
            int x = b.input(i++, "a" + i, Type.f32(c[0])), y = b.input(i++, "b" + i, Type.f32(c[1]));
            assertArrayEquals(c[2], b.type(Composites.matmul(b, x, y)).shape());
        }
    }

    @Test
    void userErrorsNameOpArgumentValueAndRangeAndEmitNothing() {
        Builder b = new Builder();
        int m = b.input(0, "m", Type.f32(2, 3)), s = b.input(1, "s", Type.f32()), d = b.input(2, "d", Type.f64(2, 3));
        int v = b.input(3, "v", Type.f32(4)), empty = b.input(4, "z", Type.f32(0, 3));
        int before = b.size();
        expect(() -> Composites.slice(b, s, 0, 0, 1), "slice", "0-dim");
        expect(() -> Composites.slice(b, m, 2, 0, 1), "slice", "axis 2", "[-2, 1]");
        expect(() -> Composites.select(b, m, 1, 3), "select: index 3 is out of range [-3, 2] for axis 1 of shape [2, 3]");
        expect(() -> Composites.select(b, m, -3, 0), "select", "axis -3", "[-2, 1]");
        expect(() -> Composites.indexSelect(b, m, 1, new int[] {0, 3}), "indexSelect: index 3 (position 1) is out of range [0, 2] for axis 1");
        expect(() -> Composites.indexSelect(b, m, 0, new int[] {-1}), "indexSelect: index -1 (position 0) is out of range [0, 1]");
        expect(() -> Composites.cat(b, 0), "cat", "at least one tensor");
        expect(() -> Composites.cat(b, 0, m, s), "cat: tensor 1 has shape []", "zero-dimensional");
        expect(() -> Composites.cat(b, 0, m, v), "cat: tensor 1 has shape [4], tensor 0 [2, 3]");
        expect(() -> Composites.cat(b, 1, m, d), "cat: tensor 1 is f64[2,3], tensor 0 f32[2,3]");
        expect(() -> Composites.cat(b, 2, m, m), "cat", "axis 2", "[-2, 1]");
        expect(() -> Composites.stack(b, 0), "stack", "at least one tensor");
        expect(() -> Composites.stack(b, 3, m, m), "stack: axis 3", "[-3, 2]");
        expect(() -> Composites.stack(b, 0, m, Composites.t(b, m)), "stack: tensor 1 has shape [3, 2], tensor 0 [2, 3]");
        before = b.size();
        expect(() -> Composites.unsqueeze(b, m, 3), "unsqueeze: axis 3", "[-3, 2]");
        expect(() -> Composites.squeeze(b, m, -3), "squeeze", "axis -3");
        expect(() -> Composites.permute(b, m, 1, 1), "permute: axis 1 is repeated in [1, 1]");
        expect(() -> Composites.permute(b, m, 0), "permute: 1 axes [0] for shape [2, 3]");
        expect(() -> Composites.transpose(b, m, 0, 2), "transpose", "axis 2");
        expect(() -> Composites.expand(b, m, 4, 3), "expand: cannot expand shape [2, 3] to [4, 3]", "non-singleton dimension 0");
        expect(() -> Composites.expand(b, m, 3), "expand", "must be greater or equal");
        expect(() -> Composites.expand(b, m, -1, 2, 3), "expand", "leading, non-existing dimension 0");
        expect(() -> Composites.where(b, m, m, m), "where: the condition must be a bool tensor, got f32[2,3]");
        int c = Composites.gt(b, m, 0.0);
        before = b.size();
        expect(() -> Composites.where(b, c, m, v), "where: shapes [2, 3] and [4] cannot be broadcast");
        expect(() -> Composites.amax(b, empty), "amax: shape [0, 3] has no elements");
        expect(() -> Composites.amin(b, empty, 0), "amin: axis 0 of shape [0, 3] has size 0");
        expect(() -> Composites.amax(b, m, 2), "amax", "axis 2", "[-2, 1]");
        expect(() -> Composites.logsumexp(b, m, -3), "logsumexp", "axis -3");
        expect(() -> Composites.prod(b, m, 5), "prod", "axis 5");
        expect(() -> Composites.var(b, m, 2), "var", "axis 2");
        expect(() -> Composites.std(b, m, 2), "std", "axis 2");
        expect(() -> Composites.sum(b, m, 2, true), "sum", "axis 2");
        expect(() -> Composites.eye(b, DType.F32, -1), "eye: n is -1");
        expect(() -> Composites.arange(b, DType.BOOL, 3), "arange: dtype bool");
        expect(() -> Composites.atan2(b, m, v), "atan2: shapes [2, 3] and [4] cannot be broadcast");
        expect(() -> Composites.powTensor(b, m, v), "pow: shapes [2, 3] and [4] cannot be broadcast");
        assertEquals(before, b.size(), "a failed op emits nothing");
    }

    @Test
    void primitiveShapeRulesNameTheValueAndTheRange() {
        Builder b = new Builder();
        int m = b.input(0, "m", Type.f32(2, 3)), d = b.input(1, "d", Type.f64(3, 2));
        expect(() -> b.slice(m, 1, 1, 4), "slice: end 4 is out of range [1, 3] for axis 1 of f32[2,3]");
        expect(() -> b.slice(m, 1, -1, 2), "slice: start -1 is out of range [0, 3]");
        expect(() -> b.slice(m, 2, 0, 1), "slice: axis 2 is out of range [0, 1] for f32[2,3]");
        expect(() -> b.pad(m, 0, -1, 0), "pad: low -1 is out of range");
        expect(() -> b.gather(m, 0, 0, 2), "gather: index 2 (position 1) is out of range [0, 1] for axis 0 of f32[2,3]");
        expect(() -> b.scatterAdd(m, 1, 4, 0, 1), "scatter_add: has 2 indices for the 3 rows along axis 1");
        expect(() -> b.scatterAdd(m, 1, 2, 0, 1, 2), "scatter_add: index 2 (position 2) is out of range [0, 1] for size 2");
        expect(() -> b.concat(0, m, d), "concat: operand 1 is f64[3,2], which does not fit operand 0 f32[2,3]");
        expect(() -> b.concat(0), "concat: takes at least 1 operands, got 0");
        int n = b.input(2, "n", Type.f32(3, 2));
        expect(() -> b.dotGeneral(m, n, new int[0], new int[0], new int[] {1, 1}, new int[] {0, 1}), "dot_general: lhs axis 1 of f32[2,3] is named twice");
        expect(() -> b.dotGeneral(m, n, new int[0], new int[0], new int[] {0}, new int[] {0}),
                "dot_general: contracted axis 0 of f32[2,3] (size 2) and axis 0 of f32[3,2] (size 3) differ in size");
        expect(() -> b.dotGeneral(m, n, new int[] {0}, new int[0], new int[0], new int[0]), "dot_general", "do not pair up");
        expect(() -> b.dotGeneral(m, d, new int[0], new int[0], new int[] {1}, new int[] {0}), "dot_general: needs float operands of one dtype");
    }

    @Test
    void textFormOfEveryNewPrimitive() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32(2, 3)), y = b.input(1, "y", Type.f32(2, 3));
        int[] made = {
                b.slice(x, 1, 1, 3), b.pad(x, 0, 1, 2), b.gather(x, 1, 2, 0, 2), b.scatterAdd(x, 1, 4, 3, 0, 3), b.concat(1, x, y, x),
                b.dotGeneral(x, y, new int[] {0}, new int[] {0}, new int[] {1}, new int[] {1}),
                b.unary(Prim.EXPM1, x), b.unary(Prim.SINH, x), b.unary(Prim.COSH, x), b.unary(Prim.LOG2, x), b.unary(Prim.LOG10, x),
                b.unary(Prim.ERF, x), b.unary(Prim.ERFC, x), b.unary(Prim.FLOOR, x), b.unary(Prim.ROUND, x),
                b.binary(Prim.ATAN2, x, y), b.binary(Prim.POWER, x, y)};
        Graph g = Verifier.verify(b.build(made));
        String text = Printer.print(g);
        for (String line : new String[] {
                "%2 = slice %0 axis=1 start=1 end=3 : f32[2,2]", "%3 = pad %0 axis=0 low=1 high=2 : f32[5,3]",
                "%4 = gather %0 axis=1 indices=[2,0,2] : f32[2,3]", "%5 = scatter_add %0 axis=1 size=4 indices=[3,0,3] : f32[2,4]",
                "%6 = concat %0, %1, %0 axis=1 : f32[2,9]",
                "%7 = dot_general %0, %1 lhs_batch=[0] rhs_batch=[0] lhs_contract=[1] rhs_contract=[1] : f32[2]",
                "%17 = atan2 %0, %1 : f32[2,3]", "%18 = power %0, %1 : f32[2,3]"})
            assertTrue(text.contains(line), "missing '" + line + "' in\n" + text);
        assertEquals(text, Printer.print(Parser.parse(text)));
        expect(() -> Parser.parse(text.replace("end=3", "end=4")), "slice: end 4 is out of range [1, 3]");
        expect(() -> Parser.parse(text.replace("indices=[2,0,2]", "indices=[2,0,3]")), "gather: index 3");
    }

    @Test
    void kernelsAgreeWithTheirDefinitions() {
        Eval e = new Eval();
        // scatter_add adds a repeated index's rows in order into zeros
        int r = e.input(Type.f64(3, 2), new double[] {1, 2, 10, 20, 100, 200});
        assertArrayEquals(new double[] {110, 220, 0, 0, 1, 2}, eval(e, e.scatterAdd(r, 0, 3, 2, 0, 0)));
        // dot_general of a matmul's form computes the MATMUL's bits (one summation order)
        java.util.Random rng = new java.util.Random(5);
        float[] a = new float[7 * 300], c = new float[300 * 5];
        for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextGaussian();
        for (int i = 0; i < c.length; i++) c[i] = (float) rng.nextGaussian();
        int x = e.input(Type.f32(7, 300), a), y = e.input(Type.f32(300, 5), c);
        assertArrayEquals(e.floats(e.binary(Prim.MATMUL, x, y)), e.floats(e.dotGeneral(x, y, new int[0], new int[0], new int[] {1}, new int[] {0})));
        // a transposed layout too: [k, m] · [n, k] contracting k gives [m, n], the matmul of the transposes
        int xt = e.transpose(x, 1, 0), yt = e.transpose(y, 1, 0);
        assertArrayEquals(e.floats(e.binary(Prim.MATMUL, x, y)), e.floats(e.dotGeneral(xt, yt, new int[0], new int[0], new int[] {0}, new int[] {1})));
    }

    @Test
    void constantFoldingOfEveryNewPrimitiveKeepsItsBits() {
        for (io.jgrad.runtime.DType d : new io.jgrad.runtime.DType[] {io.jgrad.runtime.DType.F32, io.jgrad.runtime.DType.F64}) {
            Builder b = new Builder();
            java.util.Random rng = new java.util.Random(9);
            double[] v = new double[12], w = new double[12];
            for (int i = 0; i < 12; i++) { v[i] = rng.nextGaussian(); w[i] = 0.5 + rng.nextDouble(); }
            int x = b.constant(Type.of(d, 3, 4), v), y = b.constant(Type.of(d, 3, 4), w);
            int[] made = {
                    b.slice(x, 1, 1, 3), b.pad(x, 0, 1, 2), b.gather(x, 1, 2, 0, 2), b.scatterAdd(x, 1, 5, 3, 0, 3, 3), b.concat(0, x, y, x),
                    b.dotGeneral(x, y, new int[] {0}, new int[] {0}, new int[] {1}, new int[] {1}), b.dotGeneral(x, y, new int[0], new int[0], new int[] {0}, new int[] {0}),
                    b.unary(Prim.EXPM1, x), b.unary(Prim.SINH, x), b.unary(Prim.COSH, x), b.unary(Prim.LOG2, y), b.unary(Prim.LOG10, y),
                    b.unary(Prim.ERF, x), b.unary(Prim.ERFC, x), b.unary(Prim.FLOOR, x), b.unary(Prim.ROUND, x),
                    b.binary(Prim.ATAN2, x, y), b.binary(Prim.POWER, y, x)};
            Graph g = b.build(made);
            Graph folded = Verifier.verify(ConstantFolding.run(g));
            for (int o = 0; o < folded.outputCount(); o++)
                assertEquals(Prim.CONST, folded.node(folded.output(o)).prim(), d + ": output " + o + " folds to a constant");
            double[][] before = Interpreter.run(g, new double[0][]), after = Interpreter.run(folded, new double[0][]);
            for (int o = 0; o < before.length; o++)
                for (int k = 0; k < before[o].length; k++)
                    assertEquals(Double.doubleToLongBits(before[o][k]), Double.doubleToLongBits(after[o][k]), d + ": output " + o + "[" + k + "]");
        }
    }

    private static void expect(Runnable r, String... fragments) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, r::run);
        for (String f : fragments) assertTrue(ex.getMessage().contains(f), "'" + ex.getMessage() + "' should contain '" + f + "'");
    }
}
