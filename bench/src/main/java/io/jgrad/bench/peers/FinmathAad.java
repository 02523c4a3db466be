package io.jgrad.bench.peers;

import io.jgrad.bench.data.LogisticRegressionData;
import net.finmath.montecarlo.RandomVariableFromDoubleArray;
import net.finmath.montecarlo.automaticdifferentiation.RandomVariableDifferentiable;
import net.finmath.montecarlo.automaticdifferentiation.backward.RandomVariableDifferentiableAAD;
import net.finmath.stochastic.RandomVariable;

import java.util.Map;

/**
 * The seed neuron and logistic regression with finmath-lib's reverse-mode AAD. A finmath
 * {@code RandomVariable} is a vector of realisations, so a batch is one random variable per
 * feature column and the weights are deterministic (one-realisation) AAD leaves.
 */
public final class FinmathAad {
    private FinmathAad() {}

    /** The clamp bounds in double, as PyTorch's float64 run of the seeds uses them. */
    static final double LO = 1e-8, HI = 1 - 1e-8;

    /** The seed neuron; writes d loss/dw, d loss/db into grad. Leaves are made per call, as in training. */
    public static double seedNeuron(double w, double b, double x, double y, double[] grad) {
        RandomVariableDifferentiable wLeaf = new RandomVariableDifferentiableAAD(w);
        RandomVariableDifferentiable bLeaf = new RandomVariableDifferentiableAAD(b);
        RandomVariable p = sigmoid(wLeaf.mult(x).add(bLeaf));
        RandomVariable pc = p.floor(LO).cap(HI);
        RandomVariable loss = pc.log().mult(y).add(pc.mult(-1.0).add(1.0).log().mult(1 - y)).mult(-1.0);
        Map<Long, RandomVariable> gradient = ((RandomVariableDifferentiable) loss).getGradient();
        grad[0] = gradient.get(wLeaf.getID()).getAverage();
        grad[1] = gradient.get(bLeaf.getID()).getAverage();
        return loss.getAverage();
    }

    /** Logistic regression with mean clamped BCE over one fixed batch. Not thread-safe: holds one batch. */
    public static final class LogisticRegression {
        private final int features;
        private final RandomVariable[] columns; // X[:, j] as a random variable over the batch
        private final RandomVariable y, oneMinusY;
        private final RandomVariableDifferentiable[] wLeaves;

        public LogisticRegression(LogisticRegressionData data) {
            this.features = data.features;
            this.columns = new RandomVariable[features];
            for (int j = 0; j < features; j++) {
                double[] column = new double[data.batch];
                for (int i = 0; i < data.batch; i++) column[i] = data.X[i * features + j];
                columns[j] = new RandomVariableFromDoubleArray(0.0, column);
            }
            double[] labels = new double[data.batch];
            for (int i = 0; i < data.batch; i++) labels[i] = data.y[i];
            this.y = new RandomVariableFromDoubleArray(0.0, labels);
            this.oneMinusY = y.mult(-1.0).add(1.0);
            this.wLeaves = new RandomVariableDifferentiable[features];
        }

        /** Returns the loss; writes d loss/dw into gradW and d loss/db into gradB[0]. */
        public double valueAndGrad(double[] w, double b, double[] gradW, double[] gradB) {
            for (int j = 0; j < features; j++) wLeaves[j] = new RandomVariableDifferentiableAAD(w[j]);
            RandomVariableDifferentiable bLeaf = new RandomVariableDifferentiableAAD(b);
            RandomVariable z = bLeaf;
            for (int j = 0; j < features; j++) z = z.addProduct(columns[j], wLeaves[j]);
            RandomVariable pc = sigmoid(z).floor(LO).cap(HI);
            RandomVariable perExample = pc.log().mult(y).add(pc.mult(-1.0).add(1.0).log().mult(oneMinusY)).mult(-1.0);
            RandomVariable loss = perExample.average();
            Map<Long, RandomVariable> gradient = ((RandomVariableDifferentiable) loss).getGradient();
            for (int j = 0; j < features; j++) gradW[j] = gradient.get(wLeaves[j].getID()).getAverage();
            gradB[0] = gradient.get(bLeaf.getID()).getAverage();
            return loss.getAverage();
        }
    }

    /** 1 / (1 + exp(-z)): finmath has no sigmoid of its own. */
    private static RandomVariable sigmoid(RandomVariable z) {
        return z.mult(-1.0).exp().add(1.0).invert();
    }
}
