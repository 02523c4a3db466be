package io.jgrad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.jgrad.bench.handwritten.BaJacobian;
import io.jgrad.bench.models.BaResidual;
import io.jgrad.bench.peers.HipparchusBa;
import io.jgrad.runtime.Compiled;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The three Jacobians of BaJacobianBench (compiled, hand-written, Hipparchus) against
 * PyTorch's: the golden {@code adbench/ba_small.json} holds ADBench's CSR Jacobian made by
 * bench/pytorch/adbench.py in float64; each observation's two rows are its 15 parameters in our
 * column order (camera 11, point 3, weight). Observations of camera 0 are skipped: its rotation
 * is exactly 0 (the README's t² = 0 branch, which BaResidual does not write; see its comment).
 * Rule: the golden float64 rule, |g - t| <= 1e-12 + 1e-9 |t| + 1e-9 max|t| over the row.
 */
class BaJacobianTest {

    @Test
    void compiledHandWrittenAndHipparchusMatchPyTorch() throws IOException {
        JsonObject golden;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("adbench/ba_small.json")) {
            golden = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
        }
        double[] cams = doubles(golden.getAsJsonArray("cams")), points = doubles(golden.getAsJsonArray("points"));
        double[] weights = doubles(golden.getAsJsonArray("weights")), features = doubles(golden.getAsJsonArray("features"));
        int[] obs = ints(golden.getAsJsonArray("observations"));
        JsonObject expected = golden.getAsJsonObject("expected");
        double[] objective = doubles(expected.getAsJsonArray("objective"));
        JsonObject csr = expected.getAsJsonObject("derivative");
        int[] rowPointers = ints(csr.getAsJsonArray("row_pointers"));
        double[] values = doubles(csr.getAsJsonArray("values"));

        Compiled c = BaResidual.compile();
        BaJacobian hand = new BaJacobian();
        int checked = 0;
        for (int i = 0; i < weights.length; i++) {
            int cam = obs[2 * i], pt = obs[2 * i + 1];
            double[] p = new double[BaJacobian.PARAMS];
            System.arraycopy(cams, 11 * cam, p, 0, 11);
            System.arraycopy(points, 3 * pt, p, 11, 3);
            p[14] = weights[i];
            if (p[0] == 0 && p[1] == 0 && p[2] == 0) continue;   // camera 0: the t² = 0 branch
            double fx = features[2 * i], fy = features[2 * i + 1];

            double[][] inputs = new double[17][];
            for (int k = 0; k < 15; k++) inputs[k] = new double[] {p[k]};
            inputs[15] = new double[] {fx};
            inputs[16] = new double[] {fy};
            double[][] blocks = new double[17][];
            for (int k = 0; k < 15; k++) blocks[k] = new double[2];
            double[] out = new double[2];
            c.jacobian(inputs, out, blocks);
            double[] compiled = new double[30];
            for (int k = 0; k < 15; k++) {
                compiled[k] = blocks[k][0];
                compiled[15 + k] = blocks[k][1];
            }
            double[] handOut = new double[2], handJac = new double[30], hipOut = new double[2], hipJac = new double[30];
            hand.residualAndJacobian(p, fx, fy, handOut, handJac);
            HipparchusBa.residualAndJacobian(p, fx, fy, hipOut, hipJac);
            for (int j = 0; j < 2; j++) {
                double[] want = java.util.Arrays.copyOfRange(values, rowPointers[2 * i + j], rowPointers[2 * i + j + 1]);
                assertEquals(15, want.length);
                String where = "observation " + i + " row " + j;
                close(where + " value, compiled", objective[2 * i + j], out[j], Math.abs(objective[2 * i + j]));
                close(where + " value, hand-written", objective[2 * i + j], handOut[j], Math.abs(objective[2 * i + j]));
                close(where + " value, Hipparchus", objective[2 * i + j], hipOut[j], Math.abs(objective[2 * i + j]));
                double scale = 0;
                for (double v : want) scale = Math.max(scale, Math.abs(v));
                for (int k = 0; k < 15; k++) {
                    close(where + " d/d" + BaResidual.NAMES[k] + ", compiled", want[k], compiled[15 * j + k], scale);
                    close(where + " d/d" + BaResidual.NAMES[k] + ", hand-written", want[k], handJac[15 * j + k], scale);
                    close(where + " d/d" + BaResidual.NAMES[k] + ", Hipparchus", want[k], hipJac[15 * j + k], scale);
                }
            }
            checked++;
        }
        assertEquals(4, checked, "observations with a rotating camera");
        assertTrue(BaJacobianBench.PARAMS[14] == weights[1] && BaJacobianBench.FX == features[2], "the benchmark's observation is observation 1");
    }

    private static void close(String what, double want, double got, double scale) {
        double tol = 1e-12 + 1e-9 * Math.abs(want) + 1e-9 * scale;
        if (!(Math.abs(got - want) <= tol)) throw new AssertionError(what + ": " + got + ", PyTorch " + want + " (tolerance " + tol + ")");
    }

    private static double[] doubles(JsonArray a) {
        double[] r = new double[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).getAsDouble();
        return r;
    }

    private static int[] ints(JsonArray a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).getAsInt();
        return r;
    }
}
