package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.golden.GoldenCase;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import io.jgrad.runtime.Workspace;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The version-2 golden cases (shared/golden/cases-v2, copied into golden-v2/) whose ops exist
 * after issue 9: the version-1 ops in float64, float16, dtype promotion and {@code to}, and
 * tensor outputs. Eagerly, each array is compared by the rule of its dtype (the golden README,
 * "Comparing, version 2"). Compiled, for every case Grad.compile accepts (one input dtype, F32 or
 * F64, and an output of that dtype), through every entry point with and without a workspace;
 * for the others (a float16 input, mixed dtypes, an output of another dtype) Grad.compile must
 * throw an IllegalArgumentException naming the dtypes involved.
 */
class GoldenV2Test {

    @Test
    void allCasesArePresent() {
        var cases = GoldenCase.loadAll("golden-v2");
        assertEquals(120, cases.size());
        long f64 = cases.stream().filter(c -> c.dtype == DType.F64).count();
        long f16 = cases.stream().filter(c -> c.dtype == DType.F16).count();
        long mixed = cases.stream().filter(c -> !c.compilable() && c.dtype != DType.F16).count();
        assertEquals(49, f64, "float64 cases");
        assertEquals(20, f16, "float16 cases");
        assertEquals(5, mixed, "promotion and to() cases with mixed dtypes");
    }

    @TestFactory
    Stream<DynamicTest> eager() {
        return GoldenCase.loadAll("golden-v2").stream().map(c -> DynamicTest.dynamicTest(c.name, () -> runEager(c)));
    }

    @TestFactory
    Stream<DynamicTest> compiled() {
        return GoldenCase.loadAll("golden-v2").stream().map(c -> DynamicTest.dynamicTest(c.name, () -> {
            if (!c.compilable()) {
                compileRefusesNamingTheDtypes(c);
            } else if (c.dtype == DType.F64) {
                runCompiled64(c);
            } else {
                CompiledGoldenTest.runCompiled(c);
            }
        }));
    }

    /** The case through the eager engine: value and every gradient by the rule of its dtype. */
    static void runEager(GoldenCase c) {
        Map<String, Tensor> env = c.eagerInputs();
        Map<String, Tensor> inputs = Map.copyOf(env);
        Tensor out = c.run(env, GoldenCase.TENSOR_OPS);
        c.checkValue(out);
        if (c.seed64 == null) out.backward();
        else out.backward(c.seedTensor());
        for (String name : c.gradInputs()) c.checkGrad(name, inputs.get(name).grad());
    }

    static void compileRefusesNamingTheDtypes(GoldenCase c) {
        Set<DType> involved = EnumSet.of(c.outputDType);
        for (GoldenCase.Input in : c.inputs) involved.add(in.dtype());
        String m = assertThrows(IllegalArgumentException.class, () -> CompiledGoldenTest.compile(c)).getMessage();
        for (DType d : involved) assertTrue(m.contains(d.name()), "the message names " + d + ": " + m);
    }

    /** An F64 case compiled: forward, value, valueAndGrad and vjp over double[], with and without a workspace. */
    static void runCompiled64(GoldenCase c) {
        Compiled f = CompiledGoldenTest.compile(c);
        assertEquals(DType.F64, f.dtype());
        assertArrayEquals(c.expectedShape, f.outputShape());
        double[][] x = new double[c.inputs.size()][];
        for (int i = 0; i < x.length; i++) x[i] = c.inputs.get(i).values().clone();
        double[][] before = deepCopy(x);
        int outSize = c.value.length;

        double[] out = new double[outSize];
        f.forward(x, out);
        c.checkValue64(f.outputShape(), out);

        double[][] grads = fresh(c, x);
        if (c.seed64 == null) {
            double v = f.valueAndGrad(x, grads);
            c.checkValue64(f.outputShape(), new double[] {v});
            assertEquals(v, f.value(x));
            checkGrads(c, grads);
            double[][] wsGrads = fresh(c, x);
            Workspace ws = f.newWorkspace();
            assertEquals(v, f.valueAndGrad(ws, x, wsGrads));
            assertArrayEquals(grads, wsGrads, "with a workspace: the same results");
        }
        double[] seed = c.seed64 != null ? c.seed64.clone() : new double[] {1};
        double[][] vjpGrads = fresh(c, x);
        double[] vjpOut = new double[outSize];
        f.vjp(x, seed, vjpOut, vjpGrads);
        c.checkValue64(f.outputShape(), vjpOut);
        checkGrads(c, vjpGrads);
        double[][] wsGrads = fresh(c, x);
        double[] wsOut = new double[outSize];
        f.vjp(f.newWorkspace(), x, seed, wsOut, wsGrads);
        double[] fwOut = new double[outSize];
        f.forward(f.newWorkspace(), x, fwOut);
        assertArrayEquals(vjpOut, wsOut);
        assertArrayEquals(vjpOut, fwOut, "forward and vjp give the same bits");
        assertArrayEquals(vjpGrads, wsGrads);
        assertArrayEquals(before, x, "inputs are never written");
    }

    private static void checkGrads(GoldenCase c, double[][] grads) {
        for (int i = 0; i < grads.length; i++) {
            if (c.inputs.get(i).requiresGrad()) c.checkGrad64(c.inputs.get(i).name(), grads[i]);
        }
    }

    private static double[][] fresh(GoldenCase c, double[][] x) {
        double[][] g = new double[x.length][];
        for (int i = 0; i < g.length; i++) if (c.inputs.get(i).requiresGrad()) g[i] = new double[x[i].length];
        return g;
    }

    private static double[][] deepCopy(double[][] x) {
        double[][] c = new double[x.length][];
        for (int i = 0; i < x.length; i++) c[i] = x[i].clone();
        return c;
    }
}
