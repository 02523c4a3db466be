package io.jgrad.codegen;

import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.Workspace;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Four threads share one Compiled (thread-local workspaces, or one workspace each): same bits as one thread. */
class ThreadsTest {
    @Test
    void fourThreadsAgreeWithOne() throws Exception {
        Compiled c = Pipelines.compile(Pipelines.tensorModel(), Pipelines.MODEL_NAMES, Pipelines.MODEL_WRT);
        int cases = 200;
        float[][][] inputs = new float[cases][][];
        float[][] expected = new float[cases][];
        Random r = new Random(7);
        for (int k = 0; k < cases; k++) {
            inputs[k] = Pipelines.data(r, 12, 3, 20, 15);
            expected[k] = run(c, null, inputs[k]);
        }
        ThreadedCalls.fromFourThreads(cases, c::newWorkspace,
                (ws, k) -> assertArrayEquals(expected[k], run(c, ws, inputs[k]), "case " + k));
    }

    /** value, dW, db (and forward's value) as one array. */
    private static float[] run(Compiled c, Workspace ws, float[][] in) {
        float[][] g = {new float[12], new float[3], null, null};
        float[] out = new float[1];
        float v = ws == null ? c.valueAndGrad(in, g) : c.valueAndGrad(ws, in, g);
        if (ws == null) c.forward(in, out); else c.forward(ws, in, out);
        float[] all = new float[17];
        all[0] = v;
        all[1] = out[0];
        System.arraycopy(g[0], 0, all, 2, 12);
        System.arraycopy(g[1], 0, all, 14, 3);
        return all;
    }
}
