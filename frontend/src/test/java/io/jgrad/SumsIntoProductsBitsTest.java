package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.ir.Graph;
import io.jgrad.ir.Printer;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The optimiser's one reordering rule (ir.SumsIntoProducts: a sum over a product's free axis moved
 * into the product) rewrites every compiled body alike: a GMM-shaped function whose forward
 * sums a batched product over a free axis, and whose gradient sums Qᵀ·G over the points, gives
 * the same bits from value, valueAndGrad and vjp; against the eager engine (which sums in the
 * other order) it agrees to 1e-12 of the magnitudes.
 */
class SumsIntoProductsBitsTest {
    static final int K = 3, D = 4, N = 9;

    /** Σ (Q_k (x_i − μ_k))² + Σ_k,j tanh(Σ_i (Q_k (x_i − μ_k))_j): both patterns of the rule. */
    static Tensor f(Tensor q, Tensor mu, Tensor x) {
        Tensor centred = x.t().sub(mu.unsqueeze(2));        // [K, d, n]
        Tensor p = q.matmul(centred);                        // [K, d, n]
        return p.square().sum().add(p.sum(2).tanh().sum());
    }

    @Test
    void everyEntryPointGivesTheSameBits() {
        Random r = new Random(7);
        double[][] in = {random(r, K * D * D), random(r, K * D), random(r, N * D)};
        Arg[] args = {Arg.of(K, D, D).dtype(DType.F64).named("q"), Arg.of(K, D).dtype(DType.F64).named("mu"),
                Arg.of(N, D).dtype(DType.F64).noGrad().named("x")};

        // the rule fired: no [K, d, n] product is summed in the gradient, and the forward's sum is a [K, d] product
        Tracer.Lowered l = Tracer.lower(t -> f(t[0], t[1], t[2]), args);
        for (Graph g : new Graph[] {l.forward, l.vjp, l.valueAndGrad}) {
            String text = Printer.print(g);
            assertTrue(text.contains("lhs_contract=[2] rhs_contract=[1] : f64[" + K + "," + D + "]\n"), text);
        }
        assertTrue(Printer.print(l.valueAndGrad).contains("lhs_contract=[1] rhs_contract=[1] : f64[" + K + "," + D + "]\n"),
                "d_μ as Qᵀ·(Σ_i G): " + Printer.print(l.valueAndGrad));

        Compiled c = Grad.compile((Tensor[] t) -> f(t[0], t[1], t[2]), args);
        double value = c.value(in);
        double[][] grads = {new double[K * D * D], new double[K * D], null};
        double withGrad = c.valueAndGrad(in, grads);
        double[] out = new double[1];
        double[][] vjpGrads = {new double[K * D * D], new double[K * D], null};
        c.vjp(in, new double[] {1.0}, out, vjpGrads);
        assertEquals(Double.doubleToRawLongBits(value), Double.doubleToRawLongBits(withGrad), "value vs valueAndGrad");
        assertEquals(Double.doubleToRawLongBits(value), Double.doubleToRawLongBits(out[0]), "value vs vjp");
        for (int g = 0; g < 2; g++)
            for (int i = 0; i < grads[g].length; i++)
                assertEquals(Double.doubleToRawLongBits(grads[g][i]), Double.doubleToRawLongBits(vjpGrads[g][i]), "grad " + g + "[" + i + "]");

        // the eager engine: the same numbers up to the order of the sums
        Tensor q = Tensor.of(in[0], K, D, D).requiresGrad(true), mu = Tensor.of(in[1], K, D).requiresGrad(true);
        Tensor e = f(q, mu, Tensor.of(in[2], N, D));
        e.backward();
        assertEquals(e.doubleItem(), value, 1e-12 * Math.abs(e.doubleItem()));
        double[][] eager = {q.grad().toDoubleArray(), mu.grad().toDoubleArray()};
        for (int g = 0; g < 2; g++) {
            double scale = 0;
            for (double v : eager[g]) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < eager[g].length; i++) assertEquals(eager[g][i], grads[g][i], 1e-12 * scale, "grad " + g + "[" + i + "]");
        }
    }

    private static double[] random(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = r.nextDouble() * 2 - 1;
        return v;
    }
}
