package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.runtime.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The "More operations" on F16 tensors, eagerly, as API.md defines float16: each op computes in
 * float32 and rounds its result to the nearest half. So an op's F16 value must be exactly its
 * F32 value on the same (half) inputs rounded to half, for the ops that are one rounding
 * (elementwise functions, structure, selection, amax/amin); ops whose lowering is a chain of
 * primitives that each round to half (logsumexp, prod, var, std, matmul, where PyTorch 1.13's CPU
 * half kernels accumulate in float) within a few half ulps. The F32 values themselves are checked
 * against PyTorch by the golden cases. Gradients: within 2 half ulps of the F32 gradient (every
 * VJP step rounds to half once more), scaled by the largest gradient element.
 */
class Float16MoreOpsTest {

    record Op(String name, int[] shape, double lo, double hi, int valueUlps, Function<Tensor, Tensor> f) {}

    private static final List<Op> OPS = new ArrayList<>();

    private static void op(String name, double lo, double hi, Function<Tensor, Tensor> f) {
        OPS.add(new Op(name, new int[] {3, 4}, lo, hi, 0, f));
    }

    private static void chain(String name, int ulps, Function<Tensor, Tensor> f) {
        OPS.add(new Op(name, new int[] {3, 4}, -2, 2, ulps, f));
    }

    static {
        op("tan", -1.2, 1.2, Tensor::tan);
        op("asin", -0.9, 0.9, Tensor::asin);
        op("acos", -0.9, 0.9, Tensor::acos);
        op("atan", -3, 3, Tensor::atan);
        op("sinh", -3, 3, Tensor::sinh);
        op("cosh", -3, 3, Tensor::cosh);
        op("expm1", -3, 3, Tensor::expm1);
        op("log2", 0.1, 4, Tensor::log2);
        op("log10", 0.1, 4, Tensor::log10);
        op("reciprocal", 0.2, 3, Tensor::reciprocal);
        op("rsqrt", 0.1, 4, Tensor::rsqrt);
        op("erf", -2, 2, Tensor::erf);
        op("erfc", -2, 2, Tensor::erfc);
        op("sign", -2, 2, Tensor::sign);
        op("floor", -3, 3, Tensor::floor);
        op("ceil", -3, 3, Tensor::ceil);
        op("round", -3, 3, Tensor::round);
        op("logSigmoid", -4, 4, Tensor::logSigmoid);
        op("silu", -4, 4, Tensor::silu);
        op("gelu", -3, 3, Tensor::gelu);
        op("leakyRelu", -2, 2, x -> x.leakyRelu(0.125));   // a constant takes the tensor's dtype: exact in half here
        op("elu", -2, 2, x -> x.elu(1.5));
        op("atan2", -2, 2, x -> x.atan2(x.t().reshape(3, 4)));
        op("pow tensor", 0.5, 2, x -> x.pow(x.t().reshape(3, 4)));
        op("slice", -2, 2, x -> x.slice(1, 1, 3));
        op("select", -2, 2, x -> x.select(0, -1));
        op("indexSelect", -2, 2, x -> x.indexSelect(1, new int[] {3, 0, 3}));
        op("cat", -2, 2, x -> Tensor.cat(0, x, x.slice(0, 0, 1)));
        op("stack", -2, 2, x -> Tensor.stack(1, x, x));
        op("permute", -2, 2, x -> x.permute(1, 0));
        op("expand", -2, 2, x -> x.unsqueeze(0).expand(2, -1, -1));
        op("where", -2, 2, x -> Tensor.where(x.gt(0.25), x, x.t().reshape(3, 4)));
        op("amax axis", -2, 2, x -> x.amax(1, true));
        op("amin", -2, 2, Tensor::amin);
        op("sum keepDim", -2, 2, x -> x.sum(0, true));
        chain("logsumexp", 1, x -> x.logsumexp(1));
        chain("prod", 2, x -> x.prod(1));
        chain("var", 2, x -> x.var(0));
        chain("std", 2, x -> x.std(1));
        chain("mean keepDim", 1, x -> x.mean(1, true));
        chain("matmul batched", 2, x -> x.reshape(3, 2, 2).matmul(x.reshape(3, 2, 2)));
    }

    /** Half ulp of v (binary16: 10 fraction bits, subnormals below 2^-14). */
    static double ulp16(double v) {
        double a = Math.abs(v);
        int e = a == 0 ? -14 : Math.max(Math.getExponent(a), -14);
        return Math.scalb(1.0, e - 10);
    }

    @TestFactory
    Stream<DynamicTest> float16IsFloat32RoundedOnce() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < OPS.size(); i++) {
            Op op = OPS.get(i);
            long seed = 160 + i;
            tests.add(DynamicTest.dynamicTest(op.name(), () -> check(op, new Random(seed))));
        }
        return tests.stream();
    }

    private static void check(Op op, Random rng) {
        int n = Shapes.size(op.shape());
        double[] v = new double[n];
        for (int j = 0; j < n; j++) v[j] = op.lo() + (op.hi() - op.lo()) * rng.nextDouble();
        double[] halves = Tensor.of(v, op.shape()).to(DType.F16).toDoubleArray();   // exact in F16 and F32
        float[] f = new float[n];
        for (int j = 0; j < n; j++) f[j] = (float) halves[j];

        Tensor x16 = Tensor.of(halves, op.shape()).to(DType.F16).requiresGrad(true);
        Tensor x32 = Tensor.of(f, op.shape()).requiresGrad(true);
        Tensor y16 = op.f().apply(x16), y32 = op.f().apply(x32);
        assertEquals(DType.F16, y16.dtype(), op.name());
        assertArrayEquals(y32.shape(), y16.shape(), op.name());
        double[] want = y32.detach().to(DType.F16).toDoubleArray(), got = y16.toDoubleArray();
        for (int j = 0; j < want.length; j++) {
            double tol = op.valueUlps() * ulp16(want[j]);
            if (!(Math.abs(got[j] - want[j]) <= tol) && !(Double.isNaN(got[j]) && Double.isNaN(want[j])))
                throw new AssertionError(op.name() + ": F16 value[" + j + "] = " + got[j] + ", F32 rounded to half " + want[j]
                        + " (" + op.valueUlps() + " half ulps allowed)");
        }
        double[] seed = new double[want.length];
        for (int j = 0; j < seed.length; j++) seed[j] = Math.round((rng.nextDouble() * 2 - 1) * 64) / 64.0;   // exact in half
        y16.backward(Tensor.of(seed, y16.shape()).to(DType.F16));
        y32.backward(Tensor.of(seed, y32.shape()).to(DType.F32));
        double[] g32 = x32.grad().toDoubleArray(), g16 = x16.grad().toDoubleArray();
        assertEquals(DType.F16, x16.grad().dtype());
        double scale = 0;
        for (double g : g32) scale = Math.max(scale, Math.abs(g));
        for (int j = 0; j < g32.length; j++) {
            double tol = 2 * ulp16(scale) + 2 * ulp16(g32[j]);
            if (!(Math.abs(g16[j] - g32[j]) <= tol))
                throw new AssertionError(op.name() + ": F16 gradient[" + j + "] = " + g16[j] + ", F32 " + g32[j] + " (tolerance " + tol + ")");
        }
    }
}
