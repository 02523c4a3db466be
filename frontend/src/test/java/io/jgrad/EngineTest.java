package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Autograd mechanics: graph depth and sharing, no-grad scopes, detach, leaves, and the tracing
 * seam. Expected strings are what PyTorch 1.13 printed for the same program.
 */
class EngineTest {

    @Test
    void aChainOfOneHundredThousandOpsDoesNotOverflowTheStack() {
        Tensor x = Tensor.scalar(1f).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 100_000; i++) y = i % 2 == 0 ? y.add(0.5f) : y.mul(1f);  // dy/dx = 1
        assertEquals(25_001f, y.item());
        y.backward();  // surefire runs with -Xss1m
        assertEquals(1f, x.grad().item());
    }

    @Test
    void sharedSubexpressionsAreVisitedOnceAfterAllTheirUses() {
        Tensor x = Tensor.scalar(1f).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 50; i++) y = y.add(y);  // y = 2^50 x, a DAG with 2^50 paths
        y.backward();
        assertEquals((float) Math.pow(2, 50), x.grad().item());
    }

    @Test
    void backwardFromALeafSeedsItsOwnGradient() {
        Tensor x = Tensor.scalar(2f).requiresGrad(true);
        x.backward();  // PyTorch: x.grad == tensor(1.)
        assertEquals("tensor(1.)", x.grad().toString());
    }

    @Test
    void transposeOfARowSharesItsData() {
        Tensor row = Tensor.of(new float[] {1f, 2f}, 1, 2);
        Tensor col = row.t();
        assertEquals("tensor([[1.],\n        [2.]])", col.toString());
        col.zero();  // a view, as in PyTorch
        assertArrayEquals(new float[] {0f, 0f}, row.toArray());
    }

    @Test
    void theSameOperandTwice() {
        Tensor x = Tensor.of(1f, 2f, 3f).requiresGrad(true);
        x.mul(x).sum().backward();  // d Σx² = 2x
        assertEquals("tensor([2., 4., 6.])", x.grad().toString());
    }

    @Test
    void nonLeafGradIsNullAndUnusedLeafGetsNone() {
        Tensor x = Tensor.scalar(2f).requiresGrad(true), unused = Tensor.scalar(5f).requiresGrad(true);
        Tensor y = x.mul(3f);
        Tensor z = y.exp();
        z.backward();
        assertNull(y.grad());
        assertNull(unused.grad());
        assertFalse(y.isLeaf());
        assertTrue(x.isLeaf());
        assertEquals(3 * (float) Math.exp(6), x.grad().item(), 1e-1);
    }

    @Test
    void leafThatStopsRequiringGradBeforeBackwardGetsNoGradient() {
        Tensor x = Tensor.scalar(2f).requiresGrad(true);  // PyTorch: x.grad stays None
        Tensor y = x.mul(x);
        x.requiresGrad(false);
        y.backward();
        assertNull(x.grad());
    }

    @Test
    void resultsOfTensorsThatNeedNoGradientAreLeaves() {
        Tensor r = Tensor.scalar(2f).mul(3f);
        assertTrue(r.isLeaf());
        assertFalse(r.requiresGrad());
        assertEquals("tensor(6., requires_grad=True)", r.requiresGrad(true).toString());
    }

    @Test
    void noGradScopesNestAndAreClosedInOrder() {
        Tensor x = Tensor.scalar(3f).requiresGrad(true);
        try (var outer = Grad.noGrad()) {
            try (var inner = Grad.noGrad()) {
                assertFalse(x.mul(2f).requiresGrad());
            }
            assertFalse(x.mul(2f).requiresGrad(), "still inside the outer scope");
            Tensor leafLike = x.exp();
            assertTrue(leafLike.isLeaf());
        }
        assertTrue(x.mul(2f).requiresGrad());
    }

    @Test
    void noGradIsPerThread() throws Exception {
        Tensor x = Tensor.scalar(3f).requiresGrad(true);
        boolean[] other = new boolean[1];
        try (var g = Grad.noGrad()) {
            Thread t = new Thread(() -> other[0] = x.mul(2f).requiresGrad());
            t.start();
            t.join();
        }
        assertTrue(other[0], "another thread records even while this one is in noGrad");
    }

    @Test
    void detachSharesDataButNotHistory() {
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        Tensor y = x.mul(2f);
        Tensor d = y.detach();
        assertTrue(d.isLeaf());
        assertFalse(d.requiresGrad());
        assertEquals("tensor([2., 4.])", d.toString());
        d.zero();  // shares y's data, like PyTorch's detach()
        assertArrayEquals(new float[] {0f, 0f}, y.toArray());
    }

    @Test
    void detachedResultDoesNotFeedGradientBack() {
        Tensor x = Tensor.scalar(2f).requiresGrad(true);
        Tensor y = x.mul(x).detach().mul(x);  // d/dx = x² (the detached x² is a constant)
        y.backward();
        assertEquals(4f, x.grad().item());
    }

    @Test
    void broadcastGradientsSumOverBroadcastAxes() {
        Tensor m = Tensor.ones(3, 4).requiresGrad(true), row = Tensor.of(1f, 2f, 3f, 4f).requiresGrad(true);
        Tensor col = Tensor.of(new float[] {1f, 2f, 3f}, 3, 1).requiresGrad(true), s = Tensor.scalar(2f).requiresGrad(true);
        m.mul(row).add(col).mul(s).sum().backward();
        assertEquals("tensor([6., 6., 6., 6.])", row.grad().toString());
        assertEquals("tensor([[8.],\n        [8.],\n        [8.]])", col.grad().toString());
        assertEquals("tensor(54.)", s.grad().toString());
    }

    @Test
    void kinksFollowPyTorch() {
        Tensor x = Tensor.of(0f, 1f, -1f).requiresGrad(true);
        x.relu().add(x.abs()).sum().backward();
        assertEquals("tensor([ 0.,  2., -1.])", x.grad().toString());
        Tensor c = Tensor.of(0f, 0.5f, 1f, 2f).requiresGrad(true);
        c.clamp(0f, 1f).sum().backward();
        assertEquals("tensor([1., 1., 1., 0.])", c.grad().toString());
        Tensor a = Tensor.of(1f, 2f).requiresGrad(true), b = Tensor.of(1f, 1f).requiresGrad(true);
        a.maximum(b).sum().backward();
        assertEquals("tensor([0.5000, 1.0000])", a.grad().toString());
        assertEquals("tensor([0.5000, 0.0000])", b.grad().toString());
        Tensor z = Tensor.of(0f, 4f).requiresGrad(true);
        z.pow(0f).sum().backward();
        assertEquals("tensor([0., 0.])", z.grad().toString());
        Tensor q = Tensor.of(0f, 4f).requiresGrad(true);
        q.sqrt().sum().backward();
        assertEquals("tensor([   inf, 0.2500])", q.grad().toString());
    }

    @Test
    void softmaxIsStableForLargeInputs() {
        Tensor x = Tensor.of(1000f, 1001f, 1002f);
        assertEquals("tensor([0.0900, 0.2447, 0.6652])", x.softmax(0).toString());
        assertEquals("tensor([-2.4076, -1.4076, -0.4076])", x.logSoftmax(0).toString());
    }

    @Test
    void softplusAboveTwentyIsTheIdentity() {
        Tensor x = Tensor.of(30f, 0f).requiresGrad(true);
        Tensor y = x.softplus();
        assertEquals(30f, y.toArray()[0]);
        assertEquals((float) Math.log(2), y.toArray()[1]);
        y.sum().backward();
        assertArrayEquals(new float[] {1f, 0.5f}, x.grad().toArray());
    }

    @Test
    void creationAndIntrospection() {
        assertEquals(0, Tensor.scalar(1f).dim());
        assertArrayEquals(new int[0], Tensor.scalar(1f).shape());
        Tensor f = Tensor.full(2.5f, 2, 3);
        assertEquals(6, f.size());
        assertEquals(2, f.dim());
        assertArrayEquals(new float[] {2.5f, 2.5f, 2.5f, 2.5f, 2.5f, 2.5f}, f.toArray());
        assertEquals("tensor([[1., 1., 1.],\n        [1., 1., 1.]])", Tensor.ones(2, 3).toString());
        assertEquals("tensor([], size=(0, 3))", Tensor.zeros(0, 3).toString());
        assertEquals("tensor(nan)", Tensor.zeros(0).mean().toString());
        assertEquals("tensor(0.)", Tensor.zeros(0).sum().toString());
        assertNull(Tensor.ones(2).grad());
    }

    // ------------------------------------------------------------------ the tracing seam

    @Test
    void tracedTensorsKnowTheirShapeButHaveNoValues() {
        Trace trace = new Trace();
        Tensor t = trace.tensor(trace.builder.input(0, "t", io.jgrad.ir.Type.f32(2, 3)));
        assertTrue(t.isTraced());
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertEquals(2, t.dim());
        assertEquals(6, t.size());
        assertTrue(t.toString().contains("traced"));
        List<Executable> needValues = List.of(t::item, t::toArray, t::backward, () -> t.backward(Tensor.ones(2, 3)), t::grad,
                () -> t.requiresGrad(true), t::requiresGrad, t::zero, t::isLeaf);
        for (Executable e : needValues) {
            String m = assertThrows(IllegalStateException.class, e).getMessage();
            assertTrue(m.contains("Grad.compile") && m.contains("values do not exist while a function is being traced"), m);
        }
        assertFalse(Tensor.ones(2).toString().contains("traced"));
        assertThrows(IllegalStateException.class, () -> Tensor.ones(2, 3).requiresGrad(true).sum().backward(t));
    }

    @Test
    void everyOpOfATracedOrMixedOperandGoesToTraceOps() {
        Trace trace = new Trace();
        Tensor t = trace.tensor(trace.builder.input(0, "t", io.jgrad.ir.Type.f32(2, 2)));
        Tensor e = Tensor.ones(2, 2);
        List<Consumer<Tensor[]>> binary = List.of(p -> p[0].add(p[1]), p -> p[0].sub(p[1]), p -> p[0].mul(p[1]), p -> p[0].div(p[1]),
                p -> p[0].maximum(p[1]), p -> p[0].minimum(p[1]), p -> p[0].matmul(p[1]));
        for (Consumer<Tensor[]> op : binary) {
            for (Tensor[] pair : new Tensor[][] {{t, t}, {t, e}, {e, t}}) {
                int before = trace.builder.size();
                op.accept(pair);
                assertTrue(trace.builder.size() > before, "the op was recorded in the trace");
            }
        }
        Tensor v = trace.tensor(trace.builder.input(1, "v", io.jgrad.ir.Type.f32(2)));
        for (Tensor[] pair : new Tensor[][] {{v, v}, {v, Tensor.ones(2)}, {Tensor.ones(2), v}}) {
            assertTrue(pair[0].dot(pair[1]).isTraced());
        }
        List<Consumer<Tensor>> unary = List.of(a -> a.add(1f), a -> a.sub(1f), a -> a.rsub(1f), a -> a.mul(2f), a -> a.div(2f),
                a -> a.rdiv(2f), a -> a.pow(2f), Tensor::neg, Tensor::exp, Tensor::log, Tensor::log1p, Tensor::sin, Tensor::cos,
                Tensor::tanh, Tensor::sigmoid, Tensor::relu, Tensor::softplus, Tensor::sqrt, Tensor::abs, Tensor::square,
                a -> a.clamp(0f, 1f), Tensor::sum, Tensor::mean, a -> a.sum(0), a -> a.mean(1), Tensor::t, a -> a.reshape(4),
                a -> a.softmax(0), a -> a.logSoftmax(1), Tensor::detach);
        for (Consumer<Tensor> op : unary) {
            int before = trace.builder.size();
            op.accept(t);
            assertTrue(trace.builder.size() > before, "the op was recorded in the trace");
            assertNotNull(e.requiresGrad(false));
        }
    }
}
