package io.jgrad.bench.models;

import io.jgrad.Tensor;
import io.jgrad.bench.handwritten.ClampedBce;

/**
 * The workloads written once against jgrad's {@link Tensor} API: the benchmarks run these
 * eagerly and through {@code Grad.compile}. They compute what the hand-written classes in
 * {@code io.jgrad.bench.handwritten} compute, op by op as the golden cases write them.
 */
public final class Models {
    private Models() {}

    /** The seeds' BCE with clamp, elementwise: {@code -(y·log(p') + (1-y)·log(1-p'))}, p' = clamp(p). */
    public static Tensor clampedBce(Tensor p, Tensor y) {
        Tensor pc = p.clamp(ClampedBce.LO, ClampedBce.HI);
        Tensor positive = y.mul(pc.log());
        Tensor negative = y.rsub(1f).mul(pc.rsub(1f).log());
        return positive.add(negative).neg();
    }

    /** Scalars w, b (differentiated), x, y: {@code bce(sigmoid(w·x + b), y)}. */
    public static Tensor seedNeuron(Tensor w, Tensor b, Tensor x, Tensor y) {
        return clampedBce(w.mul(x).add(b).sigmoid(), y);
    }

    /** x [n]: {@code Σ sin(x²)}. */
    public static Tensor sumSinSquare(Tensor x) {
        return x.square().sin().sum();
    }

    /** x [n]: {@code mean(x²)}. */
    public static Tensor meanSquare(Tensor x) {
        return x.square().mean();
    }

    /** w [f], b scalar (differentiated), X [batch, f], y [batch]: mean clamped BCE. */
    public static Tensor logisticRegression(Tensor w, Tensor b, Tensor X, Tensor y) {
        return clampedBce(X.matmul(w).add(b).sigmoid(), y).mean();
    }

    /**
     * W1 [in, hidden], b1 [hidden], W2 [hidden, out], b2 [out] (differentiated), X [batch, in],
     * T [batch, out]: {@code -mean over rows of Σ_j T ⊙ logSoftmax(tanh(X·W1 + b1)·W2 + b2)}.
     * (The golden case writes the same as {@code sum(T ⊙ logSoftmax) · (-1/batch)}.)
     */
    public static Tensor mlp(Tensor W1, Tensor b1, Tensor W2, Tensor b2, Tensor X, Tensor T) {
        Tensor hidden = X.matmul(W1).add(b1).tanh();
        Tensor logits = hidden.matmul(W2).add(b2);
        return T.mul(logits.logSoftmax(1)).sum(1).mean().neg();
    }

    /**
     * A one-layer LSTM (issue 10's workload): W [in + hidden, 4·hidden], b [4·hidden]
     * (differentiated), X [steps, batch, in], Y [batch, hidden]. From h = c = 0, per step
     * z = cat(x_t, h)·W + b, the gates sliced from z (i, f, g, o), c ← σ(f)·c + σ(i)·tanh(g),
     * h ← σ(o)·tanh(c); returns mean((h - Y)²).
     */
    public static Tensor lstm(Tensor W, Tensor b, Tensor X, Tensor Y) {
        int steps = X.shape()[0], batch = X.shape()[1], hidden = Y.shape()[1];
        Tensor h = Tensor.zeros(batch, hidden), c = Tensor.zeros(batch, hidden);
        for (int t = 0; t < steps; t++) {
            Tensor z = Tensor.cat(1, X.select(0, t), h).matmul(W).add(b);
            Tensor i = z.slice(1, 0, hidden).sigmoid();
            Tensor f = z.slice(1, hidden, 2 * hidden).sigmoid();
            Tensor g = z.slice(1, 2 * hidden, 3 * hidden).tanh();
            Tensor o = z.slice(1, 3 * hidden, 4 * hidden).sigmoid();
            c = f.mul(c).add(i.mul(g));
            h = o.mul(c.tanh());
        }
        return h.sub(Y).square().mean();
    }

    /** Scalars a, b: h ← tanh(a·h + b), {@code steps} times from h = 0; returns the last h. */
    public static Tensor tanhRecurrence(Tensor a, Tensor b, int steps) {
        Tensor h = Tensor.scalar(0f); // a constant: captured by Grad.compile as one
        for (int t = 0; t < steps; t++) h = a.mul(h).add(b).tanh();
        return h;
    }
}
