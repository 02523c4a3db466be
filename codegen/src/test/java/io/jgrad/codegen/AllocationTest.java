package io.jgrad.codegen;

import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.Workspace;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Steady-state calls allocate nothing: measured with the thread's allocation counter. */
class AllocationTest {
    static final com.sun.management.ThreadMXBean MX = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static long allocated(Runnable r, int calls) {
        for (int i = 0; i < 30_000; i++) r.run(); // warm-up: interpreted, C1, C2
        long id = Thread.currentThread().getId();
        long before = MX.getThreadAllocatedBytes(id);
        for (int i = 0; i < calls; i++) r.run();
        return MX.getThreadAllocatedBytes(id) - before;
    }

    /**
     * The least over rounds of 50,000 calls, which go on until one allocates nothing, for at
     * least five rounds and at most {@link #PATIENCE_NANOS}. A round may see a one-off allocation
     * by the JIT finishing a compilation (a few hundred bytes, not per call). On the vector path
     * a round also allocates while the call still runs C1 code, which boxes every vector: on a
     * loaded machine C2's queue can hold a method back for seconds (seen in CI as 140-290 bytes
     * per call), so the test waits for the steady state it asserts. A steady state that
     * allocates still fails: every round allocates until the patience runs out.
     */
    static void assertNoAllocation(String what, Runnable r) {
        long empty = allocated(() -> { }, 10);
        long bytes = Long.MAX_VALUE;
        long start = System.nanoTime();
        int rounds = 0;
        while (bytes != 0 && (rounds < 5 || System.nanoTime() - start < PATIENCE_NANOS)) {
            bytes = Math.min(bytes, allocated(r, 50_000) - empty);
            rounds++;
        }
        System.out.println(what + ": " + bytes + " bytes over 50,000 calls (least of " + rounds + " rounds)");
        assertEquals(0, bytes, what + " allocated " + bytes + " bytes over 50,000 calls in each of " + rounds + " rounds");
    }

    /** How long a test waits for C2 to finish compiling before it judges the steady state. */
    static final long PATIENCE_NANOS = 20_000_000_000L;

    @Test
    void scalarGraph() {
        Compiled c = Pipelines.compile(Pipelines.seedNeuron(), Pipelines.NEURON_NAMES, Pipelines.NEURON_WRT);
        float[][] in = {{1f}, {0f}, {6.7f}, {0f}};
        float[][] grads = {new float[1], new float[1], null, null};
        float[] out = new float[1], seed = {1f};
        Workspace ws = c.newWorkspace();
        assertNoAllocation("scalar valueAndGrad", () -> c.valueAndGrad(in, grads));
        assertNoAllocation("scalar valueAndGrad(ws)", () -> c.valueAndGrad(ws, in, grads));
        assertNoAllocation("scalar forward", () -> c.forward(in, out));
        assertNoAllocation("scalar vjp(ws)", () -> c.vjp(ws, in, seed, out, grads));
    }

    /** The issue-10 structure primitives in values and gradients: gather/scatter_add, concat/slice, pad, dot_general. */
    @Test
    void issue10Graph() {
        io.jgrad.ir.Builder b = new io.jgrad.ir.Builder();
        int x = b.input(0, "x", io.jgrad.ir.Type.f32(2, 3)), w = b.input(1, "w", io.jgrad.ir.Type.f32(5, 8));
        int e = b.input(2, "e", io.jgrad.ir.Type.f32(6, 2));
        int z = b.binary(io.jgrad.ir.Prim.MATMUL, b.concat(1, x, b.gather(e, 0, 1, 4)), w);
        int gates = b.binary(io.jgrad.ir.Prim.MUL, b.unary(io.jgrad.ir.Prim.SIGMOID, b.slice(z, 1, 0, 4)), b.unary(io.jgrad.ir.Prim.TANH, b.slice(z, 1, 4, 8)));
        int g3 = b.reshape(gates, 2, 2, 2);
        int bat = b.dotGeneral(g3, g3, new int[] {0}, new int[] {0}, new int[] {2}, new int[] {2});
        int loss = b.reduce(io.jgrad.ir.Prim.REDUCE_SUM, b.binary(io.jgrad.ir.Prim.MUL, bat, bat), 0, 1, 2);
        Compiled c = Pipelines.compile(b.build(loss), new String[] {"x", "w", "e"}, new boolean[] {false, true, true});
        float[][] in = Pipelines.data(new Random(2), 6, 40, 12);
        float[][] grads = {null, new float[40], new float[12]};
        Workspace ws = c.newWorkspace();
        assertNoAllocation("issue-10 valueAndGrad", () -> c.valueAndGrad(in, grads));
        assertNoAllocation("issue-10 valueAndGrad(ws)", () -> c.valueAndGrad(ws, in, grads));
    }

    @Test
    void tensorGraph() {
        Compiled c = Pipelines.compile(Pipelines.tensorModel(), Pipelines.MODEL_NAMES, Pipelines.MODEL_WRT);
        float[][] in = Pipelines.data(new Random(1), 12, 3, 20, 15);
        float[][] grads = {new float[12], new float[3], null, null};
        float[] out = new float[1], seed = {1f};
        Workspace ws = c.newWorkspace();
        assertNoAllocation("tensor valueAndGrad", () -> c.valueAndGrad(in, grads));
        assertNoAllocation("tensor valueAndGrad(ws)", () -> c.valueAndGrad(ws, in, grads));
        assertNoAllocation("tensor forward", () -> c.forward(in, out));
        assertNoAllocation("tensor vjp", () -> c.vjp(in, seed, out, grads));
        assertNoAllocation("tensor forward(ws)", () -> c.forward(ws, in, out));
    }
}
