package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Grad.grad and Grad.vjp (eager and traced), their errors, Grad.check, and the warning for a
 * captured tensor that requires a gradient.
 */
class GradApiTest {

    static IllegalArgumentException rejects(Executable call, String... words) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String w : words) assertTrue(e.getMessage().contains(w), "message '" + e.getMessage() + "' lacks '" + w + "'");
        return e;
    }

    // ---------------------------------------------------------------- eager

    @Test
    void eagerGradAndVjpMatchBackwardAndTouchNoGrad() {
        Tensor w = Tensor.of(0.5, -1.0, 2.0).requiresGrad(true), b = Tensor.scalar(0.25).requiresGrad(true);
        Tensor x = Tensor.of(1.0, 2.0, 3.0);
        Tensor y = w.mul(x).add(b).tanh();          // a tensor output
        Tensor seed = Tensor.of(1.0, -2.0, 0.5);
        Tensor[] g = Grad.vjp(y, seed, w, b);
        assertNull(w.grad());
        assertNull(b.grad());
        y.backward(seed);
        assertArrayEquals(w.grad().toDoubleArray(), g[0].toDoubleArray(), 0.0, "the same VJP rules as backward");
        assertArrayEquals(b.grad().toDoubleArray(), g[1].toDoubleArray(), 0.0);
        // grad of a scalar; an intermediate as wrt, and the output itself
        Tensor w2 = Tensor.of(0.5, -1.0, 2.0).requiresGrad(true);
        Tensor z = w2.mul(x);
        Tensor s = z.sin().sum();
        Tensor[] dz = Grad.grad(s, z, w2, s);
        for (int i = 0; i < 3; i++) {
            double zi = 0.5 * (i == 0 ? 1 : 0) + (i == 1 ? -2.0 : 0) + (i == 2 ? 6.0 : 0);
            assertEquals(Math.cos(zi), dz[0].toDoubleArray()[i], 1e-15);
            assertEquals(Math.cos(zi) * x.toDoubleArray()[i], dz[1].toDoubleArray()[i], 1e-15);
        }
        assertEquals(1.0, dz[2].doubleItem());
        assertTrue(dz[1].requiresGrad(), "results carry history (create_graph)");
        // the graph is kept: backward still works after Grad.grad
        s.backward();
        assertArrayEquals(dz[1].toDoubleArray(), w2.grad().toDoubleArray(), 0.0);
    }

    @Test
    void eagerErrors() {
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true), c = Tensor.of(3.0, 4.0);
        Tensor y = x.mul(x);
        rejects(() -> Grad.grad(y, x), "grad can be implicitly created only for scalar outputs", "[2]", "Grad.vjp");
        Tensor s = y.sum();
        rejects(() -> Grad.grad(s, c), "One of the differentiated Tensors does not require grad");
        Tensor unused = Tensor.scalar(1.0).requiresGrad(true);
        rejects(() -> Grad.grad(s, x, unused), "appears to not have been used in the graph", "wrt[1]");
        rejects(() -> Grad.grad(c.sum(), x), "does not require grad and does not have a grad_fn");
        rejects(() -> Grad.vjp(y, Tensor.of(1.0, 2.0, 3.0), x), "shape [3]", "[2]");
        rejects(() -> Grad.vjp(y, null, x), "seed is null");
        rejects(() -> Grad.grad(s), "wrt is empty");
        rejects(() -> Grad.grad(s, (Tensor) null), "wrt[0] is null");
        rejects(() -> Grad.grad(null, x), "output is null");
        // a traced wrt for an eager output
        Grad.compile((Fn1) t -> {
            rejects(() -> Grad.grad(s, t), "wrt[0] is traced", "eager");
            return t.sum();
        }, Arg.of(2));
        // through a freed graph: PyTorch's words
        Tensor e = x.exp().sum();
        e.backward();
        IllegalStateException freed = assertThrows(IllegalStateException.class, () -> Grad.grad(e, x));
        assertTrue(freed.getMessage().contains("backward through the graph a second time"), freed.getMessage());
    }

    @Test
    void vjpWithASeedThatRequiresGrad() {
        // d/dw <J^T w, u> = J u: the double-vjp trick eagerly
        Tensor x = Tensor.of(0.3, 0.7).requiresGrad(true);
        Tensor y = x.sin();
        Tensor w = Tensor.zeros(DType.F64, 2).requiresGrad(true);
        Tensor jtw = Grad.vjp(y, w, x)[0];
        Tensor ju = Grad.grad(jtw.mul(Tensor.of(2.0, -1.0)).sum(), w)[0];
        assertEquals(2 * Math.cos(0.3), ju.toDoubleArray()[0], 1e-15);
        assertEquals(-Math.cos(0.7), ju.toDoubleArray()[1], 1e-15);
    }

    // ---------------------------------------------------------------- traced

    @Test
    void tracedGradCanBeReturnedAndDifferentiatedAgain() {
        // f(x, y) = sum(x² y) with y noGrad: the compiled function returns d/dy (any traced value may be a wrt)
        Compiled dy = Grad.compile((Fn2) (x, y) -> Grad.grad(x.square().mul(y).sum(), y)[0], Arg.of(3).dtype(DType.F64), Arg.of(3).dtype(DType.F64).noGrad());
        double[] out = new double[3];
        dy.forward(new double[][] {{1, 2, 3}, {5, 6, 7}}, out);
        assertArrayEquals(new double[] {1, 4, 9}, out, 0.0);
        // with respect to an intermediate value, and one the output does not depend on (zeros)
        Compiled mid = Grad.compile((Fn1) x -> {
            Tensor h = x.exp();
            Tensor unrelated = x.cos();
            Tensor[] g = Grad.grad(h.sum().mul(3.0), h, unrelated);
            return g[0].add(g[1]);
        }, Arg.of(2).dtype(DType.F64));
        mid.forward(new double[][] {{0.1, 0.2}}, out = new double[2]);
        assertArrayEquals(new double[] {3, 3}, out, 0.0);
        // Newton step x - f'/f'' for f = x^4 - x, traced: the result is differentiable again (valueAndGrad)
        Compiled newton = Grad.compile((Fn1) x -> {
            Tensor f = x.pow(4.0).sub(x);
            Tensor d1 = Grad.grad(f, x)[0];
            Tensor d2 = Grad.grad(d1, x)[0];
            return x.sub(d1.div(d2));
        }, Arg.scalar().dtype(DType.F64));
        double x0 = 1.3, d1 = 4 * Math.pow(x0, 3) - 1, d2 = 12 * x0 * x0;
        double[][] g = {new double[1]};
        assertEquals(x0 - d1 / d2, newton.valueAndGrad(new double[][] {{x0}}, g), 1e-15);
        // d/dx (x - (4x³-1)/(12x²)) = 1 - (12x²·12x² - (4x³-1)·24x)/(144x⁴)
        assertEquals(1 - (144 * Math.pow(x0, 4) - (4 * Math.pow(x0, 3) - 1) * 24 * x0) / (144 * Math.pow(x0, 4)), g[0][0], 1e-14);
    }

    @Test
    void tracedErrors() {
        Tensor eager = Tensor.of(1.0, 2.0).requiresGrad(true);
        Grad.compile((Fn2) (x, y) -> {
            Tensor s = x.mul(y).sum();
            rejects(() -> Grad.grad(x.mul(y), x), "only for scalar outputs");
            rejects(() -> Grad.grad(s, eager), "wrt[0]", "eager tensor", "Arg");
            rejects(() -> Grad.vjp(x.mul(y), Tensor.of(1.0), x), "shape [1]");
            rejects(() -> Grad.grad(s, x.to(DType.BOOL)), "BOOL");
            return s;
        }, Arg.of(2), Arg.of(2));
        Tensor[] leaked = new Tensor[1];
        Grad.compile((Fn1) x -> leaked[0] = x.sum(), Arg.of(2));
        Grad.compile((Fn1) x -> {
            rejects(() -> Grad.grad(x.sum(), leaked[0]), "another Grad.compile");
            return x.sum();
        }, Arg.of(2));
        assertThrows(IllegalStateException.class, () -> Grad.grad(leaked[0], leaked[0]));
    }

    // ---------------------------------------------------------------- Grad.check

    @Test
    void checkPassesOnSmoothFunctions() {
        Tensor w = Tensor.of(new float[] {0.5f, -0.25f, 1f, 0.75f, -1f, 0.2f}, 3, 2), x = Tensor.of(0.3f, -0.6f, 0.9f);
        Grad.check(in -> in[1].matmul(in[0]).tanh().square().mean(), w, x);
        Grad.check(in -> in[0].sigmoid().mul(in[1].softplus().sum()), Tensor.of(0.1, 0.2), Tensor.of(-0.3, 0.4, 0.5));   // tensor output
        // only the tensors that require a gradient are differentiated when some do
        Grad.check(in -> in[0].mul(in[1].relu()).sum(), Tensor.of(0.5, 1.5).requiresGrad(true), Tensor.of(0.0, -1.0));
    }

    @Test
    void checkFailsNamingInputElementValuesAndTolerance() {
        // relu at 0: the gradient is 0 (PyTorch's choice), central differences see 1/2
        AssertionError e = assertThrows(AssertionError.class, () -> Grad.check(in -> in[0].relu().sum(), Tensor.of(1.0, 0.0, 2.0)));
        assertTrue(e.getMessage().contains("input 0") && e.getMessage().contains("element 1") && e.getMessage().contains("tolerance")
                && e.getMessage().contains("finite differences 0.5"), e.getMessage());
        // a function that computes differently eagerly and traced: eager and compiled disagree
        int[] calls = {0};
        AssertionError d = assertThrows(AssertionError.class, () -> Grad.check(in -> in[0].mul(++calls[0] == 1 ? 2.0 : 3.0).sum(), Tensor.of(1.0, 2.0)));
        assertTrue(d.getMessage().contains("eager") && d.getMessage().contains("compiled") && d.getMessage().contains("tolerance"), d.getMessage());
        rejects(() -> Grad.check(in -> in[0].sum(), Tensor.of(1.0).to(DType.BOOL)), "BOOL");
        rejects(() -> Grad.check(null, Tensor.of(1.0)), "function is null");
        rejects(() -> Grad.check(in -> in[0].sum().to(DType.F32), Tensor.of(1.0)), "F64");
    }

    // ---------------------------------------------------------------- the capture warning

    @Test
    void capturingATensorThatRequiresGradWarnsOncePerCompile() {
        Logger logger = Logger.getLogger("io.jgrad.Grad");
        List<LogRecord> records = new ArrayList<>();
        Handler h = new Handler() {
            @Override public void publish(LogRecord r) { records.add(r); }
            @Override public void flush() { }
            @Override public void close() { }
        };
        logger.addHandler(h);
        try {
            Tensor weights = Tensor.of(1f, 2f, 3f).requiresGrad(true);
            Tensor other = Tensor.of(4f, 5f, 6f).requiresGrad(true);
            Grad.compile((Fn1) x -> x.mul(weights).add(weights).mul(other).sum(), Arg.of(3));
            assertEquals(1, records.size(), "one warning per compile");
            LogRecord r = records.get(0);
            assertEquals(Level.WARNING, r.getLevel());
            String m = r.getMessage();
            assertTrue(m.contains("f32[3]") && m.contains("pass it as an Arg to differentiate it, or detach() it to silence this")
                    && m.contains("2 eager tensors") && m.contains("GradApiTest"), m);
            records.clear();
            Grad.compile((Fn1) x -> x.mul(weights.detach()).sum(), Arg.of(3));
            Grad.compile((Fn1) x -> x.mul(Tensor.of(1f, 2f, 3f)).sum(), Arg.of(3));
            assertTrue(records.isEmpty(), "no warning for detached or constant tensors: " + records.size());
        } finally {
            logger.removeHandler(h);
        }
        assertFalse(false);
    }
}
