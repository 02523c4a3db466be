package io.jgrad.bench.handwritten;

/**
 * One bundle-adjustment observation (shared/adbench README, "BA"): the reprojection residual
 * and its 2 × 15 Jacobian, by hand, in double, as a careful person writes it: one forward pass
 * keeping what the derivatives need, then the chain rule through the projection, the
 * distortion and the Rodrigues rotation as small dense matrices. Parameters, in Jacobian column
 * order: r0 r1 r2 (angle-axis), C0 C1 C2 (centre), f, u0 v0 (principal point), k1 k2
 * (distortion), X0 X1 X2 (the point), w (the weight). The rotation must not be 0 (the README's
 * t² = 0 branch is not taken here). Not thread-safe: it owns its scratch.
 */
public final class BaJacobian {
    public static final int PARAMS = 15;

    private final double[] m = new double[9], dzdr = new double[9], e = new double[6], a = new double[3], dt = new double[3];

    /** out[0..1] = w (proj - feat); jac[j * 15 + i] = d out_j / d p_i. */
    public void residualAndJacobian(double[] p, double fx, double fy, double[] out, double[] jac) {
        double r0 = p[0], r1 = p[1], r2 = p[2], f = p[6], u0 = p[7], v0 = p[8], k1 = p[9], k2 = p[10], w = p[14];
        double y0 = p[11] - p[3], y1 = p[12] - p[4], y2 = p[13] - p[5];
        double t = Math.sqrt(r0 * r0 + r1 * r1 + r2 * r2), cs = Math.cos(t), sn = Math.sin(t), omc = 1 - cs;
        double a0 = r0 / t, a1 = r1 / t, a2 = r2 / t;               // the unit axis
        double dot = a0 * y0 + a1 * y1 + a2 * y2;
        double c0 = a1 * y2 - a2 * y1, c1 = a2 * y0 - a0 * y2, c2 = a0 * y1 - a1 * y0;   // axis × y
        double z0 = y0 * cs + c0 * sn + a0 * dot * omc;
        double z1 = y1 * cs + c1 * sn + a1 * dot * omc;
        double z2 = y2 * cs + c2 * sn + a2 * dot * omc;
        double p0 = z0 / z2, p1 = z1 / z2;
        double s = p0 * p0 + p1 * p1, L = 1 + k1 * s + k2 * s * s;
        double proj0 = p0 * L * f + u0, proj1 = p1 * L * f + v0;
        out[0] = w * (proj0 - fx);
        out[1] = w * (proj1 - fy);

        // the parameters that enter after the projection
        jac[6] = w * p0 * L;              jac[PARAMS + 6] = w * p1 * L;          // f
        jac[7] = w;                       jac[PARAMS + 7] = 0;                   // u0
        jac[8] = 0;                       jac[PARAMS + 8] = w;                   // v0
        jac[9] = w * p0 * f * s;          jac[PARAMS + 9] = w * p1 * f * s;      // k1
        jac[10] = w * p0 * f * s * s;     jac[PARAMS + 10] = w * p1 * f * s * s; // k2
        jac[14] = proj0 - fx;             jac[PARAMS + 14] = proj1 - fy;         // w

        // E = d out / d z (2 x 3): w · d proj / d p (2 x 2) · d p / d z (2 x 3)
        double dL = k1 + 2 * k2 * s;
        double A00 = w * f * (L + 2 * dL * p0 * p0), A01 = w * f * 2 * dL * p0 * p1;
        double A10 = w * f * 2 * dL * p1 * p0, A11 = w * f * (L + 2 * dL * p1 * p1);
        double iz = 1 / z2;
        e[0] = A00 * iz; e[1] = A01 * iz; e[2] = -(A00 * p0 + A01 * p1) * iz;
        e[3] = A10 * iz; e[4] = A11 * iz; e[5] = -(A10 * p0 + A11 * p1) * iz;

        // d z / d y = R = cs I + sn [a]x + (1 - cs) a aᵀ: d out / d X = E R, d out / d C = -E R
        m[0] = cs + omc * a0 * a0;        m[1] = -sn * a2 + omc * a0 * a1;  m[2] = sn * a1 + omc * a0 * a2;
        m[3] = sn * a2 + omc * a1 * a0;   m[4] = cs + omc * a1 * a1;        m[5] = -sn * a0 + omc * a1 * a2;
        m[6] = -sn * a1 + omc * a2 * a0;  m[7] = sn * a0 + omc * a2 * a1;   m[8] = cs + omc * a2 * a2;
        for (int j = 0; j < 2; j++) {
            for (int i = 0; i < 3; i++) {
                double v = e[3 * j] * m[i] + e[3 * j + 1] * m[3 + i] + e[3 * j + 2] * m[6 + i];
                jac[j * PARAMS + 11 + i] = v;
                jac[j * PARAMS + 3 + i] = -v;
            }
        }

        // d z / d r = J_a (I - a aᵀ)/t + (d z / d t) aᵀ, with
        // J_a = d z / d a = -sn [y]x + (1 - cs)(dot I + a yᵀ), d z / d t = -y sn + (a × y) cs + a dot sn
        double dt0 = -y0 * sn + c0 * cs + a0 * dot * sn;
        double dt1 = -y1 * sn + c1 * cs + a1 * dot * sn;
        double dt2 = -y2 * sn + c2 * cs + a2 * dot * sn;
        m[0] = omc * (dot + a0 * y0);       m[1] = sn * y2 + omc * a0 * y1;   m[2] = -sn * y1 + omc * a0 * y2;
        m[3] = -sn * y2 + omc * a1 * y0;    m[4] = omc * (dot + a1 * y1);     m[5] = sn * y0 + omc * a1 * y2;
        m[6] = sn * y1 + omc * a2 * y0;     m[7] = -sn * y0 + omc * a2 * y1;  m[8] = omc * (dot + a2 * y2);
        a[0] = a0; a[1] = a1; a[2] = a2;
        dt[0] = dt0; dt[1] = dt1; dt[2] = dt2;
        for (int i = 0; i < 3; i++) {
            double ja = m[3 * i] * a0 + m[3 * i + 1] * a1 + m[3 * i + 2] * a2;   // (J_a a)_i
            for (int k = 0; k < 3; k++) dzdr[3 * i + k] = (m[3 * i + k] - ja * a[k]) / t + dt[i] * a[k];
        }
        for (int j = 0; j < 2; j++)
            for (int k = 0; k < 3; k++)
                jac[j * PARAMS + k] = e[3 * j] * dzdr[k] + e[3 * j + 1] * dzdr[3 + k] + e[3 * j + 2] * dzdr[6 + k];
    }
}
