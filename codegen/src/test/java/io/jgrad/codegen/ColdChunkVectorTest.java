package io.jgrad.codegen;

import io.jgrad.ir.Builder;
import io.jgrad.ir.Composites;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import io.jgrad.runtime.Workspace;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An expensive function's short sums allocate nothing within its first calls (ADBench GMM 10k
 * d32 K = 200: 22,528 B per objective call, for good). A chunk holding only short loops is
 * called once per call and runs interpreted or in C1 for hundreds of calls, where every Vector
 * API operation allocates: such loops are scalar ({@code VectorLowering.WORK_SHARE}). The long
 * loops' chunk reaches its steady state within about 60 calls (before that its OSR code
 * allocated 147,456 B per call here, with or without the short sums); the chunks of short
 * vector loops allocated 161,280 B per call more at each of the calls this test allows
 * (interpreted, then C1). Pauses after an allocating call give the JIT's queue time without
 * counting as calls (HotSpot compiles by counts of calls and loop back-edges). Runs in the
 * vector-path surefire execution, in a JVM of its own.
 */
class ColdChunkVectorTest {
    static final int N = 1000, D = 32, K = 200, SHORT_SUMS = 12;

    /**
     * Calls allowed to reach 0 B per call: the long loops' chunk needs about 60 on a quiet machine,
     * the rest is slack for a loaded one; the short loops' chunks box for good (C1 code after ~200 calls).
     */
    static final int CALLS = 400;

    /**
     * GMM's structure, F64: the long part Σ_i log Σ_k exp(x_i · μ_k + α_k) over [N, K] (a product
     * and a row logsumexp), then SHORT_SUMS sums of K terms over the weights, Σ_k exp(c_j α_k),
     * GMM's logsumexp of the weights, many of them so that some chunk holds nothing else.
     */
    static Graph gmmLike() {
        Builder b = new Builder();
        int alphas = b.input(0, "alphas", Type.of(DType.F64, K)), means = b.input(1, "means", Type.of(DType.F64, K, D));
        int x = b.input(2, "x", Type.of(DType.F64, N, D));
        int z = Composites.add(b, Composites.mul(b, Composites.matmul(b, x, Composites.t(b, means)), 0.1), alphas);
        int loss = Composites.sum(b, Composites.log(b, Composites.sum(b, Composites.exp(b, z), 1)));
        for (int j = 1; j <= SHORT_SUMS; j++)
            loss = Composites.add(b, loss, Composites.log(b, Composites.sum(b, Composites.exp(b, Composites.mul(b, alphas, 0.25 * j)))));
        return b.build(loss);
    }

    @Test
    void shortSumsOfAnExpensiveFunctionDoNotBox() throws InterruptedException {
        assumeTrue(Simd.enabled(), "the JVM runs without jdk.incubator.vector (or with -Djgrad.simd=false)");
        Compiled c = Pipelines.compile(gmmLike(), new String[] {"alphas", "means", "x"}, new boolean[] {true, true, false});
        assertTrue(new String(c.bytecode(), java.nio.charset.StandardCharsets.ISO_8859_1).contains("jdk/incubator/vector/"), "the long loops are vector code");
        double[][] in = Pipelines.dataF64(new Random(6), K, K * D, N * D);
        double[][] grads = {new double[K], new double[K * D], null};
        double[] out = new double[1];
        Workspace ws = c.newWorkspace();
        assertSettlesToZero("forward", () -> c.forward(ws, in, out));
        assertSettlesToZero("valueAndGrad", () -> c.valueAndGrad(ws, in, grads));
        assertEquals(out[0], c.valueAndGrad(ws, in, grads), "value and valueAndGrad agree bit for bit");
    }

    /** Some call among the first CALLS allocates nothing, and so do the two after it. */
    private static void assertSettlesToZero(String what, Runnable call) throws InterruptedException {
        long id = Thread.currentThread().getId(), last = -1;
        int zeros = 0, calls = 0;
        for (; calls < CALLS && zeros < 3; calls++) {
            long before = AllocationTest.MX.getThreadAllocatedBytes(id);
            call.run();
            last = AllocationTest.MX.getThreadAllocatedBytes(id) - before;
            zeros = last == 0 ? zeros + 1 : 0;
            if (last != 0) Thread.sleep(50); // time for the JIT's queue, not a call: HotSpot counts calls and loops
        }
        System.out.println(what + ": " + last + " B in call " + calls + " (at most " + CALLS + ")");
        assertEquals(3, zeros, what + " still allocated " + last + " B per call after up to " + CALLS + " calls");
    }
}
