package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every op's gradient against central finite differences computed in double precision on an
 * independent reference written here with plain {@link Math} (coordinates, not the engine's
 * strides). For random inputs x in the op's domain and a random seed r, the engine's
 * gradient of {@code L = Σ r·f(x)} must match {@code (L(x+h) - L(x-h)) / 2h} within
 * {@code 1e-4·(1 + |fd|)}: far above float32 rounding, far below any wrong formula (a missing
 * factor 2 or a sign is off by 100%).
 */
class FiniteDifferenceTest {

    /** A double tensor of the reference. */
    record D(int[] shape, double[] v) {
        int size() {
            return v.length;
        }
    }

    /** Input domains. */
    enum Domain {
        ANY(-2, 2), POSITIVE(0.5, 2.5), AWAY_FROM_ZERO(0.2, 2), ABOVE_MINUS_HALF(-0.5, 2), WIDE(-4, 4), ABOVE_THRESHOLD(20.5, 25);
        final double lo, hi;

        Domain(double lo, double hi) {
            this.lo = lo;
            this.hi = hi;
        }

        float sample(Random rng) {
            return (float) sample64(rng);
        }

        double sample64(Random rng) {
            double u = lo + (hi - lo) * rng.nextDouble();
            if (this == AWAY_FROM_ZERO && rng.nextBoolean()) u = -u;
            return u;
        }
    }

    record Case(String name, int[][] shapes, Domain[] domains, Function<Tensor[], Tensor> engine, Function<D[], D> reference,
                Predicate<D[]> valid) {}

    private static final List<Case> CASES = new ArrayList<>();

    private static void add(String name, int[][] shapes, Domain[] domains, Function<Tensor[], Tensor> engine,
                            Function<D[], D> reference) {
        CASES.add(new Case(name, shapes, domains, engine, reference, in -> true));
    }

    private static void add(String name, int[][] shapes, Domain[] domains, Function<Tensor[], Tensor> engine,
                            Function<D[], D> reference, Predicate<D[]> valid) {
        CASES.add(new Case(name, shapes, domains, engine, reference, valid));
    }

    private static int[][] shapes(int[]... s) {
        return s;
    }

    private static int[] s(int... dims) {
        return dims;
    }

    private static Domain[] dom(Domain... d) {
        return d;
    }

    static {
        int[][][] pairs = {
            {s(3, 4), s(3, 4)}, {s(3, 4), s(4)}, {s(4), s(3, 4)}, {s(3, 1), s(1, 4)}, {s(), s(2, 3)}, {s(2, 3), s()},
            {s(5), s(5)}, {s(2, 1, 3), s(4, 1)}, {s(1), s(3)},
        };
        for (int[][] p : pairs) {
            String shp = Arrays.toString(p[0]) + " " + Arrays.toString(p[1]);
            add("add " + shp, p, dom(Domain.ANY, Domain.ANY), in -> in[0].add(in[1]), in -> zip(in[0], in[1], Double::sum));
            add("sub " + shp, p, dom(Domain.ANY, Domain.ANY), in -> in[0].sub(in[1]), in -> zip(in[0], in[1], (a, b) -> a - b));
            add("mul " + shp, p, dom(Domain.ANY, Domain.ANY), in -> in[0].mul(in[1]), in -> zip(in[0], in[1], (a, b) -> a * b));
            add("div " + shp, p, dom(Domain.ANY, Domain.AWAY_FROM_ZERO), in -> in[0].div(in[1]), in -> zip(in[0], in[1], (a, b) -> a / b));
            add("maximum " + shp, p, dom(Domain.ANY, Domain.ANY), in -> in[0].maximum(in[1]), in -> zip(in[0], in[1], Math::max),
                    in -> apart(in[0], in[1]));
            add("minimum " + shp, p, dom(Domain.ANY, Domain.ANY), in -> in[0].minimum(in[1]), in -> zip(in[0], in[1], Math::min),
                    in -> apart(in[0], in[1]));
        }
        for (int[] shape : new int[][] {s(3, 4), s(), s(7)}) {
            int[][] one = {shape};
            String shp = " " + Arrays.toString(shape);
            add("add 1.5" + shp, one, dom(Domain.ANY), in -> in[0].add(1.5f), in -> map(in[0], x -> x + 1.5));
            add("sub 1.5" + shp, one, dom(Domain.ANY), in -> in[0].sub(1.5f), in -> map(in[0], x -> x - 1.5));
            add("rsub 1.5" + shp, one, dom(Domain.ANY), in -> in[0].rsub(1.5f), in -> map(in[0], x -> 1.5 - x));
            add("mul -2.5" + shp, one, dom(Domain.ANY), in -> in[0].mul(-2.5f), in -> map(in[0], x -> x * -2.5));
            add("div -2.5" + shp, one, dom(Domain.ANY), in -> in[0].div(-2.5f), in -> map(in[0], x -> x / -2.5));
            add("rdiv 3" + shp, one, dom(Domain.AWAY_FROM_ZERO), in -> in[0].rdiv(3f), in -> map(in[0], x -> 3 / x));
            for (float p : new float[] {2f, 3f, 0.5f, -1f, 1.5f, 0f, -2.5f}) {
                Domain d = p == Math.rint(p) && p > 0 ? Domain.ANY : Domain.POSITIVE;
                add("pow " + p + shp, one, dom(d), in -> in[0].pow(p), in -> map(in[0], x -> Math.pow(x, p)));
            }
            add("neg" + shp, one, dom(Domain.ANY), in -> in[0].neg(), in -> map(in[0], x -> -x));
            add("exp" + shp, one, dom(Domain.ANY), in -> in[0].exp(), in -> map(in[0], Math::exp));
            add("log" + shp, one, dom(Domain.POSITIVE), in -> in[0].log(), in -> map(in[0], Math::log));
            add("log1p" + shp, one, dom(Domain.ABOVE_MINUS_HALF), in -> in[0].log1p(), in -> map(in[0], x -> Math.log(1 + x)));
            add("sin" + shp, one, dom(Domain.WIDE), in -> in[0].sin(), in -> map(in[0], Math::sin));
            add("cos" + shp, one, dom(Domain.WIDE), in -> in[0].cos(), in -> map(in[0], Math::cos));
            add("tanh" + shp, one, dom(Domain.ANY), in -> in[0].tanh(), in -> map(in[0], x -> (Math.exp(2 * x) - 1) / (Math.exp(2 * x) + 1)));
            add("sigmoid" + shp, one, dom(Domain.WIDE), in -> in[0].sigmoid(), in -> map(in[0], x -> 1 / (1 + Math.exp(-x))));
            add("relu" + shp, one, dom(Domain.AWAY_FROM_ZERO), in -> in[0].relu(), in -> map(in[0], x -> x > 0 ? x : 0));
            add("softplus" + shp, one, dom(Domain.WIDE), in -> in[0].softplus(), in -> map(in[0], x -> Math.log(1 + Math.exp(x))));
            add("softplus above its threshold" + shp, one, dom(Domain.ABOVE_THRESHOLD), in -> in[0].softplus(),
                    in -> map(in[0], x -> x + Math.log(1 + Math.exp(-x))));
            add("sqrt" + shp, one, dom(Domain.POSITIVE), in -> in[0].sqrt(), in -> map(in[0], Math::sqrt));
            add("abs" + shp, one, dom(Domain.AWAY_FROM_ZERO), in -> in[0].abs(), in -> map(in[0], Math::abs));
            add("square" + shp, one, dom(Domain.ANY), in -> in[0].square(), in -> map(in[0], x -> x * x));
            add("clamp -0.5 0.8" + shp, one, dom(Domain.ANY), in -> in[0].clamp(-0.5, 0.8),
                    in -> map(in[0], x -> x < -0.5 ? -0.5 : x > 0.8 ? 0.8 : x),
                    in -> Arrays.stream(in[0].v()).allMatch(x -> Math.abs(x + 0.5) > 0.02 && Math.abs(x - 0.8) > 0.02));
            add("sum" + shp, one, dom(Domain.ANY), in -> in[0].sum(), in -> new D(s(), new double[] {Arrays.stream(in[0].v()).sum()}));
            add("mean" + shp, one, dom(Domain.ANY), in -> in[0].mean(),
                    in -> new D(s(), new double[] {Arrays.stream(in[0].v()).sum() / in[0].size()}));
        }
        for (int[] shape : new int[][] {s(3, 4), s(2, 3, 4), s(5)}) {
            for (int axis = -shape.length; axis < shape.length; axis++) {
                int ax = axis;
                int[][] one = {shape};
                String what = " " + Arrays.toString(shape) + " axis " + axis;
                add("sum" + what, one, dom(Domain.ANY), in -> in[0].sum(ax), in -> reduce(in[0], ax, false));
                add("mean" + what, one, dom(Domain.ANY), in -> in[0].mean(ax), in -> reduce(in[0], ax, true));
                add("softmax" + what, one, dom(Domain.WIDE), in -> in[0].softmax(ax), in -> softmax(in[0], ax, false));
                add("logSoftmax" + what, one, dom(Domain.WIDE), in -> in[0].logSoftmax(ax), in -> softmax(in[0], ax, true));
            }
        }
        add("sum scalar axis 0", shapes(s()), dom(Domain.ANY), in -> in[0].sum(0), in -> in[0]);
        add("softmax large inputs (stability)", shapes(s(2, 3)), dom(Domain.ANY), in -> in[0].add(100f).softmax(1),
                in -> softmax(map(in[0], x -> x + 100), 1, false));
        add("matmul [3,4]·[4,5]", shapes(s(3, 4), s(4, 5)), dom(Domain.ANY, Domain.ANY), in -> in[0].matmul(in[1]),
                in -> matmul(in[0], in[1]));
        add("matmul [3,4]·[4]", shapes(s(3, 4), s(4)), dom(Domain.ANY, Domain.ANY), in -> in[0].matmul(in[1]), in -> matmul(in[0], in[1]));
        add("matmul [4]·[4,5]", shapes(s(4), s(4, 5)), dom(Domain.ANY, Domain.ANY), in -> in[0].matmul(in[1]), in -> matmul(in[0], in[1]));
        add("matmul [4]·[4]", shapes(s(4), s(4)), dom(Domain.ANY, Domain.ANY), in -> in[0].matmul(in[1]), in -> matmul(in[0], in[1]));
        add("matmul [1,7]·[7,1]", shapes(s(1, 7), s(7, 1)), dom(Domain.ANY, Domain.ANY), in -> in[0].matmul(in[1]), in -> matmul(in[0], in[1]));
        add("matmul x·x (same operand)", shapes(s(3, 3)), dom(Domain.ANY), in -> in[0].matmul(in[0]), in -> matmul(in[0], in[0]));
        add("dot", shapes(s(6), s(6)), dom(Domain.ANY, Domain.ANY), in -> in[0].dot(in[1]), in -> matmul(in[0], in[1]));
        add("t [3,4]", shapes(s(3, 4)), dom(Domain.ANY), in -> in[0].t(), in -> transpose(in[0]));
        add("t [5]", shapes(s(5)), dom(Domain.ANY), in -> in[0].t(), in -> in[0]);
        add("reshape [3,4] -> [2,6]", shapes(s(3, 4)), dom(Domain.ANY), in -> in[0].reshape(2, 6), in -> new D(s(2, 6), in[0].v()));
        add("reshape [3,4] -> [-1]", shapes(s(3, 4)), dom(Domain.ANY), in -> in[0].reshape(-1), in -> new D(s(12), in[0].v()));
        add("reshape of t", shapes(s(3, 4)), dom(Domain.ANY), in -> in[0].t().reshape(12), in -> new D(s(12), transpose(in[0]).v()));
        add("x·x (same operand twice)", shapes(s(4)), dom(Domain.ANY), in -> in[0].mul(in[0]), in -> zip(in[0], in[0], (a, b) -> a * b));
        add("mlp: mean(logSoftmax(tanh(X·W + b)))", shapes(s(5, 3), s(3, 4), s(4)), dom(Domain.ANY, Domain.ANY, Domain.ANY),
                in -> in[0].matmul(in[1]).add(in[2]).tanh().logSoftmax(1).mean(),
                in -> {
                    D h = map(zip(matmul(in[0], in[1]), in[2], Double::sum), Math::tanh);
                    D l = softmax(h, 1, true);
                    return new D(s(), new double[] {Arrays.stream(l.v()).sum() / l.size()});
                });
        add("neuron with clamped BCE", shapes(s(), s(), s()), dom(Domain.ANY, Domain.ANY, Domain.ANY),
                in -> {
                    Tensor p = in[0].mul(in[2]).add(in[1]).sigmoid().clamp(1e-7, 1 - 1e-7);
                    return p.rsub(1f).log().neg();  // label 0: -log(1 - p)
                },
                in -> {
                    double z = in[0].v()[0] * in[2].v()[0] + in[1].v()[0];
                    return new D(s(), new double[] {-Math.log(1 - 1 / (1 + Math.exp(-z)))});
                });
    }

    @TestFactory
    Stream<DynamicTest> gradientsMatchFiniteDifferences() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < CASES.size(); i++) {
            Case c = CASES.get(i);
            long seed = 1000 + i;
            tests.add(DynamicTest.dynamicTest(c.name(), () -> check(c, new Random(seed))));
        }
        return tests.stream();
    }

    private static void check(Case c, Random rng) {
        int n = c.shapes().length;
        float[][] x = new float[n][];
        D[] ref;
        int attempts = 0;
        do {
            if (++attempts > 1000) throw new AssertionError(c.name() + ": no valid random input");
            ref = new D[n];
            for (int k = 0; k < n; k++) {
                int size = Arrays.stream(c.shapes()[k]).reduce(1, (a, b) -> a * b);
                x[k] = new float[size];
                for (int j = 0; j < size; j++) x[k][j] = c.domains()[k].sample(rng);
                ref[k] = new D(c.shapes()[k], toDouble(x[k]));
            }
        } while (!c.valid().test(ref));

        D yRef = c.reference().apply(ref);
        float[] r = new float[yRef.size()];
        for (int j = 0; j < r.length; j++) r[j] = (float) (rng.nextDouble() * 2 - 1);

        Tensor[] in = new Tensor[n];
        for (int k = 0; k < n; k++) in[k] = Tensor.of(x[k], c.shapes()[k]).requiresGrad(true);
        Tensor y = c.engine().apply(in);
        assertArrayEquals(yRef.shape(), y.shape(), c.name() + ": output shape");
        float[] yv = y.toArray();
        for (int j = 0; j < yv.length; j++) {
            if (Math.abs(yv[j] - yRef.v()[j]) > 1e-5 * (1 + Math.abs(yRef.v()[j]))) {
                throw new AssertionError(c.name() + ": value[" + j + "] = " + yv[j] + ", reference " + yRef.v()[j]);
            }
        }
        y.backward(Tensor.of(r, y.shape()));

        double h = 1e-5;
        for (int k = 0; k < n; k++) {
            float[] g = in[k].grad().toArray();
            for (int j = 0; j < x[k].length; j++) {
                double[] plus = ref[k].v().clone(), minus = ref[k].v().clone();
                plus[j] += h;
                minus[j] -= h;
                double fd = (loss(c, ref, k, plus, r) - loss(c, ref, k, minus, r)) / (2 * h);
                if (!(Math.abs(g[j] - fd) <= 1e-4 * (1 + Math.abs(fd)))) {
                    throw new AssertionError(c.name() + ": d/d input" + k + "[" + j + "] = " + g[j] + ", finite difference " + fd);
                }
            }
        }
    }

    /**
     * The same cases on F64 tensors (the engine's float constants are exact doubles here, and
     * clamp's bounds stay clear of the inputs), against the double reference with Richardson's
     * extrapolated central difference, (4·D(h/2) - D(h))/3 with h = 1e-3: its error is about
     * 1e-12, so the tolerance 1e-9·(1 + |fd|) fails an engine that computes anything in float32
     * (1e-7) or a derivative whose constant is off by one part in 10^8.
     */
    @TestFactory
    Stream<DynamicTest> gradientsMatchFiniteDifferencesInFloat64() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < CASES.size(); i++) {
            Case c = CASES.get(i);
            long seed = 5000 + i;
            tests.add(DynamicTest.dynamicTest(c.name(), () -> check64(c, new Random(seed))));
        }
        return tests.stream();
    }

    private static void check64(Case c, Random rng) {
        int n = c.shapes().length;
        D[] ref;
        int attempts = 0;
        do {
            if (++attempts > 1000) throw new AssertionError(c.name() + ": no valid random input");
            ref = new D[n];
            for (int k = 0; k < n; k++) {
                int size = Arrays.stream(c.shapes()[k]).reduce(1, (a, b) -> a * b);
                double[] v = new double[size];
                for (int j = 0; j < size; j++) v[j] = c.domains()[k].sample64(rng);
                ref[k] = new D(c.shapes()[k], v);
            }
        } while (!c.valid().test(ref));
        checkValueAndVjpF64(c.name(), c.shapes(), c.engine(), c.reference(), ref, rng);
    }

    /**
     * The F64 check of one case at inputs {@code ref} (FiniteDifferenceV2Test's too): the
     * engine's value against the reference, then its vjp along a random r against Richardson's
     * extrapolated central difference of Σ r·reference, both within 1e-9·(1 + |expected|).
     */
    static void checkValueAndVjpF64(String name, int[][] shapes, Function<Tensor[], Tensor> engine, Function<D[], D> reference, D[] ref, Random rng) {
        int n = shapes.length;
        D yRef = reference.apply(ref);
        double[] r = new double[yRef.size()];
        for (int j = 0; j < r.length; j++) r[j] = rng.nextDouble() * 2 - 1;

        Tensor[] in = new Tensor[n];
        for (int k = 0; k < n; k++) in[k] = Tensor.of(ref[k].v(), shapes[k]).requiresGrad(true);
        Tensor y = engine.apply(in);
        assertEquals(io.jgrad.runtime.DType.F64, y.dtype(), name);
        assertArrayEquals(yRef.shape(), y.shape(), name + ": output shape");
        double[] yv = y.toDoubleArray();
        for (int j = 0; j < yv.length; j++) {
            // 1e-9: the engine follows PyTorch's softplus threshold (x itself above 20), 1e-9 from the exact function
            if (!(Math.abs(yv[j] - yRef.v()[j]) <= 1e-9 * (1 + Math.abs(yRef.v()[j])))) {
                throw new AssertionError(name + ": value[" + j + "] = " + yv[j] + ", reference " + yRef.v()[j]);
            }
        }
        y.backward(Tensor.of(r, y.shape()));

        double h = 1e-3;
        for (int k = 0; k < n; k++) {
            double[] g = in[k].grad().toDoubleArray();
            for (int j = 0; j < g.length; j++) {
                double fd = (4 * centralDifference(reference, ref, k, j, h / 2, r) - centralDifference(reference, ref, k, j, h, r)) / 3;
                if (!(Math.abs(g[j] - fd) <= 1e-9 * (1 + Math.abs(fd)))) {
                    throw new AssertionError(name + ": d/d input" + k + "[" + j + "] = " + g[j] + ", finite difference " + fd
                            + " (differ by " + Math.abs(g[j] - fd) + ")");
                }
            }
        }
    }

    private static double centralDifference(Function<D[], D> reference, D[] ref, int k, int j, double h, double[] r) {
        double[] plus = ref[k].v().clone(), minus = ref[k].v().clone();
        plus[j] += h;
        minus[j] -= h;
        return (loss(reference, ref, k, plus, r) - loss(reference, ref, k, minus, r)) / (2 * h);
    }

    private static double loss(Function<D[], D> reference, D[] ref, int k, double[] values, double[] r) {
        D[] in = ref.clone();
        in[k] = new D(ref[k].shape(), values);
        D y = reference.apply(in);
        double l = 0;
        for (int j = 0; j < r.length; j++) l += r[j] * y.v()[j];
        return l;
    }

    /** Σ r·f(inputs) with input k replaced. */
    private static double loss(Case c, D[] ref, int k, double[] values, float[] r) {
        D[] in = ref.clone();
        in[k] = new D(ref[k].shape(), values);
        D y = c.reference().apply(in);
        double l = 0;
        for (int j = 0; j < r.length; j++) l += r[j] * y.v()[j];
        return l;
    }

    // ------------------------------------------------------------------ the reference, in double

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    static D map(D a, DoubleUnaryOperator f) {
        return new D(a.shape(), Arrays.stream(a.v()).map(f).toArray());
    }

    /** Coordinates of flat index i in shape (row-major). */
    static int[] coords(int i, int[] shape) {
        int[] c = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            c[d] = i % shape[d];
            i /= shape[d];
        }
        return c;
    }

    /** Flat index in {@code shape} of the output coordinates {@code oc}, broadcasting (right-aligned). */
    static int index(int[] oc, int[] shape) {
        int idx = 0;
        for (int d = 0; d < shape.length; d++) {
            int c = oc[oc.length - shape.length + d];
            idx = idx * shape[d] + (shape[d] == 1 ? 0 : c);
        }
        return idx;
    }

    static D zip(D a, D b, DoubleBinaryOperator f) {
        int rank = Math.max(a.shape().length, b.shape().length);
        int[] out = new int[rank];
        for (int d = 0; d < rank; d++) {
            int da = d - (rank - a.shape().length) >= 0 ? a.shape()[d - (rank - a.shape().length)] : 1;
            int db = d - (rank - b.shape().length) >= 0 ? b.shape()[d - (rank - b.shape().length)] : 1;
            out[d] = Math.max(da, db);
        }
        int n = Arrays.stream(out).reduce(1, (p, q) -> p * q);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            int[] oc = coords(i, out);
            v[i] = f.applyAsDouble(a.v()[index(oc, a.shape())], b.v()[index(oc, b.shape())]);
        }
        return new D(out, v);
    }

    /** True when the broadcast pairs differ by more than 0.05 (clear of maximum/minimum's kink). */
    static boolean apart(D a, D b) {
        return Arrays.stream(zip(a, b, (p, q) -> Math.abs(p - q)).v()).allMatch(d -> d > 0.05);
    }

    static D reduce(D a, int axis, boolean mean) {
        int ax = axis < 0 ? axis + a.shape().length : axis;
        int[] out = new int[a.shape().length - 1];
        for (int d = 0, j = 0; d < a.shape().length; d++) if (d != ax) out[j++] = a.shape()[d];
        int n = Arrays.stream(out).reduce(1, (p, q) -> p * q);
        double[] v = new double[n];
        for (int i = 0; i < a.size(); i++) {
            int[] c = coords(i, a.shape());
            int o = 0;
            for (int d = 0; d < c.length; d++) if (d != ax) o = o * a.shape()[d] + c[d];
            v[o] += a.v()[i];
        }
        if (mean) for (int i = 0; i < n; i++) v[i] /= a.shape()[ax];
        return new D(out, v);
    }

    static D softmax(D a, int axis, boolean log) {
        int ax = axis < 0 ? axis + a.shape().length : axis;
        D sums = reduce(map(a, Math::exp), ax, false);
        double[] v = new double[a.size()];
        for (int i = 0; i < a.size(); i++) {
            int[] c = coords(i, a.shape());
            int o = 0;
            for (int d = 0; d < c.length; d++) if (d != ax) o = o * a.shape()[d] + c[d];
            v[i] = log ? a.v()[i] - Math.log(sums.v()[o]) : Math.exp(a.v()[i]) / sums.v()[o];
        }
        return new D(a.shape(), v);
    }

    /** torch.matmul for 1-D and 2-D, written case by case. */
    static D matmul(D a, D b) {
        int[] sa = a.shape(), sb = b.shape();
        if (sa.length == 1 && sb.length == 1) {
            double s = 0;
            for (int k = 0; k < sa[0]; k++) s += a.v()[k] * b.v()[k];
            return new D(s(), new double[] {s});
        }
        if (sa.length == 2 && sb.length == 1) {
            double[] v = new double[sa[0]];
            for (int i = 0; i < sa[0]; i++) for (int k = 0; k < sa[1]; k++) v[i] += a.v()[i * sa[1] + k] * b.v()[k];
            return new D(s(sa[0]), v);
        }
        if (sa.length == 1) {
            double[] v = new double[sb[1]];
            for (int j = 0; j < sb[1]; j++) for (int k = 0; k < sa[0]; k++) v[j] += a.v()[k] * b.v()[k * sb[1] + j];
            return new D(s(sb[1]), v);
        }
        double[] v = new double[sa[0] * sb[1]];
        for (int i = 0; i < sa[0]; i++) {
            for (int j = 0; j < sb[1]; j++) {
                for (int k = 0; k < sa[1]; k++) v[i * sb[1] + j] += a.v()[i * sa[1] + k] * b.v()[k * sb[1] + j];
            }
        }
        return new D(s(sa[0], sb[1]), v);
    }

    static D transpose(D a) {
        int r = a.shape()[0], c = a.shape()[1];
        double[] v = new double[a.size()];
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) v[j * r + i] = a.v()[i * c + j];
        return new D(s(c, r), v);
    }
}
