package io.jgrad.bench.adbench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Inputs of any size from a seed, with the shapes and value ranges of ADBench's files, for
 * users without those files. The same seed gives the same inputs: the random stream is
 * {@link SplittableRandom}'s and the normal deviates use {@link StrictMath}. Values are rounded to
 * 6 decimals where ADBench's files have 6 decimals. (BA features, hand points and the hand
 * model's rotations pass through {@link Math}'s sin/cos before that rounding, so on another JVM
 * one of them could, rarely, differ in the 6th decimal.)
 */
public final class AdbenchGenerator {
    private AdbenchGenerator() {}

    /** The seed of the catalog's generated inputs ({@link AdbenchSize#generate()}). */
    public static final long DEFAULT_SEED = 1807_10129L;

    /** As ADBench's files: alphas ~ N(0,1), means ~ U[0,1), icf ~ N(0,1), x ~ N(0,1); gamma = 1, m = 0. */
    public static GmmInput gmm(long seed, int d, int k, int n) {
        Check.positive("GMM d", d);
        Check.positive("GMM K", k);
        Check.positive("GMM n", n);
        Stream r = new Stream(seed);
        double[] alphas = r.gaussians(k);
        double[] means = r.uniforms(Math.multiplyExact(k, d), 0, 1);
        double[] icf = r.gaussians(Math.multiplyExact(k, GmmInput.icfSize(d)));
        double[] x = r.gaussians(Math.multiplyExact(n, d));
        return new GmmInput(d, k, n, alphas, means, icf, x, 1, 0);
    }

    /**
     * As ADBench's files: main, extra and state ~ U[0,1) (full precision); the sequence is a
     * random text, one character per row as its code point's b bits, most significant first
     * (mostly lower-case letters and spaces, a few capitals, punctuation and code points above
     * 2^13 such as typographic dashes, which set the first bit of a 14-bit row).
     */
    public static LstmInput lstm(long seed, int layers, int steps, int hidden) {
        Check.positive("LSTM l", layers);
        Check.positive("LSTM b", hidden);
        if (steps < 2) throw new IllegalArgumentException("LSTM c must be >= 2, got " + steps);
        Stream r = new Stream(seed);
        double[] main = r.rawUniforms(8 * layers * hidden);
        double[] extra = r.rawUniforms(3 * hidden);
        double[] state = r.rawUniforms(2 * layers * hidden);
        double[] sequence = new double[Math.multiplyExact(steps, hidden)];
        for (int t = 0; t < steps; t++) {
            int codePoint = r.character();
            for (int j = 0; j < hidden; j++) {
                int bit = hidden - 1 - j;
                sequence[t * hidden + j] = bit < 31 ? (codePoint >>> bit) & 1 : 0;
            }
        }
        return new LstmInput(layers, steps, hidden, main, extra, state, sequence);
    }

    /**
     * A scene that projects well: n cameras with small rotations (|r_i| ≤ 0.3), centres about
     * 50 units behind m points in [-10, 10]³, f ∈ [300, 500), (u0, v0) ∈ [-10, 10)², k1 ∈ [0, 0.1),
     * k2 ∈ [0, 0.005); weights ∈ [0.2, 1); each feature is its observation's projection plus
     * N(0, 2²) pixel noise. Observation i pairs camera i mod n with point i mod m, as ADBench.
     * Unlike ADBench's files (one replicated camera, point, weight and feature), every camera,
     * point, weight and feature differs, so Jacobian columns are told apart.
     */
    public static BaInput ba(long seed, int n, int m, int p) {
        Check.positive("BA n", n);
        Check.positive("BA m", m);
        Check.positive("BA p", p);
        Stream r = new Stream(seed);
        double[] cams = new double[Math.multiplyExact(n, BaInput.CAMERA_PARAMS)];
        for (int i = 0; i < n; i++) {
            double[] cam = {
                    r.uniform(-0.3, 0.3), r.uniform(-0.3, 0.3), r.uniform(-0.3, 0.3),
                    r.uniform(-10, 10), r.uniform(-10, 10), r.uniform(-60, -40),
                    r.uniform(300, 500),
                    r.uniform(-10, 10), r.uniform(-10, 10),
                    r.uniform(0, 0.1), r.uniform(0, 0.005)};
            System.arraycopy(cam, 0, cams, i * BaInput.CAMERA_PARAMS, BaInput.CAMERA_PARAMS);
        }
        double[] points = r.uniforms(Math.multiplyExact(m, 3), -10, 10);
        double[] weights = r.uniforms(p, 0.2, 1);
        int[] observations = new int[Math.multiplyExact(p, 2)];
        double[] features = new double[2 * p];
        double[] projection = new double[2];
        for (int i = 0; i < p; i++) {
            observations[2 * i] = i % n;
            observations[2 * i + 1] = i % m;
            BaReference.project(cams, (i % n) * BaInput.CAMERA_PARAMS, points, 3 * (i % m), projection, 0);
            features[2 * i] = round6(projection[0] + 2 * r.gaussian());
            features[2 * i + 1] = round6(projection[1] + 2 * r.gaussian());
        }
        return new BaInput(n, m, p, cams, points, weights, features, observations);
    }

    /** Bone names of ADBench's hand model, in its order; see {@link #HAND_PARENTS}. */
    public static final List<String> HAND_BONES = List.of("wrist",
            "thumb1", "thumb2", "thumb3", "thumb4", "index1", "index2", "index3", "index4",
            "middle1", "middle2", "middle3", "middle4", "ring1", "ring2", "ring3", "ring4",
            "pinky1", "pinky2", "pinky3", "pinky4", "forearm");
    /** Each finger's first bone hangs off the wrist, the others off the previous bone; the forearm off the wrist. */
    static final int[] HAND_PARENTS = {-1, 0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11, 0, 13, 14, 15, 0, 17, 18, 19, 0};

    /**
     * A synthetic hand model with ADBench's 22 bones and parent structure: each bone's base
     * relative transform is a small rotation (Euler angles within ±0.3) and an offset along its
     * parent (finger bones 2–4 cm, the fingers fanned across the palm); the inverse base
     * absolute transforms are the exact inverses of the resulting absolute transforms. Each
     * vertex sits near one bone (within ±1 cm) and is skinned by 1–4 bones (that bone, its
     * parent, its children) with weights summing to 1; triangles join random vertices.
     * ADBench's model has 544 vertices and 1084 triangles.
     */
    public static HandModel handModel(long seed, int vertices, int triangles) {
        Check.positive("hand model vertex count", vertices);
        if (triangles < 0) throw new IllegalArgumentException("hand model triangle count must be >= 0, got " + triangles);
        if (vertices < 3 && triangles > 0) throw new IllegalArgumentException("triangles need at least 3 vertices, got " + vertices);
        Stream r = new Stream(seed);
        int bones = HAND_BONES.size();
        double[] relatives = new double[16 * bones], absolutes = new double[16 * bones], inverses = new double[16 * bones];
        double[] rotation = new double[16];
        for (int b = 0; b < bones; b++) {
            HandReference.eulerToTransform(r.uniform(-0.3, 0.3), r.uniform(-0.3, 0.3), r.uniform(-0.3, 0.3), rotation);
            System.arraycopy(rotation, 0, relatives, 16 * b, 16);
            double[] offset = boneOffset(b, r);
            for (int j = 0; j < 3; j++) relatives[16 * b + 4 * j + 3] = offset[j];
            for (int i = 0; i < 16; i++) relatives[16 * b + i] = round6(relatives[16 * b + i]);
            int parent = HAND_PARENTS[b];
            if (parent < 0) System.arraycopy(relatives, 16 * b, absolutes, 16 * b, 16);
            else HandReference.multiply4(absolutes, 16 * parent, relatives, 16 * b, absolutes, 16 * b);
            invertRigid(absolutes, 16 * b, inverses, 16 * b);
        }

        double[] base = new double[4 * vertices];
        double[] weights = new double[bones * vertices];
        for (int v = 0; v < vertices; v++) {
            int bone = r.nextInt(bones);
            // near the bone's origin, nudged along the bone and off it
            for (int j = 0; j < 3; j++) base[j * vertices + v] = round6(absolutes[16 * bone + 4 * j + 3] + r.uniform(-0.01, 0.01));
            base[3 * vertices + v] = 1;
            List<Integer> skin = new ArrayList<>(List.of(bone));
            if (HAND_PARENTS[bone] >= 0) skin.add(HAND_PARENTS[bone]);
            for (int c = 0; c < bones; c++) if (HAND_PARENTS[c] == bone) skin.add(c);
            int listed = 1 + r.nextInt(Math.min(4, skin.size()));
            double[] raw = new double[listed];
            double total = 0;
            for (int j = 0; j < listed; j++) total += raw[j] = 0.1 + r.uniform(0, 1);
            double assigned = 0;
            for (int j = 0; j < listed - 1; j++) {
                double w = round6(raw[j] / total);
                weights[skin.get(j) * vertices + v] = w;
                assigned += w;
            }
            weights[skin.get(listed - 1) * vertices + v] = 1 - assigned;   // the weights sum to 1
        }

        int[] triangleVertices = new int[Math.multiplyExact(3, triangles)];
        for (int t = 0; t < triangles; t++) {
            int a = r.nextInt(vertices), b, c;
            do b = r.nextInt(vertices); while (b == a);
            do c = r.nextInt(vertices); while (c == a || c == b);
            triangleVertices[3 * t] = a;
            triangleVertices[3 * t + 1] = b;
            triangleVertices[3 * t + 2] = c;
        }
        return new HandModel(HAND_BONES, HAND_PARENTS.clone(), relatives, inverses, base, weights, triangleVertices);
    }

    /**
     * A hand input on the given model: theta ~ N(0, 1) (26 values); N random vertices (simple)
     * or triangles with barycentric (u0, u1) uniform over the triangle (complicated); each point
     * is the model posed by theta at that correspondence plus N(0, 0.005²) noise per coordinate.
     */
    public static HandInput hand(long seed, HandModel model, int count, boolean complicated) {
        Check.positive("hand correspondence count N", count);
        if (complicated && model.triangleCount() == 0) throw new IllegalArgumentException("a complicated hand input needs a model with triangles");
        Stream r = new Stream(seed);
        double[] theta = r.gaussians(HandInput.THETA_COUNT);
        int limit = complicated ? model.triangleCount() : model.vertexCount();
        int[] correspondences = new int[count];
        for (int i = 0; i < count; i++) correspondences[i] = r.nextInt(limit);
        double[] us = new double[complicated ? 2 * count : 0];
        for (int i = 0; i < us.length; i += 2) {
            double a = r.uniform(0, 1), b = r.uniform(0, 1);
            if (a + b > 1) {            // fold the square onto the triangle u0 + u1 <= 1
                a = 1 - a;
                b = 1 - b;
            }
            us[i] = round6(a);
            us[i + 1] = round6(b);
        }
        // the posed model at the correspondences: residuals with all points 0 are -target
        double[] target = HandReference.residuals(new HandInput(model, complicated, correspondences, new double[3 * count], us, theta));
        double[] points = new double[3 * count];
        for (int i = 0; i < points.length; i++) points[i] = round6(-target[i] + 0.005 * r.gaussian());
        return new HandInput(model, complicated, correspondences, points, us, theta);
    }

    /** Offset of bone b from its parent's origin, in the parent's frame. */
    private static double[] boneOffset(int bone, Stream r) {
        if (bone == 0) return new double[] {0, 0, 0};                                        // wrist: the origin
        if (bone == 21) return new double[] {0, r.uniform(-0.12, -0.08), 0};                 // forearm: behind the wrist
        int finger = (bone - 1) / 4, joint = (bone - 1) % 4;
        if (joint == 0) return new double[] {-0.04 + 0.02 * finger, r.uniform(0.02, 0.06), r.uniform(-0.005, 0.005)};
        return new double[] {0, r.uniform(0.02, 0.04), 0};
    }

    /** The inverse of a rigid 4×4 transform [R t; 0 1]: [Rᵀ -Rᵀt; 0 1]. */
    private static void invertRigid(double[] a, int offset, double[] out, int outOffset) {
        java.util.Arrays.fill(out, outOffset, outOffset + 16, 0);
        for (int i = 0; i < 3; i++) {
            double translation = 0;
            for (int j = 0; j < 3; j++) {
                out[outOffset + 4 * i + j] = a[offset + 4 * j + i];
                translation -= a[offset + 4 * j + i] * a[offset + 4 * j + 3];
            }
            out[outOffset + 4 * i + 3] = translation;
        }
        out[outOffset + 15] = 1;
    }

    static double round6(double v) {
        return Math.rint(v * 1e6) / 1e6;
    }

    /** The random stream: uniforms, Box–Muller normals (StrictMath) and text characters. */
    private static final class Stream {
        private final SplittableRandom random;

        Stream(long seed) {
            random = new SplittableRandom(seed);
        }

        int nextInt(int bound) {
            return random.nextInt(bound);
        }

        double uniform(double lo, double hi) {
            return round6(lo + (hi - lo) * random.nextDouble());
        }

        double[] uniforms(int count, double lo, double hi) {
            double[] out = new double[count];
            for (int i = 0; i < count; i++) out[i] = uniform(lo, hi);
            return out;
        }

        double[] rawUniforms(int count) {
            double[] out = new double[count];
            for (int i = 0; i < count; i++) out[i] = random.nextDouble();
            return out;
        }

        double gaussian() {
            double u1 = 1 - random.nextDouble();     // (0, 1]: log is finite
            double u2 = random.nextDouble();
            return StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * StrictMath.PI * u2);
        }

        double[] gaussians(int count) {
            double[] out = new double[count];
            for (int i = 0; i < count; i++) out[i] = round6(gaussian());
            return out;
        }

        /** A code point of plausible English text. */
        int character() {
            double u = random.nextDouble();
            if (u < 0.17) return ' ';
            if (u < 0.92) return 'a' + random.nextInt(26);
            if (u < 0.96) return 'A' + random.nextInt(26);
            if (u < 0.99) return ".,;:'!?-\n".charAt(random.nextInt(9));
            return 0x2013 + random.nextInt(12);       // – — ‘ ’ “ ” …: above 2^13
        }
    }
}
