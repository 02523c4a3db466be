package io.jgrad.codegen;

import io.jgrad.ir.Builder;
import io.jgrad.ir.Composites;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import io.jgrad.runtime.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.jgrad.codegen.F64Harness.S;
import static org.junit.jupiter.api.Assertions.*;

/**
 * API.md's jvp, jacobian and hvp ("Compiled, version 2") on small functions with closed-form
 * derivatives, F64 and F32, with and without a Workspace: values written out by hand; every bad
 * call an exception naming the argument with every output array untouched (sentinels); wrong
 * dtypes naming the right overload; kernels made lazily, once, whatever the number of threads;
 * identical bits from every thread; no allocation per call after the first.
 */
class DerivedContractTest {

    /** f(a[2,3], b[3], k[]) = sum((a + b) * k), a and k differentiable: H·v is (v_k per a element, sum(v_a)). */
    static Compiled scalar(DType d) {
        Builder bl = new Builder();
        int a = bl.input(0, "a", Type.of(d, 2, 3)), b = bl.input(1, "b", Type.of(d, 3)), k = bl.input(2, "k", Type.of(d));
        Graph g = bl.build(Composites.sum(bl, Composites.mul(bl, Composites.add(bl, a, b), k)));
        return Pipelines.compile(g, new String[] {"a", "b", "k"}, new boolean[] {true, false, true});
    }

    /** f(a[2,3], b[3]) = tanh(a * b): d out = (1 - out²)(da·b + a·db). */
    static Compiled tensor(DType d) {
        Builder bl = new Builder();
        int a = bl.input(0, "a", Type.of(d, 2, 3)), b = bl.input(1, "b", Type.of(d, 3));
        Graph g = bl.build(Composites.tanh(bl, Composites.mul(bl, a, b)));
        return Pipelines.compile(g, new String[] {"a", "b"}, new boolean[] {true, true});
    }

    static double[][] in() { return new double[][] {{0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, {0.7, -1.1, 2.3}, {3.3}}; }

    static double[] filled(int n) { return F64Harness.sentinel(n); }

    static void untouched(double[]... arrays) {
        for (double[] a : arrays) if (a != null) for (double f : a) assertEquals(S, f, "written before the error");
    }

    static void rejects(Executable call, String... words) {
        ContractTest.rejects(call, words);
    }

    @Test
    void jvpJacobianAndHvpInEveryForm() {
        Compiled c = tensor(DType.F64);
        double[][] in = {in()[0], in()[1]};
        double[][] copy = F64Harness.deepCopy(in);
        double[] ua = {1, -1, 0.5, 0.25, 2, -0.5}, ub = {0.3, 0.1, -0.2};
        Workspace ws = c.newWorkspace();
        for (boolean explicit : new boolean[] {false, true}) {
            double[] out = filled(6), tan = filled(6);
            if (explicit) c.jvp(ws, in, new double[][] {ua, ub}, out, tan);
            else c.jvp(in, new double[][] {ua, ub}, out, tan);
            for (int i = 0; i < 6; i++) {
                double a = in[0][i], b = in[1][i % 3], o = Math.tanh(a * b);
                assertEquals(o, out[i], 0.0);
                assertEquals((1 - o * o) * (ua[i] * b + a * ub[i % 3]), tan[i], 1e-15);
            }
            // a null tangent is zero
            double[] tan2 = filled(6);
            c.jvp(in, new double[][] {null, ub}, filled(6), tan2);
            for (int i = 0; i < 6; i++) {
                double a = in[0][i], o = Math.tanh(a * in[1][i % 3]);
                assertEquals((1 - o * o) * a * ub[i % 3], tan2[i], 1e-15);
            }
            // the Jacobian: 6 outputs, 6 + 3 inputs; d out_i / d a_j = δij (1-o²) b, d out_i / d b_j = [i%3 == j] (1-o²) a
            double[][] jac = {filled(36), filled(18)};
            double[] jout = filled(6);
            if (explicit) c.jacobian(ws, in, jout, jac);
            else c.jacobian(in, jout, jac);
            for (int i = 0; i < 6; i++) {
                double a = in[0][i], b = in[1][i % 3], o = Math.tanh(a * b);
                assertEquals(o, jout[i], 0.0);
                for (int j = 0; j < 6; j++) assertEquals(i == j ? (1 - o * o) * b : 0, jac[0][i * 6 + j], 1e-15, "da " + i + "," + j);
                for (int j = 0; j < 3; j++) assertEquals(i % 3 == j ? (1 - o * o) * a : 0, jac[1][i * 3 + j], 1e-15, "db " + i + "," + j);
            }
            // one block only (3 forward passes < 6 reverse ones): the other is neither computed nor written
            double[] blockB = filled(18);
            c.jacobian(in, filled(6), new double[][] {null, blockB});
            assertArrayEquals(jac[1], blockB, 0.0);
        }
        for (int i = 0; i < in.length; i++) assertArrayEquals(copy[i], in[i], "input " + i + " written");

        Compiled s = scalar(DType.F64);
        double[][] sin = in();
        double[] va = {1, 2, 3, 4, 5, 6}, vk = {0.5};
        for (boolean explicit : new boolean[] {false, true}) {
            double[] hb = filled(3);
            double[][] hv = {filled(6), hb, filled(1)};
            if (explicit) s.hvp(s.newWorkspace(), sin, new double[][] {va, null, vk}, hv);
            else s.hvp(sin, new double[][] {va, null, vk}, hv);
            for (int i = 0; i < 6; i++) assertEquals(0.5, hv[0][i], 0.0, "d²f/da dk · v_k");
            assertEquals(21.0, hv[2][0], 1e-14, "Σ v_a");
            untouched(hb);   // b requires no gradient: left alone
        }
    }

    @Test
    void f32Forms() {
        Compiled c = tensor(DType.F32);
        float[][] in = {{0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f}, {0.7f, -1.1f, 2.3f}};
        float[] out = new float[6], tan = new float[6];
        c.jvp(in, new float[][] {{1, 0, 0, 0, 0, 0}, null}, out, tan);
        float o = (float) Math.tanh(0.1f * 0.7f);
        assertEquals(o, out[0], 1e-7);
        assertEquals((1 - o * o) * 0.7f, tan[0], 1e-6);
        for (int i = 1; i < 6; i++) assertEquals(0f, tan[i]);
        float[][] jac = {new float[36], new float[18]};
        c.jacobian(c.newWorkspace(), in, out, jac);
        assertEquals(tan[0], jac[0][0], 1e-7);
        Compiled s = scalar(DType.F32);
        float[][] hv = {new float[6], null, new float[1]};
        s.hvp(new float[][] {{1, 2, 3, 4, 5, 6}, {1, 2, 3}, {2}}, new float[][] {null, null, {0.5f}}, hv);
        for (int i = 0; i < 6; i++) assertEquals(0.5f, hv[0][i]);
        assertEquals(0f, hv[2][0]);
    }

    @Test
    void badJvpCalls() {
        Compiled c = tensor(DType.F64);
        double[][] in = {in()[0], in()[1]};
        double[] out = filled(6), tan = filled(6), ua = {1, 1, 1, 1, 1, 1};
        rejects(() -> c.jvp(in, null, out, tan), "tangents is null", "2 arrays");
        rejects(() -> c.jvp(in, new double[1][], out, tan), "tangents", "expected 2", "got 1");
        rejects(() -> c.jvp(in, new double[][] {new double[5], null}, out, tan), "tangents[0]", "'a'", "expected length 6", "got 5");
        rejects(() -> c.jvp(in, new double[][] {ua, null}, null, tan), "output is null");
        rejects(() -> c.jvp(in, new double[][] {ua, null}, out, null), "outputTangent is null");
        rejects(() -> c.jvp(in, new double[][] {ua, null}, out, new double[5]), "outputTangent", "expected length 6", "got 5");
        rejects(() -> c.jvp(in, new double[][] {ua, null}, out, out), "outputTangent is the same array as output");
        rejects(() -> c.jvp(in, new double[][] {ua, null}, out, in[0]), "outputTangent", "input 0 'a'");
        rejects(() -> c.jvp(in, new double[][] {tan, null}, out, tan), "outputTangent", "tangents[0]");
        rejects(() -> c.jvp(in, new double[][] {out, null}, out, tan), "output", "tangents[0]");
        rejects(() -> c.jvp(new double[][] {in[0], new double[2]}, new double[][] {ua, null}, out, tan), "input 1 'b'", "got 2");
        rejects(() -> c.jvp(c.newWorkspace(), in, new double[][] {new double[5], null}, out, tan), "tangents[0]", "got 5");
        rejects(() -> c.jvp(tensor(DType.F64).newWorkspace(), in, new double[][] {ua, null}, out, tan), "another compiled function");
        rejects(() -> c.jvp((Workspace) null, in, new double[][] {ua, null}, out, tan), "workspace is null");
        untouched(out, tan);
    }

    @Test
    void badJacobianCalls() {
        Compiled c = tensor(DType.F64);
        double[][] in = {in()[0], in()[1]};
        double[] out = filled(6), ja = filled(36), jb = filled(18);
        rejects(() -> c.jacobian(in, out, null), "jacobian is null", "2 arrays");
        rejects(() -> c.jacobian(in, out, new double[][] {ja}), "jacobian", "expected 2", "got 1");
        rejects(() -> c.jacobian(in, out, new double[][] {new double[35], jb}), "jacobian[0]", "'a'", "[6 x 6]", "expected length 36", "got 35");
        // blocks of one length: f(a[3], b[3]) = a·b elementwise, and g(a[3], k[]) whose k block is as long as the output
        Builder bl = new Builder();
        int a3 = bl.input(0, "a", Type.f64(3)), b3 = bl.input(1, "b", Type.f64(3));
        Compiled same = Pipelines.compile(bl.build(Composites.mul(bl, a3, b3)), new String[] {"a", "b"}, new boolean[] {true, true});
        double[] j9 = filled(9), o3 = filled(3);
        double[][] in3 = {{1, 2, 3}, {4, 5, 6}};
        rejects(() -> same.jacobian(in3, o3, new double[][] {j9, j9}), "jacobian[1]", "'b'", "same array as jacobian[0]");
        Builder kb = new Builder();
        int ak = kb.input(0, "a", Type.f64(3)), k = kb.input(1, "k", Type.f64());
        Compiled byK = Pipelines.compile(kb.build(Composites.mul(kb, ak, k)), new String[] {"a", "k"}, new boolean[] {true, true});
        double[][] ink = {{1, 2, 3}, {2}};
        rejects(() -> byK.jacobian(ink, o3, new double[][] {j9, o3}), "jacobian[1]", "'k'", "same array as output");
        rejects(() -> byK.jacobian(ink, o3, new double[][] {j9, ink[0]}), "jacobian[1]", "input 0 'a'");
        untouched(j9, o3);
        rejects(() -> c.jacobian(in, null, new double[][] {ja, jb}), "output is null");
        rejects(() -> c.jacobian(in, new double[7], new double[][] {ja, jb}), "output", "expected length 6", "got 7");
        rejects(() -> c.jacobian(new double[][] {in[0]}, out, new double[][] {ja, jb}), "expected 2 inputs");
        rejects(() -> c.jacobian(c.newWorkspace(), in, out, new double[][] {new double[35], jb}), "jacobian[0]", "got 35");
        untouched(out, ja, jb);
    }

    @Test
    void badHvpCalls() {
        Compiled s = scalar(DType.F64);
        double[][] in = in();
        double[] ha = filled(6), hk = filled(1), va = {1, 1, 1, 1, 1, 1};
        rejects(() -> s.hvp(in, null, new double[][] {ha, null, hk}), "v is null", "3 arrays");
        rejects(() -> s.hvp(in, new double[][] {va, null}, new double[][] {ha, null, hk}), "v", "expected 3", "got 2");
        rejects(() -> s.hvp(in, new double[][] {new double[5], null, null}, new double[][] {ha, null, hk}), "v[0]", "'a'", "got 5");
        rejects(() -> s.hvp(in, new double[][] {va, null, null}, null), "hv is null");
        rejects(() -> s.hvp(in, new double[][] {va, null, null}, new double[][] {ha, null, null}), "hv[2]", "'k'", "null");
        rejects(() -> s.hvp(in, new double[][] {va, null, null}, new double[][] {ha, null, new double[2]}), "hv[2]", "expected length 1", "got 2");
        rejects(() -> s.hvp(in, new double[][] {va, null, null}, new double[][] {va, null, hk}), "hv[0]", "same array as v[0]");
        rejects(() -> s.hvp(in, new double[][] {va, null, null}, new double[][] {in[0], null, hk}), "hv[0]", "input 0 'a'");
        Builder bl = new Builder();
        int a3 = bl.input(0, "a", Type.f64(3)), b3 = bl.input(1, "b", Type.f64(3));
        Compiled dot = Pipelines.compile(bl.build(Composites.dot(bl, a3, b3)), new String[] {"a", "b"}, new boolean[] {true, true});
        double[] h3 = filled(3);
        rejects(() -> dot.hvp(new double[][] {{1, 2, 3}, {4, 5, 6}}, new double[2][], new double[][] {h3, h3}), "hv[1]", "'b'", "same array as hv[0]");
        untouched(h3);
        rejects(() -> s.hvp(s.newWorkspace(), in, new double[][] {va, null, null}, new double[][] {ha, null, null}), "hv[2]", "null");
        untouched(ha, hk);
        // a tensor output has no Hessian-vector product: refused before anything is written
        Compiled t = tensor(DType.F64);
        double[] h0 = filled(6), h1 = filled(3);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.hvp(new double[][] {in[0], in[1]}, new double[2][], new double[][] {h0, h1}));
        assertTrue(e.getMessage().contains("scalar") && e.getMessage().contains("[2, 3]"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> t.hvp(t.newWorkspace(), new double[][] {in[0], in[1]}, new double[2][], new double[][] {h0, h1}));
        untouched(h0, h1);
    }

    @Test
    void wrongDTypeCallsNameTheRightOverload() {
        Compiled c64 = tensor(DType.F64), c32 = tensor(DType.F32);
        float[] fo = ContractTest.filled(6), ft = ContractTest.filled(6);
        float[][] fin = {new float[6], new float[3]};
        rejects(() -> c64.jvp(fin, new float[2][], fo, ft), "F64", "jvp(double[][] inputs, double[][] tangents, double[] output, double[] outputTangent)");
        rejects(() -> c64.jvp(c64.newWorkspace(), fin, new float[2][], fo, ft), "F64", "jvp(Workspace ws, double[][]");
        rejects(() -> c64.jacobian(fin, fo, new float[2][]), "F64", "jacobian(double[][] inputs, double[] output, double[][] jacobian)");
        rejects(() -> c64.jacobian(c64.newWorkspace(), fin, fo, new float[2][]), "F64", "jacobian(Workspace ws, double[][]");
        rejects(() -> c64.hvp(fin, new float[2][], new float[2][]), "F64", "hvp(double[][] inputs, double[][] v, double[][] hv)");
        rejects(() -> c64.hvp(c64.newWorkspace(), fin, new float[2][], new float[2][]), "F64", "hvp(Workspace ws, double[][]");
        F64ContractTest.untouched(fo, ft);
        double[] d = filled(6);
        double[][] din = {new double[6], new double[3]};
        rejects(() -> c32.jvp(din, new double[2][], d, filled(6)), "F32", "jvp(float[][] inputs, float[][] tangents, float[] output, float[] outputTangent)");
        rejects(() -> c32.jacobian(din, d, new double[2][]), "F32", "jacobian(float[][] inputs, float[] output, float[][] jacobian)");
        rejects(() -> c32.hvp(din, new double[2][], new double[2][]), "F32", "hvp(float[][] inputs, float[][] v, float[][] hv)");
        rejects(() -> c32.jvp(c32.newWorkspace(), din, new double[2][], d, filled(6)), "F32", "jvp(Workspace ws, float[][]");
        untouched(d);
    }

    @Test
    void kernelsAreMadeOnFirstUseOnceAcrossThreads() throws Exception {
        long before = DerivedCode.made();
        Compiled c = tensor(DType.F64);
        assertEquals(before, DerivedCode.made(), "compiling makes no derivative kernel");
        double[][] in = {in()[0], in()[1]};
        double[][] tangents = {{1, 2, 3, 4, 5, 6}, {-1, 0.5, 2}};
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            Future<?>[] results = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                results[t] = pool.submit(() -> {
                    start.await();
                    double[] out = new double[6], tan = new double[6];
                    double[][] jac = {new double[36], new double[18]};
                    for (int r = 0; r < 200; r++) {
                        c.jvp(in, tangents, out, tan);
                        c.jacobian(in, out, jac);
                    }
                    double[] all = Arrays.copyOf(tan, 6 + 36 + 18);
                    System.arraycopy(jac[0], 0, all, 6, 36);
                    System.arraycopy(jac[1], 0, all, 42, 18);
                    return all;
                });
            }
            start.countDown();
            double[] first = (double[]) results[0].get();
            for (Future<?> f : results) assertArrayEquals(first, (double[]) f.get(), 0.0, "identical bits from every thread");
        } finally {
            pool.shutdown();
        }
        assertEquals(before + 2, DerivedCode.made(), "one jvp and one jacobian kernel, whatever the number of threads");
        c.jacobian(in, new double[6], new double[][] {null, new double[18]});
        assertEquals(before + 3, DerivedCode.made(), "another set of blocks is another kernel");
        c.jacobian(in, new double[6], new double[][] {null, new double[18]});
        assertEquals(before + 3, DerivedCode.made());
    }

    /**
     * A chain h' = h·c_i + d_i with 20,000 distinct double constants (two constant-pool entries
     * each): the kernels, like the function, are split into chunk classes, and the Jacobian's
     * prefix and pass parts each continue across them. Against the same loop in Java, which
     * does the same operations in the same order: bit for bit.
     */
    @Test
    void kernelsOfAGraphPastOneClassFile() throws java.io.IOException {
        int steps = 20_000;
        double[] c = new double[steps], d = new double[steps];
        Builder b = new Builder();
        int h = b.input(0, "h", Type.f64());
        for (int i = 0; i < steps; i++) {
            c[i] = 1 + (i % 2 == 0 ? 1 : -1) * (i + 1) * 2.5e-9;
            d[i] = (i + 1) * 1e-9;
            h = Composites.add(b, Composites.mul(b, h, c[i]), d[i]);
        }
        Compiled f = Pipelines.compile(b.build(h), new String[] {"h"}, new boolean[] {true});
        double x = 0.75, value = x, tangent = 0.5, product = 1;
        for (int i = 0; i < steps; i++) {
            value = value * c[i] + d[i];
            tangent = tangent * c[i];
        }
        for (int i = steps - 1; i >= 0; i--) product = product * c[i];   // the reverse pass multiplies from the output back
        double[] out = new double[1], tan = new double[1];
        double[][] jac = {new double[1]};
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("jgrad-derived");
        System.setProperty("jgrad.dump", dir.toString());   // the kernels' class files, to count them
        try {
            f.jvp(new double[][] {{x}}, new double[][] {{0.5}}, out, tan);
            f.jacobian(new double[][] {{x}}, out, jac);
        } finally {
            System.clearProperty("jgrad.dump");
        }
        try (var files = java.nio.file.Files.list(dir)) {
            java.util.List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".class")).toList();
            assertTrue(names.stream().filter(n -> n.contains("$jvp") && n.matches(".*\\$\\d+\\.class")).count() > 0, "jvp chunk classes: " + names);
            assertTrue(names.stream().filter(n -> n.contains("$jacobianRev") && n.matches(".*\\$\\d+\\.class")).count() > 0, "jacobian chunk classes: " + names);
        } finally {
            try (var files = java.nio.file.Files.list(dir)) {
                for (java.nio.file.Path p : (Iterable<java.nio.file.Path>) files::iterator) java.nio.file.Files.delete(p);
            }
            java.nio.file.Files.delete(dir);
        }
        f.jacobian(new double[][] {{x}}, out, jac);
        assertEquals(value, out[0], 0.0);
        assertEquals(product, jac[0][0], 0.0);
        f.jvp(new double[][] {{x}}, new double[][] {{0.5}}, out, tan);
        assertEquals(value, out[0], 0.0);
        assertEquals(tangent, tan[0], 0.0);
    }

    @Test
    void noAllocationAfterTheFirstCall() {
        Compiled c = tensor(DType.F64), s = scalar(DType.F64);
        double[][] in = {in()[0], in()[1]}, sin = in();
        double[][] tangents = {{1, 2, 3, 4, 5, 6}, null};
        double[] out = new double[6], tan = new double[6];
        double[][] jac = {new double[36], new double[18]}, jacB = {null, new double[18]};
        double[][] v = {{1, 2, 3, 4, 5, 6}, null, {2}}, hv = {new double[6], null, new double[1]};
        Workspace ws = c.newWorkspace(), sws = s.newWorkspace();
        AllocationTest.assertNoAllocation("jvp", () -> c.jvp(in, tangents, out, tan));
        AllocationTest.assertNoAllocation("jvp(ws)", () -> c.jvp(ws, in, tangents, out, tan));
        AllocationTest.assertNoAllocation("jacobian (reverse)", () -> c.jacobian(in, out, jac));
        AllocationTest.assertNoAllocation("jacobian (forward, one block)", () -> c.jacobian(ws, in, out, jacB));
        AllocationTest.assertNoAllocation("hvp", () -> s.hvp(sin, v, hv));
        AllocationTest.assertNoAllocation("hvp(ws)", () -> s.hvp(sws, sin, v, hv));
        Compiled f = tensor(DType.F32);
        float[][] fin = {{0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f}, {0.7f, -1.1f, 2.3f}};
        float[] fo = new float[6], ft = new float[6];
        float[][] fjac = {new float[36], new float[18]}, ftan = {null, {1, 1, 1}};
        AllocationTest.assertNoAllocation("jvp f32", () -> f.jvp(fin, ftan, fo, ft));
        AllocationTest.assertNoAllocation("jacobian f32", () -> f.jacobian(fin, fo, fjac));
    }
}
