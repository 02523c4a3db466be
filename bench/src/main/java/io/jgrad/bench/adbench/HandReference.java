package io.jgrad.bench.adbench;

/**
 * The hand residuals in plain Java, double, written from the README ("Pose parameters",
 * "Skinning", "Residuals"). Matrices are flat row-major arrays; 4×4 transforms use 16 entries.
 */
public final class HandReference {
    private HandReference() {}

    /** Columns of the pose matrix P: global rotation, scale, translation, then one per bone. */
    static final int POSE_COLUMNS = 3 + HandInput.BONE_COUNT;

    /**
     * The 3N residuals; entry 3i + j is coordinate j of correspondence i:
     * simple {@code p_i[j] - V[j, idx_i]}, complicated
     * {@code p_i[j] - (u_i0 V[j,t0] + u_i1 V[j,t1] + (1 - u_i0 - u_i1) V[j,t2])}.
     */
    public static double[] residuals(HandInput in) {
        HandModel model = in.model();
        int vertices = model.vertexCount(), count = in.correspondenceCount();
        double[] v = posedVertices(model, pose(in.theta()));
        double[] points = in.points(), us = in.us();
        double[] err = new double[3 * count];
        for (int i = 0; i < count; i++) {
            int idx = in.correspondences()[i];
            for (int j = 0; j < 3; j++) {
                double target;
                if (in.complicated()) {
                    int[] tri = model.triangles();
                    double u0 = us[2 * i], u1 = us[2 * i + 1];
                    target = u0 * v[j * vertices + tri[3 * idx]]
                            + u1 * v[j * vertices + tri[3 * idx + 1]]
                            + (1 - u0 - u1) * v[j * vertices + tri[3 * idx + 2]];
                } else {
                    target = v[j * vertices + idx];
                }
                err[3 * i + j] = points[3 * i + j] - target;
            }
        }
        return err;
    }

    /**
     * P [3, 25] (row-major) from theta: column 0 the global angle-axis rotation theta[0..2],
     * column 1 the scale (1, 1, 1), column 2 the translation theta[3..5]; for finger F with
     * c = 5 + 4F: P[0][c], P[1][c] = theta[6+4F], theta[7+4F]; P[0][c+1] = theta[8+4F];
     * P[0][c+2] = theta[9+4F]. Everything else stays 0.
     */
    static double[] pose(double[] theta) {
        double[] p = new double[3 * POSE_COLUMNS];
        for (int row = 0; row < 3; row++) {
            p[row * POSE_COLUMNS] = theta[row];
            p[row * POSE_COLUMNS + 1] = 1;
            p[row * POSE_COLUMNS + 2] = theta[3 + row];
        }
        for (int finger = 0; finger < 5; finger++) {
            int c = 5 + 4 * finger;
            p[c] = theta[6 + 4 * finger];
            p[POSE_COLUMNS + c] = theta[7 + 4 * finger];
            p[c + 1] = theta[8 + 4 * finger];
            p[c + 2] = theta[9 + 4 * finger];
        }
        return p;
    }

    /** V [3, vertices] (row-major): skinned by the bone transforms, then the global transform. */
    static double[] posedVertices(HandModel model, double[] pose) {
        int bones = model.boneCount(), vertices = model.vertexCount();
        double[] boneTransforms = boneTransforms(model, pose);

        // V[:, v] = Σ_b weight[b][v] · (M_b · base_h[:, v])[0..2]
        double[] base = model.basePositions(), weights = model.weights();
        double[] v = new double[3 * vertices];
        for (int b = 0; b < bones; b++) {
            for (int vertex = 0; vertex < vertices; vertex++) {
                double w = weights[b * vertices + vertex];
                if (w == 0) continue;
                for (int row = 0; row < 3; row++) {
                    double sum = 0;
                    for (int k = 0; k < 4; k++) sum += boneTransforms[16 * b + 4 * row + k] * base[k * vertices + vertex];
                    v[row * vertices + vertex] += w * sum;
                }
            }
        }

        // V ← G·V + P[:, 2], with G's column j scaled by P[j][1]
        double[] g = globalRotation(pose[0], pose[POSE_COLUMNS], pose[2 * POSE_COLUMNS]);
        for (int row = 0; row < 3; row++) {
            for (int column = 0; column < 3; column++) g[3 * row + column] *= pose[column * POSE_COLUMNS + 1];
        }
        double[] out = new double[3 * vertices];
        for (int vertex = 0; vertex < vertices; vertex++) {
            for (int row = 0; row < 3; row++) {
                double sum = pose[row * POSE_COLUMNS + 2];
                for (int k = 0; k < 3; k++) sum += g[3 * row + k] * v[k * vertices + vertex];
                out[row * vertices + vertex] = sum;
            }
        }
        return out;
    }

    /**
     * M_b = abs_b · inverse_base_absolute_b for every bone, where rel_b = base_relative_b · T(R_b)
     * and abs_b = abs_parent(b) · rel_b (rel_b for the root). Returns [bones, 4, 4].
     */
    static double[] boneTransforms(HandModel model, double[] pose) {
        int bones = model.boneCount();
        double[] absolutes = new double[16 * bones], out = new double[16 * bones];
        double[] rotation = new double[16], relative = new double[16];
        for (int b = 0; b < bones; b++) {
            // e = P[:, 3+b]: tx = e[0], tz = e[1], ty = e[2]
            int column = 3 + b;
            double tx = pose[column], tz = pose[POSE_COLUMNS + column], ty = pose[2 * POSE_COLUMNS + column];
            eulerToTransform(tx, ty, tz, rotation);
            multiply4(model.baseRelatives(), 16 * b, rotation, 0, relative, 0);
            int parent = model.parents()[b];
            if (parent < 0) System.arraycopy(relative, 0, absolutes, 16 * b, 16);
            else multiply4(absolutes, 16 * parent, relative, 0, absolutes, 16 * b);
            multiply4(absolutes, 16 * b, model.inverseBaseAbsolutes(), 16 * b, out, 16 * b);
        }
        return out;
    }

    /** T(R) with R = Rz(tz)·Ry(ty)·Rx(tx), the standard right-handed rotations. */
    static void eulerToTransform(double tx, double ty, double tz, double[] out) {
        double[] rx = {1, 0, 0, 0, Math.cos(tx), -Math.sin(tx), 0, Math.sin(tx), Math.cos(tx)};
        double[] ry = {Math.cos(ty), 0, Math.sin(ty), 0, 1, 0, -Math.sin(ty), 0, Math.cos(ty)};
        double[] rz = {Math.cos(tz), -Math.sin(tz), 0, Math.sin(tz), Math.cos(tz), 0, 0, 0, 1};
        double[] r = multiply3(rz, multiply3(ry, rx));
        java.util.Arrays.fill(out, 0);
        for (int row = 0; row < 3; row++) System.arraycopy(r, 3 * row, out, 4 * row, 3);
        out[15] = 1;
    }

    /**
     * The global rotation G [3, 3] from the angle-axis a: the identity when |a| < 1e-4, else with
     * (x, y, z) = a/|a|, s = sin|a|, c = cos|a| the README's Rodrigues matrix.
     */
    static double[] globalRotation(double a0, double a1, double a2) {
        double norm = Math.sqrt(a0 * a0 + a1 * a1 + a2 * a2);
        if (norm < 1e-4) return new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1};
        double x = a0 / norm, y = a1 / norm, z = a2 / norm, s = Math.sin(norm), c = Math.cos(norm);
        return new double[] {
                x * x + (1 - x * x) * c, x * y * (1 - c) - z * s, x * z * (1 - c) + y * s,
                x * y * (1 - c) + z * s, y * y + (1 - y * y) * c, y * z * (1 - c) - x * s,
                x * z * (1 - c) - y * s, z * y * (1 - c) + x * s, z * z + (1 - z * z) * c};
    }

    static double[] multiply3(double[] a, double[] b) {
        double[] out = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double sum = 0;
                for (int k = 0; k < 3; k++) sum += a[3 * i + k] * b[3 * k + j];
                out[3 * i + j] = sum;
            }
        }
        return out;
    }

    /** out = a · b for 4×4 row-major blocks at the given offsets (the out block must not overlap the a or b block). */
    static void multiply4(double[] a, int aOffset, double[] b, int bOffset, double[] out, int outOffset) {
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                double sum = 0;
                for (int k = 0; k < 4; k++) sum += a[aOffset + 4 * i + k] * b[bOffset + 4 * k + j];
                out[outOffset + 4 * i + j] = sum;
            }
        }
    }
}
