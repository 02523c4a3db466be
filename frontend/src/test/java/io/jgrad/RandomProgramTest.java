package io.jgrad;

import io.jgrad.ir.Interpreter;
import io.jgrad.ir.Parser;
import io.jgrad.ir.Printer;
import io.jgrad.ir.Verifier;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Random programs over the Tensor API: the eager engine (values, backward with a seed) and
 * the tracer → adjoint → optimiser → interpreter agree; every graph verifies and round-trips.
 */
class RandomProgramTest {
    static final int PROGRAMS = Integer.getInteger("jgrad.randomPrograms", 400);

    @Test
    void tracedAdjointAgreesWithTheEagerEngine() {
        RandomPrograms gen = new RandomPrograms(20261122L);
        for (int i = 0; i < PROGRAMS; i++) {
            RandomPrograms.Program p = gen.next();
            try {
                check(p);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("program " + i + " failed:\n" + p + "\n" + e.getMessage(), e);
            }
        }
    }

    static void check(RandomPrograms.Program p) {
        // eager
        Tensor[] in = new Tensor[p.inputs.length];
        for (int i = 0; i < in.length; i++) in[i] = Tensor.of(p.inputs[i], p.inputShapes[i]).requiresGrad(p.requiresGrad[i]);
        Tensor out = p.run(in);
        float[] eagerValue = out.toArray();
        boolean anyGrad = out.requiresGrad();
        if (anyGrad) out.backward(Tensor.of(p.seed, p.outputShape));

        // traced
        Tracer.Lowered l = Tracer.lower(p::run, p.args());
        assertArrayEquals(p.outputShape, l.outputShape, "output shape");
        for (var g : new io.jgrad.ir.Graph[] {l.traced, l.forward, l.vjp, l.valueAndGrad}) {
            if (g == null) continue;
            Verifier.verify(g);
            String text = Printer.print(g);
            assertEquals(text, Printer.print(Parser.parse(text)), "print -> parse -> print");
        }
        float[][] withSeed = Arrays.copyOf(p.inputs, p.inputs.length + 1);
        withSeed[p.inputs.length] = p.seed;
        float[][] got = Interpreter.run(l.vjp, withSeed);
        close("value", eagerValue, got[0]);
        close("forward", eagerValue, Interpreter.run(l.forward, p.inputs)[0]);
        int k = 1;
        for (int i = 0; i < in.length; i++) {
            if (!p.requiresGrad[i]) continue;
            Tensor g = in[i].grad();
            float[] expected = g == null ? new float[got[k].length] : g.toArray();
            close("grad x" + i, expected, got[k++]);
        }
    }

    /** Eager and compiled sum in different orders: agree to float32 rounding, relative to the array's scale. */
    static void close(String what, float[] expected, float[] got) {
        assertEquals(expected.length, got.length, what + " length");
        double scale = 0;
        for (float e : expected) if (Float.isFinite(e)) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++) {
            float e = expected[i], g = got[i];
            if (Float.isNaN(e) || Float.isInfinite(e)) {
                assertEquals(e, g, what + "[" + i + "]: non-finite values must match exactly");
                continue;
            }
            double tol = 1e-5 + 2e-4 * Math.abs(e) + 1e-5 * scale;
            if (!(Math.abs(e - g) <= tol)) {
                throw new AssertionError(what + "[" + i + "]: expected " + e + ", got " + g + " (tolerance " + tol + ")\nexpected " + Arrays.toString(expected) + "\ngot      " + Arrays.toString(got));
            }
        }
    }
}
