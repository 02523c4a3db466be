package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.jgrad.golden.Tolerance;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 10's worked examples, written with the Tensor API as a user would, against PyTorch 1.13
 * in float64 (resources/examples-v2, from src/test/python/gen_examples_v2.py, which computes the
 * same functions with torch): the value and the gradient of every differentiable input, by the
 * golden float64 rule, eagerly and compiled.
 */
class WorkedExamplesTest {

    record Example(String name, List<String> names, List<int[]> shapes, List<double[]> data, List<Boolean> requiresGrad,
                   double value, Map<String, double[]> grads, JsonObject json) {}

    static Example load(String name) throws IOException {
        try (InputStream in = WorkedExamplesTest.class.getClassLoader().getResourceAsStream("examples-v2/" + name + ".json")) {
            JsonObject o = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
            List<String> names = new ArrayList<>();
            List<int[]> shapes = new ArrayList<>();
            List<double[]> data = new ArrayList<>();
            List<Boolean> rg = new ArrayList<>();
            for (JsonElement e : o.getAsJsonArray("inputs")) {
                JsonObject i = e.getAsJsonObject();
                names.add(i.get("name").getAsString());
                shapes.add(ints(i.getAsJsonArray("shape")));
                data.add(doubles(i.getAsJsonArray("data")));
                rg.add(i.get("requiresGrad").getAsBoolean());
            }
            Map<String, double[]> grads = new LinkedHashMap<>();
            for (var g : o.getAsJsonObject("grads").entrySet()) grads.put(g.getKey(), doubles(g.getValue().getAsJsonArray()));
            return new Example(name, names, shapes, data, rg, o.get("value").getAsDouble(), grads, o);
        }
    }

    /** Eagerly: Tensor.of(double[]) leaves, backward(); then compiled over double[]: valueAndGrad. */
    static void check(Example ex, FnN f) {
        int n = ex.names().size();
        Tensor[] in = new Tensor[n];
        for (int i = 0; i < n; i++) in[i] = Tensor.of(ex.data().get(i), ex.shapes().get(i)).requiresGrad(ex.requiresGrad().get(i));
        Tensor out = f.apply(in);
        assertEquals(DType.F64, out.dtype());
        Tolerance.check(DType.F64, ex.name() + " value", new double[] {out.doubleItem()}, new double[] {ex.value()}, null, null);
        out.backward();
        for (int i = 0; i < n; i++)
            if (ex.requiresGrad().get(i))
                Tolerance.check(DType.F64, ex.name() + " d/d" + ex.names().get(i), in[i].grad().toDoubleArray(), ex.grads().get(ex.names().get(i)), null, null);

        {
            Arg[] args = new Arg[n];
            double[][] x = new double[n][], g = new double[n][];
            for (int i = 0; i < n; i++) {
                Arg a = Arg.of(ex.shapes().get(i)).dtype(DType.F64).named(ex.names().get(i));
                args[i] = ex.requiresGrad().get(i) ? a : a.noGrad();
                x[i] = ex.data().get(i);
                g[i] = ex.requiresGrad().get(i) ? new double[x[i].length] : null;
            }
            Compiled c = Grad.compile(f, args);
            double v = c.valueAndGrad(x, g);
            Tolerance.check(DType.F64, ex.name() + " compiled value", new double[] {v}, new double[] {ex.value()}, null, null);
            for (int i = 0; i < n; i++)
                if (g[i] != null) Tolerance.check(DType.F64, ex.name() + " compiled d/d" + ex.names().get(i), g[i], ex.grads().get(ex.names().get(i)), null, null);
        }
    }

    /**
     * The Gaussian-mixture log-likelihood: Σₙ logsumexpₖ(αₖ + Σ log diag Qₖ - ½‖Qₖ(xₙ - μₖ)‖²)
     * - N·logsumexp(α) - ND/2·log 2π, each Qₖ lower triangular, built from the parameter row
     * icfₖ = [log diagonal (D), strictly-lower entries (D(D-1)/2, row by row)].
     */
    @Test
    void gaussianMixtureLogLikelihood() throws IOException {
        Example ex = load("gmm");
        int[] lowerIndex = ints(ex.json().getAsJsonArray("lowerIndex"));
        check(ex, in -> {
            Tensor alphas = in[0], means = in[1], icf = in[2], x = in[3];
            int k = means.shape()[0], d = means.shape()[1], n = x.shape()[0];
            Tensor logDiag = icf.slice(1, 0, d);
            // a zero column, then the strictly-lower entries: lowerIndex picks each (i, j) of Q, 0 above the diagonal
            Tensor lower = Tensor.cat(1, Tensor.zeros(DType.F64, k, 1), icf.slice(1, d, icf.shape()[1]));
            Tensor qLower = lower.indexSelect(1, lowerIndex).reshape(k, d, d);
            Tensor diagonal = Tensor.eye(DType.F64, d).gt(0.5);
            Tensor q = Tensor.where(diagonal, logDiag.exp().unsqueeze(1).expand(k, d, d), qLower);
            Tensor xc = x.unsqueeze(1).sub(means.unsqueeze(0));                        // [n, k, d]
            Tensor qxc = q.matmul(xc.unsqueeze(-1)).squeeze(-1);                       // [n, k, d]
            Tensor main = alphas.add(logDiag.sum(1)).sub(qxc.square().sum(-1).mul(0.5));   // [n, k]
            return main.logsumexp(1).sum().sub(alphas.logsumexp(0).mul(n)).add(-n * d * 0.5 * Math.log(2 * Math.PI));
        });
    }

    /** One LSTM cell step, the gates sliced from one matmul; loss = Σ h'² + Σ c'. */
    @Test
    void lstmCell() throws IOException {
        Example ex = load("lstm");
        check(ex, in -> {
            Tensor x = in[0], h = in[1], c = in[2], w = in[3], b = in[4];
            int hidden = h.shape()[1];
            Tensor gates = Tensor.cat(1, x, h).matmul(w).add(b);
            Tensor i = gates.slice(1, 0, hidden).sigmoid(), f = gates.slice(1, hidden, 2 * hidden).sigmoid();
            Tensor g = gates.slice(1, 2 * hidden, 3 * hidden).tanh(), o = gates.slice(1, 3 * hidden, 4 * hidden).sigmoid();
            Tensor c2 = f.mul(c).add(i.mul(g));
            Tensor h2 = o.mul(c2.tanh());
            return h2.square().sum().add(c2.sum());
        });
    }

    /** Black-Scholes call prices through erf; d Σ price / d spot is each option's delta N(d1). */
    @Test
    void blackScholesPriceAndDelta() throws IOException {
        Example ex = load("black_scholes");
        FnN price = in -> {
            Tensor s = in[0], k = in[1], t = in[2], r = in[3], v = in[4];
            Tensor d1 = s.div(k).log().add(r.add(v.square().div(2.0)).mul(t)).div(v.mul(t.sqrt()));
            Tensor d2 = d1.sub(v.mul(t.sqrt()));
            return s.mul(normalCdf(d1)).sub(k.mul(r.neg().mul(t).exp()).mul(normalCdf(d2))).sum();
        };
        check(ex, price);
        // the delta as the closed form says, N(d1) (PyTorch's value of it)
        Tolerance.check(DType.F64, "delta = N(d1)", ex.grads().get("spot"), doubles(ex.json().getAsJsonArray("delta")), null, null);
    }

    private static Tensor normalCdf(Tensor z) {
        return z.div(Math.sqrt(2)).erf().add(1.0).mul(0.5);
    }

    private static int[] ints(com.google.gson.JsonArray a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).getAsInt();
        return r;
    }

    private static double[] doubles(com.google.gson.JsonArray a) {
        double[] r = new double[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).getAsDouble();
        return r;
    }
}
