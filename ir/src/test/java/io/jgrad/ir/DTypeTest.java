package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import io.jgrad.runtime.DType;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Dtypes through the IR: promotion and constants in Composites, f64 text form, f64 evaluation, exact rewrites per dtype. */
class DTypeTest {

    @Test
    void tensorOperandsPromoteAsPyTorchAndZeroDimDoesNotPromoteADimensionedOne() {
        Builder b = new Builder();
        int f32v = b.input(0, "a", Type.f32(3)), f64s = b.input(1, "b", Type.f64()), f64v = b.input(2, "c", Type.f64(3));
        int f32s = b.input(3, "d", Type.f32()), f16v = b.input(4, "e", Type.of(DType.F16, 3));
        assertEquals(Type.f32(3), b.type(Composites.add(b, f32v, f64s)), "f32[3] + f64[] is f32");
        assertEquals(Type.f64(3), b.type(Composites.mul(b, f32v, f64v)), "f32[3] * f64[3] is f64");
        assertEquals(Type.f64(3), b.type(Composites.sub(b, f64v, f32s)), "f64[3] - f32[] is f64");
        assertEquals(Type.f64(), b.type(Composites.div(b, f32s, f64s)), "two 0-dim operands promote");
        assertEquals(Type.f32(3), b.type(Composites.maximum(b, f16v, f32v)), "f16 < f32");
        assertEquals(Type.of(DType.F16, 3), b.type(Composites.add(b, f16v, f32s)), "f16[3] + f32[] stays f16");
        // the promoted operand goes through one CONVERT
        Graph g = b.build(Composites.add(b, f32v, f64v));
        Node add = g.node(g.output(0));
        assertEquals(Prim.CONVERT, g.node(add.arg(0)).prim());
        assertEquals(f64v, add.arg(1));
        // matmul does not promote (PyTorch refuses)
        Builder m = new Builder();
        int x = m.input(0, "x", Type.f32(2, 3)), y = m.input(1, "y", Type.f64(3, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Composites.matmul(m, x, y));
        assertTrue(e.getMessage().contains("dtypes differ") && e.getMessage().contains("to(DType)"), e.getMessage());
    }

    @Test
    void aConstantTakesTheTensorsDtypeAndNeverPromotes() {
        Eval e = new Eval();
        int f32 = e.input(Type.f32(), new float[] {1});
        int f64 = e.input(Type.f64(), new double[] {1});
        int f16 = e.input(Type.of(DType.F16), new float[] {1});
        assertEquals(1 + 0.1f, e.floats(Composites.add(e, f32, 0.1))[0], "0.1 rounded to float");
        assertEquals(1 + 0.1, e.doubles(Composites.add(e, f64, 0.1))[0], "0.1 exactly");
        assertEquals(1 + (double) 0.1f, e.doubles(Composites.add(e, f64, 0.1f))[0], "a float constant is the float it is");
        assertEquals(Half.round(1 + Half.round(0.1f)), e.floats(Composites.add(e, f16, 0.1))[0], "0.1 as a half, the sum rounded to half");
        assertEquals(DType.F32, e.dtype(Composites.mul(e, f32, 1e300)), "never promotes");
        assertEquals(Float.POSITIVE_INFINITY, e.floats(Composites.mul(e, f32, 1e300))[0], "1e300 as a float is inf");
        // every constant-taking op has both overloads, meaning the same number
        int two = e.input(Type.f64(), new double[] {2});
        int[] pairs = {
                Composites.sub(e, two, 0.3), Composites.sub(e, two, (double) 0.3f),
                Composites.rsub(e, two, 0.3), Composites.rsub(e, two, (double) 0.3f),
                Composites.mul(e, two, 0.3), Composites.mul(e, two, (double) 0.3f),
                Composites.div(e, two, 0.3), Composites.div(e, two, (double) 0.3f),
                Composites.rdiv(e, two, 0.3), Composites.rdiv(e, two, (double) 0.3f),
                Composites.pow(e, two, 0.3), Composites.pow(e, two, (double) 0.3f),
                Composites.clamp(e, two, 0.3, 0.7), Composites.clamp(e, two, (double) 0.3f, (double) 0.7f)};
        int[] floats = {
                Composites.sub(e, two, 0.3f), Composites.rsub(e, two, 0.3f), Composites.mul(e, two, 0.3f), Composites.div(e, two, 0.3f),
                Composites.rdiv(e, two, 0.3f), Composites.pow(e, two, 0.3f), Composites.clamp(e, two, 0.3f, 0.7f)};
        for (int i = 0; i < floats.length; i++) {
            assertEquals(e.doubles(pairs[2 * i + 1])[0], e.doubles(floats[i])[0], "float overload " + i);
            assertNotEquals(e.doubles(pairs[2 * i])[0], e.doubles(floats[i])[0], "double overload " + i + " keeps 0.3 exact");
        }
    }

    @Test
    void f64ConstantsPrintWithEveryDigitAndParseBackToTheSameBits() {
        Random rng = new Random(17);
        double[] special = {0.1, 1.0 / 3, -0.0, 0.0, Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE, Math.nextUp(1.0),
                1e23, 2e-3, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 9007199254740993.0, 4.35,
                0x1.fffffffffffffp-1023};
        double[] values = new double[special.length + 5000];
        System.arraycopy(special, 0, values, 0, special.length);
        for (int i = special.length; i < values.length; i++) {
            long bits = rng.nextLong();
            values[i] = Double.longBitsToDouble(bits);
        }
        Builder b = new Builder();
        int vec = b.constant(Type.f64(values.length), values);
        int s = b.constant(Type.f64(), 0.1);
        Graph g = b.build(new int[] {vec, s}, new String[] {"v", "s"});
        String text = Printer.print(g);
        assertTrue(text.contains("const 0.1 : f64[]"), "0.1 prints as the double 0.1");
        Graph back = Parser.parse(text);
        double[] parsed = back.node(back.output(0)).data();
        for (int i = 0; i < values.length; i++) {
            if (Double.isNaN(values[i])) assertTrue(Double.isNaN(parsed[i]));
            else assertEquals(Double.doubleToRawLongBits(values[i]), Double.doubleToRawLongBits(parsed[i]), "value " + values[i]);
        }
        assertEquals(text, Printer.print(back));
        assertEquals(Type.f64(), Type.parse("f64[]"));
        assertEquals(Type.f64(3, 4), Type.parse("f64[3,4]"));
        assertEquals("f64[3,4]", Type.f64(3, 4).toString());
    }

    @Test
    void f64GraphsAreEvaluatedInDoubleWithoutRounding() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f64(2));
        int y = Composites.div(b, Composites.add(b, x, 0.1), 3.0);
        Graph g = b.build(y);
        double[] out = Interpreter.run(g, new double[][] {{0.2, 1e-20}})[0];
        assertEquals((0.2 + 0.1) / 3.0, out[0]);
        assertEquals((1e-20 + 0.1) / 3.0, out[1]);
        // the same graph in f32 rounds every step
        Builder c = new Builder();
        int xf = c.input(0, "x", Type.f32(2));
        double[] f = Interpreter.run(c.build(Composites.div(c, Composites.add(c, xf, 0.1), 3.0)), new double[][] {{0.2, 1e-20}})[0];
        assertEquals((float) (((float) 0.2 + 0.1f) / 3f), f[0]);
    }

    @Test
    void divisionByAPowerOfTwoBecomesAMultiplicationOnlyWhereTheReciprocalIsExactInTheDtype() {
        // 2^20: exact reciprocal in f32 and f64, but 2^20 overflows a half (it is inf there)
        assertTrue(AlgebraicSimplifier.isPowerOfTwoWithExactReciprocal(0x1p20, DType.F32));
        assertTrue(AlgebraicSimplifier.isPowerOfTwoWithExactReciprocal(0x1p20, DType.F64));
        assertFalse(AlgebraicSimplifier.isPowerOfTwoWithExactReciprocal(0x1p20, DType.F16));
        assertTrue(AlgebraicSimplifier.isPowerOfTwoWithExactReciprocal(0x1p14, DType.F16));
        assertFalse(AlgebraicSimplifier.isPowerOfTwoWithExactReciprocal(0x1p15, DType.F16), "2^-15 is subnormal in half");
        assertTrue(AlgebraicSimplifier.isPowerOfTwoWithExactReciprocal(0x1p500, DType.F64));
        assertFalse(AlgebraicSimplifier.isPowerOfTwoWithExactReciprocal(0x1p500, DType.F32));
        // and the rewrite changes no bit in f16, where x/2^20 = x/inf = 0 but x·2^-20 would not be
        Builder b = new Builder();
        int x = b.input(0, "x", Type.of(DType.F16, 2));
        Graph g = b.build(Composites.div(b, x, 0x1p20));
        Graph o = Optimizer.optimize(g);
        float[] in = {3f, -5f};
        assertArrayEquals(Interpreter.run(g, new float[][] {in})[0], Interpreter.run(o, new float[][] {in})[0]);
        assertArrayEquals(new float[] {0f, -0f}, Interpreter.run(o, new float[][] {in})[0]);
    }

    private static final class Half {
        static float round(float f) { return io.jgrad.runtime.Half.round(f); }
    }
}
