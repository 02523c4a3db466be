package io.jgrad.bench.adbench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Readers for ADBench's four input formats (README "File format" of each problem). Every
 * reader checks counts and trailing tokens and throws {@link IllegalArgumentException} naming
 * the file and what was wrong.
 */
public final class AdbenchReader {
    private AdbenchReader() {}

    /** {@code d K n}, K alphas, K mean rows, K icf rows, n x rows, {@code gamma m}. */
    public static GmmInput readGmm(Path file) {
        return readGmm(file, false);
    }

    /**
     * As {@link #readGmm(Path)}; with {@code replicatePoint} (ADBench's mode for its 2.5M-point
     * files) the file holds one x row, copied n times.
     */
    public static GmmInput readGmm(Path file, boolean replicatePoint) {
        Tokens t = Tokens.of(file);
        int d = t.nextInt("d"), k = t.nextInt("K"), n = t.nextInt("n");
        Check.positive(file + ": GMM d", d);
        Check.positive(file + ": GMM K", k);
        Check.positive(file + ": GMM n", n);
        double[] alphas = t.nextDoubles("K alphas", k);
        double[] means = t.nextDoubles("K×d means", (long) k * d);
        double[] icf = t.nextDoubles("K×d(d+1)/2 icf", (long) k * GmmInput.icfSize(d));
        double[] x;
        if (replicatePoint) {
            double[] one = t.nextDoubles("one x row", d);
            x = new double[Math.multiplyExact(n, d)];
            for (int i = 0; i < n; i++) System.arraycopy(one, 0, x, i * d, d);
        } else {
            x = t.nextDoubles("n×d points x", (long) n * d);
        }
        double gamma = t.nextDouble("gamma");
        int m = t.nextInt("m");
        t.expectEnd("gamma and m");
        return new GmmInput(d, k, n, alphas, means, icf, x, gamma, m);
    }

    /** {@code l c b}, main [2l, 4b], extra [3, b], state [2l, b], seq [c, b] (blank lines ignored). */
    public static LstmInput readLstm(Path file) {
        Tokens t = Tokens.of(file);
        int l = t.nextInt("l"), c = t.nextInt("c"), b = t.nextInt("b");
        Check.positive(file + ": LSTM l", l);
        Check.positive(file + ": LSTM c", c);
        Check.positive(file + ": LSTM b", b);
        double[] main = t.nextDoubles("main [2l, 4b]", 8L * l * b);
        double[] extra = t.nextDoubles("extra [3, b]", 3L * b);
        double[] state = t.nextDoubles("state [2l, b]", 2L * l * b);
        double[] sequence = t.nextDoubles("sequence [c, b]", (long) c * b);
        t.expectEnd("the sequence");
        return new LstmInput(l, c, b, main, extra, state, sequence);
    }

    /**
     * {@code n m p}, one camera (11), one point (3), one weight, one feature (2), replicated as
     * ADBench does: every camera, point, weight and feature equal; observation i pairs camera
     * i mod n with point i mod m.
     */
    public static BaInput readBa(Path file) {
        Tokens t = Tokens.of(file);
        int n = t.nextInt("n"), m = t.nextInt("m"), p = t.nextInt("p");
        Check.positive(file + ": BA n", n);
        Check.positive(file + ": BA m", m);
        Check.positive(file + ": BA p", p);
        double[] cam = t.nextDoubles("one camera (11 values)", BaInput.CAMERA_PARAMS);
        double[] point = t.nextDoubles("one point (3 values)", 3);
        double weight = t.nextDouble("one weight");
        double[] feature = t.nextDoubles("one feature (2 values)", 2);
        t.expectEnd("the feature");
        double[] cams = new double[Math.multiplyExact(n, BaInput.CAMERA_PARAMS)];
        for (int i = 0; i < n; i++) System.arraycopy(cam, 0, cams, i * BaInput.CAMERA_PARAMS, BaInput.CAMERA_PARAMS);
        double[] points = new double[Math.multiplyExact(m, 3)];
        for (int i = 0; i < m; i++) System.arraycopy(point, 0, points, 3 * i, 3);
        double[] weights = new double[p];
        java.util.Arrays.fill(weights, weight);
        double[] features = new double[Math.multiplyExact(p, 2)];
        int[] observations = new int[2 * p];
        for (int i = 0; i < p; i++) {
            features[2 * i] = feature[0];
            features[2 * i + 1] = feature[1];
            observations[2 * i] = i % n;
            observations[2 * i + 1] = i % m;
        }
        return new BaInput(n, m, p, cams, points, weights, features, observations);
    }

    /** A hand input with its model in the sibling folder {@code model/}. */
    public static HandInput readHand(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return readHand(file, readHandModel(parent.resolve("model")));
    }

    /**
     * {@code N n_theta}, N lines {@code idx px py pz}, [N lines {@code u0 u1}], n_theta thetas.
     * Simple and complicated files differ only in the u lines, so the variant is told by the
     * token count: 2 + 4N + 26 (simple) or 2 + 6N + 26 (complicated).
     */
    public static HandInput readHand(Path file, HandModel model) {
        Tokens t = Tokens.of(file);
        int count = t.nextInt("N (correspondences)"), thetaCount = t.nextInt("n_theta");
        Check.positive(file + ": hand N", count);
        if (thetaCount != HandInput.THETA_COUNT) {
            throw new IllegalArgumentException(file + ": n_theta is " + thetaCount + ", expected " + HandInput.THETA_COUNT);
        }
        long simple = 2 + 4L * count + thetaCount, complicated = 2 + 6L * count + thetaCount;
        boolean isComplicated;
        if (t.count() == simple) isComplicated = false;
        else if (t.count() == complicated) isComplicated = true;
        else {
            throw new IllegalArgumentException(file + ": " + t.count() + " tokens; a hand file with N = " + count + " has "
                    + simple + " (simple) or " + complicated + " (complicated)");
        }
        int[] correspondences = new int[count];
        double[] points = new double[3 * count];
        for (int i = 0; i < count; i++) {
            correspondences[i] = t.nextInt("correspondence " + i + " index");
            for (int j = 0; j < 3; j++) points[3 * i + j] = t.nextDouble("correspondence " + i + " point");
        }
        double[] us = isComplicated ? t.nextDoubles("N×2 us", 2L * count) : new double[0];
        double[] theta = t.nextDoubles("theta", thetaCount);
        t.expectEnd("theta");
        return new HandInput(model, isComplicated, correspondences, points, us, theta);
    }

    /** bones.txt, vertices.txt and triangles.txt of a model folder, all ':'-separated. */
    public static HandModel readHandModel(Path folder) {
        List<String> names = new ArrayList<>();
        List<Integer> parents = new ArrayList<>();
        List<double[]> relatives = new ArrayList<>(), inverses = new ArrayList<>();
        Path bonesFile = folder.resolve("bones.txt");
        List<String[]> boneLines = lines(bonesFile);
        for (int b = 0; b < boneLines.size(); b++) {
            String[] f = boneLines.get(b);
            if (f.length != 34) throw new IllegalArgumentException(bonesFile + ": line " + (b + 1) + " has " + f.length + " fields, expected name:parent:16:16 = 34");
            names.add(f[0]);
            parents.add(parseInt(bonesFile, b, f[1], "parent"));
            double[] relative = new double[16], inverse = new double[16];
            for (int i = 0; i < 16; i++) {
                relative[i] = parseDouble(bonesFile, b, f[2 + i], "base relative transform");
                inverse[i] = parseDouble(bonesFile, b, f[18 + i], "inverse base absolute transform");
            }
            relatives.add(relative);
            inverses.add(inverse);
        }
        int bones = names.size();
        if (bones == 0) throw new IllegalArgumentException(bonesFile + ": no bones");

        Path verticesFile = folder.resolve("vertices.txt");
        List<String[]> vertexLines = lines(verticesFile);
        int vertices = vertexLines.size();
        if (vertices == 0) throw new IllegalArgumentException(verticesFile + ": no vertices");
        double[] base = new double[4 * vertices];
        double[] weights = new double[bones * vertices];
        for (int v = 0; v < vertices; v++) {
            String[] f = vertexLines.get(v);
            if (f.length < 9) throw new IllegalArgumentException(verticesFile + ": line " + (v + 1) + " has " + f.length + " fields, expected at least x:y:z:a:b:c:d:e:nw");
            for (int j = 0; j < 3; j++) base[j * vertices + v] = parseDouble(verticesFile, v, f[j], "position");
            base[3 * vertices + v] = 1;                  // homogeneous coordinate
            int listed = parseInt(verticesFile, v, f[8], "nw");
            if (f.length != 9 + 2 * listed) {
                throw new IllegalArgumentException(verticesFile + ": line " + (v + 1) + " lists nw = " + listed + " bones but has "
                        + f.length + " fields, expected " + (9 + 2 * listed));
            }
            for (int j = 0; j < listed; j++) {
                int bone = parseInt(verticesFile, v, f[9 + 2 * j], "bone index");
                if (bone < 0 || bone >= bones) throw new IllegalArgumentException(verticesFile + ": line " + (v + 1) + " names bone " + bone + ", outside [0, " + bones + ")");
                weights[bone * vertices + v] = parseDouble(verticesFile, v, f[10 + 2 * j], "bone weight");
            }
        }

        Path trianglesFile = folder.resolve("triangles.txt");
        List<String[]> triangleLines = lines(trianglesFile);
        int[] triangles = new int[3 * triangleLines.size()];
        for (int i = 0; i < triangleLines.size(); i++) {
            String[] f = triangleLines.get(i);
            if (f.length != 3) throw new IllegalArgumentException(trianglesFile + ": line " + (i + 1) + " has " + f.length + " fields, expected v0:v1:v2");
            for (int j = 0; j < 3; j++) triangles[3 * i + j] = parseInt(trianglesFile, i, f[j], "vertex index");
        }

        double[] relativeFlat = new double[16 * bones], inverseFlat = new double[16 * bones];
        int[] parentArray = new int[bones];
        for (int b = 0; b < bones; b++) {
            System.arraycopy(relatives.get(b), 0, relativeFlat, 16 * b, 16);
            System.arraycopy(inverses.get(b), 0, inverseFlat, 16 * b, 16);
            parentArray[b] = parents.get(b);
        }
        return new HandModel(names, parentArray, relativeFlat, inverseFlat, base, weights, triangles);
    }

    /** Non-blank lines split at ':'. */
    private static List<String[]> lines(Path file) {
        List<String[]> out = new ArrayList<>();
        for (String line : Tokens.readText(file).split("\\R")) {
            if (!line.isBlank()) out.add(line.strip().split(":", -1));
        }
        return out;
    }

    private static int parseInt(Path file, int line, String field, String what) {
        try {
            return Integer.parseInt(field.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": line " + (line + 1) + ": \"" + field + "\" is not an integer; expected " + what);
        }
    }

    private static double parseDouble(Path file, int line, String field, String what) {
        try {
            return Double.parseDouble(field.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": line " + (line + 1) + ": \"" + field + "\" is not a number; expected " + what);
        }
    }
}
