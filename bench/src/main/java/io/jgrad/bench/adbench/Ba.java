package io.jgrad.bench.adbench;

import io.jgrad.Arg;
import io.jgrad.Grad;
import io.jgrad.Tensor;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import io.jgrad.runtime.Workspace;

/**
 * Bundle adjustment (README "BA") with jgrad: one observation's reprojection residual written
 * with the Tensor API in F64 and compiled once; the objective evaluates it per observation, the
 * derivative takes its 2 x 15 Jacobian per observation ({@code Compiled.jacobian}, two reverse
 * passes) and writes it into ADBench's CSR layout. Inputs: the 15 differentiated scalars
 * r0 r1 r2, C0 C1 C2, f, u0 v0, k1 k2 (camera), X0 X1 X2 (point), w (weight), then the observed
 * feature fx fy (data).
 *
 * <p>The README's branch on t² = r·r is taken per observation in Java, between two compiled
 * residuals (Rodrigues for t² ≠ 0, first order for t² = 0; the second compiled only when some
 * camera has r = 0): the same math as ADBench's C++ branch.
 */
public final class Ba {
    private Ba() {}

    public static final String[] NAMES = {"r0", "r1", "r2", "C0", "C1", "C2", "f", "u0", "v0", "k1", "k2", "X0", "X1", "X2", "w", "fx", "fy"};
    /** Differentiated inputs: camera (11), point (3), weight. */
    public static final int PARAMS = 15;

    /** w (proj(cam, X) - feat) as a [2] tensor; {@code rotating}: the t² ≠ 0 branch. */
    public static Tensor residual(Tensor[] in, boolean rotating) {
        Tensor r0 = in[0], r1 = in[1], r2 = in[2];
        Tensor f = in[6], u0 = in[7], v0 = in[8], k1 = in[9], k2 = in[10], w = in[14], fx = in[15], fy = in[16];
        Tensor y0 = in[11].sub(in[3]), y1 = in[12].sub(in[4]), y2 = in[13].sub(in[5]);   // Y = X - C
        Tensor z0, z1, z2;
        if (rotating) {
            // t = |r|, a = r/t:  Z = Y cos t + (a × Y) sin t + a (a·Y)(1 - cos t)
            Tensor t = r0.square().add(r1.square()).add(r2.square()).sqrt();
            Tensor cos = t.cos(), sin = t.sin();
            Tensor a0 = r0.div(t), a1 = r1.div(t), a2 = r2.div(t);
            Tensor dot = a0.mul(y0).add(a1.mul(y1)).add(a2.mul(y2)).mul(cos.rsub(1.0));
            z0 = y0.mul(cos).add(a1.mul(y2).sub(a2.mul(y1)).mul(sin)).add(a0.mul(dot));
            z1 = y1.mul(cos).add(a2.mul(y0).sub(a0.mul(y2)).mul(sin)).add(a1.mul(dot));
            z2 = y2.mul(cos).add(a0.mul(y1).sub(a1.mul(y0)).mul(sin)).add(a2.mul(dot));
        } else {
            // Z = Y + r × Y
            z0 = y0.add(r1.mul(y2).sub(r2.mul(y1)));
            z1 = y1.add(r2.mul(y0).sub(r0.mul(y2)));
            z2 = y2.add(r0.mul(y1).sub(r1.mul(y0)));
        }
        Tensor p0 = z0.div(z2), p1 = z1.div(z2);
        Tensor s = p0.square().add(p1.square());
        Tensor distortion = k1.mul(s).add(k2.mul(s.square())).add(1.0);     // L = 1 + k1 s + k2 s²
        Tensor e0 = w.mul(p0.mul(distortion).mul(f).add(u0).sub(fx));
        Tensor e1 = w.mul(p1.mul(distortion).mul(f).add(v0).sub(fy));
        return Tensor.stack(0, e0, e1);
    }

    public static Compiled compile(boolean rotating) {
        Arg[] args = new Arg[NAMES.length];
        for (int i = 0; i < args.length; i++) {
            Arg a = Arg.scalar().dtype(DType.F64).named(NAMES[i]);
            args[i] = i < PARAMS ? a : a.noGrad();
        }
        return Grad.compile(in -> residual(in, rotating), args);
    }

    /** ADBench's sparse Jacobian: CSR of shape rows x cols. */
    public record Csr(int rows, int cols, int[] rowPointers, int[] columns, double[] values) {}

    /** An input with its compiled residuals, workspaces and buffers: the calls allocate nothing. */
    public static final class Evaluator {
        private final BaInput in;
        private final Compiled rotating;
        private Compiled still;            // the t² = 0 residual, compiled when some camera needs it
        private final Workspace rotatingWs;
        private Workspace stillWs;
        private final boolean[] cameraStill;
        private final double[][] inputs = new double[NAMES.length][1];
        private final double[][] blocks = new double[NAMES.length][];
        private final double[] out = new double[2];

        public Evaluator(BaInput in) {
            this.in = in;
            rotating = compile(true);
            rotatingWs = rotating.newWorkspace();
            cameraStill = new boolean[in.n()];
            for (int c = 0; c < in.n(); c++) {
                double[] cams = in.cams();
                int o = c * BaInput.CAMERA_PARAMS;
                cameraStill[c] = cams[o] * cams[o] + cams[o + 1] * cams[o + 1] + cams[o + 2] * cams[o + 2] == 0;
                if (cameraStill[c] && still == null) {
                    still = compile(false);
                    stillWs = still.newWorkspace();
                }
            }
            for (int k = 0; k < PARAMS; k++) blocks[k] = new double[2];
        }

        /** The compiled residual for t² ≠ 0 (the one every real input uses). */
        public Compiled compiled() {
            return rotating;
        }

        public Csr newJacobian() {
            long rows = in.jacobianRows(), cols = in.jacobianColumns(), nnz = in.jacobianNonzeros();
            if (nnz > Integer.MAX_VALUE || cols > Integer.MAX_VALUE) throw new IllegalArgumentException("BA Jacobian too large for int CSR: " + nnz + " nonzeros");
            return new Csr((int) rows, (int) cols, new int[(int) rows + 1], new int[(int) nnz], new double[(int) nnz]);
        }

        private Compiled load(int i) {
            int cam = in.observations()[2 * i], pt = in.observations()[2 * i + 1];
            double[] cams = in.cams(), points = in.points();
            for (int k = 0; k < BaInput.CAMERA_PARAMS; k++) inputs[k][0] = cams[cam * BaInput.CAMERA_PARAMS + k];
            for (int k = 0; k < 3; k++) inputs[11 + k][0] = points[3 * pt + k];
            inputs[14][0] = in.weights()[i];
            inputs[15][0] = in.features()[2 * i];
            inputs[16][0] = in.features()[2 * i + 1];
            return cameraStill[cam] ? still : rotating;
        }

        /** The 3p residuals: [reproj_err (2p)] ++ [w_err (p)]. */
        public void objective(double[] residuals) {
            int p = in.p();
            for (int i = 0; i < p; i++) {
                Compiled c = load(i);
                c.forward(c == rotating ? rotatingWs : stillWs, inputs, out);
                residuals[2 * i] = out[0];
                residuals[2 * i + 1] = out[1];
            }
            double[] w = in.weights();
            for (int i = 0; i < p; i++) residuals[2 * p + i] = 1 - w[i] * w[i];
        }

        /** The sparse Jacobian in ADBench's CSR layout (README "BA / Jacobian"). */
        public void jacobian(Csr j) {
            int p = in.p(), n = in.n(), m = in.m();
            int pointBase = BaInput.CAMERA_PARAMS * n, weightBase = pointBase + 3 * m;
            int[] rowPointers = j.rowPointers(), columns = j.columns();
            double[] values = j.values();
            for (int i = 0; i < p; i++) {
                Compiled c = load(i);
                c.jacobian(c == rotating ? rotatingWs : stillWs, inputs, out, blocks);
                int cam = in.observations()[2 * i], pt = in.observations()[2 * i + 1];
                for (int row = 0; row < 2; row++) {
                    int at = 30 * i + 15 * row;
                    rowPointers[2 * i + row] = at;
                    for (int k = 0; k < BaInput.CAMERA_PARAMS; k++) columns[at + k] = BaInput.CAMERA_PARAMS * cam + k;
                    for (int k = 0; k < 3; k++) columns[at + 11 + k] = pointBase + 3 * pt + k;
                    columns[at + 14] = weightBase + i;
                    for (int k = 0; k < PARAMS; k++) values[at + k] = blocks[k][row];
                }
            }
            double[] w = in.weights();
            for (int i = 0; i < p; i++) {
                int at = 30 * p + i;
                rowPointers[2 * p + i] = at;
                columns[at] = weightBase + i;
                values[at] = -2 * w[i];             // d(1 - w²)/dw
            }
            rowPointers[3 * p] = 31 * p;
        }
    }
}
