package io.jgrad.bench;

import io.jgrad.bench.demo.DerivativesDemo;
import io.jgrad.bench.demo.DerivativesDemo.Greeks;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The demo's Black-Scholes numbers (DerivativesDemo): price, delta, vega and gamma, eager and
 * compiled, against the closed forms written here independently (normal CDF from Hipparchus'
 * erfc, the density from Math.exp), to a relative tolerance of 1e-12 for the price and first
 * derivatives and 1e-10 for gamma (a second derivative through erf; float64 rounding of a
 * few dozen operations is ~1e-15 relative, erf's own accuracy ~1e-16).
 */
class BlackScholesDemoTest {
    private static final double S = 100, K = 105, R = 0.03, VOL = 0.2, T = 0.75;

    private static double cdf(double x) {
        return 0.5 * org.hipparchus.special.Erf.erfc(-x / Math.sqrt(2));
    }

    /** {price, delta, vega, gamma} by the textbook formulas. */
    private static double[] closed() {
        double d1 = (Math.log(S / K) + (R + VOL * VOL / 2) * T) / (VOL * Math.sqrt(T)), d2 = d1 - VOL * Math.sqrt(T);
        double pdf = Math.exp(-d1 * d1 / 2) / Math.sqrt(2 * Math.PI);
        return new double[] {S * cdf(d1) - K * Math.exp(-R * T) * cdf(d2), cdf(d1), S * pdf * Math.sqrt(T), pdf / (S * VOL * Math.sqrt(T))};
    }

    @Test
    void theDemoUsesThisMarket() {
        assertEquals(S, DerivativesDemo.SPOT);
        assertEquals(K, DerivativesDemo.STRIKE);
        assertEquals(R, DerivativesDemo.RATE);
        assertEquals(VOL, DerivativesDemo.VOL);
        assertEquals(T, DerivativesDemo.EXPIRY);
    }

    @Test
    void eagerGreeksMatchTheClosedForm() {
        check("eager", DerivativesDemo.eagerGreeks());
    }

    @Test
    void compiledGreeksMatchTheClosedForm() {
        check("compiled", DerivativesDemo.compiledGreeks());
    }

    @Test
    void theDemoClosedFormIsTheTextbookOne() {
        check("closed form", DerivativesDemo.closedForm());
    }

    private static void check(String what, Greeks g) {
        double[] x = closed();
        assertEquals(x[0], g.price(), 1e-12 * Math.abs(x[0]), what + " price");
        assertEquals(x[1], g.delta(), 1e-12 * Math.abs(x[1]), what + " delta");
        assertEquals(x[2], g.vega(), 1e-12 * Math.abs(x[2]), what + " vega");
        assertEquals(x[3], g.gamma(), 1e-10 * Math.abs(x[3]), what + " gamma");
    }
}
