package io.jgrad.bench.adbench;

/**
 * The bundle-adjustment residuals in plain Java, double, written from the README. Projection of
 * point X by camera (r, C, f, u0, v0, k1, k2):
 * <pre>
 * Y = X - C
 * t² = r·r ≠ 0:  t = √t², w = r/t,  Z = Y cos t + (w × Y) sin t + w (w·Y)(1 - cos t)
 * t² = 0:        Z = Y + r × Y
 * p = (Z0/Z2, Z1/Z2);  s = p0² + p1²;  L = 1 + k1 s + k2 s²;  proj = p·L·f + (u0, v0)
 * </pre>
 * Residuals: reproj_err[2i..2i+1] = w_i (proj(cam, X) - feat_i), then w_err[i] = 1 - w_i².
 */
public final class BaReference {
    private BaReference() {}

    // offsets inside a camera's 11 parameters
    static final int ROTATION = 0, CENTRE = 3, FOCAL = 6, PRINCIPAL = 7, DISTORTION = 9;

    /** All 3p residuals: [reproj_err (2p)] ++ [w_err (p)]. */
    public static double[] residuals(BaInput in) {
        int p = in.p();
        double[] out = new double[3 * p];
        for (int i = 0; i < p; i++) {
            reprojectionError(in, i, out, 2 * i);
            double w = in.weights()[i];
            out[2 * p + i] = 1 - w * w;
        }
        return out;
    }

    /** reproj_err of observation i into out[offset], out[offset + 1]. */
    public static void reprojectionError(BaInput in, int i, double[] out, int offset) {
        int cam = in.observations()[2 * i], point = in.observations()[2 * i + 1];
        project(in.cams(), cam * BaInput.CAMERA_PARAMS, in.points(), 3 * point, out, offset);
        double w = in.weights()[i];
        out[offset] = w * (out[offset] - in.features()[2 * i]);
        out[offset + 1] = w * (out[offset + 1] - in.features()[2 * i + 1]);
    }

    /** proj(cam, X) into out[offset], out[offset + 1]. */
    public static void project(double[] cams, int cam, double[] points, int point, double[] out, int offset) {
        double[] y = new double[3];
        for (int j = 0; j < 3; j++) y[j] = points[point + j] - cams[cam + CENTRE + j];
        double r0 = cams[cam + ROTATION], r1 = cams[cam + ROTATION + 1], r2 = cams[cam + ROTATION + 2];
        double t2 = r0 * r0 + r1 * r1 + r2 * r2;
        double z0, z1, z2;
        if (t2 != 0) {
            // Rodrigues: Z = Y cos t + (w × Y) sin t + w (w·Y)(1 - cos t)
            double t = Math.sqrt(t2), cos = Math.cos(t), sin = Math.sin(t);
            double w0 = r0 / t, w1 = r1 / t, w2 = r2 / t;
            double dot = w0 * y[0] + w1 * y[1] + w2 * y[2];
            z0 = y[0] * cos + (w1 * y[2] - w2 * y[1]) * sin + w0 * dot * (1 - cos);
            z1 = y[1] * cos + (w2 * y[0] - w0 * y[2]) * sin + w1 * dot * (1 - cos);
            z2 = y[2] * cos + (w0 * y[1] - w1 * y[0]) * sin + w2 * dot * (1 - cos);
        } else {
            // first order: Z = Y + r × Y
            z0 = y[0] + (r1 * y[2] - r2 * y[1]);
            z1 = y[1] + (r2 * y[0] - r0 * y[2]);
            z2 = y[2] + (r0 * y[1] - r1 * y[0]);
        }
        double p0 = z0 / z2, p1 = z1 / z2;
        double s = p0 * p0 + p1 * p1;
        double distortion = 1 + cams[cam + DISTORTION] * s + cams[cam + DISTORTION + 1] * s * s;
        double f = cams[cam + FOCAL];
        out[offset] = p0 * distortion * f + cams[cam + PRINCIPAL];
        out[offset + 1] = p1 * distortion * f + cams[cam + PRINCIPAL + 1];
    }
}
