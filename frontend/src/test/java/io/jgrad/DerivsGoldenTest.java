package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.jgrad.golden.GoldenCase;
import io.jgrad.golden.Tolerance;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import io.jgrad.runtime.Workspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * PyTorch's higher derivatives in float64 (the {@code derivs} block of shared/golden: HVP of the
 * scalar output, JVP and Jacobian of an intermediate value), in golden-derivs/: the twelve
 * {@code derivs_public_*} cases of cases-v2 and forty more over the version-1 ops
 * (src/test/python/gen_derivs_v1.py). Each case runs
 * <ul>
 *   <li>eagerly, through {@code Grad.grad} / {@code Grad.vjp} only: H·v as the gradient of
 *       ⟨∇f, v⟩, J·u as the gradient of ⟨Jᵀw, u⟩ with respect to the seed w (double-vjp), and
 *       the Jacobian row by row with one-hot seeds;</li>
 *   <li>compiled: {@code Compiled.hvp}, {@code jvp} and {@code jacobian} (with and without a
 *       workspace), and H·v once more through {@code Grad.grad} inside {@code Grad.compile}.</li>
 * </ul>
 * Every array by the float64 rule of the golden README. Every case's operations exist in the
 * Tensor API (the twelve public cases use issue 10's); a case using an unknown one fails.
 */
class DerivsGoldenTest {

    /** A case and its derivs block. */
    record Case(GoldenCase c, String tensor, int[] tensorShape, double[] tensorValue, Map<String, double[]> tangents,
                double[] jvp, Map<String, double[]> jacobian, Map<String, double[]> v, Map<String, double[]> hvp) {}

    static List<Case> load() {
        try {
            Path dir = Paths.get(DerivsGoldenTest.class.getClassLoader().getResource("golden-derivs").toURI());
            List<Case> cases = new ArrayList<>();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".json")).sorted()::iterator) {
                    String json = Files.readString(p, StandardCharsets.UTF_8);
                    JsonObject d = JsonParser.parseString(json).getAsJsonObject().getAsJsonObject("derivs");
                    cases.add(new Case(GoldenCase.parse(json), d.get("tensor").getAsString(), ints(d.getAsJsonArray("tensorShape")),
                            doubles(d.getAsJsonArray("tensorValue")), map(d.getAsJsonObject("tangents")), doubles(d.getAsJsonArray("jvp")),
                            map(d.getAsJsonObject("jacobian")), map(d.getAsJsonObject("v")), map(d.getAsJsonObject("hvp"))));
                }
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void allCasesArePresent() {
        List<Case> cases = load();
        assertEquals(52, cases.size());
        for (Case k : cases) assertEquals(null, supported(k.c), k.c.name + ": operations the Tensor API lacks");
    }

    @TestFactory
    Stream<DynamicTest> eager() {
        return load().stream().map(k -> DynamicTest.dynamicTest(k.c.name, () -> {
            requireOps(k);
            runEager(k);
        }));
    }

    @TestFactory
    Stream<DynamicTest> compiled() {
        return load().stream().map(k -> DynamicTest.dynamicTest(k.c.name, () -> {
            requireOps(k);
            runCompiled(k);
        }));
    }

    // ---------------------------------------------------------------- eager, through Grad.grad only

    static void runEager(Case k) {
        GoldenCase c = k.c;
        Map<String, Tensor> env = c.eagerInputs();
        List<Tensor> diff = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (GoldenCase.Input in : c.inputs) {
            if (!in.requiresGrad()) continue;
            diff.add(env.get(in.name()));
            names.add(in.name());
        }
        Tensor[] x = diff.toArray(new Tensor[0]);
        Tensor out = c.run(env, GoldenCase.TENSOR_OPS);
        Tensor t = env.get(k.tensor);
        Tolerance.check(DType.F64, c.name + " value", out.toDoubleArray(), c.value, null, null);
        Tolerance.check(DType.F64, c.name + " tensor", t.toDoubleArray(), k.tensorValue, null, null);
        // An input that requires a gradient but is not used (or, below, one the gradient is linear in)
        // is not in the graph, and torch.autograd.grad (like Grad.grad) refuses such a wrt, where
        // torch.autograd.functional gives zeros: + 0·Σ sum(x_j) keeps every x_j in the graph and adds 0
        out = touching(out, x);
        t = touching(t, x);

        // H·v = ∇⟨∇f, v⟩
        Tensor[] g = Grad.grad(out, x);
        Tensor inner = null;
        for (int j = 0; j < x.length; j++) {
            Tensor term = g[j].mul(Tensor.of(k.v.get(names.get(j)), x[j].shape())).sum();
            inner = inner == null ? term : inner.add(term);
        }
        Tensor[] hv = Grad.grad(touching(inner, x), x);
        for (int j = 0; j < x.length; j++) {
            Tolerance.check(DType.F64, c.name + " gradient of " + names.get(j), g[j].toDoubleArray(), c.grads.get(names.get(j)), null, null);
            Tolerance.check(DType.F64, c.name + " hvp " + names.get(j), hv[j].toDoubleArray(), k.hvp.get(names.get(j)), null, null);
        }

        // J·u = ∇_w ⟨Jᵀw, u⟩ (the VJP is linear in its seed w)
        Tensor w = Tensor.zeros(DType.F64, k.tensorShape).requiresGrad(true);
        Tensor[] jtw = Grad.vjp(t, w, x);
        Tensor dot = null;
        for (int j = 0; j < x.length; j++) {
            Tensor term = jtw[j].mul(Tensor.of(k.tangents.get(names.get(j)), x[j].shape())).sum();
            dot = dot == null ? term : dot.add(term);
        }
        Tolerance.check(DType.F64, c.name + " jvp", Grad.grad(dot, w)[0].toDoubleArray(), k.jvp, null, null);

        // the Jacobian, one row per element of the tensor
        int m = t.size();
        double[][] rows = new double[x.length][];
        for (int j = 0; j < x.length; j++) rows[j] = new double[m * x[j].size()];
        for (int r = 0; r < m; r++) {
            double[] e = new double[m];
            e[r] = 1;
            Tensor[] row = Grad.vjp(t, Tensor.of(e, k.tensorShape), x);
            for (int j = 0; j < x.length; j++) System.arraycopy(row[j].toDoubleArray(), 0, rows[j], r * x[j].size(), x[j].size());
        }
        for (int j = 0; j < x.length; j++)
            Tolerance.check(DType.F64, c.name + " jacobian " + names.get(j), rows[j], k.jacobian.get(names.get(j)), null, null);
    }

    // ---------------------------------------------------------------- compiled

    static void runCompiled(Case k) {
        GoldenCase c = k.c;
        int n = c.inputs.size();
        Arg[] args = new Arg[n];
        double[][] in = new double[n][];
        for (int i = 0; i < n; i++) {
            GoldenCase.Input input = c.inputs.get(i);
            Arg a = Arg.of(input.shape()).dtype(DType.F64).named(input.name());
            args[i] = input.requiresGrad() ? a : a.noGrad();
            in[i] = input.values().clone();
        }
        Compiled scalar = Grad.compile(xs -> c.run(bind(c, xs), GoldenCase.TENSOR_OPS), args);
        Compiled tensor = Grad.compile(xs -> {
            Map<String, Tensor> env = bind(c, xs);
            c.run(env, GoldenCase.TENSOR_OPS);
            return env.get(k.tensor);
        }, args);
        assertEquals(DType.F64, tensor.dtype());
        Workspace ws = tensor.newWorkspace(), sws = scalar.newWorkspace();
        int m = k.tensorValue.length;

        for (boolean explicit : new boolean[] {false, true}) {
            String how = explicit ? " (workspace)" : "";
            // jvp
            double[][] tangents = new double[n][];
            for (int i = 0; i < n; i++) if (c.inputs.get(i).requiresGrad()) tangents[i] = k.tangents.get(c.inputs.get(i).name());
            double[] value = new double[m], jv = new double[m];
            if (explicit) tensor.jvp(ws, in, tangents, value, jv);
            else tensor.jvp(in, tangents, value, jv);
            Tolerance.check(DType.F64, c.name + " compiled tensor" + how, value, k.tensorValue, null, null);
            Tolerance.check(DType.F64, c.name + " compiled jvp" + how, jv, k.jvp, null, null);

            // jacobian
            double[][] jac = new double[n][];
            for (int i = 0; i < n; i++) if (c.inputs.get(i).requiresGrad()) jac[i] = new double[m * in[i].length];
            double[] jvalue = new double[m];
            if (explicit) tensor.jacobian(ws, in, jvalue, jac);
            else tensor.jacobian(in, jvalue, jac);
            Tolerance.check(DType.F64, c.name + " compiled jacobian value" + how, jvalue, k.tensorValue, null, null);
            for (int i = 0; i < n; i++)
                if (jac[i] != null)
                    Tolerance.check(DType.F64, c.name + " compiled jacobian " + c.inputs.get(i).name() + how, jac[i], k.jacobian.get(c.inputs.get(i).name()), null, null);

            // hvp
            double[][] v = new double[n][], hv = new double[n][];
            for (int i = 0; i < n; i++) {
                if (!c.inputs.get(i).requiresGrad()) continue;
                v[i] = k.v.get(c.inputs.get(i).name());
                hv[i] = new double[in[i].length];
            }
            if (explicit) scalar.hvp(sws, in, v, hv);
            else scalar.hvp(in, v, hv);
            for (int i = 0; i < n; i++)
                if (hv[i] != null)
                    Tolerance.check(DType.F64, c.name + " compiled hvp " + c.inputs.get(i).name() + how, hv[i], k.hvp.get(c.inputs.get(i).name()), null, null);
        }

        // H·v through Grad.grad inside the compiled function: the gradient of ⟨∇f, v⟩
        Compiled viaGrad = Grad.compile(xs -> {
            Tensor out = c.run(bind(c, xs), GoldenCase.TENSOR_OPS);
            List<Tensor> diff = new ArrayList<>();
            List<double[]> dirs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (!c.inputs.get(i).requiresGrad()) continue;
                diff.add(xs[i]);
                dirs.add(k.v.get(c.inputs.get(i).name()));
            }
            Tensor[] g = Grad.grad(out, diff.toArray(new Tensor[0]));
            Tensor inner = null;
            for (int j = 0; j < g.length; j++) {
                Tensor term = g[j].mul(Tensor.of(dirs.get(j), diff.get(j).shape())).sum();
                inner = inner == null ? term : inner.add(term);
            }
            return inner;
        }, args);
        double[][] grads = new double[n][];
        for (int i = 0; i < n; i++) if (c.inputs.get(i).requiresGrad()) grads[i] = new double[in[i].length];
        viaGrad.valueAndGrad(in, grads);
        for (int i = 0; i < n; i++)
            if (grads[i] != null)
                Tolerance.check(DType.F64, c.name + " hvp via Grad.grad in Grad.compile, " + c.inputs.get(i).name(), grads[i], k.hvp.get(c.inputs.get(i).name()), null, null);
    }

    /** y + 0·Σ sum(x_j): the same values, with every x_j in the graph. */
    private static Tensor touching(Tensor y, Tensor[] x) {
        for (Tensor xj : x) y = y.add(xj.sum().mul(0.0));
        return y;
    }

    private static Map<String, Tensor> bind(GoldenCase c, Tensor[] xs) {
        Map<String, Tensor> env = new LinkedHashMap<>();
        for (int i = 0; i < xs.length; i++) env.put(c.inputs.get(i).name(), xs[i]);
        return env;
    }

    // ---------------------------------------------------------------- helpers

    /** Null when every op of the case exists in the Tensor API the golden runner knows, else their names. */
    static String supported(GoldenCase c) {
        List<String> missing = new ArrayList<>();
        for (GoldenCase.Stmt s : c.program) if (!GoldenCase.OPS.containsKey(s.op()) && !missing.contains(s.op())) missing.add(s.op());
        return missing.isEmpty() ? null : String.join(", ", missing);
    }

    private static void requireOps(Case k) {
        String missing = supported(k.c);
        if (missing != null) throw new AssertionError(k.c.name + " uses operations the golden runner does not know: " + missing);
    }

    private static int[] ints(JsonArray a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).getAsInt();
        return r;
    }

    private static double[] doubles(JsonArray a) {
        double[] r = new double[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).getAsDouble();
        return r;
    }

    private static Map<String, double[]> map(JsonObject o) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (String key : o.keySet()) m.put(key, doubles(o.getAsJsonArray(key)));
        return m;
    }
}
