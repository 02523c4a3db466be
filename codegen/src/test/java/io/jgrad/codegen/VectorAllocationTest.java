package io.jgrad.codegen;

import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.Workspace;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Steady-state calls on the vector path allocate nothing: no boxed vector (issue 13). Runs in
 * the vector-path surefire execution (skipped without jdk.incubator.vector), in a JVM of its own
 * (one per test class there): C2's decision to box can depend on the class-check traps other
 * kernels left in the Vector API's shared methods (README, "Why vectors got boxed"), so these
 * kernels do not share a JVM with the other suites. Each kernel really holds vector code
 * (checked), and {@link AllocationTest#assertNoAllocation} calls it 30,000 times before the
 * counting rounds (the least of five rounds of 50,000 calls), so C2 has compiled it: the
 * interpreter and C1 box every vector, C2 must not.
 */
class VectorAllocationTest {
    // Run in the vector-path surefire execution (skipped without jdk.incubator.vector). Each
    // kernel below really holds vector code (checked), and is called 30,000 times before the
    // counting rounds, so C2 has compiled it: the interpreter and C1 box every vector, C2 must not.

    private static void assumeVectorPath() {
        assumeTrue(Simd.enabled(), "the JVM runs without jdk.incubator.vector (or with -Djgrad.simd=false)");
    }

    private static void assertVectorCode(Compiled c) {
        assertTrue(new String(c.bytecode(), java.nio.charset.StandardCharsets.ISO_8859_1).contains("jdk/incubator/vector/"), c.toString());
    }

    /** sum(sin(x²)) and mean(exp(x) * x): lanewise transcendentals, a sum's four lanes at 128 or 256 bits. */
    @Test
    void vectorElementwiseAndSums() {
        assumeVectorPath();
        for (io.jgrad.runtime.DType d : new io.jgrad.runtime.DType[] {io.jgrad.runtime.DType.F32, io.jgrad.runtime.DType.F64}) {
            io.jgrad.ir.Builder b = new io.jgrad.ir.Builder();
            int x = b.input(0, "x", io.jgrad.ir.Type.of(d, 1003));
            int y = b.input(1, "y", io.jgrad.ir.Type.of(d, 1003));
            int l = io.jgrad.ir.Composites.add(b, io.jgrad.ir.Composites.sum(b, io.jgrad.ir.Composites.sin(b, io.jgrad.ir.Composites.square(b, x))),
                    io.jgrad.ir.Composites.mean(b, io.jgrad.ir.Composites.mul(b, io.jgrad.ir.Composites.exp(b, y), x)));
            Compiled c = Pipelines.compile(b.build(l), new String[] {"x", "y"}, new boolean[] {true, true});
            assertVectorCode(c);
            Workspace ws = c.newWorkspace();
            if (d == io.jgrad.runtime.DType.F32) {
                float[][] in = Pipelines.data(new Random(3), 1003, 1003), grads = {new float[1003], new float[1003]};
                AllocationTest.assertNoAllocation("vector F32 sums valueAndGrad", () -> c.valueAndGrad(ws, in, grads));
            } else {
                double[][] in = Pipelines.dataF64(new Random(3), 1003, 1003), grads = {new double[1003], new double[1003]};
                AllocationTest.assertNoAllocation("vector F64 sums valueAndGrad", () -> c.valueAndGrad(ws, in, grads));
            }
        }
    }

    /**
     * Logistic regression, 512 x 40, F32 and F64: a matrix-vector product, sigmoid and logs, the
     * gradient's Xᵀ·g in lanes over X's rows; the loss is a sum of 4 blocks of 128 terms with
     * logs (F64: a loop-carried 256-bit accumulator, which C2 boxed per step in chunks of more
     * than ~64 vector calls: {@code BodyEmitter.VECTOR_CHUNK_CALLS}).
     */
    @Test
    void vectorLogisticRegression() {
        assumeVectorPath();
        for (io.jgrad.runtime.DType d : new io.jgrad.runtime.DType[] {io.jgrad.runtime.DType.F32, io.jgrad.runtime.DType.F64}) {
            int n = 512, f = 40;
            io.jgrad.ir.Builder b = new io.jgrad.ir.Builder();
            int w = b.input(0, "w", io.jgrad.ir.Type.of(d, f, 1)), bias = b.input(1, "b", io.jgrad.ir.Type.of(d, 1));
            int x = b.input(2, "X", io.jgrad.ir.Type.of(d, n, f)), t = b.input(3, "t", io.jgrad.ir.Type.of(d, n, 1));
            int p = io.jgrad.ir.Composites.sigmoid(b, io.jgrad.ir.Composites.add(b, io.jgrad.ir.Composites.matmul(b, x, w), bias));
            int ll = io.jgrad.ir.Composites.add(b, io.jgrad.ir.Composites.mul(b, t, io.jgrad.ir.Composites.log(b, p)),
                    io.jgrad.ir.Composites.mul(b, io.jgrad.ir.Composites.rsub(b, t, 1f), io.jgrad.ir.Composites.log(b, io.jgrad.ir.Composites.rsub(b, p, 1f))));
            int loss = io.jgrad.ir.Composites.neg(b, io.jgrad.ir.Composites.mean(b, ll));
            Compiled c = Pipelines.compile(b.build(loss), new String[] {"w", "b", "X", "t"}, new boolean[] {true, true, false, false});
            assertVectorCode(c);
            Workspace ws = c.newWorkspace();
            if (d == io.jgrad.runtime.DType.F32) {
                float[][] data = Pipelines.data(new Random(4), f, 1, n * f, n);
                for (int i = 0; i < n; i++) data[3][i] = data[3][i] > 0 ? 1f : 0f;
                float[][] grads = {new float[f], new float[1], null, null};
                AllocationTest.assertNoAllocation("vector F32 logistic regression valueAndGrad", () -> c.valueAndGrad(ws, data, grads));
            } else {
                double[][] data = Pipelines.dataF64(new Random(4), f, 1, n * f, n);
                for (int i = 0; i < n; i++) data[3][i] = data[3][i] > 0 ? 1 : 0;
                double[][] grads = {new double[f], new double[1], null, null};
                AllocationTest.assertNoAllocation("vector F64 logistic regression valueAndGrad", () -> c.valueAndGrad(ws, data, grads));
            }
        }
    }

    /**
     * A two-layer MLP, 64 x 40 x 32 x 10, F32 and F64 (the benchmark's model, smaller):
     * X·W1 through the register-blocked kernel, tanh, logSoftmax (a float sum of exps: the
     * 8-wide terms whose halves are swapped by a shuffle, which was built per step and boxed,
     * 1.5 kB per call), the backward products in lanes.
     */
    @Test
    void vectorMlp() {
        assumeVectorPath();
        int batch = 64, in = 40, hidden = 32, out = 10;
        for (io.jgrad.runtime.DType d : new io.jgrad.runtime.DType[] {io.jgrad.runtime.DType.F32, io.jgrad.runtime.DType.F64}) {
            io.jgrad.ir.Builder b = new io.jgrad.ir.Builder();
            int w1 = b.input(0, "W1", io.jgrad.ir.Type.of(d, in, hidden)), b1 = b.input(1, "b1", io.jgrad.ir.Type.of(d, hidden));
            int w2 = b.input(2, "W2", io.jgrad.ir.Type.of(d, hidden, out)), b2 = b.input(3, "b2", io.jgrad.ir.Type.of(d, out));
            int x = b.input(4, "X", io.jgrad.ir.Type.of(d, batch, in)), t = b.input(5, "T", io.jgrad.ir.Type.of(d, batch, out));
            int h = io.jgrad.ir.Composites.tanh(b, io.jgrad.ir.Composites.add(b, io.jgrad.ir.Composites.matmul(b, x, w1), b1));
            int logits = io.jgrad.ir.Composites.add(b, io.jgrad.ir.Composites.matmul(b, h, w2), b2);
            int loss = io.jgrad.ir.Composites.neg(b, io.jgrad.ir.Composites.mean(b, io.jgrad.ir.Composites.sum(b,
                    io.jgrad.ir.Composites.mul(b, t, io.jgrad.ir.Composites.logSoftmax(b, logits, 1)), 1)));
            Compiled c = Pipelines.compile(b.build(loss), new String[] {"W1", "b1", "W2", "b2", "X", "T"},
                    new boolean[] {true, true, true, true, false, false});
            assertVectorCode(c);
            Workspace ws = c.newWorkspace();
            int[] sizes = {in * hidden, hidden, hidden * out, out, batch * in, batch * out};
            if (d == io.jgrad.runtime.DType.F32) {
                float[][] data = Pipelines.data(new Random(5), sizes);
                float[][] grads = {new float[sizes[0]], new float[sizes[1]], new float[sizes[2]], new float[sizes[3]], null, null};
                AllocationTest.assertNoAllocation("vector F32 MLP valueAndGrad", () -> c.valueAndGrad(ws, data, grads));
            } else {
                double[][] data = Pipelines.dataF64(new Random(5), sizes);
                double[][] grads = {new double[sizes[0]], new double[sizes[1]], new double[sizes[2]], new double[sizes[3]], null, null};
                AllocationTest.assertNoAllocation("vector F64 MLP valueAndGrad", () -> c.valueAndGrad(ws, data, grads));
            }
        }
    }
}
