package io.jgrad.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * erf, erfc and log2 against mpmath at 60 digits (special/erf_table.csv and log2_table.csv,
 * made by special/fit_erf.py, which shares no code with SpecialFunctions): relative error below
 * 1e-15 (about 4.5 ulps), the bound the float64 goldens need.
 */
class SpecialFunctionsTest {

    private static List<double[]> table(String name) throws IOException {
        List<double[]> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                SpecialFunctionsTest.class.getResourceAsStream("/special/" + name), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#")) continue;
                String[] f = line.split(",");
                double[] row = new double[f.length];
                for (int i = 0; i < f.length; i++) row[i] = Double.parseDouble(f[i]);
                rows.add(row);
            }
        }
        return rows;
    }

    /** |got - want| / |want| (0 when equal; subnormal expectations count by the smallest normal). */
    private static double relative(double got, double want) {
        if (got == want) return 0;
        return Math.abs(got - want) / Math.max(Math.abs(want), Double.MIN_NORMAL);
    }

    @Test
    void erfAndErfcAgreeWithMpmath() throws IOException {
        List<double[]> rows = table("erf_table.csv");
        assertTrue(rows.size() > 10_000);
        double worstErf = 0, worstErfc = 0;
        for (double[] r : rows) {
            double x = r[0];
            double e = relative(SpecialFunctions.erf(x), r[1]), c = relative(SpecialFunctions.erfc(x), r[2]);
            assertTrue(e < 1e-15, "erf(" + x + ") = " + SpecialFunctions.erf(x) + ", mpmath " + r[1]);
            assertTrue(c < 1e-15, "erfc(" + x + ") = " + SpecialFunctions.erfc(x) + ", mpmath " + r[2]);
            worstErf = Math.max(worstErf, e);
            worstErfc = Math.max(worstErfc, c);
        }
        System.out.println("SpecialFunctionsTest: worst relative error erf " + worstErf + ", erfc " + worstErfc);
    }

    @Test
    void specialValues() {
        assertEquals(1.0, SpecialFunctions.erf(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, SpecialFunctions.erf(Double.NEGATIVE_INFINITY));
        assertTrue(Double.isNaN(SpecialFunctions.erf(Double.NaN)));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(SpecialFunctions.erf(-0.0)));
        assertEquals(0.0, SpecialFunctions.erfc(Double.POSITIVE_INFINITY));
        assertEquals(2.0, SpecialFunctions.erfc(Double.NEGATIVE_INFINITY));
        assertEquals(1.0, SpecialFunctions.erfc(0.0));
        assertTrue(Double.isNaN(SpecialFunctions.erfc(Double.NaN)));
        assertEquals(0.0, SpecialFunctions.erfc(30));
        assertEquals(Double.NEGATIVE_INFINITY, SpecialFunctions.log2(0.0));
        assertEquals(Double.POSITIVE_INFINITY, SpecialFunctions.log2(Double.POSITIVE_INFINITY));
        assertTrue(Double.isNaN(SpecialFunctions.log2(-1)));
        assertTrue(Double.isNaN(SpecialFunctions.log2(Double.NaN)));
    }

    @Test
    void log2IsExactAtPowersOfTwoAndAccurateElsewhere() throws IOException {
        for (int k = -1074; k <= 1023; k++) assertEquals(k, SpecialFunctions.log2(Math.scalb(1.0, k)), "log2(2^" + k + ")");
        double worst = 0;
        for (double[] r : table("log2_table.csv")) {
            double e = relative(SpecialFunctions.log2(r[0]), r[1]);
            assertTrue(e < 1e-15, "log2(" + r[0] + ") = " + SpecialFunctions.log2(r[0]) + ", mpmath " + r[1]);
            worst = Math.max(worst, e);
        }
        System.out.println("SpecialFunctionsTest: worst relative error log2 " + worst);
    }
}
