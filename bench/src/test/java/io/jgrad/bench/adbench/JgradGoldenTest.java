package io.jgrad.bench.adbench;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static io.jgrad.bench.adbench.Derivatives.assertClose;
import static io.jgrad.bench.adbench.Derivatives.assertMatchesFiniteDifferences;
import static io.jgrad.bench.adbench.Derivatives.finiteDifferences;
import static io.jgrad.bench.adbench.Derivatives.maxAbs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * jgrad's four objectives (compiled, F64) against the PyTorch goldens made by adbench.py on small
 * generated inputs: objective and derivative to relative 1e-9 (a floor of 1e-12 of the largest
 * entry for values that cancel to near zero); and the derivatives against central differences of
 * the jgrad objective itself (in double), which checks them independently of PyTorch.
 */
class JgradGoldenTest {
    private static final double RELATIVE = 1e-9;

    private static void close(String what, double[] expected, double[] actual) {
        assertClose(what, expected, actual, RELATIVE, 1e-12 * maxAbs(expected));
    }

    @Test
    void gmm() {
        AdbenchGolden golden = AdbenchGolden.load("gmm_small");
        GmmInput in = (GmmInput) golden.input();
        Gmm.Evaluator e = new Gmm.Evaluator(in);
        close("GMM objective", golden.objective(), new double[] {e.objective()});
        double[] gradient = new double[in.parameterCount()];
        double value = e.gradient(gradient);
        close("GMM value from valueAndGrad", golden.objective(), new double[] {value});
        close("GMM gradient", AdbenchGolden.doubles(golden.derivative(), "gradient"), gradient);
        double[][] numeric = finiteDifferences(() -> new double[] {e.objective()}, List.of(in.alphas(), in.means(), in.icf()));
        assertMatchesFiniteDifferences("GMM gradient", gradient, numeric[0]);
    }

    @Test
    void lstm() {
        AdbenchGolden golden = AdbenchGolden.load("lstm_small");
        LstmInput in = (LstmInput) golden.input();
        Lstm.Evaluator e = new Lstm.Evaluator(in);
        close("LSTM objective", golden.objective(), new double[] {e.objective()});
        double[] gradient = new double[in.parameterCount()];
        double value = e.gradient(gradient);
        close("LSTM value from valueAndGrad", golden.objective(), new double[] {value});
        close("LSTM gradient", AdbenchGolden.doubles(golden.derivative(), "gradient"), gradient);
        double[][] numeric = finiteDifferences(() -> new double[] {e.objective()}, List.of(in.main(), in.extra()));
        assertMatchesFiniteDifferences("LSTM gradient", gradient, numeric[0]);
    }

    /** ba_small has camera 0 with r = 0 exactly: both of the README's branches are checked. */
    @Test
    void ba() {
        AdbenchGolden golden = AdbenchGolden.load("ba_small");
        BaInput in = (BaInput) golden.input();
        Ba.Evaluator e = new Ba.Evaluator(in);
        double[] residuals = new double[3 * in.p()];
        e.objective(residuals);
        close("BA residuals", golden.objective(), residuals);

        Ba.Csr j = e.newJacobian();
        e.jacobian(j);
        JsonObject expected = golden.derivative();
        assertEquals(expected.get("rows").getAsInt(), j.rows());
        assertEquals(expected.get("cols").getAsInt(), j.cols());
        assertArrayEquals(AdbenchGolden.ints(expected, "row_pointers"), j.rowPointers(), "CSR row pointers");
        assertArrayEquals(AdbenchGolden.ints(expected, "columns"), j.columns(), "CSR columns");
        close("BA Jacobian values", AdbenchGolden.doubles(expected, "values"), j.values());

        // central differences of jgrad's residuals, scattered by the CSR structure
        // (the evaluator reads the input's arrays, which finiteDifferences perturbs in place)
        double[][] numeric = finiteDifferences(() -> {
            double[] r = new double[3 * in.p()];
            e.objective(r);
            return r;
        }, List.of(in.cams(), in.points(), in.weights()));
        double[] dense = new double[j.values().length];
        for (int row = 0; row < j.rows(); row++)
            for (int at = j.rowPointers()[row]; at < j.rowPointers()[row + 1]; at++) dense[at] = numeric[row][j.columns()[at]];
        assertMatchesFiniteDifferences("BA Jacobian", j.values(), dense);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hand_simple_small", "hand_complicated_small"})
    void hand(String name) {
        AdbenchGolden golden = AdbenchGolden.load(name);
        HandInput in = (HandInput) golden.input();
        Hand.Evaluator e = new Hand.Evaluator(in);
        double[] residuals = new double[e.rows()];
        e.objective(residuals);
        close(name + " residuals", golden.objective(), residuals);

        double[] jacobian = new double[e.rows() * in.jacobianColumns()];
        double[] again = new double[e.rows()];
        e.jacobian(again, jacobian);
        close(name + " residuals from jacobian", golden.objective(), again);
        JsonObject expected = golden.derivative();
        assertEquals(e.rows(), expected.get("rows").getAsInt());
        assertEquals(in.jacobianColumns(), expected.get("cols").getAsInt());
        close(name + " Jacobian", AdbenchGolden.doubles(expected, "values"), jacobian);

        // central differences of jgrad's residuals: theta columns, and (complicated) u_i's own columns
        double[][] numeric = finiteDifferences(() -> {
            double[] r = new double[3 * in.correspondenceCount()];
            e.objective(r);
            return r;
        }, in.complicated() ? List.of(in.us(), in.theta()) : List.of(in.theta()));
        int cols = in.jacobianColumns(), uColumns = in.complicated() ? 2 * in.correspondenceCount() : 0;
        double[] fromDifferences = new double[jacobian.length];
        for (int r = 0; r < e.rows(); r++) {
            for (int c = 0; c < HandInput.THETA_COUNT; c++) fromDifferences[r * cols + cols - HandInput.THETA_COUNT + c] = numeric[r][uColumns + c];
            if (in.complicated()) {
                int i = r / 3;
                fromDifferences[r * cols] = numeric[r][2 * i];
                fromDifferences[r * cols + 1] = numeric[r][2 * i + 1];
            }
        }
        assertMatchesFiniteDifferences(name + " Jacobian", jacobian, fromDifferences);
    }
}
