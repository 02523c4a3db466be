package io.jgrad.bench.peers;

import io.jgrad.bench.data.LogisticRegressionData;
import org.hipparchus.analysis.differentiation.Gradient;

/**
 * The seed neuron and logistic regression with Hipparchus's forward-mode {@link Gradient}: every
 * value carries its derivative with respect to all parameters, so the cost grows with their
 * number (2 for the neuron, features + 1 for logistic regression).
 */
public final class HipparchusForward {
    private HipparchusForward() {}

    static final double LO = FinmathAad.LO, HI = FinmathAad.HI;

    /** The seed neuron; writes d loss/dw, d loss/db into grad. */
    public static double seedNeuron(double w, double b, double x, double y, double[] grad) {
        Gradient wVar = Gradient.variable(2, 0, w);
        Gradient bVar = Gradient.variable(2, 1, b);
        Gradient loss = clampedBce(sigmoid(wVar.multiply(x).add(bVar)), y);
        double[] g = loss.getGradient();
        grad[0] = g[0];
        grad[1] = g[1];
        return loss.getValue();
    }

    /** Logistic regression with mean clamped BCE over one fixed batch. Not thread-safe: holds one batch. */
    public static final class LogisticRegression {
        private final int batch, features;
        private final double[][] rows;
        private final double[] y;
        private final Gradient[] wVars;

        public LogisticRegression(LogisticRegressionData data) {
            this.batch = data.batch;
            this.features = data.features;
            this.rows = new double[batch][features];
            this.y = new double[batch];
            for (int i = 0; i < batch; i++) {
                for (int j = 0; j < features; j++) rows[i][j] = data.X[i * features + j];
                y[i] = data.y[i];
            }
            this.wVars = new Gradient[features];
        }

        /** Returns the loss; writes d loss/dw into gradW and d loss/db into gradB[0]. */
        public double valueAndGrad(double[] w, double b, double[] gradW, double[] gradB) {
            int parameters = features + 1; // w_0 .. w_{f-1}, then b
            for (int j = 0; j < features; j++) wVars[j] = Gradient.variable(parameters, j, w[j]);
            Gradient bVar = Gradient.variable(parameters, features, b);
            Gradient sum = Gradient.constant(parameters, 0.0);
            for (int i = 0; i < batch; i++) {
                Gradient z = bVar.linearCombination(rows[i], wVars).add(bVar);
                sum = sum.add(clampedBce(sigmoid(z), y[i]));
            }
            Gradient loss = sum.divide(batch);
            double[] g = loss.getGradient();
            System.arraycopy(g, 0, gradW, 0, features);
            gradB[0] = g[features];
            return loss.getValue();
        }
    }

    private static Gradient sigmoid(Gradient z) {
        return z.negate().exp().add(1.0).reciprocal();
    }

    /** Clamp passes the derivative inside [LO, HI] (inclusive) and is constant outside, as PyTorch's. */
    private static Gradient clampedBce(Gradient p, double y) {
        double v = p.getValue();
        Gradient pc = v < LO ? p.newInstance(LO) : v > HI ? p.newInstance(HI) : p;
        return pc.log().multiply(y).add(pc.negate().add(1.0).log().multiply(1 - y)).negate();
    }
}
