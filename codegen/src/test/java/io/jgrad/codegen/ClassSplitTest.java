package io.jgrad.codegen;

import io.jgrad.ir.Builder;
import io.jgrad.ir.Composites;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Prim;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Compiled;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Graphs past one class file's limits (issue 8, part 3) compile into a main class and chunk
 * classes: every class passes CheckClassAdapter, no method is over 8000 bytes, every entry
 * point gives the reference executor's bits, calls allocate nothing, four threads get one
 * thread's bits, and the chunk classes are unloaded with the main class.
 */
class ClassSplitTest {
    /** Steps of h' = h·c_i + d_i: 70,000 distinct float constants, each a constant-pool entry (one class holds 65,535). */
    static final int STEPS = 35_000;
    /** Distinct constant tensors x + k_i: each a static field set by {@code <clinit>} (11 bytes each, at most 64 KB). */
    static final int TENSORS = 7_000;

    static CompileRequest chain, tensors;
    static CodeGen.Generated chainClasses, tensorClasses;
    static Compiled chainFn, tensorsFn;

    @BeforeAll
    static void requests() {
        Builder b = new Builder();
        int h = b.input(0, "h", Type.f32());
        for (int i = 0; i < STEPS; i++) {
            // c_i = 1 ± (i+1)·2.5e-7 (alternating, so the product stays near 1), d_i = (i+1)·1e-6: all distinct floats
            float c = 1f + (i % 2 == 0 ? 1 : -1) * (i + 1) * 2.5e-7f, d = (i + 1) * 1e-6f;
            h = Composites.add(b, Composites.mul(b, h, c), d);
        }
        chain = Pipelines.request(b.build(h), new String[] {"h"}, new boolean[] {true});
        chainClasses = CodeGen.generate(chain);
        chainFn = CodeGen.define(chain, chainClasses);

        b = new Builder();
        int x = b.input(0, "x", Type.f32(3)), acc = x;
        for (int i = 0; i < TENSORS; i++) acc = Composites.add(b, acc, b.constant(Type.f32(3), i, -0.5 * i, 1.0 / (i + 1)));
        tensors = Pipelines.request(b.build(b.reduce(Prim.REDUCE_SUM, acc, 0)), new String[] {"x"}, new boolean[] {true});
        tensorClasses = CodeGen.generate(tensors);
        tensorsFn = CodeGen.define(tensors, tensorClasses);
    }

    /** Every class file of the request: more than one, each verified, no method but {@code <clinit>} (run once) over the JIT limit. */
    private static List<byte[]> checkClassFiles(CodeGen.Generated classes) {
        List<byte[]> files = classes.classFiles();
        assertTrue(files.size() > 1, "split into " + files.size() + " classes");
        int bytes = 0;
        for (byte[] f : files) {
            Harness.verify(f);
            for (Map.Entry<String, Integer> e : Harness.codeSizes(f).entrySet())
                if (!e.getKey().startsWith("<clinit>")) assertTrue(e.getValue() <= BodyEmitter.JIT_METHOD_LIMIT, e.getKey() + " has " + e.getValue() + " bytes");
            bytes += f.length;
        }
        System.out.printf("%d classes, %,d bytes; pool entries %s%n", files.size(), bytes,
                files.stream().map(f -> String.valueOf(((f[8] & 0xff) << 8) | (f[9] & 0xff))).toList());
        return files;
    }

    @Test
    void aConstantPoolPastOneClassIsSplit() {
        checkClassFiles(chainClasses);
        assertNull(Harness.check(chain, chainFn, new float[][] {{0.75f}, {-0.5f}}));
    }

    @Test
    void constantTensorsPastOneStaticInitializerAreSplit() {
        checkClassFiles(tensorClasses);
        assertNull(Harness.check(tensors, tensorsFn, new float[][] {{1f, -2f, 3f}, {1f}}));
    }

    /** As AllocationTest, with fewer calls (each is 7,000 vector additions): the least of three rounds after a warm-up. */
    @Test
    void callsThroughChunkClassesAllocateNothing() {
        Compiled c = tensorsFn;
        float[][] in = {{1f, 2f, 3f}};
        float[][] grads = {new float[3]};
        for (int i = 0; i < 20_000; i++) c.valueAndGrad(in, grads);   // interpreted, C1, C2
        long id = Thread.currentThread().getId(), bytes = Long.MAX_VALUE;
        for (int round = 0; round < 3 && bytes != 0; round++) {
            long before = AllocationTest.MX.getThreadAllocatedBytes(id);
            for (int i = 0; i < 5_000; i++) c.valueAndGrad(in, grads);
            bytes = Math.min(bytes, AllocationTest.MX.getThreadAllocatedBytes(id) - before);
        }
        assertEquals(0, bytes, "valueAndGrad through chunk classes allocated " + bytes + " bytes over 5,000 calls");
    }

    @Test
    void fourThreadsGetOneThreadsBits() throws Exception {
        Compiled c = chainFn;
        int cases = 16;
        float[][] expected = new float[cases][];
        for (int k = 0; k < cases; k++) expected[k] = run(c, k);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int start = t;
                fs.add(pool.submit(() -> {
                    for (int rep = 0; rep < 20; rep++)
                        for (int n = 0, k = start; n < cases; n++, k = (k + 1) % cases) assertArrayEquals(expected[k], run(c, k), "case " + k);
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
        } finally {
            pool.shutdownNow();
        }
    }

    private static float[] run(Compiled c, int k) {
        float[][] g = {new float[1]};
        float v = c.valueAndGrad(new float[][] {{0.1f * k - 0.8f}}, g);
        return new float[] {v, g[0][0]};
    }

    @Test
    void chunkClassesAreUnloadedWithTheMainClass() throws Exception {
        int classes = tensorClasses.classFiles().size();
        ClassLoadingMXBean mx = ManagementFactory.getClassLoadingMXBean();
        for (int i = 0; i < 3; i++) System.gc();   // earlier tests' garbage first
        long before = mx.getUnloadedClassCount();
        compileCallAndDrop();
        long unloaded = 0;
        for (int i = 0; i < 20 && unloaded < classes; i++) {
            System.gc();
            Thread.sleep(50);
            unloaded = mx.getUnloadedClassCount() - before;
        }
        assertTrue(unloaded >= classes, unloaded + " classes unloaded, expected the " + classes + " of the dropped function");
    }

    private static void compileCallAndDrop() {
        Compiled c = CodeGen.compile(tensors);
        assertEquals(Float.floatToIntBits(c.value(new float[][] {{1f, 2f, 3f}})), Float.floatToIntBits(c.value(new float[][] {{1f, 2f, 3f}})));
    }
}
