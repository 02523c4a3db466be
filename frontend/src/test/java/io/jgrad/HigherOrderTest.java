package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Grad of grad of grad on scalar functions with closed forms (sin, exp, tanh, x^p): eagerly in
 * F64 and F32 (Grad.grad with history), and compiled in F64, where the third derivative is
 * computed by nested Grad.grad inside Grad.compile and valueAndGrad then gives the fourth.
 */
class HigherOrderTest {

    /** f and its first four derivatives, written out by hand. */
    record Closed(String name, UnaryOperator<Tensor> f, DoubleUnaryOperator d1, DoubleUnaryOperator d2, DoubleUnaryOperator d3,
                  DoubleUnaryOperator d4, double[] at) {}

    static double tanhD1(double x) { double t = Math.tanh(x); return 1 - t * t; }
    static double tanhD2(double x) { double t = Math.tanh(x); return -2 * t * (1 - t * t); }
    static double tanhD3(double x) { double t = Math.tanh(x); return -2 * (1 - t * t) * (1 - 3 * t * t); }
    // d/dx of -2(1 - t²)(1 - 3t²) = -2(1 - 4t² + 3t⁴): -2(-8t + 12t³)·t' = (16t - 24t³)(1 - t²)
    static double tanhD4(double x) { double t = Math.tanh(x); return (16 * t - 24 * t * t * t) * (1 - t * t); }

    static Closed pow(double p) {
        return new Closed("x^" + p, x -> x.pow(p), x -> p * Math.pow(x, p - 1), x -> p * (p - 1) * Math.pow(x, p - 2),
                x -> p * (p - 1) * (p - 2) * Math.pow(x, p - 3), x -> p * (p - 1) * (p - 2) * (p - 3) * Math.pow(x, p - 4),
                new double[] {0.7, 1.3, 2.5});
    }

    static final Closed[] FUNCTIONS = {
        new Closed("sin", Tensor::sin, Math::cos, x -> -Math.sin(x), x -> -Math.cos(x), Math::sin, new double[] {-1.2, 0.3, 2.0}),
        new Closed("exp", Tensor::exp, Math::exp, Math::exp, Math::exp, Math::exp, new double[] {-1.5, 0.0, 1.7}),
        new Closed("tanh", Tensor::tanh, HigherOrderTest::tanhD1, HigherOrderTest::tanhD2, HigherOrderTest::tanhD3, HigherOrderTest::tanhD4,
                new double[] {-0.8, 0.25, 1.1}),
        pow(3.5), pow(-1.5), pow(2), pow(3),
    };

    @Test
    void eagerF64GradOfGradOfGrad() {
        for (Closed c : FUNCTIONS) {
            for (double at : c.at()) {
                Tensor x = Tensor.scalar(at).requiresGrad(true);
                Tensor y = c.f().apply(x);
                Tensor d1 = Grad.grad(y, x)[0];
                assertTrue(d1.requiresGrad(), c.name() + ": a gradient carries history while grad mode is on");
                Tensor d2 = Grad.grad(d1, x)[0];
                check(c.name() + "' at " + at, c.d1().applyAsDouble(at), d1.doubleItem(), 1e-14);
                check(c.name() + "'' at " + at, c.d2().applyAsDouble(at), d2.doubleItem(), 1e-14);
                if (c.d3().applyAsDouble(at) == 0 && !d2.requiresGrad()) continue;   // x²: the second derivative is a constant
                Tensor d3 = Grad.grad(d2, x)[0];
                check(c.name() + "''' at " + at, c.d3().applyAsDouble(at), d3.doubleItem(), 1e-14);
                assertNull(x.grad(), "Grad.grad touches no grad()");
            }
        }
    }

    @Test
    void eagerF32GradOfGradOfGrad() {
        for (Closed c : FUNCTIONS) {
            for (double at : c.at()) {
                float xf = (float) at;
                Tensor x = Tensor.scalar(xf).requiresGrad(true);
                Tensor d1 = Grad.grad(c.f().apply(x), x)[0];
                Tensor d2 = Grad.grad(d1, x)[0];
                assertEquals(DType.F32, d2.dtype());
                check(c.name() + "' at " + xf + " (f32)", c.d1().applyAsDouble(xf), d1.item(), 1e-5);
                check(c.name() + "'' at " + xf + " (f32)", c.d2().applyAsDouble(xf), d2.item(), 1e-5);
                if (!d2.requiresGrad()) continue;
                check(c.name() + "''' at " + xf + " (f32)", c.d3().applyAsDouble(xf), Grad.grad(d2, x)[0].item(), 1e-5);
            }
        }
    }

    @Test
    void compiledThirdDerivativeByNestedGradAndItsGradient() {
        for (Closed c : FUNCTIONS) {
            Compiled third = Grad.compile((Fn1) x -> {
                Tensor d1 = Grad.grad(c.f().apply(x), x)[0];
                Tensor d2 = Grad.grad(d1, x)[0];
                return Grad.grad(d2, x)[0];
            }, Arg.scalar().dtype(DType.F64));
            Compiled second = Grad.compile((Fn1) x -> Grad.grad(Grad.grad(c.f().apply(x), x)[0], x)[0], Arg.scalar().dtype(DType.F64));
            for (double at : c.at()) {
                double[][] in = {{at}};
                check(c.name() + "'' compiled at " + at, c.d2().applyAsDouble(at), second.value(in), 1e-14);
                double[][] g = {new double[1]};
                double v = third.valueAndGrad(in, g);
                check(c.name() + "''' compiled at " + at, c.d3().applyAsDouble(at), v, 1e-14);
                check(c.name() + "'''' compiled at " + at, c.d4().applyAsDouble(at), g[0][0], 1e-13);
                // and the compiled HVP of f'' is f''''·v
                double[][] hv = {new double[1]};
                second.hvp(in, new double[][] {{0.5}}, hv);
                check(c.name() + "'''' (hvp of f'') at " + at, 0.5 * c.d4().applyAsDouble(at), hv[0][0], 1e-13);
            }
        }
    }

    @Test
    void noGradScopeGivesGradientsWithoutHistory() {
        Tensor x = Tensor.scalar(0.5).requiresGrad(true);
        Tensor y = x.sin().mul(x);
        Tensor d;
        try (var g = Grad.noGrad()) {
            d = Grad.grad(y, x)[0];
        }
        assertFalse(d.requiresGrad());
        check("d(x sin x)", Math.sin(0.5) + 0.5 * Math.cos(0.5), d.doubleItem(), 1e-15);
    }

    private static void check(String what, double expected, double got, double rel) {
        double tol = rel * (1 + Math.abs(expected));
        if (!(Math.abs(got - expected) <= tol)) throw new AssertionError(what + ": expected " + expected + ", got " + got + " (tolerance " + tol + ")");
    }
}
