package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.jgrad.runtime.DType;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The PyTorch goldens of version 2 (shared/golden/cases-v2, copied into
 * src/test/resources/golden-v2) whose ops exist now: the version-1 ops in f64, float16, dtype
 * promotion and {@code to}, tensor outputs. Each case runs twice through the one lowering
 * ({@link Composites}): eagerly over an {@link Eval} (forward, then {@link Eval#backward}), and
 * as IR (Builder → Adjoint.of → Optimizer → Interpreter). Every array is compared by the rule of
 * its own dtype (golden/README.md, "Comparing, version 2").
 */
class GoldenV2Test {

    @Test
    void theCopiedCasesArePresent() {
        assertEquals(120, names().size());
    }

    @TestFactory
    Stream<DynamicTest> eagerOverEval() {
        return names().stream().map(n -> DynamicTest.dynamicTest(n, () -> check(load(n), true)));
    }

    @TestFactory
    Stream<DynamicTest> throughTheIr() {
        return names().stream().map(n -> DynamicTest.dynamicTest(n, () -> check(load(n), false)));
    }

    // ------------------------------------------------------------------ one case

    record Input(String name, Type type, Object data, boolean requiresGrad) {}

    record Case(String name, List<Input> inputs, JsonArray program, String output, double[] seed, JsonObject expected) {}

    static void check(Case c, boolean eager) {
        int n = c.inputs.size();
        boolean[] wrt = new boolean[n];
        for (int i = 0; i < n; i++) wrt[i] = c.inputs.get(i).requiresGrad;
        Object value;
        Object[] grads = new Object[n];
        if (eager) {
            Eval e = new Eval();
            int[] ids = new int[n];
            for (int i = 0; i < n; i++) ids[i] = e.input(c.inputs.get(i).type, c.inputs.get(i).data);
            int out = lower(e, c, ids);
            value = e.value(out);
            int[] d = e.backward(out, seedFor(c, e.type(out)), wrt);
            for (int i = 0; i < n; i++) if (wrt[i]) grads[i] = d[i] < 0 ? zeros(c.inputs.get(i).type) : e.value(d[i]);
        } else {
            Builder b = new Builder();
            int[] ids = new int[n];
            for (int i = 0; i < n; i++) ids[i] = b.input(i, c.inputs.get(i).name, c.inputs.get(i).type);
            int out = lower(b, c, ids);
            Type outType = b.type(out);
            Graph forward = Verifier.verify(b.build(new int[] {out}, new String[] {"out"}));
            Graph g = Verifier.verify(Optimizer.optimize(Adjoint.of(forward, wrt, true)));
            Object[] in = new Object[n + 1];
            for (int i = 0; i < n; i++) in[i] = c.inputs.get(i).data;
            in[n] = seedFor(c, outType);
            Object[] outs = Interpreter.evaluate(g, in);
            value = outs[0];
            for (int i = 0, k = 1; i < n; i++) if (wrt[i]) grads[i] = outs[k++];
        }
        List<String> failures = new ArrayList<>();
        JsonObject ex = c.expected;
        DType outDType = DType.parse(ex.has("dtype") ? ex.get("dtype").getAsString() : "f32");
        add(failures, compare("value", value, outDType, doubles(ex.getAsJsonArray("value")), reference(ex, "value", outDType)));
        for (int i = 0; i < n; i++) {
            if (!wrt[i]) continue;
            Input in = c.inputs.get(i);
            DType d = in.type.dtype();
            add(failures, compare("d_" + in.name, grads[i], d, doubles(ex.getAsJsonObject("grads").getAsJsonArray(in.name)),
                    referenceGrad(ex, in.name, d)));
        }
        if (!failures.isEmpty()) fail(c.name + (eager ? " (eager)" : " (IR)") + ":\n  " + String.join("\n  ", failures));
    }

    /** The case's program through Composites, over any emitter; returns the output's id. */
    static int lower(Emitter e, Case c, int[] inputIds) {
        Map<String, Integer> env = new HashMap<>();
        for (int i = 0; i < inputIds.length; i++) env.put(c.inputs.get(i).name, inputIds[i]);
        for (JsonElement s : c.program) {
            JsonArray st = s.getAsJsonArray();
            String result = st.get(0).getAsString(), op = st.get(1).getAsString();
            int x = env.get(st.get(2).getAsString());
            JsonElement a = st.size() > 3 ? st.get(3) : null;
            boolean name = a != null && a.isJsonPrimitive() && a.getAsJsonPrimitive().isString();
            int r = switch (op) {
                case "add" -> name ? Composites.add(e, x, env.get(a.getAsString())) : Composites.add(e, x, a.getAsDouble());
                case "sub" -> name ? Composites.sub(e, x, env.get(a.getAsString())) : Composites.sub(e, x, a.getAsDouble());
                case "mul" -> name ? Composites.mul(e, x, env.get(a.getAsString())) : Composites.mul(e, x, a.getAsDouble());
                case "div" -> name ? Composites.div(e, x, env.get(a.getAsString())) : Composites.div(e, x, a.getAsDouble());
                case "rsub" -> Composites.rsub(e, x, a.getAsDouble());
                case "rdiv" -> Composites.rdiv(e, x, a.getAsDouble());
                case "pow" -> Composites.pow(e, x, a.getAsDouble());
                case "neg" -> Composites.neg(e, x);
                case "exp" -> Composites.exp(e, x);
                case "log" -> Composites.log(e, x);
                case "log1p" -> Composites.log1p(e, x);
                case "sin" -> Composites.sin(e, x);
                case "cos" -> Composites.cos(e, x);
                case "tanh" -> Composites.tanh(e, x);
                case "sigmoid" -> Composites.sigmoid(e, x);
                case "relu" -> Composites.relu(e, x);
                case "softplus" -> Composites.softplus(e, x);
                case "sqrt" -> Composites.sqrt(e, x);
                case "abs" -> Composites.abs(e, x);
                case "square" -> Composites.square(e, x);
                case "clamp" -> Composites.clamp(e, x, a.getAsDouble(), st.get(4).getAsDouble());
                case "maximum" -> Composites.maximum(e, x, env.get(a.getAsString()));
                case "minimum" -> Composites.minimum(e, x, env.get(a.getAsString()));
                case "sum" -> Composites.sum(e, x);
                case "mean" -> Composites.mean(e, x);
                case "sumAxis" -> Composites.sum(e, x, a.getAsInt());
                case "meanAxis" -> Composites.mean(e, x, a.getAsInt());
                case "matmul" -> Composites.matmul(e, x, env.get(a.getAsString()));
                case "dot" -> Composites.dot(e, x, env.get(a.getAsString()));
                case "t" -> Composites.t(e, x);
                case "reshape" -> Composites.reshape(e, x, ints(a.getAsJsonArray()));
                case "softmax" -> Composites.softmax(e, x, a.getAsInt());
                case "logSoftmax" -> Composites.logSoftmax(e, x, a.getAsInt());
                case "to" -> Composites.to(e, x, DType.parse(a.getAsString()));
                default -> throw new IllegalArgumentException(c.name + ": op " + op + " is not in this test's set");
            };
            env.put(result, r);
        }
        return env.get(c.output);
    }

    /** The seed of the case (in the output's dtype), or 1 for a scalar output without one. */
    static Object seedFor(Case c, Type out) {
        double[] s = c.seed != null ? c.seed : new double[] {1};
        return Kernels.constant(out, s);   // exact: the seed data is exact in the output's dtype
    }

    static Object zeros(Type t) {
        return Kernels.newArray(t.dtype(), t.size());
    }

    // ------------------------------------------------------------------ comparing (golden/README.md)

    static double[] reference(JsonObject ex, String key, DType d) {
        return switch (d) {
            case F32 -> doubles(ex.getAsJsonArray(key + "32"));
            case F16 -> doubles(ex.getAsJsonArray(key + "16"));
            case F64, BOOL -> null;
        };
    }

    static double[] referenceGrad(JsonObject ex, String input, DType d) {
        return switch (d) {
            case F32 -> doubles(ex.getAsJsonObject("grads32").getAsJsonArray(input));
            case F16 -> doubles(ex.getAsJsonObject("grads16").getAsJsonArray(input));
            case F64, BOOL -> null;
        };
    }

    /** Null when every element matches by the rule of dtype d, else a message. */
    static String compare(String what, Object got, DType d, double[] truth, double[] ref) {
        if (got == null) return what + ": missing";
        if (!Kernels.fits(Type.of(d, truth.length), got)) return what + ": expected " + truth.length + " values of " + d + ", got " + got.getClass().getSimpleName();
        double scale = 0;
        for (double t : truth) if (Double.isFinite(t)) scale = Math.max(scale, Math.abs(t));
        for (int i = 0; i < truth.length; i++) {
            double g = Kernels.get(got, i), t = truth[i];
            double target = d == DType.F16 ? ref[i] : t;
            boolean ok;
            if (!Double.isFinite(target)) {
                ok = Double.isNaN(target) ? Double.isNaN(g) : g == target;
            } else {
                double tol = switch (d) {
                    case F64 -> 1e-12 + 1e-9 * Math.abs(t) + 1e-9 * scale;
                    case F32 -> 1e-5 + 1e-4 * Math.abs(t) + 8 * Math.abs(ref[i] - t) + 1e-5 * scale;
                    case F16 -> target == 0 ? 0x1p-24 : Math.scalb(1.0, Math.max(Math.getExponent(target), -14) - 10);
                    case BOOL -> 0;
                };
                ok = Math.abs(g - target) <= tol;
            }
            if (!ok) return what + "[" + i + "] = " + g + " (" + d + "), expected " + target + (d == DType.F16 ? " (PyTorch's half)" : "") + ", truth " + t;
        }
        return null;
    }

    private static void add(List<String> failures, String f) {
        if (f != null) failures.add(f);
    }

    // ------------------------------------------------------------------ loading

    static List<String> names() {
        try (Stream<Path> files = Files.list(Path.of(GoldenV2Test.class.getResource("/golden-v2").toURI()))) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".json"))
                    .map(f -> f.substring(0, f.length() - 5)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Case load(String name) {
        try (InputStream in = GoldenV2Test.class.getResourceAsStream("/golden-v2/" + name + ".json")) {
            JsonObject o = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
            DType caseDType = DType.parse(o.has("dtype") ? o.get("dtype").getAsString() : "f32");
            List<Input> inputs = new ArrayList<>();
            for (JsonElement e : o.getAsJsonArray("inputs")) {
                JsonObject i = e.getAsJsonObject();
                DType d = i.has("dtype") ? DType.parse(i.get("dtype").getAsString()) : caseDType;
                Type t = Type.of(d, ints(i.getAsJsonArray("shape")));
                double[] data = doubles(i.getAsJsonArray("data"));
                Object typed = Kernels.constant(t, data);
                assertArrayEquals(data, Kernels.toDoubles(typed), name + ": input data is exact in its dtype");
                inputs.add(new Input(i.get("name").getAsString(), t, typed, i.get("requiresGrad").getAsBoolean()));
            }
            double[] seed = o.has("seed") ? doubles(o.getAsJsonObject("seed").getAsJsonArray("data")) : null;
            return new Case(o.get("name").getAsString(), inputs, o.getAsJsonArray("program"), o.get("output").getAsString(), seed,
                    o.getAsJsonObject("expected"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] ints(JsonArray a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).getAsInt();
        return r;
    }

    static double[] doubles(JsonArray a) {
        double[] r = new double[a.size()];
        for (int i = 0; i < r.length; i++) {
            JsonElement e = a.get(i);
            String s = e.getAsString();
            r[i] = switch (s) {
                case "NaN", "nan" -> Double.NaN;
                case "Infinity", "inf" -> Double.POSITIVE_INFINITY;
                case "-Infinity", "-inf" -> Double.NEGATIVE_INFINITY;
                default -> e.getAsDouble();
            };
        }
        return r;
    }
}
