package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import io.jgrad.runtime.DType;
import io.jgrad.runtime.Half;
import io.jgrad.runtime.Summation;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The kernels against independent references: runtime.Summation's order for sums and matmul
 * (bit for bit), plain index arithmetic for broadcast and transpose, and the F16 rule (the F32
 * result rounded to half) for every elementwise primitive.
 */
class KernelsTest {

    @Test
    void matmulIsSummationsDotProductBitForBit() {
        Random rng = new Random(7);
        int[][] sizes = {{1, 1, 1}, {3, 4, 5}, {2, 7, 3}, {5, 128, 4}, {3, 129, 2}, {2, 300, 6}, {1, 1000, 3}, {4, 515, 1}, {1, 257, 9},
                {7, 1, 5}, {3, 2, 4}, {4, 3, 3}, {6, 5000, 1}, {2, 3, 1}};   // k < 4 and n = 1 take their own paths
        for (int[] s : sizes) {
            int m = s[0], k = s[1], n = s[2];
            float[] a = new float[m * k], b = new float[k * n];
            double[] da = new double[m * k], db = new double[k * n];
            for (int i = 0; i < a.length; i++) { a[i] = (float) rng.nextGaussian(); da[i] = rng.nextGaussian(); }
            for (int i = 0; i < b.length; i++) { b[i] = (float) rng.nextGaussian(); db[i] = rng.nextGaussian(); }
            float[] ref = new float[m * n];
            Summation.matmul(a, b, ref, m, k, n);
            assertArrayEquals(ref, (float[]) ReductionKernels.matmul(a, b, DType.F32, m, k, n), m + "x" + k + "x" + n + " f32");
            double[] dref = new double[m * n];
            Summation.matmul(da, db, dref, m, k, n);
            assertArrayEquals(dref, (double[]) ReductionKernels.matmul(da, db, DType.F64, m, k, n), m + "x" + k + "x" + n + " f64");
            float[] half = (float[]) ReductionKernels.matmul(a, b, DType.F16, m, k, n);
            for (int i = 0; i < half.length; i++) assertEquals(Half.round(ref[i]), half[i], "f16 is the f32 product rounded");
        }
        // an empty inner dimension is +0.0, as PyTorch's
        float[] z = (float[]) ReductionKernels.matmul(new float[0], new float[0], DType.F32, 2, 0, 3);
        for (float v : z) assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(v));
    }

    @Test
    void reduceSumIsSummationsOrderBitForBit() {
        Random rng = new Random(11);
        int[][] shapes = {{1000}, {3, 400}, {400, 3}, {2, 3, 300}, {5, 1, 7}, {300, 2, 2}};
        for (int[] shape : shapes) {
            int rank = shape.length;
            Type tf = Type.f32(shape), td = Type.f64(shape);
            float[] x = new float[tf.size()];
            double[] dx = new double[tf.size()];
            for (int i = 0; i < x.length; i++) { x[i] = (float) rng.nextDouble(); dx[i] = rng.nextDouble(); }
            for (int mask = 1; mask < (1 << rank); mask++) {
                int count = Integer.bitCount(mask);
                int[] axes = new int[count], kept = new int[rank - count];
                for (int a = 0, i = 0, j = 0; a < rank; a++) if ((mask & (1 << a)) != 0) axes[i++] = a; else kept[j++] = shape[a];
                float[] ref = new float[Type.f32(kept).size()];
                Summation.reduceSum(x, shape, axes, ref);
                assertArrayEquals(ref, (float[]) ReductionKernels.reduceSum(x, tf, axes, Type.f32(kept)), java.util.Arrays.toString(shape) + " over " + java.util.Arrays.toString(axes));
                double[] dref = new double[ref.length];
                Summation.reduceSum(dx, shape, axes, dref);
                assertArrayEquals(dref, (double[]) ReductionKernels.reduceSum(dx, td, axes, Type.f64(kept)));
            }
        }
        // the issue-8 reproduction at a smaller n: Summation's error grows like log n
        float[] tenth = new float[1_000_000];
        java.util.Arrays.fill(tenth, 0.1f);
        float s = ((float[]) ReductionKernels.reduceSum(tenth, Type.f32(tenth.length), new int[] {0}, Type.f32()))[0];
        assertEquals(1e6 * 0.1f, s, 1e6 * 0.1 * 1e-6);
        // sums of nothing are +0.0 (PyTorch), and so is the sum over an empty axis
        float[] empty = (float[]) ReductionKernels.reduceSum(new float[0], Type.f32(0, 3), new int[] {0}, Type.f32(3));
        for (float v : empty) assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(v));
    }

    @Test
    void reduceMaxPropagatesNaNAndStartsAtMinusInfinity() {
        float[] x = {1, Float.NaN, 3, -1, -2, -0.5f};
        float[] r = (float[]) ReductionKernels.reduceMax(x, Type.f32(2, 3), new int[] {1}, Type.f32(2));
        assertTrue(Float.isNaN(r[0]));
        assertEquals(-0.5f, r[1]);
        float[] cols = (float[]) ReductionKernels.reduceMax(x, Type.f32(2, 3), new int[] {0}, Type.f32(3));
        assertEquals(1f, cols[0]);
        assertTrue(Float.isNaN(cols[1]));
        assertEquals(3f, cols[2]);
        assertEquals(Float.NEGATIVE_INFINITY, ((float[]) ReductionKernels.reduceMax(new float[0], Type.f32(0), new int[] {0}, Type.f32()))[0]);
    }

    @Test
    void broadcastAndTransposeMoveElementsAsIndexArithmeticSays() {
        Random rng = new Random(3);
        int[] from = {3, 1, 4}, to = {2, 3, 5, 4};
        double[] x = new double[12];
        for (int i = 0; i < x.length; i++) x[i] = rng.nextDouble();
        double[] y = (double[]) Kernels.broadcast(x, Type.f64(from), Type.f64(to));
        int k = 0;
        for (int a = 0; a < 2; a++) for (int b = 0; b < 3; b++) for (int c = 0; c < 5; c++) for (int d = 0; d < 4; d++)
            assertEquals(x[b * 4 + d], y[k++]);
        // transpose [2,3,4] by perm [2,0,1]: result[i][j][l] = x[j][l][i]
        double[] t = new double[24];
        for (int i = 0; i < 24; i++) t[i] = i;
        double[] r = (double[]) Kernels.transpose(t, Type.f64(2, 3, 4), new int[] {2, 0, 1}, Type.f64(4, 2, 3));
        k = 0;
        for (int i = 0; i < 4; i++) for (int j = 0; j < 2; j++) for (int l = 0; l < 3; l++) assertEquals(j * 12 + l * 4 + i, r[k++]);
        // booleans move the same way
        boolean[] bools = (boolean[]) Kernels.broadcast(new boolean[] {true, false}, Type.of(DType.BOOL, 2), Type.of(DType.BOOL, 3, 2));
        assertArrayEquals(new boolean[] {true, false, true, false, true, false}, bools);
    }

    /**
     * F16 = the F32 kernel, then each result rounded to half; F32 = the double rule rounded once,
     * except SIGMOID, computed in float as PyTorch's float kernel: 1f / (1f + (float) exp(-x)).
     */
    @Test
    void elementwiseKernelsFollowTheDtypeRules() {
        Random rng = new Random(5);
        float[] a = new float[200], b = new float[200];
        for (int i = 0; i < a.length; i++) {
            a[i] = Half.round((float) (rng.nextDouble() * 6 - 3));
            b[i] = Half.round((float) (rng.nextDouble() * 6 - 3));
        }
        Prim[] unary = {Prim.NEG, Prim.EXP, Prim.LOG, Prim.LOG1P, Prim.SIN, Prim.COS, Prim.TANH, Prim.SIGMOID, Prim.SOFTPLUS, Prim.SQRT, Prim.ABS};
        for (Prim p : unary) {
            float[] f32 = (float[]) Kernels.unary(p, DType.F32, a, 0), f16 = (float[]) Kernels.unary(p, DType.F16, a, 0);
            double[] f64 = (double[]) Kernels.unary(p, DType.F64, Kernels.convert(a, DType.F32, DType.F64), 0);
            for (int i = 0; i < a.length; i++) {
                double rule = Kernels.unaryRule(p, a[i]);
                float f32rule = p == Prim.SIGMOID ? 1f / (1f + (float) Math.exp(-a[i])) : (float) rule;
                assertEquals(Float.floatToRawIntBits(f32rule), Float.floatToRawIntBits(f32[i]), p + " f32 at " + a[i]);
                assertEquals(Float.floatToRawIntBits(Half.round(f32[i])), Float.floatToRawIntBits(f16[i]), p + " f16 at " + a[i]);
                assertEquals(Double.doubleToRawLongBits(rule), Double.doubleToRawLongBits(f64[i]), p + " f64 at " + a[i]);
            }
        }
        double[] exponents = {2, 0.5, -0.5, -1, 3, 1.5, 0};
        for (double e : exponents) {
            float[] f32 = (float[]) Kernels.unary(Prim.POW, DType.F32, a, e), f16 = (float[]) Kernels.unary(Prim.POW, DType.F16, a, e);
            for (int i = 0; i < a.length; i++) {
                assertEquals(Float.floatToRawIntBits((float) Kernels.pow(a[i], e)), Float.floatToRawIntBits(f32[i]), "pow " + e);
                assertEquals(Float.floatToRawIntBits(Half.round(f32[i])), Float.floatToRawIntBits(f16[i]), "pow " + e + " f16");
            }
        }
        Prim[] binary = {Prim.ADD, Prim.SUB, Prim.MUL, Prim.DIV, Prim.MAX, Prim.MIN};
        for (Prim p : binary) {
            float[] f32 = (float[]) Kernels.binary(p, DType.F32, a, b), f16 = (float[]) Kernels.binary(p, DType.F16, a, b);
            for (int i = 0; i < a.length; i++) {
                double rule = Kernels.binaryRule(p, a[i], b[i]);
                assertEquals(Float.floatToRawIntBits((float) rule), Float.floatToRawIntBits(f32[i]), p + " f32");
                assertEquals(Float.floatToRawIntBits(Half.round((float) rule)), Float.floatToRawIntBits(f16[i]), p + " f16");
            }
        }
        // PyTorch's pow rule at the special points
        assertEquals(1.0, Kernels.pow(Double.NaN, 0));
        // x^0.5 is sqrt (PyTorch), where Math.pow differs: sqrt(-inf) = NaN, sqrt(-0) = -0
        assertTrue(Double.isNaN(Kernels.pow(Double.NEGATIVE_INFINITY, 0.5)));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(Kernels.pow(-0.0, 0.5)));
    }
}
