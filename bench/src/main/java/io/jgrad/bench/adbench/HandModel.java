package io.jgrad.bench.adbench;

import java.util.List;

/**
 * A hand model folder (README "Hand / Model folder"). Flat row-major arrays.
 *
 * @param boneNames            bone names in file order (22 in ADBench's model)
 * @param parents              parent bone of each bone; -1 for the root; parents precede children
 * @param baseRelatives        [bones, 4, 4] base relative transforms, row-major
 * @param inverseBaseAbsolutes [bones, 4, 4] inverse base absolute transforms, row-major
 * @param basePositions        [4, vertices] homogeneous base positions (row 3 is all ones)
 * @param weights              [bones, vertices] skinning weights (0 where a vertex does not list the bone)
 * @param triangles            [triangles, 3] vertex indices (used by the complicated variant)
 */
public record HandModel(List<String> boneNames, int[] parents, double[] baseRelatives, double[] inverseBaseAbsolutes,
                        double[] basePositions, double[] weights, int[] triangles) {

    public HandModel {
        boneNames = List.copyOf(boneNames);
        int bones = boneNames.size();
        Check.positive("hand model bone count", bones);
        if (parents.length != bones) throw new IllegalArgumentException("hand model has " + bones + " bone names but " + parents.length + " parents");
        for (int b = 0; b < bones; b++) {
            if (parents[b] < -1 || parents[b] >= b) {
                throw new IllegalArgumentException("hand model bone " + b + " (" + boneNames.get(b) + ") has parent " + parents[b]
                        + "; a parent must precede its child (or be -1 for the root)");
            }
        }
        Check.length("hand model base relative transforms", baseRelatives, 16L * bones);
        Check.length("hand model inverse base absolute transforms", inverseBaseAbsolutes, 16L * bones);
        if (basePositions.length == 0 || basePositions.length % 4 != 0) {
            throw new IllegalArgumentException("hand model base positions must be [4, vertices], got length " + basePositions.length);
        }
        int vertices = basePositions.length / 4;
        Check.length("hand model weights", weights, (long) bones * vertices);
        if (triangles.length % 3 != 0) throw new IllegalArgumentException("hand model triangles length " + triangles.length + " is not a multiple of 3");
        for (int i = 0; i < triangles.length; i++) {
            if (triangles[i] < 0 || triangles[i] >= vertices) {
                throw new IllegalArgumentException("hand model triangle " + i / 3 + " names vertex " + triangles[i] + ", outside [0, " + vertices + ")");
            }
        }
        Check.finite("hand model base relative transforms", baseRelatives);
        Check.finite("hand model inverse base absolute transforms", inverseBaseAbsolutes);
        Check.finite("hand model base positions", basePositions);
        Check.finite("hand model weights", weights);
    }

    public int boneCount() {
        return boneNames.size();
    }

    public int vertexCount() {
        return basePositions.length / 4;
    }

    public int triangleCount() {
        return triangles.length / 3;
    }
}
