package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import io.jgrad.runtime.DType;
import io.jgrad.runtime.Half;
import org.junit.jupiter.api.Test;

/**
 * clamp's two lowerings (select(x == v, x, v) for ordered bounds, the two-mask form otherwise)
 * against clamp's definition written out here: the value x where lo ≤ x ≤ hi, else
 * min(max(x, lo), hi) (Java's Math.max/min: NaN stays NaN), and PyTorch's clamp_backward, the
 * seed where lo ≤ x ≤ hi and 0 elsewhere (at NaN too), with the bounds converted to x's dtype. Bit for bit,
 * over signed zeros, NaN, infinities, the bounds themselves and their neighbours, in F32, F64
 * and F16.
 */
class ClampLoweringTest {
    private static final double[][] BOUNDS = {
        {1e-7, 1 - 1e-7}, {-1, 1}, {0, 1}, {-0.0, 1}, {-1, 0}, {-1, -0.0}, {2, 2}, {1, -1}, {0, 0},
        {Double.NEGATIVE_INFINITY, 3}, {-3, Double.POSITIVE_INFINITY}, {1e-30, 1}, {-1e-30, 1e-30}, {1e-5, 1},
    };

    private static double round(double v, DType d) {
        return switch (d) {
            case F64 -> v;
            case F32 -> (float) v;
            case F16 -> Half.round((float) v);
            case BOOL -> throw new AssertionError();
        };
    }

    @Test
    void valueAndGradientAreTorchClampsBitForBit() {
        int checked = 0;
        for (DType d : new DType[] {DType.F32, DType.F64, DType.F16}) {
            for (double[] b : BOUNDS) {
                double lo = round(b[0], d), hi = round(b[1], d);
                double[] xs = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, lo, hi, -lo, -hi,
                        Math.nextUp(lo), Math.nextDown(lo), Math.nextUp(hi), Math.nextDown(hi), 0.5, -0.5, 1, -1, 2, 1e-7, 1 - 1e-7};
                Type t = Type.of(d, new int[] {xs.length});
                double[] gs = new double[xs.length];
                for (int i = 0; i < xs.length; i++) {
                    xs[i] = round(xs[i], d);
                    gs[i] = round(i + 1.5, d);
                }
                Eval e = new Eval();
                int x = e.input(t, Kernels.constant(t, xs));
                int y = Composites.clamp(e, x, b[0], b[1]);
                double[] value = Kernels.toDoubles(e.value(y));
                Object[] grad = e.backwardValues(y, Kernels.constant(t, gs), new boolean[] {true});
                double[] g = grad[0] == null ? new double[xs.length] : Kernels.toDoubles(grad[0]);
                for (int i = 0; i < xs.length; i++) {
                    String what = d + " clamp(" + xs[i] + ", " + b[0] + ", " + b[1] + ")";
                    boolean inside = xs[i] >= lo && xs[i] <= hi;
                    double want = inside ? xs[i] : round(Math.min(Math.max(xs[i], lo), hi), d);
                    assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(value[i]), what + ": value " + value[i]);
                    double wantGrad = inside ? gs[i] : 0;
                    assertEquals(Double.doubleToRawLongBits(wantGrad), Double.doubleToRawLongBits(g[i]), what + ": gradient " + g[i]);
                    checked++;
                }
            }
        }
        assertEquals(3 * BOUNDS.length * 20, checked);
    }

    @Test
    void orderedBoundsTakeTheOneMaskForm() {
        Eval cheap = new Eval(), general = new Eval();
        Composites.clamp(cheap, cheap.input(Type.f32(2), new float[] {0, 1}), 0, 1);
        Composites.clamp(general, general.input(Type.f32(2), new float[] {0, 1}), 1, 0);
        assertEquals(1, count(cheap, Prim.SELECT), "one select");
        assertEquals(1, count(cheap, Prim.EQ), "one eq");
        assertEquals(0, count(cheap, Prim.GE) + count(cheap, Prim.LE));
        assertEquals(2, count(general, Prim.SELECT), "lo > hi: the two-mask form");
    }

    private static int count(Eval e, Prim p) {
        int n = 0;
        for (Node node : e.nodes()) if (node.prim() == p) n++;
        return n;
    }
}
