package io.jgrad.bench.adbench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Generated inputs: the README table's shapes, a fixed seed's determinism, and plausible values. */
class GeneratorTest {

    @ParameterizedTest
    @EnumSource(AdbenchSize.class)
    void everyListedSizeHasTheTablesShapeAndIsDeterministic(AdbenchSize size) {
        Record first = size.generate();
        SizeTable.assertSizes(size, first);
        assertSameData(first, size.generate());
    }

    @Test
    void anotherSeedGivesOtherData() {
        for (String name : Generate.SMALL_CASES) {
            assertSameData(Generate.small(name, 11), Generate.small(name, 11));
            assertFalse(sameData(Generate.small(name, 11), Generate.small(name, 12)), name);
        }
    }

    @Test
    void gmmValuesAreInTheFilesRanges() {
        GmmInput g = AdbenchGenerator.gmm(7, 10, 25, 1000);
        for (double mean : g.means()) assertTrue(mean >= 0 && mean < 1, "means ~ U[0, 1)");
        assertRoughlyStandardNormal(g.x());
        assertRoughlyStandardNormal(g.icf());
        for (double[] a : List.of(g.alphas(), g.means(), g.icf(), g.x())) assertSixDecimals(a);
    }

    @Test
    void lstmValuesAreInTheFilesRanges() {
        LstmInput l = AdbenchGenerator.lstm(7, 2, 1024, 14);
        for (double[] a : List.of(l.main(), l.extra(), l.state())) {
            for (double v : a) assertTrue(v >= 0 && v < 1, "parameters and state ~ U[0, 1)");
        }
        // characters: most rows are ASCII (the first 7 of 14 bits clear), as in ADBench's text
        int ascii = 0;
        for (int t = 0; t < l.steps(); t++) {
            boolean high = false;
            for (int j = 0; j < 7; j++) high |= l.sequence()[t * 14 + j] != 0;
            if (!high) ascii++;
        }
        assertTrue(ascii > 0.95 * l.steps() && ascii < l.steps(), "mostly ASCII with a few wide characters: " + ascii);
    }

    @Test
    void baFeaturesAreNearTheirProjections() {
        BaInput b = (BaInput) AdbenchSize.BA1.generate();
        double[] residuals = BaReference.residuals(b);
        for (int i = 0; i < b.p(); i++) {
            // w·(proj - feature) with pixel noise N(0, 2²): within 6σ for this seed
            double dx = residuals[2 * i] / b.weights()[i], dy = residuals[2 * i + 1] / b.weights()[i];
            assertTrue(Math.abs(dx) < 12 && Math.abs(dy) < 12, "observation " + i + " is " + dx + ", " + dy + " px off");
        }
        for (double w : b.weights()) assertTrue(w >= 0.2 && w < 1);
        assertSixDecimals(b.cams());
        assertSixDecimals(b.features());
    }

    @Test
    void handPointsAreNearThePosedModel() {
        for (AdbenchSize size : List.of(AdbenchSize.HAND_SIMPLE_SMALL, AdbenchSize.HAND_COMPLICATED_SMALL)) {
            HandInput h = (HandInput) size.generate();
            for (double r : HandReference.residuals(h)) assertTrue(Math.abs(r) < 0.03, size + ": noise N(0, 0.005²) within 6σ, got " + r);
            HandModel model = h.model();
            int vertices = model.vertexCount();
            for (int v = 0; v < vertices; v++) {
                double sum = 0;
                for (int b = 0; b < model.boneCount(); b++) sum += model.weights()[b * vertices + v];
                assertEquals(1, sum, 1e-12, "skinning weights of vertex " + v + " sum to 1");
                assertEquals(1, model.basePositions()[3 * vertices + v], "homogeneous coordinate");
            }
            for (int i = 0; i < h.us().length; i += 2) assertTrue(h.us()[i] >= 0 && h.us()[i + 1] >= 0 && h.us()[i] + h.us()[i + 1] <= 1);
        }
    }

    @Test
    void badSizesAreRejectedBeforeAnythingIsMade() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AdbenchGenerator.gmm(1, 0, 5, 10));
        assertTrue(e.getMessage().contains("GMM d"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AdbenchGenerator.lstm(1, 2, 1, 14));
        assertTrue(e.getMessage().contains("LSTM c"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Generate.byName("gmm_3k", 1));
        assertTrue(e.getMessage().contains("gmm_3k") && e.getMessage().contains("gmm_1k_d2_k5"), e.getMessage());
    }

    private static void assertRoughlyStandardNormal(double[] values) {
        double mean = Arrays.stream(values).average().orElseThrow();
        double var = Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / values.length;
        assertEquals(0, mean, 0.1, "mean of N(0, 1) draws");
        assertEquals(1, var, 0.1, "variance of N(0, 1) draws");
    }

    private static void assertSixDecimals(double[] values) {
        for (double v : values) assertEquals(Math.rint(v * 1e6) / 1e6, v, 0, "6 decimals as in ADBench's files");
    }

    static void assertSameData(Record a, Record b) {
        assertTrue(sameData(a, b), "the same seed gives the same data");
    }

    /** Field-by-field equality of two input records (records compare arrays by reference). */
    static boolean sameData(Record a, Record b) {
        if (a instanceof GmmInput x && b instanceof GmmInput y) {
            return x.d() == y.d() && x.k() == y.k() && x.n() == y.n() && x.gamma() == y.gamma() && x.m() == y.m()
                    && Arrays.equals(x.alphas(), y.alphas()) && Arrays.equals(x.means(), y.means())
                    && Arrays.equals(x.icf(), y.icf()) && Arrays.equals(x.x(), y.x());
        }
        if (a instanceof LstmInput x && b instanceof LstmInput y) {
            return x.layers() == y.layers() && x.steps() == y.steps() && x.hidden() == y.hidden()
                    && Arrays.equals(x.main(), y.main()) && Arrays.equals(x.extra(), y.extra())
                    && Arrays.equals(x.state(), y.state()) && Arrays.equals(x.sequence(), y.sequence());
        }
        if (a instanceof BaInput x && b instanceof BaInput y) {
            return x.n() == y.n() && x.m() == y.m() && x.p() == y.p() && Arrays.equals(x.cams(), y.cams())
                    && Arrays.equals(x.points(), y.points()) && Arrays.equals(x.weights(), y.weights())
                    && Arrays.equals(x.features(), y.features()) && Arrays.equals(x.observations(), y.observations());
        }
        if (a instanceof HandInput x && b instanceof HandInput y) {
            HandModel p = x.model(), q = y.model();
            return x.complicated() == y.complicated() && Arrays.equals(x.correspondences(), y.correspondences())
                    && Arrays.equals(x.points(), y.points()) && Arrays.equals(x.us(), y.us()) && Arrays.equals(x.theta(), y.theta())
                    && p.boneNames().equals(q.boneNames()) && Arrays.equals(p.parents(), q.parents())
                    && Arrays.equals(p.baseRelatives(), q.baseRelatives()) && Arrays.equals(p.inverseBaseAbsolutes(), q.inverseBaseAbsolutes())
                    && Arrays.equals(p.basePositions(), q.basePositions()) && Arrays.equals(p.weights(), q.weights())
                    && Arrays.equals(p.triangles(), q.triangles());
        }
        return false;
    }

    @Test
    void sameDataTellsFieldsApart() {
        BaInput b = AdbenchGenerator.ba(3, 2, 3, 4);
        double[] cams = b.cams().clone();
        cams[10] += 1e-6;
        assertTrue(sameData(b, AdbenchGenerator.ba(3, 2, 3, 4)));
        assertFalse(sameData(b, new BaInput(2, 3, 4, cams, b.points(), b.weights(), b.features(), b.observations())));
        assertArrayEquals(b.cams(), AdbenchGenerator.ba(3, 2, 3, 4).cams());
    }
}
