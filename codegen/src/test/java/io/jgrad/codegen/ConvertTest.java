package io.jgrad.codegen;

import io.jgrad.ir.Builder;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Prim;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import io.jgrad.runtime.Workspace;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * CONVERT inside one compiled function (its inputs and output share one dtype): f64 to f32 and
 * back rounds exactly once, an f32 function may compute in double (its workspace then holds
 * doubles), bools become 0/1 and floats become bools as x != 0 with NaN true. Expected values
 * are written out by hand in Java arithmetic.
 */
class ConvertTest {
    static Compiled compile(Graph g, boolean... wrt) {
        String[] names = new String[wrt.length];
        for (int i = 0; i < names.length; i++) names[i] = g.inputs().get(i).name();
        return Pipelines.compile(g, names, wrt);
    }

    /** f(x: f64[5]) = x32 * 0.1f as f64, with x32 the float nearest x: rounded once, exactly there. */
    @Test
    void anF64FunctionRoundsToFloatWhereItConverts() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.of(DType.F64, 5));
        int y = b.convert(x, DType.F32);
        y = b.binary(Prim.MUL, y, b.broadcast(b.constant(Type.f32(), 0.1f), 5));
        Compiled c = compile(b.build(b.convert(y, DType.F64)), true);
        double[] in = {0.1, 1.0 / 3, -2.5e-8, 1e300, Double.NaN};
        double[] out = new double[5];
        c.forward(new double[][] {in}, out);
        for (int i = 0; i < 5; i++) assertEquals((double) ((float) in[i] * 0.1f), out[i], 0.0, "element " + i);
        assertEquals(Double.POSITIVE_INFINITY, out[3], "1e300 is inf as a float");
        // d/dx: the seed converted to f32, times 0.1f, back to f64
        double[] seed = {1.0 / 3, 1, 2, 3, 4};
        double[][] grads = {new double[5]};
        c.vjp(new double[][] {in}, seed, out, grads);
        for (int i = 0; i < 5; i++) assertEquals((double) ((float) seed[i] * 0.1f), grads[0][i], 0.0, "gradient " + i);
        String asm = Disassembly.of(c.bytecode(), "forward$$0");
        assertTrue(asm.contains("D2F") && asm.contains("F2D") && asm.contains("FMUL"), asm);
    }

    /**
     * f(x: f32[1000]) = sum(x as f64) as f32: the sum is exact in double (2^24 and 999 ones),
     * rounded once at the end; summing in float would lose the ones. Planned in a double
     * workspace, and still allocating nothing per call.
     */
    @Test
    void anF32FunctionMayComputeInDouble() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32(1000));
        int s = b.reduce(Prim.REDUCE_SUM, b.convert(b.unary(Prim.NEG, b.convert(x, DType.F64)), DType.F64), 0);
        Graph g = b.build(b.unary(Prim.NEG, b.convert(s, DType.F32)));
        Compiled c = compile(g, true);
        assertEquals(DType.F32, c.dtype());
        float[] data = new float[1000];
        java.util.Arrays.fill(data, 1f);
        data[0] = 16777216f; // 2^24: 2^24 + 1 is not a float
        float[][] in = {data};
        float want = (float) (16777216.0 + 999.0);
        float floatSum = 0;
        for (float f : data) floatSum += f;
        assertNotEquals(want, floatSum, "the float sum loses the ones");
        assertEquals(want, c.value(in));
        float[][] grads = {new float[1000]};
        assertEquals(want, c.valueAndGrad(in, grads));
        for (float gr : grads[0]) assertEquals(1f, gr);

        // a tensor-valued double intermediate needs a buffer: exp(x) in f64, used twice
        Builder tb = new Builder();
        int tx = tb.input(0, "x", Type.f32(64));
        int e = tb.unary(Prim.EXP, tb.convert(tx, DType.F64));
        int m = tb.binary(Prim.MUL, e, e);
        Compiled t = compile(tb.build(tb.convert(tb.reduce(Prim.REDUCE_SUM, m, 0), DType.F32)), true);
        assertTrue(t.newWorkspace().size() > 0, "the f64 tensor is planned in the workspace");
        assertTrue(Disassembly.of(t.bytecode(), "valueAndGrad").contains("threadWorkspaceDoubles"), "a double workspace");
        float[] tin = new float[64];
        for (int i = 0; i < 64; i++) tin[i] = (i - 32) / 16f;
        float[][] tg = {new float[64]};
        float v = t.valueAndGrad(new float[][] {tin}, tg);
        double exact = 0;
        for (float f : tin) exact += Math.exp(f) * Math.exp(f);
        assertEquals((float) exact, v, Math.ulp((float) exact), "the double sum rounded once");
        for (int i = 0; i < 64; i++) assertEquals((float) (2 * Math.exp(tin[i]) * Math.exp(tin[i])), tg[0][i], 0f, "d/dx " + i);
        Workspace ws = t.newWorkspace();
        float[][] tins = {tin};
        AllocationTest.assertNoAllocation("f32 function with f64 buffers valueAndGrad(ws)", () -> t.valueAndGrad(ws, tins, tg));
        AllocationTest.assertNoAllocation("f32 function with f64 buffers valueAndGrad", () -> t.valueAndGrad(tins, tg));
    }

    /** Bool to float is 0/1; float to bool is x != 0, NaN true; in tensor loops and in scalar code. */
    @Test
    void boolsAndFloats() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.of(DType.F64, 6));
        int positive = b.convert(b.binary(Prim.GT, x, b.broadcast(b.constant(Type.of(DType.F64), 0.0), 6)), DType.F64);
        int nonzero = b.convert(b.convert(x, DType.BOOL), DType.F64);
        int r = b.binary(Prim.ADD, b.binary(Prim.MUL, positive, b.broadcast(b.constant(Type.of(DType.F64), 100.0), 6)),
                b.binary(Prim.MUL, nonzero, b.broadcast(b.constant(Type.of(DType.F64), 10.0), 6)));
        Compiled c = compile(b.build(r), true);
        double[] in = {0.0, -0.0, Double.NaN, 2.5, -3.0, 1e-310};
        double[] out = new double[6];
        c.forward(new double[][] {in}, out);
        // 100 * (x > 0) + 10 * (x != 0): positive 0 0 0 1 0 1; nonzero 0 0 1 1 1 1 (NaN is true)
        assertArrayEquals(new double[] {0, 0, 10, 110, 10, 110}, out);

        Builder sb = new Builder();   // the same rules in straight-line scalar code
        int s = sb.input(0, "s", Type.of(DType.F64));
        int sn = sb.convert(sb.convert(s, DType.BOOL), DType.F64);
        int sp = sb.convert(sb.binary(Prim.LT, s, sb.constant(Type.of(DType.F64), 0.0)), DType.F32);
        // 2 * (s != 0) + (s < 0)
        int r2 = sb.binary(Prim.ADD, sb.binary(Prim.MUL, sn, sb.constant(Type.of(DType.F64), 2.0)), sb.convert(sp, DType.F64));
        Compiled sc = compile(sb.build(r2), true);
        assertEquals(0, sc.newWorkspace().size(), "scalar code");
        assertEquals(2.0, sc.value(new double[][] {{Double.NaN}}), 0.0, "NaN is true");
        assertEquals(0.0, sc.value(new double[][] {{-0.0}}), 0.0);
        assertEquals(3.0, sc.value(new double[][] {{-2.0}}), 0.0);
        assertEquals(2.0, sc.value(new double[][] {{3.0}}), 0.0);
    }
}
