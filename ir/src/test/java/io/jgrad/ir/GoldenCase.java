package io.jgrad.ir;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One PyTorch golden case (shared/golden, copied into src/test/resources/golden): its inputs,
 * its program lowered through {@link Composites}, and PyTorch's float64 and float32 results.
 */
final class GoldenCase {
    final String name;
    final List<String> inputNames = new ArrayList<>();
    final List<int[]> inputShapes = new ArrayList<>();
    final List<float[]> inputData = new ArrayList<>();
    final List<Boolean> requiresGrad = new ArrayList<>();
    final JsonArray program;
    final String output;
    final float[] seed;                     // null for a scalar output without a seed
    final double[] value, value32;
    final Map<String, double[]> grads = new LinkedHashMap<>(), grads32 = new LinkedHashMap<>();

    private GoldenCase(JsonObject o) {
        name = o.get("name").getAsString();
        for (JsonElement e : o.getAsJsonArray("inputs")) {
            JsonObject in = e.getAsJsonObject();
            inputNames.add(in.get("name").getAsString());
            inputShapes.add(ints(in.getAsJsonArray("shape")));
            double[] d = doubles(in.getAsJsonArray("data"));
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
            inputData.add(f);
            requiresGrad.add(in.get("requiresGrad").getAsBoolean());
        }
        program = o.getAsJsonArray("program");
        output = o.get("output").getAsString();
        if (o.has("seed")) {
            double[] d = doubles(o.getAsJsonObject("seed").getAsJsonArray("data"));
            seed = new float[d.length];
            for (int i = 0; i < d.length; i++) seed[i] = (float) d[i];
        } else {
            seed = null;
        }
        JsonObject ex = o.getAsJsonObject("expected");
        value = doubles(ex.getAsJsonArray("value"));
        value32 = doubles(ex.getAsJsonArray("value32"));
        for (var g : ex.getAsJsonObject("grads").entrySet()) grads.put(g.getKey(), doubles(g.getValue().getAsJsonArray()));
        for (var g : ex.getAsJsonObject("grads32").entrySet()) grads32.put(g.getKey(), doubles(g.getValue().getAsJsonArray()));
    }

    static GoldenCase load(String name) {
        return new GoldenCase(json("golden", name));
    }

    /** The names of every case in src/test/resources/golden, sorted. */
    static List<String> all() {
        return names("golden");
    }

    /** Case {@code name} of the test resources' {@code folder} (golden, golden-v2). */
    static JsonObject json(String folder, String name) {
        try (InputStream in = GoldenCase.class.getResourceAsStream("/" + folder + "/" + name + ".json")) {
            if (in == null) throw new IllegalArgumentException("no golden case " + name);
            return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of every case in the test resources' {@code folder}, sorted. */
    static List<String> names(String folder) {
        try (Stream<Path> files = Files.list(Path.of(GoldenCase.class.getResource("/" + folder).toURI()))) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".json"))
                    .map(f -> f.substring(0, f.length() - 5)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The forward graph: one INPUT per case input (in order), the program through Composites, one output "out". */
    Graph forward() {
        Builder b = new Builder();
        Map<String, Integer> env = new HashMap<>();
        for (int i = 0; i < inputNames.size(); i++) env.put(inputNames.get(i), b.input(i, inputNames.get(i), Type.f32(inputShapes.get(i))));
        for (JsonElement s : program) {
            JsonArray st = s.getAsJsonArray();
            String result = st.get(0).getAsString(), op = st.get(1).getAsString();
            int x = env.get(st.get(2).getAsString());
            JsonElement arg2 = st.size() > 3 ? st.get(3) : null;
            int r = switch (op) {
                case "add" -> isName(arg2) ? Composites.add(b, x, env.get(arg2.getAsString())) : Composites.add(b, x, arg2.getAsFloat());
                case "sub" -> isName(arg2) ? Composites.sub(b, x, env.get(arg2.getAsString())) : Composites.sub(b, x, arg2.getAsFloat());
                case "mul" -> isName(arg2) ? Composites.mul(b, x, env.get(arg2.getAsString())) : Composites.mul(b, x, arg2.getAsFloat());
                case "div" -> isName(arg2) ? Composites.div(b, x, env.get(arg2.getAsString())) : Composites.div(b, x, arg2.getAsFloat());
                case "rsub" -> Composites.rsub(b, x, arg2.getAsFloat());
                case "rdiv" -> Composites.rdiv(b, x, arg2.getAsFloat());
                case "pow" -> Composites.pow(b, x, arg2.getAsFloat());
                case "neg" -> Composites.neg(b, x);
                case "exp" -> Composites.exp(b, x);
                case "log" -> Composites.log(b, x);
                case "log1p" -> Composites.log1p(b, x);
                case "sin" -> Composites.sin(b, x);
                case "cos" -> Composites.cos(b, x);
                case "tanh" -> Composites.tanh(b, x);
                case "sigmoid" -> Composites.sigmoid(b, x);
                case "relu" -> Composites.relu(b, x);
                case "softplus" -> Composites.softplus(b, x);
                case "sqrt" -> Composites.sqrt(b, x);
                case "abs" -> Composites.abs(b, x);
                case "square" -> Composites.square(b, x);
                case "clamp" -> Composites.clamp(b, x, arg2.getAsFloat(), st.get(4).getAsFloat());
                case "maximum" -> Composites.maximum(b, x, env.get(arg2.getAsString()));
                case "minimum" -> Composites.minimum(b, x, env.get(arg2.getAsString()));
                case "sum" -> Composites.sum(b, x);
                case "mean" -> Composites.mean(b, x);
                case "sumAxis" -> Composites.sum(b, x, arg2.getAsInt());
                case "meanAxis" -> Composites.mean(b, x, arg2.getAsInt());
                case "matmul" -> Composites.matmul(b, x, env.get(arg2.getAsString()));
                case "dot" -> Composites.dot(b, x, env.get(arg2.getAsString()));
                case "t" -> Composites.t(b, x);
                case "reshape" -> Composites.reshape(b, x, ints(arg2.getAsJsonArray()));
                case "softmax" -> Composites.softmax(b, x, arg2.getAsInt());
                case "logSoftmax" -> Composites.logSoftmax(b, x, arg2.getAsInt());
                default -> throw new IllegalArgumentException(name + ": unknown op " + op);
            };
            env.put(result, r);
        }
        return b.build(new int[] {env.get(output)}, new String[] {"out"});
    }

    boolean[] wrt() {
        boolean[] w = new boolean[requiresGrad.size()];
        for (int i = 0; i < w.length; i++) w[i] = requiresGrad.get(i);
        return w;
    }

    /** The inputs of the forward+adjoint graph: the case's inputs, then the seed if there is one. */
    float[][] adjointInputs() {
        List<float[]> in = new ArrayList<>(inputData);
        if (seed != null) in.add(seed);
        return in.toArray(new float[0][]);
    }

    /**
     * golden/README.md's rule: |g - t| <= 1e-5 + 1e-4|t| + 8|t32 - t| + 1e-5 max|t|;
     * a non-finite t is matched exactly. Returns null when every element matches, else a message.
     */
    static String compare(String what, float[] got, double[] truth, double[] truth32) {
        if (got.length != truth.length) return what + ": " + got.length + " values, expected " + truth.length;
        double scale = 0;
        for (double t : truth) if (Double.isFinite(t)) scale = Math.max(scale, Math.abs(t));
        for (int i = 0; i < got.length; i++) {
            double g = got[i], t = truth[i], t32 = truth32[i];
            boolean ok = Double.isFinite(t)
                    ? Math.abs(g - t) <= 1e-5 + 1e-4 * Math.abs(t) + 8 * Math.abs(t32 - t) + 1e-5 * scale
                    : (Double.isNaN(t) ? Double.isNaN(g) : g == t);
            if (!ok) return what + "[" + i + "] = " + g + ", expected " + t + " (PyTorch float32: " + t32 + ")";
        }
        return null;
    }

    private static boolean isName(JsonElement e) {
        return e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
    }

    /** A JSON array of ints (GoldenV2Case's too). */
    static int[] ints(JsonArray a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).getAsInt();
        return r;
    }

    private static double[] doubles(JsonArray a) {
        double[] r = new double[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).getAsDouble();
        return r;
    }
}
