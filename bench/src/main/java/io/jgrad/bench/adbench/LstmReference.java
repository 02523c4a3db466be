package io.jgrad.bench.adbench;

/**
 * The LSTM objective in plain Java, double, written from the README. All operations are
 * element-wise. One layer step with input x, hidden h and cell s, for each element j:
 * <pre>
 * f = σ(x_j·Wf_j + Bf_j)    g = σ(h_j·Wi_j + Bi_j)    o = σ(x_j·Wo_j + Bo_j)    z = tanh(h_j·Wc_j + Bc_j)
 * s_j ← s_j·f + g·z          h_j ← o·tanh(s_j)
 * </pre>
 * Prediction: y = in ⊙ in_weight; through the layers (y = the new hidden); ypred = y ⊙ out_weight + out_bias.
 * Loss: -Σ_{t<c-1} Σ_j seq[t+1][j]·(ypred_j - log(Σ exp(ypred) + 2)) / ((c-1)·b).
 */
public final class LstmReference {
    private LstmReference() {}

    // the four gate blocks of a weight or bias row, in the file's order
    private static final int FORGET = 0, INGATE = 1, OUTGATE = 2, CHANGE = 3;

    public static double objective(LstmInput in) {
        int c = in.steps(), b = in.hidden();
        double[] sequence = in.sequence();
        double[] state = in.state().clone();    // copied each evaluation: the state is data
        double[] ypred = new double[b];
        double total = 0;
        for (int t = 0; t < c - 1; t++) {
            predict(in, state, t, ypred);
            double sumExp = 0;
            for (int j = 0; j < b; j++) sumExp += Math.exp(ypred[j]);
            double lse = Math.log(sumExp + 2);  // the "+ 2" is ADBench's definition
            for (int j = 0; j < b; j++) total += sequence[(t + 1) * b + j] * (ypred[j] - lse);
        }
        return -total / ((double) (c - 1) * b);
    }

    /** ypred for input row t of the sequence; updates {@code state} in place. */
    static void predict(LstmInput in, double[] state, int t, double[] ypred) {
        int b = in.hidden();
        double[] main = in.main(), extra = in.extra(), sequence = in.sequence();
        double[] y = new double[b];
        for (int j = 0; j < b; j++) y[j] = sequence[t * b + j] * extra[j];     // in ⊙ in_weight
        for (int layer = 0; layer < in.layers(); layer++) {
            int weights = 2 * layer * 4 * b, biases = (2 * layer + 1) * 4 * b;
            int hidden = 2 * layer * b, cell = (2 * layer + 1) * b;
            for (int j = 0; j < b; j++) {
                double x = y[j], h = state[hidden + j];
                double f = sigmoid(x * main[weights + FORGET * b + j] + main[biases + FORGET * b + j]);
                double g = sigmoid(h * main[weights + INGATE * b + j] + main[biases + INGATE * b + j]);
                double o = sigmoid(x * main[weights + OUTGATE * b + j] + main[biases + OUTGATE * b + j]);
                double z = Math.tanh(h * main[weights + CHANGE * b + j] + main[biases + CHANGE * b + j]);
                double s = state[cell + j] * f + g * z;
                state[cell + j] = s;
                state[hidden + j] = o * Math.tanh(s);
            }
            System.arraycopy(state, hidden, y, 0, b);                            // y = the new hidden
        }
        for (int j = 0; j < b; j++) ypred[j] = y[j] * extra[b + j] + extra[2 * b + j];  // ⊙ out_weight + out_bias
    }

    static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }
}
