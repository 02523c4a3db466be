package io.jgrad.bench.adbench;

import io.jgrad.Arg;
import io.jgrad.Grad;
import io.jgrad.Tensor;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import io.jgrad.runtime.Workspace;

/**
 * The LSTM loss (README "LSTM") with the Tensor API in F64, unrolled over the sequence by the
 * tracer and compiled; the gradient by {@code valueAndGrad}. Inputs main [2l, 4b], extra [3, b]
 * (differentiated), state [2l, b] and the sequence [c, b] (data). One layer step, element-wise:
 * <pre>
 * f = σ(x Wf + Bf)   g = σ(h Wi + Bi)   o = σ(x Wo + Bo)   z = tanh(h Wc + Bc)
 * s ← s f + g z      h ← o tanh(s)
 * </pre>
 * loss = -Σ_{t<c-1} seq[t+1]·(ypred_t - log(Σ exp(ypred_t) + 2)) / ((c-1) b).
 */
public final class Lstm {
    private Lstm() {}

    public static Tensor loss(Tensor main, Tensor extra, Tensor state, Tensor sequence) {
        int layers = main.shape()[0] / 2, b = extra.shape()[1], c = sequence.shape()[0];
        Tensor inWeight = extra.select(0, 0), outWeight = extra.select(0, 1), outBias = extra.select(0, 2);
        // per layer: the four gate blocks of the weight row 2i and the bias row 2i+1 (forget, ingate, outgate, change)
        Tensor[][] w = new Tensor[layers][4], bias = new Tensor[layers][4];
        Tensor[] hidden = new Tensor[layers], cell = new Tensor[layers];
        for (int i = 0; i < layers; i++) {
            Tensor weightRow = main.select(0, 2 * i), biasRow = main.select(0, 2 * i + 1);
            for (int gate = 0; gate < 4; gate++) {
                w[i][gate] = weightRow.slice(0, gate * b, (gate + 1) * b);
                bias[i][gate] = biasRow.slice(0, gate * b, (gate + 1) * b);
            }
            hidden[i] = state.select(0, 2 * i);
            cell[i] = state.select(0, 2 * i + 1);
        }
        Tensor total = null;
        for (int t = 0; t < c - 1; t++) {
            Tensor y = sequence.select(0, t).mul(inWeight);
            for (int i = 0; i < layers; i++) {
                Tensor f = y.mul(w[i][0]).add(bias[i][0]).sigmoid();          // forget: the input
                Tensor g = hidden[i].mul(w[i][1]).add(bias[i][1]).sigmoid();  // in gate: the old hidden
                Tensor o = y.mul(w[i][2]).add(bias[i][2]).sigmoid();          // out gate: the input
                Tensor z = hidden[i].mul(w[i][3]).add(bias[i][3]).tanh();     // change: the old hidden
                cell[i] = cell[i].mul(f).add(g.mul(z));
                hidden[i] = o.mul(cell[i].tanh());
                y = hidden[i];
            }
            Tensor ypred = y.mul(outWeight).add(outBias);
            Tensor lse = ypred.exp().sum().add(2.0).log();                     // ADBench's "+ 2"
            Tensor step = sequence.select(0, t + 1).dot(ypred.sub(lse));
            total = total == null ? step : total.add(step);
        }
        return total.mul(-1.0 / ((double) (c - 1) * b));
    }

    public static Compiled compile(int layers, int steps, int b) {
        return Grad.compile((Tensor[] in) -> loss(in[0], in[1], in[2], in[3]),
                Arg.of(2 * layers, 4 * b).dtype(DType.F64).named("main"),
                Arg.of(3, b).dtype(DType.F64).named("extra"),
                Arg.of(2 * layers, b).dtype(DType.F64).noGrad().named("state"),
                Arg.of(steps, b).dtype(DType.F64).noGrad().named("sequence"));
    }

    /** An input with its compiled loss and buffers: the calls allocate nothing. */
    public static final class Evaluator {
        private final Compiled compiled;
        private final Workspace ws;
        private final double[][] inputs, grads;
        private final double[] value = new double[1];

        public Evaluator(LstmInput in) {
            compiled = compile(in.layers(), in.steps(), in.hidden());
            ws = compiled.newWorkspace();
            inputs = new double[][] {in.main(), in.extra(), in.state(), in.sequence()};
            grads = new double[][] {new double[in.main().length], new double[in.extra().length], null, null};
        }

        public Compiled compiled() {
            return compiled;
        }

        public double objective() {
            compiled.forward(ws, inputs, value);
            return value[0];
        }

        /** The loss, with the gradient [d main] ++ [d extra] into {@code gradient}. */
        public double gradient(double[] gradient) {
            double loss = compiled.valueAndGrad(ws, inputs, grads);
            System.arraycopy(grads[0], 0, gradient, 0, grads[0].length);
            System.arraycopy(grads[1], 0, gradient, grads[0].length, grads[1].length);
            return loss;
        }
    }
}
