package io.jgrad.bench.peers;

import io.jgrad.bench.handwritten.BaJacobian;
import org.hipparchus.analysis.differentiation.DSFactory;
import org.hipparchus.analysis.differentiation.DerivativeStructure;

/**
 * The bundle-adjustment residual (BaJacobian's parameters and formula) with Hipparchus's
 * forward-mode {@link DerivativeStructure}: 15 free parameters, order 1, so every operation
 * carries 15 partial derivatives. The parameters are made per call, as a solver's step must.
 */
public final class HipparchusBa {
    private static final DSFactory FACTORY = new DSFactory(BaJacobian.PARAMS, 1);

    private HipparchusBa() {}

    /** out[0..1] = the residual; jac[j * 15 + i] = d out_j / d p_i. */
    public static void residualAndJacobian(double[] p, double fx, double fy, double[] out, double[] jac) {
        DerivativeStructure[] v = new DerivativeStructure[BaJacobian.PARAMS];
        for (int i = 0; i < v.length; i++) v[i] = FACTORY.variable(i, p[i]);
        DerivativeStructure r0 = v[0], r1 = v[1], r2 = v[2], f = v[6], u0 = v[7], v0 = v[8], k1 = v[9], k2 = v[10], w = v[14];
        DerivativeStructure y0 = v[11].subtract(v[3]), y1 = v[12].subtract(v[4]), y2 = v[13].subtract(v[5]);
        DerivativeStructure t = r0.multiply(r0).add(r1.multiply(r1)).add(r2.multiply(r2)).sqrt();
        DerivativeStructure cs = t.cos(), sn = t.sin(), omc = cs.negate().add(1);
        DerivativeStructure a0 = r0.divide(t), a1 = r1.divide(t), a2 = r2.divide(t);
        DerivativeStructure dot = a0.multiply(y0).add(a1.multiply(y1)).add(a2.multiply(y2));
        DerivativeStructure c0 = a1.multiply(y2).subtract(a2.multiply(y1));
        DerivativeStructure c1 = a2.multiply(y0).subtract(a0.multiply(y2));
        DerivativeStructure c2 = a0.multiply(y1).subtract(a1.multiply(y0));
        DerivativeStructure dotOmc = dot.multiply(omc);
        DerivativeStructure z0 = y0.multiply(cs).add(c0.multiply(sn)).add(a0.multiply(dotOmc));
        DerivativeStructure z1 = y1.multiply(cs).add(c1.multiply(sn)).add(a1.multiply(dotOmc));
        DerivativeStructure z2 = y2.multiply(cs).add(c2.multiply(sn)).add(a2.multiply(dotOmc));
        DerivativeStructure p0 = z0.divide(z2), p1 = z1.divide(z2);
        DerivativeStructure s = p0.multiply(p0).add(p1.multiply(p1));
        DerivativeStructure lf = k1.multiply(s).add(k2.multiply(s).multiply(s)).add(1).multiply(f);
        DerivativeStructure e0 = w.multiply(p0.multiply(lf).add(u0).subtract(fx));
        DerivativeStructure e1 = w.multiply(p1.multiply(lf).add(v0).subtract(fy));
        out[0] = e0.getValue();
        out[1] = e1.getValue();
        double[] d0 = e0.getAllDerivatives(), d1 = e1.getAllDerivatives();   // [value, d/dp0, ..., d/dp14]
        System.arraycopy(d0, 1, jac, 0, BaJacobian.PARAMS);
        System.arraycopy(d1, 1, jac, BaJacobian.PARAMS, BaJacobian.PARAMS);
    }
}
