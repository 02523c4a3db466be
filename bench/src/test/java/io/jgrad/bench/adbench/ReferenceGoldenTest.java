package io.jgrad.bench.adbench;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static io.jgrad.bench.adbench.Derivatives.assertClose;
import static io.jgrad.bench.adbench.Derivatives.assertMatchesFiniteDifferences;
import static io.jgrad.bench.adbench.Derivatives.finiteDifferences;
import static io.jgrad.bench.adbench.Derivatives.flatten;
import static io.jgrad.bench.adbench.Derivatives.maxAbs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The plain-Java reference objectives against the PyTorch goldens (adbench.py on small generated
 * inputs): objectives to relative 1e-9; and the goldens' derivatives (the later jgrad versions'
 * targets) against central differences of the Java references, which checks PyTorch's values and
 * the derivative layouts (gradient order, BA's CSR columns, Hand's compressed u columns).
 */
class ReferenceGoldenTest {

    /** The golden's input is exactly what the generator makes today (goldens and generator cannot drift apart). */
    @ParameterizedTest
    @ValueSource(strings = {"gmm_small", "lstm_small", "ba_small", "hand_simple_small", "hand_complicated_small"})
    void goldenInputsAreTheGeneratedSmallCases(String name) {
        Record golden = AdbenchGolden.load(name).input();
        Record generated = Generate.small(name, AdbenchGenerator.DEFAULT_SEED);
        assertEquals(InputJson.toJson(generated), InputJson.toJson(golden), name);
    }

    @Test
    void gmmObjectiveAndGradient() {
        AdbenchGolden golden = AdbenchGolden.load("gmm_small");
        GmmInput in = (GmmInput) golden.input();
        assertClose("GMM objective", golden.objective(), new double[] {GmmReference.objective(in)}, 1e-9, 0);

        double[] gradient = AdbenchGolden.doubles(golden.derivative(), "gradient");
        assertEquals(in.parameterCount(), gradient.length, "gradient length K(d+1)(d+2)/2");
        double[][] numeric = finiteDifferences(() -> new double[] {GmmReference.objective(in)}, List.of(in.alphas(), in.means(), in.icf()));
        assertMatchesFiniteDifferences("GMM gradient", gradient, numeric[0]);
    }

    @Test
    void lstmObjectiveAndGradient() {
        AdbenchGolden golden = AdbenchGolden.load("lstm_small");
        LstmInput in = (LstmInput) golden.input();
        assertClose("LSTM objective", golden.objective(), new double[] {LstmReference.objective(in)}, 1e-9, 0);

        double[] gradient = AdbenchGolden.doubles(golden.derivative(), "gradient");
        assertEquals(in.parameterCount(), gradient.length, "gradient length 8lb + 3b");
        double[][] numeric = finiteDifferences(() -> new double[] {LstmReference.objective(in)}, List.of(in.main(), in.extra()));
        assertMatchesFiniteDifferences("LSTM gradient", gradient, numeric[0]);
    }

    @Test
    void baResidualsAndSparseJacobian() {
        AdbenchGolden golden = AdbenchGolden.load("ba_small");
        BaInput in = (BaInput) golden.input();
        double[] expected = golden.objective();
        assertClose("BA residuals", expected, BaReference.residuals(in), 1e-9, 1e-12 * maxAbs(expected));

        JsonObject j = golden.derivative();
        assertEquals(in.jacobianRows(), j.get("rows").getAsLong());
        assertEquals(in.jacobianColumns(), j.get("cols").getAsLong());
        int[] rowPointers = AdbenchGolden.ints(j, "row_pointers"), columns = AdbenchGolden.ints(j, "columns");
        double[] values = AdbenchGolden.doubles(j, "values");
        assertEquals(in.jacobianNonzeros(), values.length, "31p nonzeros");
        // ADBench's layout, from the README: rows 2i, 2i+1 = camera 11·cam_i + 0..10, point 11n + 3·pt_i + 0..2, weight 11n + 3m + i
        int n = in.n(), m = in.m(), p = in.p();
        for (int i = 0; i < p; i++) {
            int cam = in.observations()[2 * i], pt = in.observations()[2 * i + 1];
            int[] expectedColumns = new int[15];
            for (int c = 0; c < 11; c++) expectedColumns[c] = 11 * cam + c;
            for (int c = 0; c < 3; c++) expectedColumns[11 + c] = 11 * n + 3 * pt + c;
            expectedColumns[14] = 11 * n + 3 * m + i;
            for (int row = 2 * i; row <= 2 * i + 1; row++) {
                assertEquals(15 * row, rowPointers[row], "row pointer " + row);
                assertArrayEquals(expectedColumns, java.util.Arrays.copyOfRange(columns, 15 * row, 15 * row + 15), "columns of row " + row);
            }
            assertEquals(30 * p + i, rowPointers[2 * p + i], "row pointer of weight row " + i);
            assertEquals(11 * n + 3 * m + i, columns[30 * p + i], "column of weight row " + i);
        }
        assertEquals(31 * p, rowPointers[3 * p]);

        // the CSR values, expanded to a dense matrix, against central differences over all columns
        double[][] dense = new double[3 * p][(int) in.jacobianColumns()];
        for (int row = 0; row < 3 * p; row++) {
            for (int k = rowPointers[row]; k < rowPointers[row + 1]; k++) dense[row][columns[k]] = values[k];
        }
        double[][] numeric = finiteDifferences(() -> BaReference.residuals(in), List.of(in.cams(), in.points(), in.weights()));
        assertMatchesFiniteDifferences("BA Jacobian", flatten(dense), flatten(numeric));
    }

    @ParameterizedTest
    @ValueSource(strings = {"hand_simple_small", "hand_complicated_small"})
    void handResidualsAndJacobian(String name) {
        AdbenchGolden golden = AdbenchGolden.load(name);
        HandInput in = (HandInput) golden.input();
        double[] expected = golden.objective();
        assertClose("hand residuals", expected, HandReference.residuals(in), 1e-9, 1e-12 * maxAbs(expected));
        assertHandJacobian(in, golden.derivative());
    }

    /**
     * A hand Jacobian [3N, 26] or compressed [3N, 28] against central differences: d/d theta in
     * the last 26 columns; in the complicated variant columns 0, 1 of row 3i+j are d/d u_i0, d/d u_i1.
     */
    static void assertHandJacobian(HandInput in, JsonObject jacobian) {
        int count = in.correspondenceCount();
        assertEquals(3 * count, jacobian.get("rows").getAsInt());
        assertEquals(in.jacobianColumns(), jacobian.get("cols").getAsInt());
        assertHandJacobianRows(in, AdbenchGolden.doubles(jacobian, "values"));
    }

    /** The leading rows of a row-major hand Jacobian (as many as {@code values} holds) against central differences. */
    static void assertHandJacobianRows(HandInput in, double[] values) {
        int columns = in.jacobianColumns(), rows = values.length / columns;
        double[][] theta = finiteDifferences(() -> HandReference.residuals(in), List.of(in.theta()));
        double[][] us = in.complicated() ? finiteDifferences(() -> HandReference.residuals(in), List.of(in.us())) : null;
        double[] numeric = new double[rows * columns];
        for (int r = 0; r < rows; r++) {
            int first = 0;
            if (in.complicated()) {
                int i = r / 3;      // residual 3i+j depends on u_i only: the compressed columns
                numeric[r * columns] = us[r][2 * i];
                numeric[r * columns + 1] = us[r][2 * i + 1];
                first = 2;
            }
            System.arraycopy(theta[r], 0, numeric, r * columns + first, HandInput.THETA_COUNT);
        }
        assertMatchesFiniteDifferences("hand Jacobian", values, numeric);
    }
}
