package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * A constant's data as the passes see it: a captured f32 tensor is held as its float32 values
 * (not widened), equal data is equal however it is held, and the O(1) sampled hash never makes
 * two different constants equal (data differing only between the sampled elements).
 */
class ConstantDataTest {
    static final int N = 10_000;

    static float[] values() {
        float[] f = new float[N];
        for (int i = 0; i < N; i++) f[i] = (float) Math.sin(i);
        return f;
    }

    @Test
    void aCapturedConstantIsItsOwnCopyOfTheFloats() {
        float[] f = values();
        Builder b = new Builder();
        Node c = b.node(Composites.constant(b, f, 100, 100));
        float[] held = c.sharedF32Values();
        assertNotNull(held);
        assertNotSame(f, held, "the caller's array is copied once: it may be written after compiling");
        assertArrayEquals(f, held);
        f[7] = 42f;
        assertEquals((float) Math.sin(7), c.constAt(7), 0.0, "a later write to the caller's array does not reach the constant");
        double[] d = c.data();
        for (int i = 0; i < N; i++) assertEquals((double) held[i], d[i], 0.0, "element " + i);
    }

    @Test
    void equalDataIsEqualWhetherHeldAsFloatsOrDoubles() {
        float[] f = values();
        double[] d = new double[N];
        for (int i = 0; i < N; i++) d[i] = f[i];
        Builder b = new Builder();
        Node asFloats = b.node(Composites.constant(b, f, N)), asDoubles = b.node(b.constant(Type.f32(N), d));
        assertNull(asDoubles.sharedF32Values());
        assertEquals(asFloats.dataHash(), asDoubles.dataHash());
        assertTrue(asFloats.sameData(asDoubles));
        assertTrue(asDoubles.sameData(asFloats));
    }

    @Test
    void dataDifferingOnlyBetweenTheSampledElementsIsNotTheSame() {
        for (int at : new int[] {1, 77, N / 2 + 1, N - 2}) {
            float[] f = values(), g = values();
            g[at] = Math.nextUp(g[at]);
            Builder b = new Builder();
            Node x = b.node(Composites.constant(b, f, N)), y = b.node(Composites.constant(b, g, N));
            assertFalse(x.sameData(y), "one ulp apart at " + at);
            assertFalse(y.sameData(x), "one ulp apart at " + at);
            // and CSE keeps both: two outputs, two constants
            Graph out = CommonSubexpressionElimination.run(b.build(x.id(), y.id()));
            assertNotEquals(out.output(0), out.output(1), "CSE merged constants differing at " + at);
        }
    }

    @Test
    void equalCapturedConstantsAreMergedByCse() {
        Builder b = new Builder();
        int x = Composites.constant(b, values(), N), y = Composites.constant(b, values(), N);
        Graph out = CommonSubexpressionElimination.run(b.build(x, y));
        assertEquals(out.output(0), out.output(1));
    }
}
