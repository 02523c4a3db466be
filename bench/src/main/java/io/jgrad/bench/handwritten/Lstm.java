package io.jgrad.bench.handwritten;

import java.util.Arrays;

/**
 * A one-layer LSTM over a sequence, from h = c = 0, and a mean-square loss on the last hidden
 * state, forward and backward (through time) in plain loops:
 * <pre>
 *   z_t = [x_t, h_{t-1}]·W + b                       [batch, 4·hidden]
 *   i = σ(z[:, 0:H]), f = σ(z[:, H:2H]), g = tanh(z[:, 2H:3H]), o = σ(z[:, 3H:4H])
 *   c_t = f ⊙ c_{t-1} + i ⊙ g,   h_t = o ⊙ tanh(c_t)
 *   loss = mean((h_T - Y)²)
 * </pre>
 * Gradients wrt W [in + hidden, 4H] and b [4H]. Matrix products are i-k-j loops whose inner
 * loop runs along contiguous rows ({@link Kernels#axpy}, vectorised by C2); the product with
 * Wᵀ in the backward pass is row-by-row dot products ({@link Kernels#dot}), Wᵀ never formed.
 *
 * <p>An instance owns the scratch (every step's [x_t, h_{t-1}], gates and cell state) for one
 * shape and is used by one thread at a time: a call allocates nothing.
 */
public final class Lstm {
    private final int batch, steps, in, hidden, width, gates;
    /** [steps][batch, in + hidden]: the matmul's left operand of each step. */
    private final float[] xh;
    /** [steps][batch, 4H]: the gate activations i, f, g, o of each step; in the backward pass, d loss / d z. */
    private final float[] act;
    /** [steps + 1][batch, H]: the cell state c_t (c_0 = 0 first), and tanh(c_t) for t >= 1. */
    private final float[] cell, tanhCell;
    private final float[] h, dh, dc;

    public Lstm(int batch, int steps, int in, int hidden) {
        this.batch = batch;
        this.steps = steps;
        this.in = in;
        this.hidden = hidden;
        this.width = in + hidden;
        this.gates = 4 * hidden;
        this.xh = new float[steps * batch * width];
        this.act = new float[steps * batch * gates];
        this.cell = new float[(steps + 1) * batch * hidden];
        this.tanhCell = new float[(steps + 1) * batch * hidden];
        this.h = new float[batch * hidden];
        this.dh = new float[batch * hidden];
        this.dc = new float[batch * hidden];
    }

    private static float sigmoid(float x) {
        return (float) (1 / (1 + Math.exp(-x)));
    }

    /** Returns the loss; writes d loss / dW and d loss / db into gW, gb (overwriting). */
    public float valueAndGrad(float[] W, float[] b, float[] X, float[] Y, float[] gW, float[] gb) {
        check("W", W, width * gates);
        check("b", b, gates);
        check("X", X, steps * batch * in);
        check("Y", Y, batch * hidden);
        check("gW", gW, width * gates);
        check("gb", gb, gates);
        final int H = hidden, G = gates, N = batch;
        Arrays.fill(h, 0f);
        Arrays.fill(cell, 0, N * H, 0f);
        for (int t = 0; t < steps; t++) {
            int xhT = t * N * width, aT = t * N * G, cPrev = t * N * H, cT = (t + 1) * N * H;
            for (int r = 0; r < N; r++) {
                System.arraycopy(X, (t * N + r) * in, xh, xhT + r * width, in);
                System.arraycopy(h, r * H, xh, xhT + r * width + in, H);
            }
            for (int r = 0; r < N; r++) {
                int zRow = aT + r * G, xRow = xhT + r * width;
                System.arraycopy(b, 0, act, zRow, G);
                for (int k = 0; k < width; k++) Kernels.axpy(xh[xRow + k], W, k * G, act, zRow, G);
                for (int j = 0; j < H; j++) {
                    float i = sigmoid(act[zRow + j]);
                    float f = sigmoid(act[zRow + H + j]);
                    float g = (float) Math.tanh(act[zRow + 2 * H + j]);
                    float o = sigmoid(act[zRow + 3 * H + j]);
                    act[zRow + j] = i;
                    act[zRow + H + j] = f;
                    act[zRow + 2 * H + j] = g;
                    act[zRow + 3 * H + j] = o;
                    float c = f * cell[cPrev + r * H + j] + i * g;
                    float tc = (float) Math.tanh(c);
                    cell[cT + r * H + j] = c;
                    tanhCell[cT + r * H + j] = tc;
                    h[r * H + j] = o * tc;
                }
            }
        }
        // loss = mean((h - Y)²); d loss / dh = 2 (h - Y) / (N·H)
        float scale = 2f / (N * H), loss = 0f;
        for (int e = 0; e < N * H; e++) {
            float d = h[e] - Y[e];
            loss += d * d;
            dh[e] = d * scale;
        }
        Arrays.fill(dc, 0f);
        Arrays.fill(gW, 0f);
        Arrays.fill(gb, 0f);
        for (int t = steps - 1; t >= 0; t--) {
            int xhT = t * N * width, aT = t * N * G, cPrev = t * N * H, cT = (t + 1) * N * H;
            // through h = o·tanh(c), c = f·c' + i·g and the gate nonlinearities: dz over the gates
            for (int r = 0; r < N; r++) {
                int zRow = aT + r * G;
                for (int j = 0; j < H; j++) {
                    int e = r * H + j;
                    float i = act[zRow + j], f = act[zRow + H + j], g = act[zRow + 2 * H + j], o = act[zRow + 3 * H + j];
                    float tc = tanhCell[cT + e];
                    float d = dh[e];
                    float dcTotal = dc[e] + d * o * (1 - tc * tc);
                    act[zRow + j] = dcTotal * g * i * (1 - i);
                    act[zRow + H + j] = dcTotal * cell[cPrev + e] * f * (1 - f);
                    act[zRow + 2 * H + j] = dcTotal * i * (1 - g * g);
                    act[zRow + 3 * H + j] = d * tc * o * (1 - o);
                    dc[e] = dcTotal * f;
                }
            }
            // dW += [x_t, h_{t-1}]ᵀ·dz, db += Σ_rows dz
            for (int k = 0; k < width; k++)
                for (int r = 0; r < N; r++) Kernels.axpy(xh[xhT + r * width + k], act, aT + r * G, gW, k * G, G);
            for (int r = 0; r < N; r++)
                for (int m = 0; m < G; m++) gb[m] += act[aT + r * G + m];
            // dh_{t-1} = dz·W[in:, :]ᵀ
            if (t > 0)
                for (int r = 0; r < N; r++)
                    for (int j = 0; j < H; j++) dh[r * H + j] = Kernels.dot(act, aT + r * G, W, (in + j) * G, G);
        }
        return loss / (N * H);
    }

    public int batch() { return batch; }
    public int steps() { return steps; }
    public int in() { return in; }
    public int hidden() { return hidden; }

    private static void check(String name, float[] a, int expected) {
        if (a.length != expected) throw new IllegalArgumentException(name + " has " + a.length + " floats, expected " + expected);
    }
}
