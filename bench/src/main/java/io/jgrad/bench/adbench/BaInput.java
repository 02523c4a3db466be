package io.jgrad.bench.adbench;

/**
 * One bundle-adjustment instance (README "BA"), fully expanded: ADBench's files hold one camera,
 * point, weight and feature that the reader replicates; generated instances have distinct ones.
 *
 * @param n            number of cameras
 * @param m            number of points
 * @param p            number of observations
 * @param cams         [n, 11]: r0 r1 r2 (angle-axis), C0 C1 C2 (centre), f, u0 v0, k1 k2
 * @param points       [m, 3]
 * @param weights      [p]
 * @param features     [p, 2] the observed 2-D features
 * @param observations [p, 2]: camera index, point index of each observation
 */
public record BaInput(int n, int m, int p, double[] cams, double[] points, double[] weights, double[] features,
                      int[] observations) {

    public static final int CAMERA_PARAMS = 11;

    public BaInput {
        Check.positive("BA camera count n", n);
        Check.positive("BA point count m", m);
        Check.positive("BA observation count p", p);
        Check.length("BA cams", cams, (long) n * CAMERA_PARAMS);
        Check.length("BA points", points, 3L * m);
        Check.length("BA weights", weights, p);
        Check.length("BA features", features, 2L * p);
        if (observations.length != 2L * p) {
            throw new IllegalArgumentException("BA observations has length " + observations.length + ", expected 2p = " + 2L * p);
        }
        Check.finite("BA cams", cams);
        Check.finite("BA points", points);
        Check.finite("BA weights", weights);
        Check.finite("BA features", features);
        for (int i = 0; i < p; i++) {
            int cam = observations[2 * i], pt = observations[2 * i + 1];
            if (cam < 0 || cam >= n) throw new IllegalArgumentException("BA observation " + i + " names camera " + cam + ", outside [0, " + n + ")");
            if (pt < 0 || pt >= m) throw new IllegalArgumentException("BA observation " + i + " names point " + pt + ", outside [0, " + m + ")");
        }
    }

    /** Jacobian shape: rows 2p + p, columns 11n + 3m + p. */
    public long jacobianRows() {
        return 3L * p;
    }

    public long jacobianColumns() {
        return (long) CAMERA_PARAMS * n + 3L * m + p;
    }

    /** Nonzeros of the sparse Jacobian: 15 in each of the 2p reprojection rows, 1 in each weight row. */
    public long jacobianNonzeros() {
        return 31L * p;
    }
}
