package io.jgrad.bench.adbench;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static io.jgrad.bench.adbench.Derivatives.assertClose;
import static io.jgrad.bench.adbench.Derivatives.maxAbs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * jgrad's compiled objectives and derivatives on ADBench's own files, when the data folder
 * exists; skipped with a message otherwise. Expected values: what adbench.py (PyTorch, float64)
 * computed for the smallest real inputs (src/test/resources/adbench/real_values.json), relative
 * 1e-9. The LSTM file (1,024 steps unrolled) is left to {@code adbench.Run}: compiling it takes
 * too long for the test budget.
 */
class JgradRealFilesTest {
    private static Path data;
    private static JsonObject expected;

    @BeforeAll
    static void findData() {
        data = AdbenchGolden.realDataOrNull();
        expected = AdbenchGolden.resource("/adbench/real_values.json");
    }

    @BeforeEach
    void requireData() {
        AdbenchGolden.assumeRealData(data, "the real-file tests of jgrad's objectives");
    }

    private static void close(String what, double[] want, double[] got) {
        assertClose(what, want, got, 1e-9, 1e-12 * maxAbs(want));
    }

    @Test
    void gmm() {
        for (AdbenchSize size : List.of(AdbenchSize.GMM_1K_D2_K5, AdbenchSize.GMM_10K_D2_K5)) {
            GmmInput in = (GmmInput) size.read(data);
            JsonObject values = expected.getAsJsonObject(size.relativePath());
            Gmm.Evaluator e = new Gmm.Evaluator(in);
            double[] gradient = new double[in.parameterCount()];
            double value = e.gradient(gradient);
            double want = values.get("objective").getAsDouble();
            close(size + " objective, forward and valueAndGrad", new double[] {want, want}, new double[] {e.objective(), value});
            close(size + " gradient", AdbenchGolden.doubles(values, "gradient"), gradient);
        }
    }

    @Test
    void ba() {
        BaInput in = (BaInput) AdbenchSize.BA1.read(data);
        JsonObject values = expected.getAsJsonObject(AdbenchSize.BA1.relativePath());
        Ba.Evaluator e = new Ba.Evaluator(in);
        double[] residuals = new double[3 * in.p()];
        e.objective(residuals);
        double[] first = AdbenchGolden.doubles(values, "reproj_err_first");
        double wErr = values.get("w_err_first").getAsDouble();
        for (int i = 0; i < in.p(); i++) {
            close("BA reproj_err of observation " + i, first, new double[] {residuals[2 * i], residuals[2 * i + 1]});
            close("BA w_err of observation " + i, new double[] {wErr}, new double[] {residuals[2 * in.p() + i]});
        }
        Ba.Csr j = e.newJacobian();
        e.jacobian(j);
        assertEquals(values.get("jacobian_rows").getAsInt(), j.rows());
        assertEquals(values.get("jacobian_cols").getAsInt(), j.cols());
        assertEquals(values.get("jacobian_nonzeros").getAsInt(), j.values().length);
        close("BA Jacobian, first two rows", AdbenchGolden.doubles(values, "jacobian_first_two_rows"), java.util.Arrays.copyOf(j.values(), 30));
        assertArrayEquals(AdbenchGolden.ints(values, "jacobian_first_two_rows_columns"), java.util.Arrays.copyOf(j.columns(), 30));
        close("BA Jacobian, last value", new double[] {values.get("jacobian_last_value").getAsDouble()}, new double[] {j.values()[j.values().length - 1]});
        double sum = 0, abs = 0;
        for (double v : j.values()) {
            sum += v;
            abs += Math.abs(v);
        }
        assertClose("BA Jacobian sum", new double[] {values.get("jacobian_sum").getAsDouble()}, new double[] {sum}, 1e-9, 1e-9 * abs);
        close("BA Jacobian sum of magnitudes", new double[] {values.get("jacobian_abs_sum").getAsDouble()}, new double[] {abs});
    }

    @Test
    void hand() {
        for (AdbenchSize size : List.of(AdbenchSize.HAND_SIMPLE_SMALL, AdbenchSize.HAND_COMPLICATED_SMALL)) {
            HandInput in = (HandInput) size.read(data);
            JsonObject values = expected.getAsJsonObject(size.relativePath());
            Hand.Evaluator e = new Hand.Evaluator(in);
            double[] residuals = new double[e.rows()], jacobian = new double[e.rows() * in.jacobianColumns()];
            e.jacobian(residuals, jacobian);
            close(size + " residuals", AdbenchGolden.doubles(values, "residuals"), residuals);
            double[] firstRows = AdbenchGolden.doubles(values, "jacobian_first_rows");
            close(size + " Jacobian, first rows", firstRows, java.util.Arrays.copyOf(jacobian, firstRows.length));
            double sum = 0, abs = 0;
            for (double v : jacobian) {
                sum += v;
                abs += Math.abs(v);
            }
            assertClose(size + " Jacobian sum", new double[] {values.get("jacobian_sum").getAsDouble()}, new double[] {sum}, 1e-9, 1e-9 * abs);
            close(size + " Jacobian sum of magnitudes", new double[] {values.get("jacobian_abs_sum").getAsDouble()}, new double[] {abs});
        }
    }
}
