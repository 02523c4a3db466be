package io.jgrad.bench.adbench;

import io.jgrad.Arg;
import io.jgrad.FnN;
import io.jgrad.Grad;
import io.jgrad.Tensor;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import io.jgrad.runtime.Workspace;

import java.util.ArrayList;
import java.util.List;

/**
 * The hand residuals (README "Hand") with the Tensor API in F64: bone transforms as chains of 4x4
 * matrix products, skinning as one product of the stacked bone transforms with the base
 * positions, the Jacobian from {@code Compiled.jacobian}. The model is captured as constants.
 *
 * <p>Inputs: theta [26] (differentiated), the points [N, 3] (data); the complicated variant adds
 * us [N, 2] (data) and a shift du [2] (differentiated, always 0) added to every row of us. Because
 * residual i depends only on its own u_i, d err / d du_0 is exactly ADBench's compressed column
 * d err[3i+j] / d u_i0, so the Jacobian over (du, theta) is ADBench's 3N x 28 layout.
 *
 * <p>The README's branch on |a| < 1e-4 (a = theta[0..2]) is taken per call in Java between two
 * compiled functions (the second compiled only when needed): the same math as ADBench's.
 */
public final class Hand {
    private Hand() {}

    /** The 3N residuals, entry 3i + j coordinate j of correspondence i. */
    public static Tensor residuals(HandInput shape, Tensor theta, Tensor points, Tensor us, Tensor du, boolean globalIdentity) {
        HandModel model = shape.model();
        int count = shape.correspondenceCount(), vertices = model.vertexCount(), bones = model.boneCount();
        Tensor[] th = new Tensor[HandInput.THETA_COUNT];
        for (int i = 0; i < th.length; i++) th[i] = theta.select(0, i);
        Tensor zero = Tensor.scalar(0.0);

        // the pose's Euler angles per bone: (tx, tz, ty) = P[:, 3 + bone]; finger F's bones 2..4
        Tensor[][] euler = new Tensor[bones][];
        for (int b = 0; b < bones; b++) euler[b] = new Tensor[] {zero, zero, zero};
        for (int finger = 0; finger < 5; finger++) {
            int bone = 2 + 4 * finger;               // column c = 5 + 4F is bone c - 3
            euler[bone] = new Tensor[] {th[6 + 4 * finger], th[7 + 4 * finger], zero};
            euler[bone + 1] = new Tensor[] {th[8 + 4 * finger], zero, zero};
            euler[bone + 2] = new Tensor[] {th[9 + 4 * finger], zero, zero};
        }

        // rel_b = base_relative_b · T(R_b), abs_b = abs_parent · rel_b, M_b = abs_b · inverse_base_absolute_b
        Tensor[] absolute = new Tensor[bones];
        List<Tensor> transforms = new ArrayList<>();
        for (int b = 0; b < bones; b++) {
            Tensor rotation = rz(euler[b][1]).matmul(ry(euler[b][2])).matmul(rx(euler[b][0]));
            Tensor relative = matrix4(model.baseRelatives(), b).matmul(homogeneous(rotation));
            int parent = model.parents()[b];
            absolute[b] = parent < 0 ? relative : absolute[parent].matmul(relative);
            Tensor m = absolute[b].matmul(matrix4(model.inverseBaseAbsolutes(), b));
            transforms.add(m.slice(0, 0, 3));
        }
        // V[:, v] = Σ_b weight[b][v] · (M_b · base_h[:, v])[0..2], for the vertices the residuals read
        // (the others do not reach the residuals; ADBench's C++ skins all 544), over the bones
        // whose weight on v is not 0 (most are 0: a vertex follows one to a few bones): each used
        // vertex has `slots` terms, its bones in order, padded with weight 0, and term (v, b) is
        // M_b · (weight[b][v] · base_h[:, v]), one gathered transform times a constant column
        int[] corners = corners(shape);
        int[] used = java.util.Arrays.stream(corners).distinct().sorted().toArray();
        int[] column = new int[vertices];
        for (int u = 0; u < used.length; u++) column[used[u]] = u;
        int slots = 1;
        for (int u : used) {
            int nonzero = 0;
            for (int b = 0; b < bones; b++) if (model.weights()[b * vertices + u] != 0) nonzero++;
            slots = Math.max(slots, nonzero);
        }
        int[] slotBone = new int[used.length * slots];
        double[] weightedBase = new double[used.length * slots * 4];
        for (int u = 0; u < used.length; u++) {
            for (int b = 0, k = u * slots; b < bones; b++) {
                double w = model.weights()[b * vertices + used[u]];
                if (w == 0) continue;
                slotBone[k] = b;
                for (int r = 0; r < 4; r++) weightedBase[4 * k + r] = w * model.basePositions()[r * vertices + used[u]];
                k++;
            }
        }
        Tensor stacked = Tensor.stack(0, transforms.toArray(Tensor[]::new));         // [bones, 3, 4]
        Tensor terms = stacked.indexSelect(0, slotBone).mul(Tensor.of(weightedBase, used.length * slots, 1, 4)).sum(2);
        Tensor v = terms.reshape(used.length, slots, 3).sum(1).t();                  // [3, used]

        // V ← G·V + P[:, 2]  (G's columns scaled by P[:, 1] = 1)
        Tensor g = globalIdentity ? Tensor.of(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, 3, 3) : rodrigues(th[0], th[1], th[2]);
        v = g.mul(Tensor.of(1.0, 1.0, 1.0)).matmul(v).add(Tensor.stack(0, th[3], th[4], th[5]).reshape(3, 1));

        Tensor vt = v.t();                                                          // [used, 3]
        int[][] at = new int[shape.complicated() ? 3 : 1][count];                   // each corner's row in vt
        for (int i = 0; i < count; i++)
            for (int c = 0; c < at.length; c++) at[c][i] = column[corners[at.length * i + c]];
        Tensor target;
        if (!shape.complicated()) {
            target = vt.indexSelect(0, at[0]);
        } else {
            Tensor u = us.add(du);
            Tensor u0 = u.select(1, 0).reshape(count, 1), u1 = u.select(1, 1).reshape(count, 1);
            target = vt.indexSelect(0, at[0]).mul(u0)
                    .add(vt.indexSelect(0, at[1]).mul(u1))
                    .add(vt.indexSelect(0, at[2]).mul(u0.add(u1).rsub(1.0)));
        }
        return points.sub(target).reshape(3 * count);
    }

    /** The vertex of each correspondence (simple), or the three corners of each one's triangle (complicated). */
    static int[] corners(HandInput in) {
        if (!in.complicated()) return in.correspondences().clone();
        int[] out = new int[3 * in.correspondenceCount()];
        for (int i = 0; i < in.correspondenceCount(); i++)
            for (int c = 0; c < 3; c++) out[3 * i + c] = in.model().triangles()[3 * in.correspondences()[i] + c];
        return out;
    }

    private static Tensor matrix(Tensor... rowMajor9) {
        return Tensor.stack(0, rowMajor9).reshape(3, 3);
    }

    static Tensor rx(Tensor t) {
        Tensor c = t.cos(), s = t.sin(), one = Tensor.scalar(1.0), zero = Tensor.scalar(0.0);
        return matrix(one, zero, zero, zero, c, s.neg(), zero, s, c);
    }

    static Tensor ry(Tensor t) {
        Tensor c = t.cos(), s = t.sin(), one = Tensor.scalar(1.0), zero = Tensor.scalar(0.0);
        return matrix(c, zero, s, zero, one, zero, s.neg(), zero, c);
    }

    static Tensor rz(Tensor t) {
        Tensor c = t.cos(), s = t.sin(), one = Tensor.scalar(1.0), zero = Tensor.scalar(0.0);
        return matrix(c, s.neg(), zero, s, c, zero, zero, zero, one);
    }

    /** T(R): the 4x4 identity with R in its top-left block (E·R·Eᵀ + e₃e₃ᵀ, E the 4x3 embedding). */
    static Tensor homogeneous(Tensor r) {
        Tensor e = Tensor.of(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0}, 4, 3);
        double[] corner = new double[16];
        corner[15] = 1;
        return e.matmul(r).matmul(e.t()).add(Tensor.of(corner, 4, 4));
    }

    /** The global rotation from the angle-axis a (|a| >= 1e-4): README "Global transform". */
    static Tensor rodrigues(Tensor a0, Tensor a1, Tensor a2) {
        Tensor norm = a0.square().add(a1.square()).add(a2.square()).sqrt();
        Tensor x = a0.div(norm), y = a1.div(norm), z = a2.div(norm), s = norm.sin(), c = norm.cos(), omc = c.rsub(1.0);
        return matrix(
                x.square().add(x.square().rsub(1.0).mul(c)), x.mul(y).mul(omc).sub(z.mul(s)), x.mul(z).mul(omc).add(y.mul(s)),
                x.mul(y).mul(omc).add(z.mul(s)), y.square().add(y.square().rsub(1.0).mul(c)), y.mul(z).mul(omc).sub(x.mul(s)),
                x.mul(z).mul(omc).sub(y.mul(s)), z.mul(y).mul(omc).add(x.mul(s)), z.square().add(z.square().rsub(1.0).mul(c)));
    }

    private static Tensor matrix4(double[] all, int bone) {
        double[] m = new double[16];
        System.arraycopy(all, 16 * bone, m, 0, 16);
        return Tensor.of(m, 4, 4);
    }

    /** Compiled for this input's model, correspondences and kind; inputs (theta, points[, us, du]). */
    public static Compiled compile(HandInput in, boolean globalIdentity) {
        return Grad.compile(function(in, globalIdentity), args(in));
    }

    /** The residuals of this input as a function of (theta, points[, us, du]). */
    static FnN function(HandInput in, boolean globalIdentity) {
        if (!in.complicated()) return (Tensor[] t) -> residuals(in, t[0], t[1], null, null, globalIdentity);
        return (Tensor[] t) -> residuals(in, t[0], t[1], t[2], t[3], globalIdentity);
    }

    /** The arguments of {@link #function}: theta and du differentiated, the rest data. */
    static Arg[] args(HandInput in) {
        int count = in.correspondenceCount();
        Arg theta = Arg.of(HandInput.THETA_COUNT).dtype(DType.F64).named("theta");
        Arg points = Arg.of(count, 3).dtype(DType.F64).noGrad().named("points");
        if (!in.complicated()) return new Arg[] {theta, points};
        return new Arg[] {theta, points, Arg.of(count, 2).dtype(DType.F64).noGrad().named("us"), Arg.of(2).dtype(DType.F64).named("du")};
    }

    static boolean globalIdentity(double[] theta) {
        return Math.sqrt(theta[0] * theta[0] + theta[1] * theta[1] + theta[2] * theta[2]) < 1e-4;
    }

    /** An input with its compiled residuals and buffers: the calls allocate nothing. */
    public static final class Evaluator {
        private final HandInput in;
        private final Compiled[] compiled = new Compiled[2];    // [globalIdentity ? 1 : 0]
        private final Workspace[] ws = new Workspace[2];
        private final double[][] inputs, blocks;
        private final int rows;

        public Evaluator(HandInput in) {
            this.in = in;
            rows = 3 * in.correspondenceCount();
            inputs = in.complicated() ? new double[][] {in.theta(), in.points(), in.us(), new double[2]}
                    : new double[][] {in.theta(), in.points()};
            blocks = in.complicated() ? new double[][] {new double[rows * HandInput.THETA_COUNT], null, null, new double[rows * 2]}
                    : new double[][] {new double[rows * HandInput.THETA_COUNT], null};
            current();
        }

        private int current() {
            int which = globalIdentity(in.theta()) ? 1 : 0;
            if (compiled[which] == null) {
                compiled[which] = compile(in, which == 1);
                ws[which] = compiled[which].newWorkspace();
            }
            return which;
        }

        public Compiled compiled() {
            return compiled[current()];
        }

        public int rows() {
            return rows;
        }

        public void objective(double[] residuals) {
            int w = current();
            compiled[w].forward(ws[w], inputs, residuals);
        }

        /** The residuals and ADBench's dense Jacobian, row-major 3N x 26 or 3N x 28 (du columns first). */
        public void jacobian(double[] residuals, double[] jacobian) {
            int w = current();
            compiled[w].jacobian(ws[w], inputs, residuals, blocks);
            int n = HandInput.THETA_COUNT;
            if (!in.complicated()) {
                System.arraycopy(blocks[0], 0, jacobian, 0, rows * n);
                return;
            }
            for (int r = 0; r < rows; r++) {
                jacobian[r * (n + 2)] = blocks[3][2 * r];
                jacobian[r * (n + 2) + 1] = blocks[3][2 * r + 1];
                System.arraycopy(blocks[0], r * n, jacobian, r * (n + 2) + 2, n);
            }
        }
    }
}
