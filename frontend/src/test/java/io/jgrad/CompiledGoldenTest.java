package io.jgrad;

import io.jgrad.golden.GoldenCase;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.Workspace;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every golden case through Grad.compile: forward, value, valueAndGrad and vjp of the generated class. */
class CompiledGoldenTest {

    static Compiled compile(GoldenCase c) {
        return Grad.compile(TracerGoldenTest.function(c), TracerGoldenTest.args(c));
    }

    @TestFactory
    Stream<DynamicTest> goldenCasesCompiled() {
        return GoldenCase.loadAll().stream().map(c -> DynamicTest.dynamicTest(c.name, () -> runCompiled(c)));
    }

    /** forward, value, valueAndGrad and vjp, with and without a workspace, against the case. */
    static void runCompiled(GoldenCase c) {
        {
            Compiled f = compile(c);
            float[][] x = TracerGoldenTest.inputs(c);
            float[][] before = deepCopy(x);
            int outSize = io.jgrad.ir.Type.f32(f.outputShape()).size();
            assertArrayEquals(c.expectedShape, f.outputShape());

            float[] out = new float[outSize];
            f.forward(x, out);
            c.checkValue(f.outputShape(), out);

            float[][] grads = new float[x.length][];
            for (int i = 0; i < x.length; i++) grads[i] = c.inputs.get(i).requiresGrad() ? new float[x[i].length] : null;
            if (c.seed == null) {
                float v = f.valueAndGrad(x, grads);
                c.checkValue(f.outputShape(), new float[] {v});
                assertEquals(v, f.value(x));
                checkGrads(c, grads);
                float[][] wsGrads = fresh(grads);
                Workspace ws = f.newWorkspace();
                assertEquals(v, f.valueAndGrad(ws, x, wsGrads));
                assertArrayEquals(grads, wsGrads, "with a workspace: the same results");
            }
            float[] seed = c.seed != null ? c.seed.clone() : new float[] {1f};
            float[][] vjpGrads = fresh(grads);
            float[] vjpOut = new float[outSize];
            f.vjp(x, seed, vjpOut, vjpGrads);
            c.checkValue(f.outputShape(), vjpOut);
            checkGrads(c, vjpGrads);
            float[][] wsGrads = fresh(grads);
            float[] wsOut = new float[outSize];
            f.vjp(f.newWorkspace(), x, seed, wsOut, wsGrads);
            assertArrayEquals(vjpOut, wsOut);
            assertArrayEquals(vjpGrads, wsGrads);
            assertArrayEquals(before, x, "inputs are never written");
        }
    }

    private static void checkGrads(GoldenCase c, float[][] grads) {
        for (int i = 0; i < grads.length; i++) {
            if (c.inputs.get(i).requiresGrad()) c.checkGrad(c.inputs.get(i).name(), grads[i]);
        }
    }

    private static float[][] fresh(float[][] like) {
        float[][] g = new float[like.length][];
        for (int i = 0; i < g.length; i++) if (like[i] != null) g[i] = new float[like[i].length];
        return g;
    }

    private static float[][] deepCopy(float[][] x) {
        float[][] c = new float[x.length][];
        for (int i = 0; i < x.length; i++) c[i] = x[i].clone();
        return c;
    }
}
