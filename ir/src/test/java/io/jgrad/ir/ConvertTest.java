package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import io.jgrad.runtime.DType;
import org.junit.jupiter.api.Test;

/** The CONVERT primitive: shape rule, kernel per dtype pair, VJP, text form, verifier, optimiser rules. */
class ConvertTest {

    @Test
    void kernelConvertsBetweenEveryPairOfDtypes() {
        Eval e = new Eval();
        int d = e.input(Type.f64(5), new double[] {0.1, -2.5, 1e300, 65519.0, 1e-8});
        // f64 -> f32: the nearest float (1e300 overflows to inf)
        assertArrayEquals(new float[] {0.1f, -2.5f, Float.POSITIVE_INFINITY, 65519f, 1e-8f}, e.floats(e.convert(d, DType.F32)));
        // f64 -> f16: through float, as PyTorch's c10::Half(float); 65519 rounds down to 65504, 1e-8 to 0
        assertArrayEquals(new float[] {0.0999755859375f, -2.5f, Float.POSITIVE_INFINITY, 65504f, 0f}, e.floats(e.convert(d, DType.F16)));
        // f32 -> f64 is exact
        int f = e.input(Type.f32(2), new float[] {0.1f, Float.NaN});
        double[] wide = e.doubles(e.convert(f, DType.F64));
        assertEquals((double) 0.1f, wide[0]);
        assertTrue(Double.isNaN(wide[1]));
        // float -> bool is x != 0 (NaN is true, -0 is false, as PyTorch's bool())
        int z = e.input(Type.f32(4), new float[] {0f, -0f, Float.NaN, 3f});
        assertArrayEquals(new boolean[] {false, false, true, true}, e.bools(e.convert(z, DType.BOOL)));
        // bool -> float is 0/1
        int b = e.input(Type.of(DType.BOOL, 2), new boolean[] {true, false});
        assertArrayEquals(new double[] {1, 0}, e.doubles(e.convert(b, DType.F64)));
        assertArrayEquals(new float[] {1, 0}, e.floats(e.convert(b, DType.F16)));
        // to the same dtype: the value itself
        assertSame(e.floats(f), e.floats(e.convert(f, DType.F32)));
        // f16 -> f32 exact; f32 -> f16 rounds to nearest even
        int h = e.input(Type.f32(2), new float[] {1 + 0x1p-11f, 1 + 3 * 0x1p-11f});
        assertArrayEquals(new float[] {1f, 1 + 0x1p-9f}, e.floats(e.convert(h, DType.F16)), "ties to even");
    }

    @Test
    void shapeRuleNeedsTheSameShape() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32(3));
        assertEquals(Type.f64(3), b.type(b.convert(x, DType.F64)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.apply(Prim.CONVERT, new int[] {x}, Type.f64(4), null, null));
        assertTrue(e.getMessage().contains("convert") && e.getMessage().contains("f32[3]") && e.getMessage().contains("f64[4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.apply(Prim.CONVERT, new int[] {x}, null, null, null));
    }

    /** d convert(x) = convert(ḡ) back to x's dtype: f64 differences through an f32 detour are the f32 values' derivatives. */
    @Test
    void vjpConvertsTheAdjointBack() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f64(3));
        int y = Composites.sin(b, Composites.to(b, x, DType.F32));                 // computed in float
        int out = Composites.sum(b, Composites.mul(b, Composites.to(b, y, DType.F64), x));   // mixes back in f64
        Graph g = Verifier.verify(Adjoint.of(b.build(new int[] {out}, new String[] {"out"}), new boolean[] {true}, false));
        double[] xs = {0.3, -1.2, 2.0};
        double[] d = Interpreter.run(g, new double[][] {xs})[1];
        for (int k = 0; k < 3; k++) {
            float xf = (float) xs[k];
            // d/dx [sin(f(x))·x] with f the rounding to float (derivative 1): cos·x + sin, the float parts as float
            double expected = (double) (float) ((float) Math.cos(xf) * (float) xs[k]) + (double) (float) Math.sin(xf);
            assertEquals(expected, d[k], 1e-6, "element " + k);
        }
        // the adjoint's types: the f32 part in f32, the input's gradient in f64
        assertEquals(DType.F64, g.type(g.output(1)).dtype());
        // a BOOL operand carries no gradient, and neither does a result converted to BOOL
        Builder c = new Builder();
        int v = c.input(0, "v", Type.f32(2));
        int mask = Composites.to(c, c.convert(v, DType.BOOL), DType.F32);
        Graph h = Adjoint.of(c.build(new int[] {Composites.sum(c, Composites.mul(c, mask, v))}, new String[] {"out"}), new boolean[] {true}, false);
        assertArrayEquals(new float[] {1, 0}, Interpreter.run(h, new float[][] {{5, 0}})[1], "only the mask·v path: d = mask");
    }

    @Test
    void textFormAndVerifier() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32(2));
        int y = b.convert(x, DType.F64);
        Graph g = b.build(y);
        String text = Printer.print(g);
        assertTrue(text.contains("%1 = convert %0 : f64[2]"), text);
        assertEquals(text, Printer.print(Parser.parse(text)));
        Verifier.verify(Parser.parse(text));
        // a convert that changes the shape does not parse (the shape rule runs as the parser builds)
        assertThrows(IllegalArgumentException.class, () -> Parser.parse(text.replace("f64[2]", "f64[3]")));
    }

    @Test
    void simplifierRemovesExactRoundTripsOnly() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32(2));
        int wideBack = b.convert(b.convert(x, DType.F64), DType.F32);     // exact: f32 -> f64 -> f32
        int narrowBack = b.convert(b.convert(x, DType.F16), DType.F32);   // rounds: must stay
        int same = b.convert(x, DType.F32);                                // nothing to do
        Graph g = AlgebraicSimplifier.run(b.build(new int[] {wideBack, narrowBack, same}, new String[] {"a", "b", "c"}));
        assertEquals(g.output(0), g.inputs().get(0).id(), "f32 -> f64 -> f32 is x");
        assertEquals(Prim.CONVERT, g.node(g.output(1)).prim(), "f32 -> f16 -> f32 rounds");
        assertEquals(g.output(2), g.inputs().get(0).id());
        float[] in = {1 + 0x1p-12f, 70000f};
        float[][] out = Interpreter.run(g, new float[][] {in});
        assertArrayEquals(in, out[0]);
        assertArrayEquals(new float[] {1f, Float.POSITIVE_INFINITY}, out[1]);
    }

    @Test
    void constantFoldingConvertsAsTheKernelDoes() {
        Builder b = new Builder();
        int c = b.constant(Type.f64(2), 0.1, 1e-9);
        int h = b.convert(c, DType.F16);
        Graph g = Optimizer.optimize(b.build(h));
        assertEquals(Prim.CONST, g.node(g.output(0)).prim());
        assertArrayEquals(new double[] {0.0999755859375, 0}, g.node(g.output(0)).data());
    }
}
