package io.jgrad.bench.adbench;

/**
 * One LSTM instance (README "LSTM"). Flat row-major arrays.
 *
 * @param layers   l
 * @param steps    c, the sequence length
 * @param hidden   b, the hidden size = bits per character (14 in ADBench's files)
 * @param main     [2l, 4b]: row 2i the weights of layer i, row 2i+1 its biases, each as blocks
 *                 forget, ingate, outgate, change (differentiated)
 * @param extra    [3, b]: in_weight, out_weight, out_bias (differentiated)
 * @param state    [2l, b]: row 2i the initial hidden vector of layer i, row 2i+1 its cell (data)
 * @param sequence [c, b]: one character per row as 0/1 bits (data)
 */
public record LstmInput(int layers, int steps, int hidden, double[] main, double[] extra, double[] state,
                        double[] sequence) {

    public LstmInput {
        Check.positive("LSTM layer count l", layers);
        if (steps < 2) throw new IllegalArgumentException("LSTM sequence length c must be >= 2 (the loss predicts character t+1 from t), got " + steps);
        Check.positive("LSTM hidden size b", hidden);
        Check.length("LSTM main", main, 2L * layers * 4 * hidden);
        Check.length("LSTM extra", extra, 3L * hidden);
        Check.length("LSTM state", state, 2L * layers * hidden);
        Check.length("LSTM sequence", sequence, (long) steps * hidden);
        Check.finite("LSTM main", main);
        Check.finite("LSTM extra", extra);
        Check.finite("LSTM state", state);
        Check.finite("LSTM sequence", sequence);
    }

    /** Length of the gradient: 8lb (main) + 3b (extra). */
    public int parameterCount() {
        return 8 * layers * hidden + 3 * hidden;
    }
}
