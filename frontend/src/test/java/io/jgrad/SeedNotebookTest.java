package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.runtime.DType;
import org.junit.jupiter.api.Test;

/**
 * The seed notebooks, each as the user writes it. Every expected string is what PyTorch 1.13
 * printed for the same program (run with Debian's python3-torch); numbers in comments are
 * PyTorch's too.
 */
class SeedNotebookTest {

    @Test
    void squareAtThree() {
        Tensor x = Tensor.scalar(3f).requiresGrad(true);
        assertEquals("tensor(3., requires_grad=True)", x.toString());
        Tensor y = x.pow(2f);
        assertEquals("tensor(9., grad_fn=<PowBackward0>)", y.toString());
        y.backward();
        assertEquals("tensor(6.)", x.grad().toString());
        assertEquals(6f, x.grad().item());
    }

    @Test
    void sinOfSquareAtFour() {
        Tensor x = Tensor.scalar(4f).requiresGrad(true);
        Tensor z = x.pow(2f).sin();
        assertEquals("tensor(-0.2879, grad_fn=<SinBackward0>)", z.toString());
        z.backward();
        assertEquals("tensor(-7.6613)", x.grad().toString());
        assertEquals(2 * 4 * Math.cos(16), x.grad().item(), 1e-5);  // dz/dx = 2x·cos(x²) = -7.661275842587077
    }

    @Test
    void logisticNeuronWithClampedBce() {
        Tensor w = Tensor.scalar(1f).requiresGrad(true), b = Tensor.scalar(0f).requiresGrad(true);
        Tensor x = Tensor.scalar(6.7f), y = Tensor.scalar(0f);
        Tensor z = w.mul(x).add(b);
        assertEquals("tensor(6.7000, grad_fn=<AddBackward0>)", z.toString());
        Tensor p = z.sigmoid();
        assertEquals("tensor(0.9988, grad_fn=<SigmoidBackward0>)", p.toString());
        Tensor pc = p.clamp(1e-8f, 1 - 1e-8f);
        assertEquals("tensor(0.9988, grad_fn=<ClampBackward1>)", pc.toString());
        // loss = -(y·log p + (1 - y)·log(1 - p))
        Tensor loss = y.mul(pc.log()).add(y.rsub(1f).mul(pc.rsub(1f).log())).neg();
        assertEquals("tensor(6.7012, grad_fn=<NegBackward0>)", loss.toString());
        loss.backward();
        assertEquals("tensor(6.6918)", w.grad().toString());
        assertEquals("tensor(0.9988)", b.grad().toString());

        // the chain rule by hand: dL/dp = -y/p + (1-y)/(1-p), dp/dz = p(1-p), dz/dw = x, dz/db = 1
        float pv = p.item(), yv = 0f, xv = 6.7f;
        float dLdp = -(yv / pv) + (1 - yv) / (1 - pv), dpdz = pv * (1 - pv);
        assertEquals("tensor(813.3619)", Tensor.scalar(dLdp).toString());
        assertEquals("tensor(0.0012)", Tensor.scalar(dpdz).toString());
        assertEquals("tensor(6.6918)", Tensor.scalar(dLdp * dpdz * xv).toString());
        assertEquals("tensor(0.9988)", Tensor.scalar(dLdp * dpdz).toString());
        assertEquals(dLdp * dpdz * xv, w.grad().item(), 1e-3);
        assertEquals(dLdp * dpdz, b.grad().item(), 1e-4);
    }

    @Test
    void meanOfSquares() {
        Tensor x = Tensor.of(1f, 2f, 3f).requiresGrad(true);
        assertEquals("tensor([1., 2., 3.], requires_grad=True)", x.toString());
        Tensor y = x.pow(2f).mean();
        assertEquals("tensor(4.6667, grad_fn=<MeanBackward0>)", y.toString());
        y.backward();
        assertEquals("tensor([0.6667, 1.3333, 2.0000])", x.grad().toString());
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        Tensor x = Tensor.scalar(3f).requiresGrad(true);
        x.pow(2f).backward();
        assertEquals("tensor(6.)", x.grad().toString());
        Tensor first = x.grad();
        x.pow(2f).backward();
        assertEquals("tensor(12.)", x.grad().toString());
        assertSame(first, x.grad(), "PyTorch accumulates into the same grad tensor");
        assertEquals("tensor(0.)", x.grad().zero().toString());
        assertEquals("tensor(0.)", x.grad().toString());
        x.pow(2f).backward();
        assertEquals("tensor(6.)", x.grad().toString());
    }

    @Test
    void threeWaysToStopTracking() {
        Tensor x = Tensor.scalar(3f).requiresGrad(true);
        Tensor y = x.mul(2f);
        assertEquals("tensor(6., grad_fn=<MulBackward0>)", y.toString());

        // 1. detach(): the same value, no history
        Tensor d = x.detach();
        assertEquals("tensor(3.)", d.toString());
        assertEquals("tensor(6.)", d.mul(2f).toString());
        assertFalse(d.requiresGrad());

        // 2. Grad.noGrad(): nothing recorded inside the scope
        Tensor n;
        try (var g = Grad.noGrad()) {
            n = x.mul(2f);
        }
        assertEquals("tensor(6.)", n.toString());
        assertFalse(n.requiresGrad());
        assertTrue(x.mul(2f).requiresGrad(), "recording resumes after the scope");

        // 3. requiresGrad(false) on the leaf
        x.requiresGrad(false);
        assertEquals("tensor(3.)", x.toString());
        assertEquals("tensor(6.)", x.mul(2f).toString());

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> x.mul(2f).backward());
        assertTrue(e.getMessage().contains("element 0 of tensors does not require grad and does not have a grad_fn"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> y.requiresGrad(false));
        assertTrue(e.getMessage().contains("you can only change requires_grad flags of leaf variables. If you want to use a computed"
                + " variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."), e.getMessage());
        assertNull(x.grad());
    }

    @Test
    void matricesPrintOnePerLine() {
        Tensor m = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).requiresGrad(true);
        assertEquals("tensor([[1., 2.],\n        [3., 4.]], requires_grad=True)", m.toString());
        assertEquals("tensor([[1., 2.],\n        [3., 4.]], grad_fn=<MmBackward0>)",
                m.matmul(Tensor.of(new float[] {1, 0, 0, 1}, 2, 2)).toString());
    }

    /**
     * The seed's last notebook: {@code x = torch.tensor(10., dtype=torch.float16, requires_grad=True)},
     * {@code y = x**2}, {@code y.backward()}. PyTorch 1.13 printed the three strings below.
     */
    @Test
    void squareAtTenInFloat16() {
        Tensor x = Tensor.full(10, DType.F16).requiresGrad(true);
        assertEquals("tensor(10., dtype=torch.float16, requires_grad=True)", x.toString());
        Tensor y = x.pow(2);
        assertEquals("tensor(100., dtype=torch.float16, grad_fn=<PowBackward0>)", y.toString());
        assertEquals(DType.F16, y.dtype());
        y.backward();
        assertEquals("tensor(20., dtype=torch.float16)", x.grad().toString());
        assertEquals(DType.F16, x.grad().dtype());
        assertEquals(20f, x.grad().item());
        // compiled functions run in F32 or F64: the same function over an F16 input is refused, naming F32
        String m = assertThrows(IllegalArgumentException.class, () -> Grad.compile(t -> t.pow(2), Arg.like(x))).getMessage();
        assertTrue(m.contains("F16") && m.contains("F32") && m.contains("to(DType.F32)"), m);
        assertEquals(20f, Grad.compile(t -> t.pow(2)).valueAndGrad(new float[][] {{10f}}, new float[][] {new float[1]}) / 5,
                "in F32 as the message suggests: 100");
    }
}
