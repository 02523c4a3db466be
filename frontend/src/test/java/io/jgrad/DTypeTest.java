package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.runtime.DType;
import org.junit.jupiter.api.Test;

/**
 * API.md version 2, "Data types": which dtype each creation call makes, exact values in and out,
 * the refusals that keep F64 from being rounded silently, conversions with {@code to}, and
 * {@code Arg}'s dtype. Expected half values are what PyTorch 1.13 gave for
 * {@code torch.tensor(v, dtype=torch.float16).item()}.
 */
class DTypeTest {

    @Test
    void theJavaTypeDecidesTheDtype() {
        assertEquals(DType.F32, Tensor.scalar(1f).dtype());
        assertEquals(DType.F64, Tensor.scalar(1.0).dtype());
        assertEquals(DType.F32, Tensor.of(1f, 2f).dtype());
        assertEquals(DType.F64, Tensor.of(1.0, 2.0).dtype());
        assertEquals(DType.F64, Tensor.of(new double[6], 2, 3).dtype());
        assertEquals(DType.F32, Tensor.of(new float[6], 2, 3).dtype());
        assertEquals(DType.F32, Tensor.full(2f, 3).dtype());
        assertEquals(DType.F64, Tensor.full(2.0, 3).dtype());
        assertEquals(DType.F32, Tensor.full(2, 3).dtype(), "an int literal picks the float overload");
        assertEquals(DType.F32, Tensor.zeros(2).dtype());
        assertEquals(DType.F32, Tensor.ones(2).dtype());
        for (DType d : DType.values()) {
            assertEquals(d, Tensor.zeros(d, 2, 3).dtype());
            assertEquals(d, Tensor.ones(d, 2).dtype());
            assertEquals(d, Tensor.full(2.0, d, 2).dtype());
        }
    }

    @Test
    void float64KeepsEveryDigit() {
        Tensor t = Tensor.of(0.1, 1.0 / 3, 1e-300);
        assertArrayEquals(new double[] {0.1, 1.0 / 3, 1e-300}, t.toDoubleArray());
        assertEquals(0.1, Tensor.scalar(0.1).doubleItem());
        assertEquals(0.1, Tensor.full(0.1, 2, 2).toDoubleArray()[3]);
        double[] data = {1, 2, 3, 4, 5, 6};
        Tensor m = Tensor.of(data, 2, 3);
        data[0] = 99;
        assertEquals(1.0, m.toDoubleArray()[0], "of copies its data");
        m.toDoubleArray()[1] = 99;
        assertEquals(2.0, m.toDoubleArray()[1], "toDoubleArray returns a copy");
    }

    @Test
    void itemAndToArrayRefuseF64NamingTheDoubleCalls() {
        Tensor d = Tensor.scalar(0.1);
        String m = assertThrows(IllegalStateException.class, d::item).getMessage();
        assertTrue(m.contains("doubleItem()"), m);
        m = assertThrows(IllegalStateException.class, () -> Tensor.of(1.0, 2.0).toArray()).getMessage();
        assertTrue(m.contains("toDoubleArray()"), m);
    }

    @Test
    void doubleItemAndToDoubleArrayWorkForEveryDtype() {
        assertEquals((double) 0.1f, Tensor.scalar(0.1f).doubleItem());
        assertArrayEquals(new double[] {0.1f, 2f}, Tensor.of(0.1f, 2f).toDoubleArray());
        assertEquals(0.0999755859375, Tensor.full(0.1, DType.F16).doubleItem());
        assertEquals(1.0, Tensor.ones(DType.BOOL).doubleItem());
        assertArrayEquals(new double[] {0, 0}, Tensor.zeros(DType.BOOL, 2).toDoubleArray());
        assertEquals(0.0999755859375f, Tensor.full(0.1, DType.F16).item(), "a half is exactly a float");
        assertArrayEquals(new float[] {1f, 1f}, Tensor.ones(DType.BOOL, 2).toArray());
        String m = assertThrows(IllegalArgumentException.class, () -> Tensor.of(1.0, 2.0).doubleItem()).getMessage();
        assertTrue(m.contains("only one element tensors"), m);
    }

    @Test
    void float16RoundsAsPyTorchDoes() {
        // torch.tensor(v, dtype=torch.float16).item(): ties to even, subnormals, overflow to inf
        double[][] pairs = {
            {0.1, 0.0999755859375}, {1e5, Double.POSITIVE_INFINITY}, {65519.0, 65504.0}, {65520.0, Double.POSITIVE_INFINITY},
            {6e-8, 5.960464477539063e-08}, {2.9e-8, 0.0}, {3e-8, 5.960464477539063e-08}, {1.0 / 3, 0.333251953125},
            {-2049.0, -2048.0}, {2049.0, 2048.0}, {2051.0, 2052.0}, {9.1552734375e-05, 9.1552734375e-05},
        };
        for (double[] p : pairs) {
            assertEquals(p[1], Tensor.full(p[0], DType.F16).doubleItem(), "half(" + p[0] + ")");
            assertEquals(p[1], Tensor.scalar(p[0]).to(DType.F16).doubleItem(), "to(F16) of " + p[0]);
        }
        assertTrue(Double.isNaN(Tensor.full(Double.NaN, DType.F16).doubleItem()));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(Tensor.full(-0.0, DType.F16).doubleItem()));
    }

    @Test
    void conversions() {
        Tensor d = Tensor.of(0.1, -2.5);
        Tensor f = d.to(DType.F32);
        assertEquals(DType.F32, f.dtype());
        assertArrayEquals(new float[] {0.1f, -2.5f}, f.toArray());
        assertArrayEquals(new double[] {0.1f, -2.5}, f.to(DType.F64).toDoubleArray(), "float to double is exact");
        assertSame(d, d.to(DType.F64), "to its own dtype is the tensor itself, as PyTorch's .to");
        // PyTorch: torch.tensor([True, False]).to(torch.float64) == [1., 0.]; [0.5, 0., nan].to(torch.bool) == [True, False, True]
        assertArrayEquals(new double[] {1, 0}, Tensor.of(2.0, 0.0).to(DType.BOOL).to(DType.F64).toDoubleArray());
        assertArrayEquals(new double[] {1, 0, 1}, Tensor.of(0.5, 0.0, Double.NaN).to(DType.BOOL).toDoubleArray());
        assertEquals("tensor([ True, False,  True])", Tensor.of(0.5f, 0f, Float.NaN).to(DType.BOOL).toString());
        assertThrows(IllegalArgumentException.class, () -> d.to(null));
    }

    @Test
    void onlyFloatTensorsRequireGrad() {
        Tensor b = Tensor.ones(DType.BOOL, 2);
        String m = assertThrows(IllegalArgumentException.class, () -> b.requiresGrad(true)).getMessage();
        assertTrue(m.contains("only Tensors of floating point dtype can require gradients"), m);
        assertFalse(b.requiresGrad());
        assertSame(b, b.requiresGrad(false));
        for (DType d : new DType[] {DType.F16, DType.F32, DType.F64}) assertTrue(Tensor.zeros(d, 2).requiresGrad(true).requiresGrad());
    }

    @Test
    void creationErrorsNameTheCall() {
        String m = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new double[5], 2, 3)).getMessage();
        assertTrue(m.contains("Tensor.of") && m.contains("5 values") && m.contains("[2, 3]"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(null, 2)).getMessage();
        assertTrue(m.contains("Tensor.zeros") && m.contains("dtype"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Tensor.full(1.0, DType.F64, -1)).getMessage();
        assertTrue(m.contains("Tensor.full") && m.contains("negative"), m);
    }

    @Test
    void zeroKeepsTheDtype() {
        Tensor d = Tensor.of(1.5, 2.5);
        d.zero();
        assertArrayEquals(new double[] {0, 0}, d.toDoubleArray());
        assertEquals(DType.F64, d.dtype());
        Tensor b = Tensor.ones(DType.BOOL, 2);
        b.zero();
        assertEquals("tensor([False, False])", b.toString());
    }

    // ------------------------------------------------------------------ Arg

    @Test
    void argDtypeAndLikeReturnCopies() {
        Arg a = Arg.of(3);
        assertEquals(DType.F32, a.dtype());
        Arg d = a.dtype(DType.F64);
        assertNotSame(a, d);
        assertEquals(DType.F32, a.dtype(), "the original is unchanged");
        assertEquals(DType.F64, d.dtype());
        // every method keeps the other properties, in any order
        Arg x = Arg.of(2, 3).noGrad().named("x").dtype(DType.F64);
        Arg y = Arg.of(2, 3).dtype(DType.F64).named("x").noGrad();
        for (Arg z : new Arg[] {x, y}) {
            assertEquals(DType.F64, z.dtype());
            assertFalse(z.requiresGrad());
            assertEquals("x", z.name());
            assertArrayEquals(new int[] {2, 3}, z.shape());
        }
        assertEquals(DType.F64, x.named("y").dtype());
        assertEquals(DType.F64, x.noGrad().dtype());
        assertThrows(IllegalArgumentException.class, () -> a.dtype(null));

        Arg l = Arg.like(Tensor.zeros(DType.F64, 4, 2));
        assertEquals(DType.F64, l.dtype());
        assertArrayEquals(new int[] {4, 2}, l.shape());
        assertTrue(l.requiresGrad());
        assertNull(l.name());
        assertEquals(DType.F32, Arg.like(Tensor.scalar(1f)).dtype());
        assertArrayEquals(new int[0], Arg.like(Tensor.scalar(1.0)).shape());
        assertThrows(IllegalArgumentException.class, () -> Arg.like(null));
        assertThrows(IllegalArgumentException.class, () -> Arg.like(Tensor.zeros(0)), "no empty inputs, as Arg.of");
    }
}
