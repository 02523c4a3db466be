package io.jgrad.bench.adbench;

/**
 * One hand instance (README "Hand / Input file"), simple or complicated.
 *
 * @param model           the hand model
 * @param complicated     whether correspondences are triangles with barycentric {@code us} (else vertices)
 * @param correspondences [N] a vertex index (simple) or a triangle index (complicated)
 * @param points          [N, 3] the observed 3-D points
 * @param us              [N, 2] barycentric coordinates (complicated; differentiated), empty when simple
 * @param theta           [26] pose parameters (differentiated)
 */
public record HandInput(HandModel model, boolean complicated, int[] correspondences, double[] points, double[] us,
                        double[] theta) {

    /** Pose parameters: 3 global rotation, 3 translation, 4 per finger. */
    public static final int THETA_COUNT = 26;
    /** Bones the pose layout of the README addresses (P has 3 + 22 columns). */
    public static final int BONE_COUNT = 22;

    public HandInput {
        if (model.boneCount() != BONE_COUNT) {
            throw new IllegalArgumentException("hand model has " + model.boneCount() + " bones; the pose layout needs " + BONE_COUNT);
        }
        int count = correspondences.length;
        Check.positive("hand correspondence count N", count);
        Check.length("hand points", points, 3L * count);
        Check.length("hand us", us, complicated ? 2L * count : 0);
        Check.length("hand theta", theta, THETA_COUNT);
        int limit = complicated ? model.triangleCount() : model.vertexCount();
        String what = complicated ? "triangle" : "vertex";
        for (int i = 0; i < count; i++) {
            if (correspondences[i] < 0 || correspondences[i] >= limit) {
                throw new IllegalArgumentException("hand correspondence " + i + " names " + what + " " + correspondences[i]
                        + ", outside [0, " + limit + ")");
            }
        }
        Check.finite("hand points", points);
        Check.finite("hand us", us);
        Check.finite("hand theta", theta);
    }

    public int correspondenceCount() {
        return correspondences.length;
    }

    /** Columns of ADBench's Jacobian: 26 (simple) or 2 + 26 (complicated, compressed). */
    public int jacobianColumns() {
        return complicated ? 2 + THETA_COUNT : THETA_COUNT;
    }
}
