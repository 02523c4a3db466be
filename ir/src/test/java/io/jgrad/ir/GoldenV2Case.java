package io.jgrad.ir;

import static io.jgrad.ir.GoldenCase.ints;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.jgrad.runtime.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One version-2 PyTorch golden case (shared/golden/cases-v2, copied into
 * src/test/resources/golden-v2; format in shared/golden/README.md "Version 2"): typed inputs,
 * the program run through {@link Composites} over any {@link Emitter}, and PyTorch's results
 * with the comparison rule of each dtype.
 */
final class GoldenV2Case {
    final String name;
    final DType dtype;
    final List<String> inputNames = new ArrayList<>();
    final List<Type> inputTypes = new ArrayList<>();
    final List<double[]> inputData = new ArrayList<>();
    final List<Boolean> requiresGrad = new ArrayList<>();
    final JsonArray program;
    final String output;
    final double[] seed;   // null for a scalar output without a seed
    final DType outputDType;
    final double[] value, valueLow;   // valueLow: PyTorch's own result in the output's dtype (f32/f16), else null
    final Map<String, double[]> grads = new LinkedHashMap<>(), gradsLow = new LinkedHashMap<>();

    private GoldenV2Case(JsonObject o) {
        name = o.get("name").getAsString();
        dtype = o.has("dtype") ? DType.parse(o.get("dtype").getAsString()) : DType.F32;
        for (JsonElement el : o.getAsJsonArray("inputs")) {
            JsonObject in = el.getAsJsonObject();
            inputNames.add(in.get("name").getAsString());
            DType d = in.has("dtype") ? DType.parse(in.get("dtype").getAsString()) : dtype;
            Type t = Type.of(d, ints(in.getAsJsonArray("shape")));
            double[] data = doubles(in.getAsJsonArray("data"));
            if (!java.util.Arrays.equals(data, Kernels.toDoubles(Kernels.constant(t, data))))
                throw new IllegalStateException(name + ": input " + in.get("name").getAsString() + "'s data is not exact in " + t);
            inputTypes.add(t);
            inputData.add(data);
            requiresGrad.add(in.get("requiresGrad").getAsBoolean());
        }
        program = o.getAsJsonArray("program");
        output = o.get("output").getAsString();
        seed = o.has("seed") ? doubles(o.getAsJsonObject("seed").getAsJsonArray("data")) : null;
        JsonObject ex = o.getAsJsonObject("expected");
        outputDType = DType.parse(ex.get("dtype").getAsString());
        value = doubles(ex.getAsJsonArray("value"));
        valueLow = low(ex, "value", outputDType) == null ? null : doubles(ex.getAsJsonArray(low(ex, "value", outputDType)));
        for (var g : ex.getAsJsonObject("grads").entrySet()) grads.put(g.getKey(), doubles(g.getValue().getAsJsonArray()));
        for (String k : new String[] {"grads32", "grads16"})
            if (ex.has(k)) for (var g : ex.getAsJsonObject(k).entrySet()) gradsLow.put(g.getKey(), doubles(g.getValue().getAsJsonArray()));
        derivs = derivs(o);
    }

    private static String low(JsonObject ex, String what, DType d) {
        String k = switch (d) { case F32 -> what + "32"; case F16 -> what + "16"; case F64, BOOL -> null; };
        return k != null && ex.has(k) ? k : null;
    }

    static GoldenV2Case load(String name) {
        return new GoldenV2Case(GoldenCase.json("golden-v2", name));
    }

    /** The names of every case in src/test/resources/golden-v2, sorted. */
    static List<String> all() {
        return GoldenCase.names("golden-v2");
    }

    boolean[] wrt() {
        boolean[] w = new boolean[requiresGrad.size()];
        for (int i = 0; i < w.length; i++) w[i] = requiresGrad.get(i);
        return w;
    }

    /** Input i as the typed array of its dtype (exact: the data are exact in it). */
    Object inputValue(int i) {
        return Kernels.constant(inputTypes.get(i), inputData.get(i));
    }

    /** The seed in the output's dtype (ones for a scalar output without a seed). */
    Object seedValue(Type out) {
        return Kernels.constant(out, seed != null ? seed : new double[] {1});
    }

    /** Runs the program over e, given the ids of the inputs (in order); returns the output's id. */
    int run(Emitter e, int[] inputs) {
        return runAll(e, inputs).get(output);
    }

    /** Runs the program over e; returns the id of every named value. */
    Map<String, Integer> runAll(Emitter e, int[] inputs) {
        Map<String, Integer> env = new HashMap<>();
        for (int i = 0; i < inputs.length; i++) env.put(inputNames.get(i), inputs[i]);
        for (JsonElement s : program) {
            JsonArray st = s.getAsJsonArray();
            String op = st.get(1).getAsString();
            env.put(st.get(0).getAsString(), statement(e, env, op, st));
        }
        return env;
    }

    /** The derivs block (derivs_* cases, all f64), or null. */
    final Derivs derivs;

    /** PyTorch's higher derivatives of a smooth case (README, "derivs"). */
    record Derivs(String tensor, double[] tensorValue, Map<String, double[]> tangents, double[] jvp,
                  Map<String, double[]> jacobian, Map<String, double[]> v, Map<String, double[]> hvp) {}

    private static Derivs derivs(JsonObject o) {
        if (!o.has("derivs")) return null;
        JsonObject d = o.getAsJsonObject("derivs");
        return new Derivs(d.get("tensor").getAsString(), doubles(d.getAsJsonArray("tensorValue")), map(d, "tangents"),
                doubles(d.getAsJsonArray("jvp")), map(d, "jacobian"), map(d, "v"), map(d, "hvp"));
    }

    private static Map<String, double[]> map(JsonObject d, String key) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (var g : d.getAsJsonObject(key).entrySet()) m.put(g.getKey(), doubles(g.getValue().getAsJsonArray()));
        return m;
    }

    private int statement(Emitter e, Map<String, Integer> env, String op, JsonArray st) {
        int n = st.size();
        JsonElement a1 = n > 3 ? st.get(3) : null, a2 = n > 4 ? st.get(4) : null, a3 = n > 5 ? st.get(5) : null;
        if (op.equals("cat") || op.equals("stack")) {
            JsonArray names = st.get(2).getAsJsonArray();
            int[] xs = new int[names.size()];
            for (int i = 0; i < xs.length; i++) xs[i] = env.get(names.get(i).getAsString());
            return op.equals("cat") ? Composites.cat(e, a1.getAsInt(), xs) : Composites.stack(e, a1.getAsInt(), xs);
        }
        int x = env.get(st.get(2).getAsString());
        boolean tensor = a1 != null && a1.isJsonPrimitive() && a1.getAsJsonPrimitive().isString() && !op.equals("to");
        int y = tensor ? env.get(a1.getAsString()) : -1;
        return switch (op) {
            case "add" -> tensor ? Composites.add(e, x, y) : Composites.add(e, x, a1.getAsDouble());
            case "sub" -> tensor ? Composites.sub(e, x, y) : Composites.sub(e, x, a1.getAsDouble());
            case "mul" -> tensor ? Composites.mul(e, x, y) : Composites.mul(e, x, a1.getAsDouble());
            case "div" -> tensor ? Composites.div(e, x, y) : Composites.div(e, x, a1.getAsDouble());
            case "rsub" -> Composites.rsub(e, x, a1.getAsDouble());
            case "rdiv" -> Composites.rdiv(e, x, a1.getAsDouble());
            case "pow" -> tensor ? Composites.powTensor(e, x, y) : Composites.pow(e, x, a1.getAsDouble());
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
            case "clamp" -> Composites.clamp(e, x, a1.getAsDouble(), a2.getAsDouble());
            case "maximum" -> Composites.maximum(e, x, y);
            case "minimum" -> Composites.minimum(e, x, y);
            case "sum" -> Composites.sum(e, x);
            case "mean" -> Composites.mean(e, x);
            case "sumAxis" -> a2 == null ? Composites.sum(e, x, a1.getAsInt()) : Composites.sum(e, x, a1.getAsInt(), a2.getAsBoolean());
            case "meanAxis" -> a2 == null ? Composites.mean(e, x, a1.getAsInt()) : Composites.mean(e, x, a1.getAsInt(), a2.getAsBoolean());
            case "matmul" -> Composites.matmul(e, x, y);
            case "dot" -> Composites.dot(e, x, y);
            case "t" -> Composites.t(e, x);
            case "reshape" -> Composites.reshape(e, x, ints(a1.getAsJsonArray()));
            case "softmax" -> Composites.softmax(e, x, a1.getAsInt());
            case "logSoftmax" -> Composites.logSoftmax(e, x, a1.getAsInt());
            // version 2
            case "slice" -> Composites.slice(e, x, a1.getAsInt(), a2.getAsInt(), a3.getAsInt());
            case "select" -> Composites.select(e, x, a1.getAsInt(), a2.getAsInt());
            case "indexSelect" -> Composites.indexSelect(e, x, a1.getAsInt(), ints(a2.getAsJsonArray()));
            case "unsqueeze" -> Composites.unsqueeze(e, x, a1.getAsInt());
            case "squeeze" -> Composites.squeeze(e, x, a1.getAsInt());
            case "permute" -> Composites.permute(e, x, ints(a1.getAsJsonArray()));
            case "transpose" -> Composites.transpose(e, x, a1.getAsInt(), a2.getAsInt());
            case "expand" -> Composites.expand(e, x, ints(a1.getAsJsonArray()));
            case "flatten" -> Composites.flatten(e, x);
            case "gt" -> tensor ? Composites.gt(e, x, y) : Composites.gt(e, x, a1.getAsDouble());
            case "ge" -> tensor ? Composites.ge(e, x, y) : Composites.ge(e, x, a1.getAsDouble());
            case "lt" -> tensor ? Composites.lt(e, x, y) : Composites.lt(e, x, a1.getAsDouble());
            case "le" -> tensor ? Composites.le(e, x, y) : Composites.le(e, x, a1.getAsDouble());
            case "eq" -> tensor ? Composites.eq(e, x, y) : Composites.eq(e, x, a1.getAsDouble());
            case "ne" -> tensor ? Composites.ne(e, x, y) : Composites.ne(e, x, a1.getAsDouble());
            case "where" -> Composites.where(e, x, y, env.get(a2.getAsString()));
            case "logicalNot" -> Composites.logicalNot(e, x);
            case "logicalAnd" -> Composites.logicalAnd(e, x, y);
            case "logicalOr" -> Composites.logicalOr(e, x, y);
            case "amax" -> Composites.amax(e, x);
            case "amin" -> Composites.amin(e, x);
            case "amaxAxis" -> a2 == null ? Composites.amax(e, x, a1.getAsInt()) : Composites.amax(e, x, a1.getAsInt(), a2.getAsBoolean());
            case "aminAxis" -> a2 == null ? Composites.amin(e, x, a1.getAsInt()) : Composites.amin(e, x, a1.getAsInt(), a2.getAsBoolean());
            case "logsumexp" -> a2 == null ? Composites.logsumexp(e, x, a1.getAsInt()) : Composites.logsumexp(e, x, a1.getAsInt(), a2.getAsBoolean());
            case "prod" -> Composites.prod(e, x);
            case "prodAxis" -> Composites.prod(e, x, a1.getAsInt());
            case "var" -> Composites.var(e, x, a1.getAsInt());
            case "std" -> Composites.std(e, x, a1.getAsInt());
            case "tan" -> Composites.tan(e, x);
            case "asin" -> Composites.asin(e, x);
            case "acos" -> Composites.acos(e, x);
            case "atan" -> Composites.atan(e, x);
            case "sinh" -> Composites.sinh(e, x);
            case "cosh" -> Composites.cosh(e, x);
            case "expm1" -> Composites.expm1(e, x);
            case "log2" -> Composites.log2(e, x);
            case "log10" -> Composites.log10(e, x);
            case "reciprocal" -> Composites.reciprocal(e, x);
            case "rsqrt" -> Composites.rsqrt(e, x);
            case "erf" -> Composites.erf(e, x);
            case "erfc" -> Composites.erfc(e, x);
            case "sign" -> Composites.sign(e, x);
            case "floor" -> Composites.floor(e, x);
            case "ceil" -> Composites.ceil(e, x);
            case "round" -> Composites.round(e, x);
            case "atan2" -> Composites.atan2(e, x, y);
            case "logSigmoid" -> Composites.logSigmoid(e, x);
            case "silu" -> Composites.silu(e, x);
            case "gelu" -> Composites.gelu(e, x);
            case "leakyRelu" -> Composites.leakyRelu(e, x, a1.getAsDouble());
            case "elu" -> Composites.elu(e, x, a1.getAsDouble());
            case "to" -> Composites.to(e, x, DType.parse(a1.getAsString()));
            default -> throw new IllegalArgumentException(name + ": unknown op " + op);
        };
    }

    // ------------------------------------------------------------------ comparison (README, version 2)

    /**
     * Compares got (in dtype d, as doubles) with PyTorch's float64 truth t and, for f32 and f16,
     * PyTorch's own result in that dtype (low). Returns null when every element matches, else a message.
     * <ul>
     *   <li>f32: |g - t| &lt;= 1e-5 + 1e-4|t| + 8|t32 - t| + 1e-5 max|t|;</li>
     *   <li>f64: |g - t| &lt;= 1e-12 + 1e-9|t| + 1e-9 max|t|;</li>
     *   <li>f16: |g - t16| &lt;= one half ulp of t16, 2^(max(floor(log2|t16|), -14) - 10);</li>
     *   <li>a non-finite expected value is matched exactly.</li>
     * </ul>
     */
    static String compare(String what, DType d, double[] got, double[] truth, double[] low) {
        if (got.length != truth.length) return what + ": " + got.length + " values, expected " + truth.length;
        if (d != DType.F64 && low == null) return what + ": no PyTorch " + d.text + " result in the case";
        double scale = 0;
        for (double t : truth) if (Double.isFinite(t)) scale = Math.max(scale, Math.abs(t));
        for (int i = 0; i < got.length; i++) {
            double g = got[i], t = d == DType.F16 ? low[i] : truth[i];
            boolean ok;
            if (!Double.isFinite(t)) ok = Double.isNaN(t) ? Double.isNaN(g) : g == t;
            else ok = switch (d) {
                case F32 -> Math.abs(g - t) <= 1e-5 + 1e-4 * Math.abs(t) + 8 * Math.abs(low[i] - t) + 1e-5 * scale;
                case F64 -> Math.abs(g - t) <= 1e-12 + 1e-9 * Math.abs(t) + 1e-9 * scale;
                case F16 -> Math.abs(g - t) <= (t == 0 ? 0x1p-24 : Math.scalb(1.0, Math.max(Math.getExponent(t), -14) - 10));
                case BOOL -> false;
            };
            if (!ok) return what + "[" + i + "] = " + g + ", expected " + t + (low != null && d != DType.F16 ? " (PyTorch " + d.text + ": " + low[i] + ")" : "")
                    + " in " + d.text;
        }
        return null;
    }

    private static double[] doubles(JsonArray a) {
        double[] r = new double[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).isJsonNull() ? Double.NaN : a.get(i).getAsDouble();
        return r;
    }
}
