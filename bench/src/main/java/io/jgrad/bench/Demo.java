package io.jgrad.bench;

import io.jgrad.Grad;
import io.jgrad.Tensor;

/**
 * The five seed notebooks, run eagerly and printed as a notebook would show them. Each
 * notebook is its own method so that a compiled column can be added beside it later.
 */
public final class Demo {
    private Demo() {}

    public static void main(String[] args) {
        squareAtThree();
        sinOfSquareAtFour();
        logisticNeuron();
        meanOfSquares();
        accumulation();
        stopTracking();
    }

    static void heading(String title) {
        System.out.println();
        System.out.println("== " + title);
    }

    static void show(String code, Object value) {
        System.out.println(code + "  ->  " + value);
    }

    /** Runs {@code r} and prints the exception it throws, as the notebook cell would. */
    static void expectError(String code, Runnable r) {
        try {
            r.run();
            System.out.println(code + "  ->  (no error)");
        } catch (RuntimeException e) {
            System.out.println(code + "  ->  " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    static void squareAtThree() {
        heading("1. y = x² at x = 3");
        Tensor x = Tensor.scalar(3f).requiresGrad(true);
        show("x", x);
        Tensor y = x.pow(2f);
        show("y = x.pow(2)", y);
        y.backward();
        show("y.backward(); x.grad()", x.grad());
        System.out.println("by hand: dy/dx = 2x = " + 2 * 3f);
    }

    static void sinOfSquareAtFour() {
        heading("2. z = sin(x²) at x = 4");
        Tensor x = Tensor.scalar(4f).requiresGrad(true);
        Tensor z = x.pow(2f).sin();
        show("z = x.pow(2).sin()", z);
        z.backward();
        show("z.backward(); x.grad()", x.grad());
        System.out.printf("by hand: dz/dx = 2x·cos(x²) = %.4f%n", 2 * 4 * Math.cos(16));
    }

    static void logisticNeuron() {
        heading("3. logistic neuron, binary cross-entropy with clamp: x = 6.7, y = 0, w = 1, b = 0");
        Tensor w = Tensor.scalar(1f).requiresGrad(true), b = Tensor.scalar(0f).requiresGrad(true);
        Tensor x = Tensor.scalar(6.7f), y = Tensor.scalar(0f);
        Tensor z = w.mul(x).add(b);
        show("z = w·x + b", z);
        Tensor p = z.sigmoid().clamp(1e-8f, 1 - 1e-8f);
        show("p = sigmoid(z).clamp(1e-8, 1 - 1e-8)", p);
        Tensor loss = y.mul(p.log()).add(y.rsub(1f).mul(p.rsub(1f).log())).neg();
        show("loss = -(y·log p + (1 - y)·log(1 - p))", loss);
        loss.backward();
        show("loss.backward(); w.grad()", w.grad());
        show("b.grad()", b.grad());

        System.out.println("the chain rule by hand:");
        float pv = p.item(), yv = y.item(), xv = x.item();
        float dLdp = -(yv / pv) + (1 - yv) / (1 - pv);
        float dpdz = pv * (1 - pv);
        show("  dL/dp = -y/p + (1 - y)/(1 - p)", Tensor.scalar(dLdp));
        show("  dp/dz = p·(1 - p)", Tensor.scalar(dpdz));
        show("  dL/dw = dL/dp · dp/dz · x", Tensor.scalar(dLdp * dpdz * xv));
        show("  dL/db = dL/dp · dp/dz · 1", Tensor.scalar(dLdp * dpdz));
    }

    static void meanOfSquares() {
        heading("4. mean(x²) for x = [1, 2, 3]");
        Tensor x = Tensor.of(1f, 2f, 3f).requiresGrad(true);
        show("x", x);
        Tensor m = x.pow(2f).mean();
        show("m = x.pow(2).mean()", m);
        m.backward();
        show("m.backward(); x.grad()", x.grad());
        System.out.println("by hand: dm/dx = 2x/3");
    }

    static void accumulation() {
        heading("5. gradients accumulate across backward calls");
        Tensor x = Tensor.scalar(3f).requiresGrad(true);
        x.pow(2f).backward();
        show("x.pow(2).backward(); x.grad()", x.grad());
        x.pow(2f).backward();
        show("x.pow(2).backward() again; x.grad()", x.grad());
        show("x.grad().zero()", x.grad().zero());
        x.pow(2f).backward();
        show("x.pow(2).backward(); x.grad()", x.grad());
    }

    static void stopTracking() {
        heading("6. three ways to stop tracking");
        Tensor x = Tensor.scalar(3f).requiresGrad(true);
        Tensor y = x.mul(2f);
        show("y = x·2", y);

        Tensor d = x.detach();
        show("x.detach()", d);
        show("x.detach().mul(2)", d.mul(2f));

        Tensor n;
        try (var g = Grad.noGrad()) {
            n = x.mul(2f);
        }
        show("try (var g = Grad.noGrad()) { x·2 }", n);

        x.requiresGrad(false);
        show("x.requiresGrad(false)", x);
        Tensor c = x.mul(2f);
        show("x·2", c);

        System.out.println("and the errors PyTorch gives for the same mistakes:");
        expectError("(x·2).backward()", c::backward);
        expectError("y.requiresGrad(false)", () -> y.requiresGrad(false));
        Tensor v = Tensor.of(1f, 2f).requiresGrad(true).mul(2f);
        expectError("Tensor.of(1, 2).requiresGrad(true).mul(2).backward()", v::backward);
        Tensor s = Tensor.scalar(3f).requiresGrad(true);
        Tensor sq = s.pow(2f);
        sq.backward();
        expectError("y = x.pow(2); y.backward(); y.backward()", sq::backward);
    }
}
