package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Grad.compile and dtypes (API.md, "Compiled, version 2"): an F64 function traced from
 * {@code Arg.dtype(F64)} or {@code Arg.like} computes what the eager engine computes in F64, and
 * every refusal comes before anything is generated, naming what was wrong and the way out.
 */
class CompileDTypeTest {

    private static String fails(Executable call) {
        return assertThrows(IllegalArgumentException.class, call).getMessage();
    }

    private static void contains(String message, String... parts) {
        for (String p : parts) assertTrue(message.contains(p), "message lacks \"" + p + "\": " + message);
    }

    /** The seed neuron with double constants (1e-8 and 1 - 1e-8 are not floats). */
    private static Tensor neuron(Tensor w, Tensor b, Tensor x, Tensor y) {
        Tensor p = w.mul(x).add(b).sigmoid().clamp(1e-8, 1 - 1e-8);
        return y.mul(p.log()).add(y.rsub(1.0).mul(p.rsub(1.0).log())).neg();
    }

    @Test
    void anF64FunctionComputesWhatTheEagerEngineComputesInF64() {
        Compiled f = Grad.compile(CompileDTypeTest::neuron, Arg.scalar().dtype(DType.F64).named("w"),
                Arg.like(Tensor.scalar(0.0)).named("b"), Arg.scalar().dtype(DType.F64).noGrad().named("x"),
                Arg.scalar().dtype(DType.F64).noGrad().named("y"));
        assertEquals(DType.F64, f.dtype());
        double[][] in = {{0.7}, {-0.1}, {2.5}, {1.0}};
        double[][] grads = {new double[1], new double[1], null, null};
        double v = f.valueAndGrad(in, grads);

        Tensor w = Tensor.scalar(0.7).requiresGrad(true), b = Tensor.scalar(-0.1).requiresGrad(true);
        Tensor loss = neuron(w, b, Tensor.scalar(2.5), Tensor.scalar(1.0));
        loss.backward();
        assertEquals(DType.F64, loss.dtype());
        // the same double arithmetic op for op: equal to the last bit on scalars
        assertEquals(loss.doubleItem(), v);
        assertEquals(w.grad().doubleItem(), grads[0][0]);
        assertEquals(b.grad().doubleItem(), grads[1][0]);
        // and in float64, not float32: the loss -log(sigmoid(1.65)) to 15 digits
        assertEquals(Math.log1p(Math.exp(-1.65)), v, 1e-15);
        String m = assertThrows(IllegalArgumentException.class, () -> f.value(new float[][] {{1}, {1}, {1}, {1}})).getMessage();
        contains(m, "value(double[][]");
    }

    @Test
    void mixedInputDtypesAreRefusedNamingBothInputs() {
        String m = fails(() -> Grad.compile((a, b) -> a.add(b), Arg.of(3).named("a"), Arg.of(3).dtype(DType.F64).named("b")));
        contains(m, "Grad.compile", "input 0 (a)", "F32", "input 1 (b)", "F64", "to(DType");
        m = fails(() -> Grad.compile((a, b) -> a.add(b), Arg.like(Tensor.zeros(DType.F64, 2)), Arg.of(2)));
        contains(m, "input 0", "F64", "input 1", "F32", "to(DType");
    }

    @Test
    void anOutputOfAnotherDtypeIsRefusedNamingBoth() {
        contains(fails(() -> Grad.compile(a -> a.to(DType.F64).sum(), Arg.of(3))), "returns F64", "inputs are F32", "to(DType.F32)");
        contains(fails(() -> Grad.compile(a -> a.to(DType.F32).sum(), Arg.of(3).dtype(DType.F64))), "returns F32", "inputs are F64");
        // a captured F64 tensor promotes an F32 computation to F64 (as in PyTorch): the output is F64
        Tensor weights = Tensor.of(1.0, 2.0, 3.0);
        contains(fails(() -> Grad.compile(a -> a.mul(weights).sum(), Arg.of(3))), "F64", "F32");
        // converted back inside the function, it compiles, in F32
        Compiled f = Grad.compile(a -> a.mul(weights).to(DType.F32).sum(), Arg.of(3));
        assertEquals(DType.F32, f.dtype());
        float[] g = new float[3];
        assertEquals(6f, f.valueAndGrad(new float[][] {{1, 1, 1}}, new float[][] {g}));
        assertArrayEquals(new float[] {1, 2, 3}, g);
    }

    @Test
    void float16AndBoolInputsAreRefusedNamingF32() {
        contains(fails(() -> Grad.compile(a -> a.sum(), Arg.of(3).dtype(DType.F16))), "input 0", "F16", "F32", "to(DType.F32)");
        contains(fails(() -> Grad.compile(a -> a.sum(), Arg.like(Tensor.ones(DType.F16, 2)).named("h"))), "input 0 (h)", "F16");
        contains(fails(() -> Grad.compile(a -> a.sum(), Arg.of(3).dtype(DType.BOOL))), "BOOL", "F32");
    }

    @Test
    void argDtypeSurvivesNamingAndNoGradInAnyOrder() {
        Compiled f = Grad.compile((a, b) -> a.mul(b).sum(), Arg.of(2).named("a").dtype(DType.F64), Arg.of(2).dtype(DType.F64).noGrad().named("b"));
        assertEquals(DType.F64, f.dtype());
        assertEquals("a", f.inputName(0));
        assertTrue(f.inputRequiresGrad(0));
        assertEquals(false, f.inputRequiresGrad(1));
        double[] g = new double[2];
        assertEquals(0.1 * 3 + 0.2 * 4, f.valueAndGrad(new double[][] {{0.1, 0.2}, {3, 4}}, new double[][] {g, null}), 1e-16);
        assertArrayEquals(new double[] {3, 4}, g);
    }
}
