package io.jgrad.codegen;

import io.jgrad.ir.Builder;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Prim;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import io.jgrad.runtime.Gemm;
import io.jgrad.runtime.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batched products as GMM has them (issue 12): [K,d,d]·[K,d,n] and the two transposed products
 * of its VJP (contracting n: G·Cᵀ; contracting the rows of Q: Qᵀ·G), with fused and in-place
 * operands, below and above {@link Gemm}'s threshold per batch, odd sizes (the 2 x 2 tiles'
 * edges), through the real pipeline: every entry point bit for bit against the IR interpreter
 * (whose dot_general takes the same kernel per batch), the forward against a naive triple loop
 * in double, the generated class calling the runtime kernel, and no allocation per call.
 */
class BatchedProductTest {
    private static final int[] B0 = {0};

    /** sum(v · v): every gradient element is reached. */
    private static int loss(Builder b, int v) {
        int sq = b.binary(Prim.MUL, v, v);
        int[] axes = new int[b.type(v).rank()];
        for (int a = 0; a < axes.length; a++) axes[a] = a;
        return b.reduce(Prim.REDUCE_SUM, sq, axes);
    }

    /** Q·C: [K,d,d]·[K,d,n]; G·Cᵀ: [K,d,n]·[K,d,n] contracting n; Qᵀ·G: [K,d,d]·[K,d,n] contracting the rows. */
    private static int product(Builder b, int form, int x, int y) {
        return switch (form) {
            case 0 -> b.dotGeneral(x, y, B0, B0, new int[] {2}, new int[] {1});
            case 1 -> b.dotGeneral(x, y, B0, B0, new int[] {2}, new int[] {2});
            default -> b.dotGeneral(x, y, B0, B0, new int[] {1}, new int[] {1});
        };
    }

    private static int[][] shapes(int form, int k, int d, int n) {
        return form == 1 ? new int[][] {{k, d, n}, {k, d, n}} : new int[][] {{k, d, d}, {k, d, n}};
    }

    /** Sizes: GMM's d10 shape scaled down, odd d and n (edges), k across a block (G·Cᵀ with n = 300), one above the vector kernel's threshold. */
    private static final int[][] SIZES = {{3, 10, 40}, {2, 7, 33}, {2, 5, 300}, {2, 36, 40}, {1, 2, 3}};

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void gmmProductsEqualTheInterpreter(DType dt) {
        for (int[] s : SIZES)
            for (int form = 0; form < 3; form++) {
                int f = form;
                String what = "form " + form + " K=" + s[0] + " d=" + s[1] + " n=" + s[2];
                assertNull(IndexLoweringTest.check(dt, shapes(form, s[0], s[1], s[2]), (b, x) -> loss(b, product(b, f, x[0], x[1]))), what);
                // fused operands, as GMM's are (exp of a gathered icf, a centred difference): copied once into the scratch
                assertNull(IndexLoweringTest.check(dt, shapes(form, s[0], s[1], s[2]),
                        (b, x) -> loss(b, product(b, f, b.unary(Prim.TANH, x[0]), b.unary(Prim.EXP, x[1])))), what + " fused");
            }
    }

    /** The forward of each form against a naive triple loop in double; the class calls the runtime kernel. */
    @Test
    void forwardAgainstNaiveDouble() {
        Random r = new Random(5);
        for (int[] s : new int[][] {{3, 10, 40}, {2, 7, 33}, {2, 36, 40}, {2, 5, 300}}) {
            int kk = s[0], d = s[1], n = s[2];
            for (int form = 0; form < 3; form++) {
                int[][] sh = shapes(form, kk, d, n);
                Builder b = new Builder();
                int x = b.input(0, "x", Type.of(DType.F64, sh[0])), y = b.input(1, "y", Type.of(DType.F64, sh[1]));
                int out = product(b, form, x, y);
                Graph g = b.build(out);
                Compiled c = CodeGen.compile(Pipelines.request(g, new String[] {"x", "y"}, new boolean[] {false, false}));
                String bytes = new String(c.bytecode(), StandardCharsets.ISO_8859_1);
                int m = form == 1 ? d : d, k = form == 1 ? n : d, nn = form == 1 ? d : n;
                String kernel = Gemm.uses(m, k, nn) ? "io/jgrad/runtime/Gemm" : "io/jgrad/runtime/ScalarGemm";
                assertTrue(bytes.contains(kernel) && bytes.contains("batched"), "form " + form + " " + d + "x" + n + " calls " + kernel + ".batched");
                double[] xs = gauss(r, Type.f32(sh[0]).size()), ys = gauss(r, Type.f32(sh[1]).size());
                double[] got = new double[g.type(out).size()];
                c.forward(new double[][] {xs, ys}, got);
                for (int bi = 0; bi < kk; bi++)
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < nn; j++) {
                            double want = 0, abs = 0;
                            for (int q = 0; q < k; q++) {
                                double p = switch (form) {
                                    case 0 -> xs[(bi * d + i) * d + q] * ys[(bi * d + q) * n + j];
                                    case 1 -> xs[(bi * d + i) * n + q] * ys[(bi * d + j) * n + q];
                                    default -> xs[(bi * d + q) * d + i] * ys[(bi * d + q) * n + j];
                                };
                                want += p;
                                abs += Math.abs(p);
                            }
                            double e = got[(bi * m + i) * nn + j];
                            assertTrue(Math.abs(e - want) <= (152 + k) * 0x1p-53 * abs, "form " + form + " element " + bi + "," + i + "," + j + ": " + e + " vs " + want);
                        }
            }
        }
    }

    /** A compiled GMM-shaped product and its gradient allocate nothing per call (both kernels: below and above the threshold). */
    @Test
    void noAllocation() {
        for (int d : new int[] {10, 36}) {
            Builder b = new Builder();
            int x = b.input(0, "q", Type.of(DType.F64, 3, d, d)), y = b.input(1, "c", Type.of(DType.F64, 3, d, 40));
            int out = loss(b, product(b, 0, b.unary(Prim.EXP, x), y));
            Compiled c = CodeGen.compile(Pipelines.request(b.build(out), new String[] {"q", "c"}, new boolean[] {true, true}));
            Random r = new Random(3);
            double[][] in = {gauss(r, 3 * d * d), gauss(r, 3 * d * 40)};
            for (double[] a : in) for (int i = 0; i < a.length; i++) a[i] *= 0.1;
            double[][] grads = {new double[3 * d * d], new double[3 * d * 40]};
            double[] value = new double[1];
            Workspace ws = c.newWorkspace();
            AllocationTest.assertNoAllocation("batched d=" + d + " valueAndGrad(ws)", () -> c.valueAndGrad(ws, in, grads));
            AllocationTest.assertNoAllocation("batched d=" + d + " forward(ws)", () -> c.forward(ws, in, value));
            assertEquals(c.valueAndGrad(ws, in, grads), c.valueAndGrad(in, grads));
        }
    }

    private static double[] gauss(Random r, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = r.nextGaussian();
        return a;
    }
}
