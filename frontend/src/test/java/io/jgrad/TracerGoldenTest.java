package io.jgrad;

import io.jgrad.golden.GoldenCase;
import io.jgrad.ir.Interpreter;
import io.jgrad.ir.Parser;
import io.jgrad.ir.Printer;
import io.jgrad.ir.Verifier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every golden case traced, differentiated by the adjoint pass, optimised and interpreted. */
class TracerGoldenTest {

    /** A golden case's inputs as compiled-function arguments: named, noGrad where PyTorch had no grad. */
    static Arg[] args(GoldenCase c) {
        Arg[] args = new Arg[c.inputs.size()];
        for (int i = 0; i < args.length; i++) {
            GoldenCase.Input in = c.inputs.get(i);
            Arg a = Arg.of(in.shape()).dtype(in.dtype()).named(in.name());
            args[i] = in.requiresGrad() ? a : a.noGrad();
        }
        return args;
    }

    /** A golden case's program as a function of its inputs, in order. */
    static FnN function(GoldenCase c) {
        List<GoldenCase.Input> ins = c.inputs;
        return in -> {
            Map<String, Tensor> env = new LinkedHashMap<>();
            for (int i = 0; i < in.length; i++) env.put(ins.get(i).name(), in[i]);
            return c.run(env, GoldenCase.TENSOR_OPS);
        };
    }

    static Tracer.Lowered lower(GoldenCase c) {
        return Tracer.lower(function(c), args(c));
    }

    static float[][] inputs(GoldenCase c) {
        float[][] x = new float[c.inputs.size()][];
        for (int i = 0; i < x.length; i++) x[i] = c.inputs.get(i).data().clone();
        return x;
    }

    @TestFactory
    Stream<DynamicTest> goldenCasesThroughTheInterpreter() {
        return GoldenCase.loadAll().stream().map(c -> DynamicTest.dynamicTest(c.name, () -> {
            Tracer.Lowered l = lower(c);
            for (var g : new io.jgrad.ir.Graph[] {l.traced, l.forward, l.vjp, l.valueAndGrad}) {
                if (g == null) continue;
                Verifier.verify(g);
                String text = Printer.print(g);
                assertEquals(text, Printer.print(Parser.parse(text)), "print -> parse -> print");
            }
            float[][] x = inputs(c);
            c.checkValue(l.outputShape, Interpreter.run(l.forward, x)[0]);

            float[][] out;
            if (c.seed == null) {
                out = Interpreter.run(l.valueAndGrad, x);
            } else {
                float[][] withSeed = new float[x.length + 1][];
                System.arraycopy(x, 0, withSeed, 0, x.length);
                withSeed[x.length] = c.seed.clone();
                out = Interpreter.run(l.vjp, withSeed);
            }
            c.checkValue(l.outputShape, out[0]);
            int k = 1;
            for (GoldenCase.Input in : c.inputs) {
                if (in.requiresGrad()) c.checkGrad(in.name(), out[k++]);
            }
            assertEquals(k, out.length, "one output per differentiable input after the value");
        }));
    }
}
