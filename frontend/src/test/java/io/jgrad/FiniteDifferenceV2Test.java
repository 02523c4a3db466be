package io.jgrad;

import static io.jgrad.FiniteDifferenceTest.coords;
import static io.jgrad.FiniteDifferenceTest.index;
import static io.jgrad.FiniteDifferenceTest.map;
import static io.jgrad.FiniteDifferenceTest.zip;

import io.jgrad.FiniteDifferenceTest.D;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every operation of API.md's "More operations" that has a gradient, against central finite
 * differences in float64 on an independent reference written here with plain {@link Math}
 * (coordinates, not the engine's strides; erf by its Taylor series), on random inputs in the
 * op's domain and clear of its kinks. As FiniteDifferenceTest's float64 half: Richardson's
 * extrapolated central difference with h = 1e-3 (error about 1e-12), tolerance
 * 1e-9·(1 + |fd|), for the gradient of Σ r·f(x) with a random seed r; the value within
 * 1e-9·(1 + |ref|).
 */
class FiniteDifferenceV2Test {

    enum Domain {
        ANY(-2, 2), POSITIVE(0.5, 2.5), UNIT(-0.9, 0.9), AWAY_FROM_ZERO(0.2, 2), WIDE(-4, 4);
        final double lo, hi;

        Domain(double lo, double hi) {
            this.lo = lo;
            this.hi = hi;
        }

        double sample(Random rng) {
            double u = lo + (hi - lo) * rng.nextDouble();
            return this == AWAY_FROM_ZERO && rng.nextBoolean() ? -u : u;
        }
    }

    record Case(String name, int[][] shapes, Domain domain, Function<Tensor[], Tensor> engine, Function<D[], D> reference,
                Predicate<D[]> valid) {}

    private static final List<Case> CASES = new ArrayList<>();

    private static void add(String name, int[][] shapes, Domain d, Function<Tensor[], Tensor> engine, Function<D[], D> ref) {
        CASES.add(new Case(name, shapes, d, engine, ref, in -> true));
    }

    private static void add(String name, int[][] shapes, Domain d, Function<Tensor[], Tensor> engine, Function<D[], D> ref,
                            Predicate<D[]> valid) {
        CASES.add(new Case(name, shapes, d, engine, ref, valid));
    }

    private static int[] s(int... dims) {
        return dims;
    }

    private static int[][] one(int... shape) {
        return new int[][] {shape};
    }

    static {
        // ------------------------------------------------------------ elementwise functions
        for (int[] shape : new int[][] {s(2, 3), s(), s(5)}) {
            String shp = " " + Arrays.toString(shape);
            int[][] x = one(shape);
            add("tan" + shp, x, Domain.ANY, in -> in[0].tan(), in -> map(in[0], Math::tan),
                    in -> Arrays.stream(in[0].v()).allMatch(v -> Math.abs(Math.abs(v) - Math.PI / 2) > 0.2));
            add("asin" + shp, x, Domain.UNIT, in -> in[0].asin(), in -> map(in[0], Math::asin));
            add("acos" + shp, x, Domain.UNIT, in -> in[0].acos(), in -> map(in[0], Math::acos));
            add("atan" + shp, x, Domain.WIDE, in -> in[0].atan(), in -> map(in[0], Math::atan));
            add("sinh" + shp, x, Domain.ANY, in -> in[0].sinh(), in -> map(in[0], v -> (Math.exp(v) - Math.exp(-v)) / 2));
            add("cosh" + shp, x, Domain.ANY, in -> in[0].cosh(), in -> map(in[0], v -> (Math.exp(v) + Math.exp(-v)) / 2));
            add("expm1" + shp, x, Domain.ANY, in -> in[0].expm1(), in -> map(in[0], Math::expm1));
            add("log2" + shp, x, Domain.POSITIVE, in -> in[0].log2(), in -> map(in[0], v -> Math.log(v) / Math.log(2)));
            add("log10" + shp, x, Domain.POSITIVE, in -> in[0].log10(), in -> map(in[0], Math::log10));
            add("reciprocal" + shp, x, Domain.AWAY_FROM_ZERO, in -> in[0].reciprocal(), in -> map(in[0], v -> 1 / v));
            add("rsqrt" + shp, x, Domain.POSITIVE, in -> in[0].rsqrt(), in -> map(in[0], v -> 1 / Math.sqrt(v)));
            add("erf" + shp, x, Domain.ANY, in -> in[0].erf(), in -> map(in[0], FiniteDifferenceV2Test::erf));
            add("erfc" + shp, x, Domain.ANY, in -> in[0].erfc(), in -> map(in[0], v -> 1 - erf(v)));
            add("sign" + shp, x, Domain.AWAY_FROM_ZERO, in -> in[0].sign(), in -> map(in[0], Math::signum));
            add("floor" + shp, x, Domain.WIDE, in -> in[0].floor(), in -> map(in[0], Math::floor), in -> clearOf(in[0], 1, 0));
            add("ceil" + shp, x, Domain.WIDE, in -> in[0].ceil(), in -> map(in[0], Math::ceil), in -> clearOf(in[0], 1, 0));
            add("round" + shp, x, Domain.WIDE, in -> in[0].round(), in -> map(in[0], Math::rint), in -> clearOf(in[0], 1, 0.5));
            add("logSigmoid" + shp, x, Domain.WIDE, in -> in[0].logSigmoid(), in -> map(in[0], v -> -Math.log(1 + Math.exp(-v))));
            add("silu" + shp, x, Domain.WIDE, in -> in[0].silu(), in -> map(in[0], v -> v / (1 + Math.exp(-v))));
            add("gelu" + shp, x, Domain.ANY, in -> in[0].gelu(), in -> map(in[0], v -> v * (1 + erf(v / Math.sqrt(2))) / 2));
            add("leakyRelu 0.1" + shp, x, Domain.AWAY_FROM_ZERO, in -> in[0].leakyRelu(0.1), in -> map(in[0], v -> v > 0 ? v : 0.1 * v));
            add("elu 1.5" + shp, x, Domain.AWAY_FROM_ZERO, in -> in[0].elu(1.5), in -> map(in[0], v -> v > 0 ? v : 1.5 * Math.expm1(v)));
        }
        int[][][] pairs = {{s(3, 4), s(3, 4)}, {s(3, 4), s(4)}, {s(), s(2, 3)}, {s(2, 1, 3), s(4, 1)}};
        for (int[][] p : pairs) {
            String shp = " " + Arrays.toString(p[0]) + " " + Arrays.toString(p[1]);
            add("atan2" + shp, p, Domain.AWAY_FROM_ZERO, in -> in[0].atan2(in[1]), in -> zip(in[0], in[1], Math::atan2));
            add("pow tensor" + shp, p, Domain.POSITIVE, in -> in[0].pow(in[1]), in -> zip(in[0], in[1], Math::pow));
            add("where(a > b, a, b)" + shp, p, Domain.ANY, in -> Tensor.where(in[0].gt(in[1]), in[0], in[1]),
                    in -> zip(in[0], in[1], Math::max), in -> FiniteDifferenceTest.apart(in[0], in[1]));
            add("where(a <= 0.3, a·b, b)" + shp, p, Domain.ANY, in -> Tensor.where(in[0].le(0.3), in[0].mul(in[1]), in[1]),
                    in -> zip(in[0], in[1], (a, b) -> a <= 0.3 ? a * b : b),
                    in -> Arrays.stream(in[0].v()).allMatch(v -> Math.abs(v - 0.3) > 0.02));
        }

        // ------------------------------------------------------------ indexing and structure
        add("slice [3,5] axis 1 1:4", one(3, 5), Domain.ANY, in -> in[0].slice(1, 1, 4), in -> slice(in[0], 1, 1, 4));
        add("slice [3,5] axis -2 -2:3", one(3, 5), Domain.ANY, in -> in[0].slice(-2, -2, 3), in -> slice(in[0], 0, 1, 3));
        add("slice [7] clamped -20:20", one(7), Domain.ANY, in -> in[0].slice(0, -20, 20), in -> slice(in[0], 0, 0, 7));
        add("slice [2,3,4] axis 2 1:3", one(2, 3, 4), Domain.ANY, in -> in[0].slice(2, 1, 3), in -> slice(in[0], 2, 1, 3));
        add("select [2,3,4] axis 1 -1", one(2, 3, 4), Domain.ANY, in -> in[0].select(1, -1), in -> squeeze(slice(in[0], 1, 2, 3), 1));
        add("select [5] axis 0 2", one(5), Domain.ANY, in -> in[0].select(0, 2), in -> squeeze(slice(in[0], 0, 2, 3), 0));
        add("indexSelect [3,4] axis 1 [3,0,0,2]", one(3, 4), Domain.ANY, in -> in[0].indexSelect(1, new int[] {3, 0, 0, 2}),
                in -> indexSelect(in[0], 1, new int[] {3, 0, 0, 2}));
        add("indexSelect [5] axis 0 [4,4,1]", one(5), Domain.ANY, in -> in[0].indexSelect(0, new int[] {4, 4, 1}),
                in -> indexSelect(in[0], 0, new int[] {4, 4, 1}));
        add("cat [2,3] [1,3] [2,3] axis 0", new int[][] {s(2, 3), s(1, 3), s(2, 3)}, Domain.ANY,
                in -> Tensor.cat(0, in[0], in[1], in[2]), in -> cat(0, in));
        add("cat [3,2] [3,4] axis -1", new int[][] {s(3, 2), s(3, 4)}, Domain.ANY, in -> Tensor.cat(-1, in[0], in[1]), in -> cat(1, in));
        add("cat x x axis 0", one(2, 3), Domain.ANY, in -> Tensor.cat(0, in[0], in[0]), in -> cat(0, new D[] {in[0], in[0]}));
        add("stack [2,3] [2,3] axis 1", new int[][] {s(2, 3), s(2, 3)}, Domain.ANY, in -> Tensor.stack(1, in[0], in[1]),
                in -> cat(1, new D[] {unsqueeze(in[0], 1), unsqueeze(in[1], 1)}));
        add("stack scalars", new int[][] {s(), s(), s()}, Domain.ANY, in -> Tensor.stack(0, in),
                in -> cat(0, new D[] {unsqueeze(in[0], 0), unsqueeze(in[1], 0), unsqueeze(in[2], 0)}));
        add("unsqueeze [2,3] axis -1", one(2, 3), Domain.ANY, in -> in[0].unsqueeze(-1), in -> unsqueeze(in[0], 2));
        add("squeeze [2,1,3] axis 1", one(2, 1, 3), Domain.ANY, in -> in[0].squeeze(1), in -> squeeze(in[0], 1));
        add("squeeze [2,3] axis 1 (size 3: unchanged)", one(2, 3), Domain.ANY, in -> in[0].squeeze(1), in -> in[0]);
        add("permute [2,3,4] (2,0,1)", one(2, 3, 4), Domain.ANY, in -> in[0].permute(2, 0, 1), in -> permute(in[0], 2, 0, 1));
        add("permute [2,3,4] (-1,-2,0)", one(2, 3, 4), Domain.ANY, in -> in[0].permute(-1, -2, 0), in -> permute(in[0], 2, 1, 0));
        add("transpose [2,3,4] 0 -1", one(2, 3, 4), Domain.ANY, in -> in[0].transpose(0, -1), in -> permute(in[0], 2, 1, 0));
        add("expand [3,1] to [2,3,-1]... [2,3,4]", one(3, 1), Domain.ANY, in -> in[0].expand(2, 3, 4), in -> expand(in[0], s(2, 3, 4)));
        add("expand [1,4] to [3,-1]", one(1, 4), Domain.ANY, in -> in[0].expand(3, -1), in -> expand(in[0], s(3, 4)));
        add("expand scalar to [2,3]", one(), Domain.ANY, in -> in[0].expand(2, 3), in -> expand(in[0], s(2, 3)));
        add("flatten [2,3,4]", one(2, 3, 4), Domain.ANY, in -> in[0].flatten(), in -> new D(s(24), in[0].v()));
        add("flatten scalar", one(), Domain.ANY, in -> in[0].flatten(), in -> new D(s(1), in[0].v()));

        // ------------------------------------------------------------ reductions
        for (int[] shape : new int[][] {s(3, 4), s(2, 3, 4), s(5)}) {
            for (int axis = -shape.length; axis < shape.length; axis++) {
                int ax = axis, a = axis < 0 ? axis + shape.length : axis;
                String what = " " + Arrays.toString(shape) + " axis " + axis;
                for (boolean keep : new boolean[] {false, true}) {
                    String k = keep ? " keepDim" : "";
                    add("sum" + what + k, one(shape), Domain.ANY, in -> in[0].sum(ax, keep), in -> along(in[0], a, keep, v -> Arrays.stream(v).sum()));
                    add("mean" + what + k, one(shape), Domain.ANY, in -> in[0].mean(ax, keep),
                            in -> along(in[0], a, keep, v -> Arrays.stream(v).sum() / v.length));
                    add("amax" + what + k, one(shape), Domain.ANY, in -> in[0].amax(ax, keep),
                            in -> along(in[0], a, keep, v -> Arrays.stream(v).max().getAsDouble()), FiniteDifferenceV2Test::distinct);
                    add("amin" + what + k, one(shape), Domain.ANY, in -> in[0].amin(ax, keep),
                            in -> along(in[0], a, keep, v -> Arrays.stream(v).min().getAsDouble()), FiniteDifferenceV2Test::distinct);
                    add("logsumexp" + what + k, one(shape), Domain.WIDE, in -> in[0].logsumexp(ax, keep),
                            in -> along(in[0], a, keep, v -> Math.log(Arrays.stream(v).map(Math::exp).sum())));
                }
                add("amax" + what, one(shape), Domain.ANY, in -> in[0].amax(ax),
                        in -> along(in[0], a, false, v -> Arrays.stream(v).max().getAsDouble()), FiniteDifferenceV2Test::distinct);
                add("amin" + what, one(shape), Domain.ANY, in -> in[0].amin(ax),
                        in -> along(in[0], a, false, v -> Arrays.stream(v).min().getAsDouble()), FiniteDifferenceV2Test::distinct);
                add("logsumexp" + what, one(shape), Domain.WIDE, in -> in[0].logsumexp(ax),
                        in -> along(in[0], a, false, v -> Math.log(Arrays.stream(v).map(Math::exp).sum())));
                add("prod" + what, one(shape), Domain.AWAY_FROM_ZERO, in -> in[0].prod(ax),
                        in -> along(in[0], a, false, v -> Arrays.stream(v).reduce(1, (p, q) -> p * q)));
                add("var" + what, one(shape), Domain.ANY, in -> in[0].var(ax), in -> along(in[0], a, false, FiniteDifferenceV2Test::var));
                add("std" + what, one(shape), Domain.ANY, in -> in[0].std(ax), in -> along(in[0], a, false, v -> Math.sqrt(var(v))));
            }
            String shp = " " + Arrays.toString(shape);
            add("amax" + shp, one(shape), Domain.ANY, in -> in[0].amax(), in -> all(in[0], v -> Arrays.stream(v).max().getAsDouble()),
                    FiniteDifferenceV2Test::distinct);
            add("amin" + shp, one(shape), Domain.ANY, in -> in[0].amin(), in -> all(in[0], v -> Arrays.stream(v).min().getAsDouble()),
                    FiniteDifferenceV2Test::distinct);
            add("prod" + shp, one(shape), Domain.AWAY_FROM_ZERO, in -> in[0].prod(), in -> all(in[0], v -> Arrays.stream(v).reduce(1, (p, q) -> p * q)));
        }
        add("prod scalar", one(), Domain.ANY, in -> in[0].prod(), in -> in[0]);
        add("amax scalar", one(), Domain.ANY, in -> in[0].amax(), in -> in[0]);

        // ------------------------------------------------------------ matmul, every rank
        int[][][] mm = {{s(2, 3, 4), s(2, 4, 5)}, {s(2, 3, 4), s(4, 5)}, {s(2, 3, 4), s(4)}, {s(4), s(2, 4, 3)},
                        {s(3, 4), s(2, 4, 5)}, {s(2, 1, 3, 4), s(5, 4, 2)}, {s(1, 3, 4), s(2, 4, 2)}, {s(3, 4), s(4, 5)}, {s(4), s(4)}};
        for (int[][] p : mm) {
            add("matmul " + Arrays.toString(p[0]) + "·" + Arrays.toString(p[1]), p, Domain.ANY, in -> in[0].matmul(in[1]),
                    in -> matmul(in[0], in[1]));
        }
        add("matmul x·x [2,3,3]", one(2, 3, 3), Domain.ANY, in -> in[0].matmul(in[0]), in -> matmul(in[0], in[0]));
    }

    @TestFactory
    Stream<DynamicTest> gradientsMatchFiniteDifferencesInFloat64() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < CASES.size(); i++) {
            Case c = CASES.get(i);
            long seed = 9000 + i;
            tests.add(DynamicTest.dynamicTest(c.name(), () -> check(c, new Random(seed))));
        }
        return tests.stream();
    }

    private static void check(Case c, Random rng) {
        int n = c.shapes().length;
        D[] ref;
        int attempts = 0;
        do {
            if (++attempts > 1000) throw new AssertionError(c.name() + ": no valid random input");
            ref = new D[n];
            for (int k = 0; k < n; k++) {
                double[] v = new double[Arrays.stream(c.shapes()[k]).reduce(1, (a, b) -> a * b)];
                for (int j = 0; j < v.length; j++) v[j] = c.domain().sample(rng);
                ref[k] = new D(c.shapes()[k], v);
            }
        } while (!c.valid().test(ref));
        FiniteDifferenceTest.checkValueAndVjpF64(c.name(), c.shapes(), c.engine(), c.reference(), ref, rng);
    }

    // ------------------------------------------------------------------ the reference, in double

    /** erf by its Taylor series 2/√π Σ (-1)ⁿ x^(2n+1) / (n!(2n+1)): for |x| ≤ 2 the terms stay below 60, so ~1e-14. */
    static double erf(double x) {
        double term = x, sum = x;
        for (int n = 1; n < 200; n++) {
            term *= -x * x / n;
            double t = term / (2 * n + 1);
            sum += t;
            if (Math.abs(t) < 1e-18) break;
        }
        return sum * 2 / Math.sqrt(Math.PI);
    }

    /** Every value at least 0.02 away from the points k·step + offset (the jumps of floor, ceil and round). */
    private static boolean clearOf(D a, double step, double offset) {
        return Arrays.stream(a.v()).allMatch(v -> {
            double f = (v - offset) / step;
            return Math.abs(f - Math.rint(f)) > 0.02;
        });
    }

    /** No two values within 0.02 (amax/amin without ties). */
    private static boolean distinct(D[] in) {
        double[] v = in[0].v().clone();
        Arrays.sort(v);
        for (int i = 1; i < v.length; i++) if (v[i] - v[i - 1] < 0.02) return false;
        return true;
    }

    private static double var(double[] v) {
        double m = Arrays.stream(v).sum() / v.length, s = 0;
        for (double x : v) s += (x - m) * (x - m);
        return s / (v.length - 1);
    }

    private static D all(D a, ToDoubleFunction<double[]> f) {
        return new D(s(), new double[] {f.applyAsDouble(a.v())});
    }

    /** f over each fiber along {@code axis}; the axis removed, or kept with size 1. */
    static D along(D a, int axis, boolean keep, ToDoubleFunction<double[]> f) {
        int[] sh = a.shape();
        int[] out = keep ? sh.clone() : new int[sh.length - 1];
        if (keep) out[axis] = 1;
        else for (int d = 0, j = 0; d < sh.length; d++) if (d != axis) out[j++] = sh[d];
        int n = Arrays.stream(out).reduce(1, (p, q) -> p * q);
        double[][] fibers = new double[n][sh[axis]];
        for (int i = 0; i < a.size(); i++) {
            int[] c = coords(i, sh);
            int o = 0;
            for (int d = 0; d < c.length; d++) if (d != axis) o = o * sh[d] + c[d];
            fibers[o][c[axis]] = a.v()[i];
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = f.applyAsDouble(fibers[i]);
        return new D(out, v);
    }

    /** Elements start ≤ i &lt; end along axis (bounds already in range). */
    static D slice(D a, int axis, int start, int end) {
        int[] out = a.shape().clone();
        out[axis] = end - start;
        return gatherAlong(a, axis, out, c -> c + start);
    }

    static D indexSelect(D a, int axis, int[] idx) {
        int[] out = a.shape().clone();
        out[axis] = idx.length;
        return gatherAlong(a, axis, out, c -> idx[c]);
    }

    /** out[..., c, ...] = a[..., source(c), ...] along axis. */
    private static D gatherAlong(D a, int axis, int[] out, java.util.function.IntUnaryOperator source) {
        int n = Arrays.stream(out).reduce(1, (p, q) -> p * q);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            int[] c = coords(i, out);
            c[axis] = source.applyAsInt(c[axis]);
            v[i] = a.v()[flat(c, a.shape())];
        }
        return new D(out, v);
    }

    static D cat(int axis, D[] parts) {
        int[] out = parts[0].shape().clone();
        out[axis] = 0;
        for (D p : parts) out[axis] += p.shape()[axis];
        int n = Arrays.stream(out).reduce(1, (p, q) -> p * q);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            int[] c = coords(i, out);
            int k = 0;
            while (c[axis] >= parts[k].shape()[axis]) c[axis] -= parts[k++].shape()[axis];
            v[i] = parts[k].v()[flat(c, parts[k].shape())];
        }
        return new D(out, v);
    }

    static D unsqueeze(D a, int axis) {
        int[] sh = a.shape(), out = new int[sh.length + 1];
        for (int d = 0, j = 0; d < out.length; d++) out[d] = d == axis ? 1 : sh[j++];
        return new D(out, a.v());
    }

    static D squeeze(D a, int axis) {
        int[] sh = a.shape(), out = new int[sh.length - 1];
        for (int d = 0, j = 0; d < sh.length; d++) if (d != axis) out[j++] = sh[d];
        return new D(out, a.v());
    }

    /** Result axis i is a's axis p[i]. */
    static D permute(D a, int... p) {
        int[] sh = a.shape(), out = new int[sh.length];
        for (int i = 0; i < p.length; i++) out[i] = sh[p[i]];
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            int[] oc = coords(i, out), ic = new int[sh.length];
            for (int d = 0; d < p.length; d++) ic[p[d]] = oc[d];
            v[i] = a.v()[flat(ic, sh)];
        }
        return new D(out, v);
    }

    static D expand(D a, int[] shape) {
        int n = Arrays.stream(shape).reduce(1, (p, q) -> p * q);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = a.v()[index(coords(i, shape), a.shape())];
        return new D(shape, v);
    }

    /** torch.matmul: 1-D operands promoted (and the added axis removed), batch dimensions broadcast. */
    static D matmul(D a, D b) {
        int[] sa = a.shape().length == 1 ? s(1, a.shape()[0]) : a.shape();
        int[] sb = b.shape().length == 1 ? s(b.shape()[0], 1) : b.shape();
        int rows = sa[sa.length - 2], inner = sa[sa.length - 1], cols = sb[sb.length - 1];
        int[] ba = Arrays.copyOf(sa, sa.length - 2), bb = Arrays.copyOf(sb, sb.length - 2);
        int rank = Math.max(ba.length, bb.length);
        int[] batch = new int[rank];
        for (int d = 0; d < rank; d++) {
            int da = d - (rank - ba.length) >= 0 ? ba[d - (rank - ba.length)] : 1;
            int db = d - (rank - bb.length) >= 0 ? bb[d - (rank - bb.length)] : 1;
            batch[d] = Math.max(da, db);
        }
        int nb = Arrays.stream(batch).reduce(1, (p, q) -> p * q);
        double[] v = new double[nb * rows * cols];
        for (int t = 0; t < nb; t++) {
            int[] bc = coords(t, batch);
            int oa = index(bc, ba) * rows * inner, ob = index(bc, bb) * inner * cols;
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                    for (int k = 0; k < inner; k++) v[(t * rows + i) * cols + j] += a.v()[oa + i * inner + k] * b.v()[ob + k * cols + j];
        }
        List<Integer> out = new ArrayList<>();
        for (int d : batch) out.add(d);
        if (a.shape().length > 1) out.add(rows);
        if (b.shape().length > 1) out.add(cols);
        return new D(out.stream().mapToInt(Integer::intValue).toArray(), v);
    }

    private static int flat(int[] c, int[] shape) {
        int idx = 0;
        for (int d = 0; d < shape.length; d++) idx = idx * shape[d] + c[d];
        return idx;
    }
}
