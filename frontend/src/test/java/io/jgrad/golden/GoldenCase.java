package io.jgrad.golden;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.jgrad.Tensor;
import io.jgrad.runtime.DType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * One golden case of shared/golden (format in its README.md): inputs, a straight-line
 * program, and PyTorch's value and gradients in float64 and float32.
 *
 * <p>{@link #run} interprets the program with any op table mapping an op name and its
 * arguments to a tensor ({@link #TENSOR_OPS} calls the Tensor API), so the same runner
 * serves the eager engine and, later, a traced function handed to {@code Grad.compile}.
 */
public final class GoldenCase {
    /**
     * One input: {@code values} exact in its dtype; {@code data} the same as floats (exact for
     * F32 and F16 inputs, the only ones the float paths use).
     */
    public record Input(String name, int[] shape, float[] data, boolean requiresGrad, DType dtype, double[] values) {
        /** A fresh eager tensor of this input's dtype and values (a leaf), requiring a gradient as the case says. */
        public Tensor tensor() {
            Tensor t = switch (dtype) {
                case F32 -> Tensor.of(data, shape);
                case F64 -> Tensor.of(values, shape);
                case F16, BOOL -> Tensor.of(values, shape).to(dtype);   // exact: the values are halves
            };
            return t.requiresGrad(requiresGrad);
        }
    }

    /** {@code result = op(args...)}; an arg is a name, a number, or (reshape) a shape list, as in the JSON. */
    public record Stmt(String result, String op, List<JsonElement> args) {}

    public final String name;
    public final String note;
    public final List<Input> inputs;
    public final List<Stmt> program;
    public final String output;
    /** The vector-Jacobian seed for a tensor output, or null for a scalar output (seed64: exact, in the output's dtype). */
    public final int[] seedShape;
    public final float[] seed;
    public final double[] seed64;
    public final int[] expectedShape;
    /** The case's dtype (version 2's "dtype", F32 when absent) and the output's. */
    public final DType dtype, outputDType;
    /** PyTorch's value in float64 (the truth), in float32 and float16 (null where the case has none). */
    public final double[] value, value32, value16;
    public final Map<String, double[]> grads, grads32, grads16;

    /**
     * Argument kinds per op, as gen.py's OPS table: t a tensor name, tc a tensor name or a
     * float constant, f a float, i an int axis, s a shape list.
     */
    public static final Map<String, String> OPS = Map.ofEntries(
            Map.entry("add", "t tc"), Map.entry("sub", "t tc"), Map.entry("mul", "t tc"), Map.entry("div", "t tc"),
            Map.entry("rsub", "t f"), Map.entry("rdiv", "t f"), Map.entry("pow", "t tc"),
            Map.entry("neg", "t"), Map.entry("exp", "t"), Map.entry("log", "t"), Map.entry("log1p", "t"),
            Map.entry("sin", "t"), Map.entry("cos", "t"), Map.entry("tanh", "t"), Map.entry("sigmoid", "t"),
            Map.entry("relu", "t"), Map.entry("softplus", "t"), Map.entry("sqrt", "t"), Map.entry("abs", "t"),
            Map.entry("square", "t"), Map.entry("clamp", "t f f"), Map.entry("maximum", "t t"), Map.entry("minimum", "t t"),
            Map.entry("sum", "t"), Map.entry("mean", "t"), Map.entry("sumAxis", "t i b?"), Map.entry("meanAxis", "t i b?"),
            Map.entry("matmul", "t t"), Map.entry("dot", "t t"), Map.entry("t", "t"), Map.entry("reshape", "t s"),
            Map.entry("softmax", "t i"), Map.entry("logSoftmax", "t i"), Map.entry("to", "t d"),
            // version 2 "More operations" (gen.py's OPS_V2); sumAxis/meanAxis take an optional keepDim (b?)
            Map.entry("slice", "t i i i"), Map.entry("select", "t i i"), Map.entry("indexSelect", "t i il"),
            Map.entry("cat", "tl i"), Map.entry("stack", "tl i"), Map.entry("unsqueeze", "t i"), Map.entry("squeeze", "t i"),
            Map.entry("permute", "t il"), Map.entry("transpose", "t i i"), Map.entry("expand", "t s"), Map.entry("flatten", "t"),
            Map.entry("gt", "t tc"), Map.entry("ge", "t tc"), Map.entry("lt", "t tc"), Map.entry("le", "t tc"),
            Map.entry("eq", "t tc"), Map.entry("ne", "t tc"), Map.entry("where", "t t t"), Map.entry("logicalNot", "t"),
            Map.entry("logicalAnd", "t t"), Map.entry("logicalOr", "t t"), Map.entry("amax", "t"), Map.entry("amin", "t"),
            Map.entry("amaxAxis", "t i b?"), Map.entry("aminAxis", "t i b?"), Map.entry("logsumexp", "t i b?"),
            Map.entry("prod", "t"), Map.entry("prodAxis", "t i"), Map.entry("var", "t i"), Map.entry("std", "t i"),
            Map.entry("tan", "t"), Map.entry("asin", "t"), Map.entry("acos", "t"), Map.entry("atan", "t"), Map.entry("sinh", "t"),
            Map.entry("cosh", "t"), Map.entry("expm1", "t"), Map.entry("log2", "t"), Map.entry("log10", "t"),
            Map.entry("reciprocal", "t"), Map.entry("rsqrt", "t"), Map.entry("erf", "t"), Map.entry("erfc", "t"),
            Map.entry("sign", "t"), Map.entry("floor", "t"), Map.entry("ceil", "t"), Map.entry("round", "t"),
            Map.entry("atan2", "t t"), Map.entry("logSigmoid", "t"), Map.entry("silu", "t"), Map.entry("gelu", "t"),
            Map.entry("leakyRelu", "t f"), Map.entry("elu", "t f"));

    /**
     * The op table over the public Tensor API. Arguments arrive resolved: a {@link Tensor}, a
     * {@link Double} (constants), an {@link Integer} (axes), an {@code int[]} (shapes) or a
     * {@link DType}. A constant goes to the {@code double} overload on an F64 tensor and to the
     * {@code float} one otherwise, as a user writes them.
     */
    public static final BiFunction<String, Object[], Tensor> TENSOR_OPS = (op, a) -> {
        if (op.equals("cat")) return Tensor.cat((Integer) a[1], (Tensor[]) a[0]);
        if (op.equals("stack")) return Tensor.stack((Integer) a[1], (Tensor[]) a[0]);
        Tensor x = (Tensor) a[0];
        boolean f64 = x.dtype() == DType.F64;
        switch (op) {
            case "add": return a[1] instanceof Tensor ? x.add((Tensor) a[1]) : f64 ? x.add(d(a[1])) : x.add(f(a[1]));
            case "sub": return a[1] instanceof Tensor ? x.sub((Tensor) a[1]) : f64 ? x.sub(d(a[1])) : x.sub(f(a[1]));
            case "mul": return a[1] instanceof Tensor ? x.mul((Tensor) a[1]) : f64 ? x.mul(d(a[1])) : x.mul(f(a[1]));
            case "div": return a[1] instanceof Tensor ? x.div((Tensor) a[1]) : f64 ? x.div(d(a[1])) : x.div(f(a[1]));
            case "rsub": return f64 ? x.rsub(d(a[1])) : x.rsub(f(a[1]));
            case "rdiv": return f64 ? x.rdiv(d(a[1])) : x.rdiv(f(a[1]));
            case "pow": return a[1] instanceof Tensor ? x.pow((Tensor) a[1]) : f64 ? x.pow(d(a[1])) : x.pow(f(a[1]));
            case "neg": return x.neg();
            case "exp": return x.exp();
            case "log": return x.log();
            case "log1p": return x.log1p();
            case "sin": return x.sin();
            case "cos": return x.cos();
            case "tanh": return x.tanh();
            case "sigmoid": return x.sigmoid();
            case "relu": return x.relu();
            case "softplus": return x.softplus();
            case "sqrt": return x.sqrt();
            case "abs": return x.abs();
            case "square": return x.square();
            case "clamp": return f64 ? x.clamp(d(a[1]), d(a[2])) : x.clamp(f(a[1]), f(a[2]));
            case "maximum": return x.maximum((Tensor) a[1]);
            case "minimum": return x.minimum((Tensor) a[1]);
            case "sum": return x.sum();
            case "mean": return x.mean();
            case "sumAxis": return a.length > 2 ? x.sum((Integer) a[1], (Boolean) a[2]) : x.sum((Integer) a[1]);
            case "meanAxis": return a.length > 2 ? x.mean((Integer) a[1], (Boolean) a[2]) : x.mean((Integer) a[1]);
            case "matmul": return x.matmul((Tensor) a[1]);
            case "dot": return x.dot((Tensor) a[1]);
            case "t": return x.t();
            case "reshape": return x.reshape((int[]) a[1]);
            case "softmax": return x.softmax((Integer) a[1]);
            case "logSoftmax": return x.logSoftmax((Integer) a[1]);
            case "to": return x.to((DType) a[1]);
            case "slice": return x.slice((Integer) a[1], (Integer) a[2], (Integer) a[3]);
            case "select": return x.select((Integer) a[1], (Integer) a[2]);
            case "indexSelect": return x.indexSelect((Integer) a[1], (int[]) a[2]);
            case "unsqueeze": return x.unsqueeze((Integer) a[1]);
            case "squeeze": return x.squeeze((Integer) a[1]);
            case "permute": return x.permute((int[]) a[1]);
            case "transpose": return x.transpose((Integer) a[1], (Integer) a[2]);
            case "expand": return x.expand((int[]) a[1]);
            case "flatten": return x.flatten();
            // a comparison constant is converted to the tensor's dtype: the double overload means the same number
            case "gt": return a[1] instanceof Tensor ? x.gt((Tensor) a[1]) : x.gt(d(a[1]));
            case "ge": return a[1] instanceof Tensor ? x.ge((Tensor) a[1]) : x.ge(d(a[1]));
            case "lt": return a[1] instanceof Tensor ? x.lt((Tensor) a[1]) : x.lt(d(a[1]));
            case "le": return a[1] instanceof Tensor ? x.le((Tensor) a[1]) : x.le(d(a[1]));
            case "eq": return a[1] instanceof Tensor ? x.eq((Tensor) a[1]) : x.eq(d(a[1]));
            case "ne": return a[1] instanceof Tensor ? x.ne((Tensor) a[1]) : x.ne(d(a[1]));
            case "where": return Tensor.where(x, (Tensor) a[1], (Tensor) a[2]);
            case "logicalNot": return x.logicalNot();
            case "logicalAnd": return x.logicalAnd((Tensor) a[1]);
            case "logicalOr": return x.logicalOr((Tensor) a[1]);
            case "amax": return x.amax();
            case "amin": return x.amin();
            case "amaxAxis": return a.length > 2 ? x.amax((Integer) a[1], (Boolean) a[2]) : x.amax((Integer) a[1]);
            case "aminAxis": return a.length > 2 ? x.amin((Integer) a[1], (Boolean) a[2]) : x.amin((Integer) a[1]);
            case "logsumexp": return a.length > 2 ? x.logsumexp((Integer) a[1], (Boolean) a[2]) : x.logsumexp((Integer) a[1]);
            case "prod": return x.prod();
            case "prodAxis": return x.prod((Integer) a[1]);
            case "var": return x.var((Integer) a[1]);
            case "std": return x.std((Integer) a[1]);
            case "tan": return x.tan();
            case "asin": return x.asin();
            case "acos": return x.acos();
            case "atan": return x.atan();
            case "sinh": return x.sinh();
            case "cosh": return x.cosh();
            case "expm1": return x.expm1();
            case "log2": return x.log2();
            case "log10": return x.log10();
            case "reciprocal": return x.reciprocal();
            case "rsqrt": return x.rsqrt();
            case "erf": return x.erf();
            case "erfc": return x.erfc();
            case "sign": return x.sign();
            case "floor": return x.floor();
            case "ceil": return x.ceil();
            case "round": return x.round();
            case "atan2": return x.atan2((Tensor) a[1]);
            case "logSigmoid": return x.logSigmoid();
            case "silu": return x.silu();
            case "gelu": return x.gelu();
            case "leakyRelu": return x.leakyRelu(d(a[1]));
            case "elu": return x.elu(d(a[1]));
            default: throw new IllegalArgumentException("golden: unknown op " + op);
        }
    };

    private static double d(Object c) {
        return (Double) c;
    }

    /**
     * A constant as the float the program means on an F32 or F16 tensor: version 1 writes clamp
     * bounds such as 1e-8 as doubles, and PyTorch's float32 run used the float nearest them.
     */
    private static float f(Object c) {
        return (float) (double) (Double) c;
    }

    private GoldenCase(JsonObject o) {
        name = o.get("name").getAsString();
        note = o.has("note") ? o.get("note").getAsString() : "";
        dtype = o.has("dtype") ? DType.parse(o.get("dtype").getAsString()) : DType.F32;
        inputs = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("inputs")) {
            JsonObject in = e.getAsJsonObject();
            DType d = in.has("dtype") ? DType.parse(in.get("dtype").getAsString()) : dtype;
            inputs.add(new Input(in.get("name").getAsString(), ints(in.getAsJsonArray("shape")),
                    floats(in.getAsJsonArray("data")), in.get("requiresGrad").getAsBoolean(), d, doubles(in.getAsJsonArray("data"))));
        }
        program = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("program")) {
            JsonArray s = e.getAsJsonArray();
            List<JsonElement> args = new ArrayList<>();
            for (int i = 2; i < s.size(); i++) args.add(s.get(i));
            program.add(new Stmt(s.get(0).getAsString(), s.get(1).getAsString(), args));
        }
        output = o.get("output").getAsString();
        if (o.has("seed")) {
            JsonObject s = o.getAsJsonObject("seed");
            seedShape = ints(s.getAsJsonArray("shape"));
            seed = floats(s.getAsJsonArray("data"));
            seed64 = doubles(s.getAsJsonArray("data"));
        } else {
            seedShape = null;
            seed = null;
            seed64 = null;
        }
        JsonObject ex = o.getAsJsonObject("expected");
        expectedShape = ints(ex.getAsJsonArray("shape"));
        outputDType = ex.has("dtype") ? DType.parse(ex.get("dtype").getAsString()) : dtype;
        value = doubles(ex.getAsJsonArray("value"));
        value32 = ex.has("value32") ? doubles(ex.getAsJsonArray("value32")) : null;
        value16 = ex.has("value16") ? doubles(ex.getAsJsonArray("value16")) : null;
        grads = gradMap(ex.getAsJsonObject("grads"));
        grads32 = ex.has("grads32") ? gradMap(ex.getAsJsonObject("grads32")) : Map.of();
        grads16 = ex.has("grads16") ? gradMap(ex.getAsJsonObject("grads16")) : Map.of();
    }

    /** Parses one case (Python's json writes Infinity and NaN, which Gson's tree parser accepts). */
    public static GoldenCase parse(String json) {
        return new GoldenCase(JsonParser.parseString(json).getAsJsonObject());
    }

    /** Every case under the classpath folder {@code golden/}, sorted by name. */
    public static List<GoldenCase> loadAll() {
        return loadAll("golden");
    }

    /** Every case under a classpath folder, sorted by name. */
    public static List<GoldenCase> loadAll(String folder) {
        URL dir = GoldenCase.class.getClassLoader().getResource(folder);
        if (dir == null) throw new IllegalStateException("no " + folder + "/ folder on the test classpath");
        try (Stream<Path> files = Files.list(Paths.get(dir.toURI()))) {
            List<GoldenCase> cases = new ArrayList<>();
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".json")).sorted()::iterator) {
                cases.add(parse(Files.readString(p, StandardCharsets.UTF_8)));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One case by name, from the classpath folder {@code golden/}. */
    public static GoldenCase load(String caseName) {
        try (InputStream in = GoldenCase.class.getClassLoader().getResourceAsStream("golden/" + caseName + ".json")) {
            if (in == null) throw new IllegalArgumentException("no golden case " + caseName);
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fresh eager tensors for the inputs, in order and of their dtypes, those with requiresGrad marked so. */
    public Map<String, Tensor> eagerInputs() {
        Map<String, Tensor> env = new LinkedHashMap<>();
        for (Input in : inputs) env.put(in.name(), in.tensor());
        return env;
    }

    /** The seed of a tensor output as an eager tensor of the output's dtype (null for a scalar output). */
    public Tensor seedTensor() {
        if (seed64 == null) return null;
        return switch (outputDType) {
            case F32 -> Tensor.of(seed, seedShape);
            case F64 -> Tensor.of(seed64, seedShape);
            case F16, BOOL -> Tensor.of(seed64, seedShape).to(outputDType);
        };
    }

    /** True when every input has one dtype, F32 or F64, and the output has it too: what Grad.compile accepts. */
    public boolean compilable() {
        for (Input in : inputs) if (in.dtype() != dtype) return false;
        return (dtype == DType.F32 || dtype == DType.F64) && outputDType == dtype;
    }

    /**
     * Runs the program over {@code env} (input name → tensor; results are added to it) with
     * the given op table, and returns the output tensor.
     */
    public Tensor run(Map<String, Tensor> env, BiFunction<String, Object[], Tensor> ops) {
        for (Stmt s : program) {
            String kinds = OPS.get(s.op());
            if (kinds == null) throw new IllegalArgumentException(name + ": unknown op " + s.op());
            String[] k = kinds.split(" ");
            int required = 0;
            for (String kind : k) if (!kind.endsWith("?")) required++;
            if (s.args().size() < required || s.args().size() > k.length)
                throw new IllegalArgumentException(name + ": " + s.op() + " takes " + kinds + ", got " + s.args().size() + " arguments");
            Object[] args = new Object[s.args().size()];   // an optional argument left out: the overload without it
            for (int i = 0; i < args.length; i++) args[i] = resolve(k[i].replace("?", ""), s.args().get(i), env);
            Tensor r = ops.apply(s.op(), args);
            env.put(s.result(), r);
        }
        Tensor out = env.get(output);
        if (out == null) throw new IllegalArgumentException(name + ": output " + output + " is never computed");
        return out;
    }

    private Object resolve(String kind, JsonElement arg, Map<String, Tensor> env) {
        switch (kind) {
            case "t":
                return tensor(arg.getAsString(), env);
            case "tc":
                if (arg.getAsJsonPrimitive().isString()) return tensor(arg.getAsString(), env);
                return arg.getAsDouble();
            case "f":
                return arg.getAsDouble();
            case "i":
                return arg.getAsInt();
            case "s":
                return ints(arg.getAsJsonArray());
            case "d":
                return DType.parse(arg.getAsString());
            case "il":
                return ints(arg.getAsJsonArray());
            case "b":
                return arg.getAsBoolean();
            case "tl": {
                JsonArray names = arg.getAsJsonArray();
                Tensor[] ts = new Tensor[names.size()];
                for (int i = 0; i < ts.length; i++) ts[i] = tensor(names.get(i).getAsString(), env);
                return ts;
            }
            default:
                throw new IllegalArgumentException("unknown argument kind " + kind);
        }
    }

    private Tensor tensor(String ref, Map<String, Tensor> env) {
        Tensor t = env.get(ref);
        if (t == null) throw new IllegalArgumentException(name + ": " + ref + " is used before it is defined");
        return t;
    }

    /** The names of the inputs whose gradients the case holds. */
    public List<String> gradInputs() {
        return new ArrayList<>(grads.keySet());
    }

    /** Asserts the output's shape and values with {@link Tolerance}'s float32 rule. */
    public void checkValue(int[] shape, float[] got) {
        checkShape(shape);
        Tolerance.check(name + " value", got, value, value32);
    }

    /** Asserts a float64 output's shape and values with the float64 rule. */
    public void checkValue64(int[] shape, double[] got) {
        checkShape(shape);
        Tolerance.check(DType.F64, name + " value", got, value, null, null);
    }

    /** Asserts an eager output: its dtype, shape and values, by the rule of its dtype. */
    public void checkValue(Tensor out) {
        if (out.dtype() != outputDType) throw new AssertionError(name + ": output dtype " + out.dtype() + ", expected " + outputDType);
        checkShape(out.shape());
        Tolerance.check(outputDType, name + " value", out.toDoubleArray(), value, value32, value16);
    }

    private void checkShape(int[] shape) {
        if (!Arrays.equals(shape, expectedShape)) {
            throw new AssertionError(name + ": output shape " + Arrays.toString(shape) + ", expected " + Arrays.toString(expectedShape));
        }
    }

    /** The input called {@code name}. */
    public Input input(String name) {
        for (Input in : inputs) if (in.name().equals(name)) return in;
        throw new IllegalArgumentException(this.name + ": no input " + name);
    }

    /**
     * Asserts the eager gradient of input {@code input} (null, never reached, counts as zeros):
     * its dtype is the input's, compared by the rule of that dtype.
     */
    public void checkGrad(String input, Tensor grad) {
        double[] t = grads.get(input);
        if (t == null) throw new AssertionError(name + ": no expected gradient for " + input);
        DType d = input(input).dtype();
        if (grad != null && grad.dtype() != d) throw new AssertionError(name + ": d/d" + input + " is " + grad.dtype() + ", expected " + d);
        double[] got = grad == null ? new double[t.length] : grad.toDoubleArray();
        Tolerance.check(d, name + " d/d" + input, got, t, grads32.get(input), grads16.get(input));
    }

    /** Asserts a float64 gradient (compiled F64) with the float64 rule. */
    public void checkGrad64(String input, double[] got) {
        double[] t = grads.get(input);
        if (t == null) throw new AssertionError(name + ": no expected gradient for " + input);
        Tolerance.check(DType.F64, name + " d/d" + input, got == null ? new double[t.length] : got, t, null, null);
    }

    /** Asserts the gradient of input {@code input}; null (never reached) counts as zeros, as in gen.py. */
    public void checkGrad(String input, float[] got) {
        double[] t = grads.get(input);
        if (t == null) throw new AssertionError(name + ": no expected gradient for " + input);
        Tolerance.check(name + " d/d" + input, got == null ? new float[t.length] : got, t, grads32.get(input));
    }

    @Override
    public String toString() {
        return name;
    }

    private static Map<String, double[]> gradMap(JsonObject o) {
        Map<String, double[]> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : o.entrySet()) m.put(e.getKey(), doubles(e.getValue().getAsJsonArray()));
        return m;
    }

    static int[] ints(JsonArray a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).getAsInt();
        return r;
    }

    static float[] floats(JsonArray a) {
        float[] r = new float[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = (float) a.get(i).getAsDouble();
        return r;
    }

    static double[] doubles(JsonArray a) {
        double[] r = new double[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).getAsDouble();
        return r;
    }
}
