package io.jgrad.codegen;

import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import io.jgrad.runtime.Workspace;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Generated vector code allocates nothing in a JVM that used other vector shapes first, through
 * the Vector API's convenience methods ({@code fma}, {@code add}, {@code mul}, {@code intoArray}
 * on 128-, 256- and 512-bit vectors, as runtime's {@code VectorProfileTest} does for the
 * hand-written kernels): the profiles of the JDK's shared call sites then hold several classes,
 * as in an application that vectorises something of its own. Workloads: GemmLoweringTest's
 * layer (the packed product and its fused operand), the MLP and the logistic regression of
 * {@link VectorAllocationTest}, F32 and F64. Runs in the vector-path execution, in a JVM of its
 * own (one per test class), so these profiles exist before C2 compiles any generated code.
 */
class VectorProfileAllocationTest {
    @BeforeAll
    static void useOtherShapesFirst() {
        if (Simd.enabled()) OtherShapes.use();
    }

    /** Loaded only with the module (the scalar-path execution runs this class too). */
    private static final class OtherShapes {
        static void use() {
            float[] x = new float[64];
            double[] y = new double[64];
            for (int round = 0; round < 1000; round++) {
                java.util.Arrays.fill(x, 0.5f);
                java.util.Arrays.fill(y, 0.5);
                for (VectorSpecies<Float> s : java.util.List.of(FloatVector.SPECIES_128, FloatVector.SPECIES_256, FloatVector.SPECIES_512)) {
                    for (int i = 0; i + s.length() <= x.length; i += s.length()) {
                        FloatVector a = FloatVector.fromArray(s, x, i), b = FloatVector.broadcast(s, x[i]);
                        a.fma(b, a).add(b).mul(a).intoArray(x, i);
                    }
                }
                for (VectorSpecies<Double> s : java.util.List.of(DoubleVector.SPECIES_128, DoubleVector.SPECIES_256, DoubleVector.SPECIES_512)) {
                    for (int i = 0; i + s.length() <= y.length; i += s.length()) {
                        DoubleVector a = DoubleVector.fromArray(s, y, i), b = DoubleVector.broadcast(s, y[i]);
                        a.fma(b, a).add(b).mul(a).intoArray(y, i);
                    }
                }
            }
        }
    }

    private static void assumeVectorPath() {
        assumeTrue(Simd.enabled(), "the JVM runs without jdk.incubator.vector (or with -Djgrad.simd=false)");
    }

    @Test
    void gemmLayer() {
        assumeVectorPath();
        int m = GemmLoweringTest.M, k = GemmLoweringTest.K, n = GemmLoweringTest.N;
        for (DType d : new DType[] {DType.F32, DType.F64}) {
            for (boolean fused : new boolean[] {false, true}) {
                Compiled c = Pipelines.compile(GemmLoweringTest.layer(d, fused), GemmLoweringTest.NAMES, GemmLoweringTest.WRT);
                Workspace ws = c.newWorkspace();
                String what = "layer " + d + (fused ? " tanh operand" : "") + " valueAndGrad after other shapes";
                if (d == DType.F32) {
                    float[][] in = Pipelines.data(new Random(1), m * k, k * n, m * n), grads = {new float[m * k], new float[k * n], null};
                    AllocationTest.assertNoAllocation(what, () -> c.valueAndGrad(ws, in, grads));
                } else {
                    double[][] in = Pipelines.dataF64(new Random(1), m * k, k * n, m * n), grads = {new double[m * k], new double[k * n], null};
                    AllocationTest.assertNoAllocation(what, () -> c.valueAndGrad(ws, in, grads));
                }
            }
        }
    }

    @Test
    void mlp() {
        assumeVectorPath();
        int batch = 64, in = 40, hidden = 32, out = 10;
        int[] sizes = {in * hidden, hidden, hidden * out, out, batch * in, batch * out};
        for (DType d : new DType[] {DType.F32, DType.F64}) {
            Compiled c = VectorAllocationTest.mlp(d, batch, in, hidden, out);
            Workspace ws = c.newWorkspace();
            if (d == DType.F32) {
                float[][] data = Pipelines.data(new Random(5), sizes);
                float[][] grads = {new float[sizes[0]], new float[sizes[1]], new float[sizes[2]], new float[sizes[3]], null, null};
                AllocationTest.assertNoAllocation("MLP F32 valueAndGrad after other shapes", () -> c.valueAndGrad(ws, data, grads));
            } else {
                double[][] data = Pipelines.dataF64(new Random(5), sizes);
                double[][] grads = {new double[sizes[0]], new double[sizes[1]], new double[sizes[2]], new double[sizes[3]], null, null};
                AllocationTest.assertNoAllocation("MLP F64 valueAndGrad after other shapes", () -> c.valueAndGrad(ws, data, grads));
            }
        }
    }

    @Test
    void logisticRegression() {
        assumeVectorPath();
        int n = 512, f = 40;
        for (DType d : new DType[] {DType.F32, DType.F64}) {
            Compiled c = VectorAllocationTest.logisticRegression(d, n, f);
            Workspace ws = c.newWorkspace();
            if (d == DType.F32) {
                float[][] data = Pipelines.data(new Random(4), f, 1, n * f, n);
                for (int i = 0; i < n; i++) data[3][i] = data[3][i] > 0 ? 1f : 0f;
                float[][] grads = {new float[f], new float[1], null, null};
                AllocationTest.assertNoAllocation("logistic regression F32 valueAndGrad after other shapes", () -> c.valueAndGrad(ws, data, grads));
            } else {
                double[][] data = Pipelines.dataF64(new Random(4), f, 1, n * f, n);
                for (int i = 0; i < n; i++) data[3][i] = data[3][i] > 0 ? 1 : 0;
                double[][] grads = {new double[f], new double[1], null, null};
                AllocationTest.assertNoAllocation("logistic regression F64 valueAndGrad after other shapes", () -> c.valueAndGrad(ws, data, grads));
            }
        }
    }
}
