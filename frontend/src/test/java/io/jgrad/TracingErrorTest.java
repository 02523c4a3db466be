package io.jgrad;

import io.jgrad.ir.Interpreter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a traced tensor refuses to do, and how the tracer reports a user's mistakes. */
class TracingErrorTest {

    private static void assertNoValueError(java.util.function.Consumer<Tensor> misuse, String call) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Tracer.lower(in -> { misuse.accept(in[0]); return in[0]; }, new Arg[] {Arg.of(3)}));
        assertTrue(e.getMessage().startsWith(call), e.getMessage());
        assertTrue(e.getMessage().contains("values do not exist while a function is being traced"), e.getMessage());
        assertTrue(e.getMessage().contains("TracingErrorTest.java:"), "names the user's line: " + e.getMessage());
    }

    @Test
    void askingATracedTensorForValuesExplainsWhy() {
        assertNoValueError(t -> t.sum().item(), "item()");
        assertNoValueError(Tensor::toArray, "toArray()");
        assertNoValueError(t -> t.sum().backward(), "backward()");
        assertNoValueError(t -> t.backward(Tensor.ones(3)), "backward(gradient)");
        assertNoValueError(Tensor::grad, "grad()");
        assertNoValueError(Tensor::zero, "zero()");
        assertNoValueError(t -> t.requiresGrad(true), "requiresGrad(true)");
    }

    @Test
    void aTracedTensorUsedAfterCompileReturnedIsRejected() {
        AtomicReference<Tensor> leaked = new AtomicReference<>();
        Tracer.lower(in -> { leaked.set(in[0]); return in[0].mul(2f); }, new Arg[] {Arg.of(2)});
        Tensor t = leaked.get();
        assertArrayEquals(new int[] {2}, t.shape(), "its shape is still known");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.add(1f));
        assertTrue(e.getMessage().contains("Grad.compile call that has returned"), e.getMessage());
        IllegalStateException e2 = assertThrows(IllegalStateException.class, () -> t.add(Tensor.ones(2)));
        assertTrue(e2.getMessage().contains("has returned"), e2.getMessage());
        IllegalStateException e3 = assertThrows(IllegalStateException.class, t::toArray);
        assertTrue(e3.getMessage().startsWith("toArray(): this tensor (shape [2]) was traced by a Grad.compile call that has returned"), e3.getMessage());
    }

    @Test
    void shapeErrorsNameTheOpTheShapesAndTheUsersLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tracer.lower(in -> in[0].add(in[1]), new Arg[] {Arg.of(3, 4), Arg.of(5)}));
        String m = e.getMessage();
        assertTrue(m.startsWith("add: shapes [3, 4] and [5] cannot be broadcast"), m);
        assertTrue(m.contains("TracingErrorTest.java:"), m);

        // the same words as the eager engine, which has no source line to add
        IllegalArgumentException eager = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3, 4).add(Tensor.zeros(5)));
        assertTrue(m.startsWith(eager.getMessage()), m + " vs " + eager.getMessage());

        assertMessage(() -> Tracer.lower(in -> in[0].matmul(in[1]), new Arg[] {Arg.of(2, 3), Arg.of(4, 2)}), "matmul: shapes [2, 3] and [4, 2]");
        assertMessage(() -> Tracer.lower(in -> in[0].sum(2), new Arg[] {Arg.of(2, 3)}), "sum: axis 2 is out of range for shape [2, 3]");
        assertMessage(() -> Tracer.lower(in -> in[0].reshape(4, 2), new Arg[] {Arg.of(2, 3)}), "reshape:");
        assertMessage(() -> Tracer.lower(in -> in[0].dot(in[1]), new Arg[] {Arg.of(2), Arg.of(3)}), "dot: shapes [2] and [3]");
        assertMessage(() -> Tracer.lower(in -> in[0].softmax(-3), new Arg[] {Arg.of(2, 3)}), "softmax: axis -3");
    }

    private static void assertMessage(Executable call, String start) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
        assertTrue(e.getMessage().contains("TracingErrorTest.java:"), e.getMessage());
    }

    @Test
    void capturedEagerTensorsBecomeConstantsWithTheirValuesAtCompileTime() {
        Tensor bias = Tensor.of(1f, 2f, 3f);
        Tracer.Lowered l = Tracer.lower(in -> in[0].add(bias).mul(bias), new Arg[] {Arg.of(3)});
        bias.zero();   // changing the captured tensor later does not change the compiled function
        float[] y = Interpreter.run(l.forward, new float[][] {{1f, 1f, 1f}})[0];
        assertArrayEquals(new float[] {2f, 6f, 12f}, y);
        assertTrue(l.traced.nodes().stream().filter(n -> n.prim() == io.jgrad.ir.Prim.CONST).count() == 1,
                "one constant for one captured tensor used twice");
    }

    @Test
    void badFunctionsAndArgs() {
        assertMessageContains(IllegalArgumentException.class, () -> Tracer.lower(in -> null, new Arg[] {Arg.scalar()}), "returned null");
        assertMessageContains(IllegalArgumentException.class,
                () -> Tracer.lower(in -> in[0], new Arg[] {Arg.scalar().named("a"), Arg.scalar().named("a")}), "named 'a'");
        AtomicReference<Tensor> other = new AtomicReference<>();
        // an inner trace's tensor is closed by the time the outer function can use it
        assertMessageContains(IllegalStateException.class, () -> Tracer.lower(in -> {
            Tracer.lower(inner -> { other.set(inner[0]); return inner[0]; }, new Arg[] {Arg.scalar()});
            return in[0].add(other.get());
        }, new Arg[] {Arg.scalar()}), "has returned");
    }

    @Test
    void aFunctionThatIgnoresItsInputsCompilesToAConstant() {
        Tracer.Lowered l = Tracer.lower(in -> Tensor.scalar(4f), new Arg[] {Arg.scalar()});
        float[][] out = Interpreter.run(l.valueAndGrad, new float[][] {{1f}});
        assertEquals(4f, out[0][0]);
        assertEquals(0f, out[1][0], "the gradient of a constant is zero");
    }

    private static void assertMessageContains(Class<? extends RuntimeException> type, Executable call, String part) {
        RuntimeException e;
        try {
            call.execute();
            throw new AssertionError("expected " + type.getSimpleName());
        } catch (Throwable t) {
            if (!type.isInstance(t)) throw new AssertionError("expected " + type.getSimpleName() + ", got " + t, t);
            e = (RuntimeException) t;
        }
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void aNoGradScopeInsideTheTracedFunctionStopsGradientsAsEagerly() {
        // eager: y = x * (2x computed under noGrad) -> dy/dx = 2x only through the first factor
        Tensor x = Tensor.scalar(3f).requiresGrad(true);
        Tensor twice;
        try (var g = Grad.noGrad()) { twice = x.mul(2f); }
        x.mul(twice).backward();
        float eager = x.grad().item();
        assertEquals(6f, eager);

        Tracer.Lowered l = Tracer.lower(in -> {
            Tensor t;
            try (var g = Grad.noGrad()) { t = in[0].mul(2f); }
            return in[0].mul(t);
        }, new Arg[] {Arg.scalar()});
        assertEquals(eager, Interpreter.run(l.valueAndGrad, new float[][] {{3f}})[1][0]);

        // compiling from inside a scope that was already open still differentiates
        try (var g = Grad.noGrad()) {
            Tracer.Lowered inside = Tracer.lower(in -> in[0].mul(in[0]), new Arg[] {Arg.scalar()});
            assertEquals(6f, Interpreter.run(inside.valueAndGrad, new float[][] {{3f}})[1][0]);
        }
    }

    @Test
    void shapesWhoseSizeOverflowsAreRejectedNotWrapped() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(65536, 65536, 65536, 65536));
        assertTrue(e.getMessage().contains("more than 2^31-1 elements"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[0], 65536, 65536, 65536, 65536));
        assertThrows(IllegalArgumentException.class, () -> Arg.of(65536, 65536, 65536, 65536));
    }

    @Test
    void aWorkspaceLargerThanAJavaArrayIsRejectedAtCompileTime() {
        // exp(x) and sin(x) are each read twice, so both are stored: 2 x 2^30 floats of workspace
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Grad.compile(x -> {
            Tensor a = x.exp(), b = x.sin();
            return a.mul(a).add(b.mul(b)).sum();
        }, Arg.of(1 << 30)));
        assertTrue(e.getMessage().contains("needs a workspace of more than"), e.getMessage());
    }

    @Test
    void defaultInputNamesStepAsideForNamesTheUserChose() {
        Tracer.Lowered l = Tracer.lower(in -> in[0].add(in[1]), new Arg[] {Arg.scalar().named("in1"), Arg.scalar()});
        assertArrayEquals(new String[] {"in1", "in1_2"}, l.names);
    }

    @Test
    void anEmptyResultIsRefusedNamingItsShapeAndTheOpThatMadeIt() {
        // PyTorch allows empty tensors, and so does the eager engine; a compiled function's result is
        // checked like its inputs (every dimension positive), with a message rather than the runtime's "bad shape"
        Tensor eager = Tensor.of(1f, 2f, 3f).slice(0, 2, 2);
        assertArrayEquals(new int[] {0}, eager.shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Grad.compile(x -> x.slice(0, 2, 2), Arg.of(3)));
        assertTrue(e.getMessage().startsWith("Grad.compile: the function returns an empty tensor (shape [0], made by slice)"), e.getMessage());
        assertTrue(e.getMessage().contains("every dimension positive"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Grad.compile(x -> x.reshape(3, 1).slice(1, 0, 0).t(), Arg.of(3)));
        assertTrue(e.getMessage().contains("(shape [0, 3], made by"), e.getMessage());
    }

    @Test
    void anEmptyValueInsideACompiledFunctionIsFine() {
        // only the result is refused: an empty slice in the middle sums to 0, as eagerly
        var f = Grad.compile(x -> x.slice(0, 1, 1).sum().add(x.sum()), Arg.of(3));
        float[][] grads = {new float[3]};
        assertEquals(6f, f.valueAndGrad(new float[][] {{1, 2, 3}}, grads));
        assertArrayEquals(new float[] {1, 1, 1}, grads[0]);
    }
}
