package io.jgrad.bench.adbench;

import io.jgrad.Arg;
import io.jgrad.Grad;
import io.jgrad.Tensor;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import io.jgrad.runtime.Workspace;

/**
 * The GMM objective (README "GMM") with the Tensor API in F64, compiled; the gradient by
 * {@code valueAndGrad}. Inputs alphas [K], means [K, d], icf [K, d(d+1)/2] (differentiated),
 * x [n, d] (data):
 * <pre>
 * E = -n·d/2·log(2π) + Σ_i logsumexp_k( α_k + Σ_j q_k[j] - ½‖Q_k (x_i - μ_k)‖² ) - n·logsumexp(α)
 *     + Σ_k ½γ²(‖exp(q_k)‖² + ‖l_k‖²) - m·Σ_k Σ_j q_k[j] - K·C
 * </pre>
 * The gradient's layout [dα] ++ [dμ] ++ [dicf] is the three inputs' gradients one after another.
 */
public final class Gmm {
    private Gmm() {}

    /** E as a traced (or eager) function of the three parameter tensors and the points. */
    public static Tensor objective(Tensor alphas, Tensor means, Tensor icf, Tensor x, double gamma, int m) {
        int k = alphas.shape()[0], d = means.shape()[1], n = x.shape()[0], icfSize = GmmInput.icfSize(d);
        Tensor q = icf.slice(1, 0, d);                             // the log-diagonal [K, d]
        Tensor l = icf.slice(1, d, icfSize);                       // the strictly lower part, column by column
        Tensor sumQ = q.sum(1);                                    // Σ_j q_k[j] = log det Q_k, [K]

        // Q_k = diag(exp(q_k)) + L_k as [K, d, d]: each entry gathers its icf element (exp on the diagonal, 0 above)
        Tensor gathered = icf.indexSelect(1, qIndices(d));
        Tensor qMat = gathered.exp().mul(Tensor.of(diagonalMask(d))).add(gathered.mul(Tensor.of(lowerMask(d)))).reshape(k, d, d);

        // ‖Q_k (x_i - μ_k)‖² for every k, i: one batched product [K, d, d]·[K, d, n]
        Tensor centred = x.t().sub(means.unsqueeze(2));                   // [K, d, n]
        Tensor squaredNorms = qMat.matmul(centred).square().sum(1);         // [K, n]

        Tensor main = squaredNorms.mul(-0.5).add(alphas.add(sumQ).unsqueeze(1));   // [K, n]
        Tensor prior = q.mul(2.0).exp().sum().add(l.square().sum()).mul(0.5 * gamma * gamma).sub(sumQ.sum().mul((double) m));
        return main.logsumexp(0).sum()
                .sub(alphas.logsumexp(0).mul((double) n))
                .add(prior)
                .add(constant(d, k, n, gamma, m));
    }

    /** -n·d/2·log(2π) - K·C (ADBench's truncated π, README note). */
    static double constant(int d, int k, int n, double gamma, int m) {
        int bigN = d + m + 1;
        double c = bigN * d * (Math.log(gamma) - 0.5 * Math.log(2)) - GmmReference.logMultivariateGamma(d, 0.5 * bigN);
        return -n * d * 0.5 * Math.log(2 * GmmReference.ADBENCH_PI) - k * c;
    }

    /** For entry (row j, column i) of Q: the icf index it comes from (0 above the diagonal, masked out). */
    static int[] qIndices(int d) {
        int[] idx = new int[d * d];
        for (int j = 0; j < d; j++) idx[j * d + j] = j;
        int at = d;
        for (int i = 0; i < d - 1; i++) {
            for (int j = i + 1; j < d; j++) idx[j * d + i] = at++;
        }
        return idx;
    }

    static double[] diagonalMask(int d) {
        double[] mask = new double[d * d];
        for (int j = 0; j < d; j++) mask[j * d + j] = 1;
        return mask;
    }

    static double[] lowerMask(int d) {
        double[] mask = new double[d * d];
        for (int j = 0; j < d; j++) for (int i = 0; i < j; i++) mask[j * d + i] = 1;
        return mask;
    }

    public static Compiled compile(int d, int k, int n, double gamma, int m) {
        return Grad.compile((Tensor[] in) -> objective(in[0], in[1], in[2], in[3], gamma, m),
                Arg.of(k).dtype(DType.F64).named("alphas"),
                Arg.of(k, d).dtype(DType.F64).named("means"),
                Arg.of(k, GmmInput.icfSize(d)).dtype(DType.F64).named("icf"),
                Arg.of(n, d).dtype(DType.F64).noGrad().named("x"));
    }

    /** An input with its compiled objective and buffers: the calls allocate nothing. */
    public static final class Evaluator {
        private final GmmInput in;
        private final Compiled compiled;
        private final Workspace ws;
        private final double[][] inputs, grads;
        private final double[] value = new double[1];

        public Evaluator(GmmInput in) {
            this.in = in;
            compiled = compile(in.d(), in.k(), in.n(), in.gamma(), in.m());
            ws = compiled.newWorkspace();
            inputs = new double[][] {in.alphas(), in.means(), in.icf(), in.x()};
            grads = new double[][] {new double[in.k()], new double[in.k() * in.d()], new double[in.icf().length], null};
        }

        public Compiled compiled() {
            return compiled;
        }

        public double objective() {
            compiled.forward(ws, inputs, value);
            return value[0];
        }

        /** E, with the gradient into {@code gradient} in ADBench's layout. */
        public double gradient(double[] gradient) {
            double e = compiled.valueAndGrad(ws, inputs, grads);
            System.arraycopy(grads[0], 0, gradient, 0, grads[0].length);
            System.arraycopy(grads[1], 0, gradient, grads[0].length, grads[1].length);
            System.arraycopy(grads[2], 0, gradient, grads[0].length + grads[1].length, grads[2].length);
            return e;
        }

        public int parameterCount() {
            return in.parameterCount();
        }
    }
}
