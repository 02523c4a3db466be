package io.jgrad.bench.adbench;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.jgrad.bench.adbench.Derivatives.assertClose;
import static io.jgrad.bench.adbench.Derivatives.maxAbs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The readers and Java references on ADBench's own files, when the data folder exists
 * ({@link AdbenchSize#defaultDataFolder()}); skipped with a message otherwise. Expected values
 * are the README's size table and what adbench.py printed for the smallest inputs
 * (src/test/resources/adbench/real_values.json; the files themselves are not committed).
 */
class RealFilesTest {
    private static Path data;
    private static JsonObject expected;

    @BeforeAll
    static void findData() {
        data = AdbenchGolden.realDataOrNull();
        expected = AdbenchGolden.resource("/adbench/real_values.json");
    }

    @BeforeEach
    void requireData() {
        AdbenchGolden.assumeRealData(data, "the real-file tests");
    }

    /** The README's table: sizes, derivative input counts and Jacobian shapes of every file. */
    @Test
    void everyFileParsesWithTheSizesOfTheReadmeTable() {
        List<String> missing = new ArrayList<>();
        for (AdbenchSize size : AdbenchSize.values()) {
            if (!size.availableIn(data)) {
                missing.add(size.relativePath());
                continue;
            }
            SizeTable.assertSizes(size, size.read(data));
        }
        // only the paper's two d64 K200 GMM files may be absent (the README's substitutions)
        assertTrue(List.of("gmm/1k/gmm_d64_K200.txt", "gmm/10k/gmm_d64_K200.txt").containsAll(missing), "missing files: " + missing);
    }

    @Test
    void gmmObjectivesMatchPyTorch() {
        for (AdbenchSize size : List.of(AdbenchSize.GMM_1K_D2_K5, AdbenchSize.GMM_10K_D2_K5)) {
            double want = expected.getAsJsonObject(size.relativePath()).get("objective").getAsDouble();
            assertClose(size.relativePath(), new double[] {want}, new double[] {GmmReference.objective((GmmInput) size.read(data))}, 1e-12, 0);
        }
    }

    @Test
    void lstmObjectiveMatchesPyTorchAndAdbench() {
        JsonObject values = expected.getAsJsonObject(AdbenchSize.LSTM_L2_C1024.relativePath());
        double actual = LstmReference.objective((LstmInput) AdbenchSize.LSTM_L2_C1024.read(data));
        assertClose("LSTM l2 c1024 vs PyTorch", new double[] {values.get("objective").getAsDouble()}, new double[] {actual}, 1e-12, 0);
        // ADBench's own check value, given to 8 digits (their test's tolerance 1e-8)
        assertEquals(values.get("adbench_objective").getAsDouble(), actual, 1e-8, "LSTM l2 c1024 vs ADBench");
    }

    @Test
    void baResidualsMatchPyTorch() {
        BaInput in = (BaInput) AdbenchSize.BA1.read(data);
        JsonObject values = expected.getAsJsonObject(AdbenchSize.BA1.relativePath());
        double[] residuals = BaReference.residuals(in);
        double[] first = AdbenchGolden.doubles(values, "reproj_err_first");
        double wErr = values.get("w_err_first").getAsDouble();
        // replicated data: every observation has the same residuals
        for (int i = 0; i < in.p(); i++) {
            assertClose("BA reproj_err of observation " + i, first, new double[] {residuals[2 * i], residuals[2 * i + 1]}, 1e-12, 0);
            assertClose("BA w_err of observation " + i, new double[] {wErr}, new double[] {residuals[2 * in.p() + i]}, 1e-12, 0);
        }
    }

    @Test
    void handResidualsMatchPyTorch() {
        for (AdbenchSize size : List.of(AdbenchSize.HAND_SIMPLE_SMALL, AdbenchSize.HAND_COMPLICATED_SMALL)) {
            HandInput in = (HandInput) size.read(data);
            JsonObject values = expected.getAsJsonObject(size.relativePath());
            double[] want = AdbenchGolden.doubles(values, "residuals");
            assertClose(size.relativePath(), want, HandReference.residuals(in), 1e-11, 1e-14 * maxAbs(want));
            // PyTorch's leading Jacobian rows (committed) against central differences of the Java reference
            ReferenceGoldenTest.assertHandJacobianRows(in, AdbenchGolden.doubles(values, "jacobian_first_rows"));
        }
    }
}
