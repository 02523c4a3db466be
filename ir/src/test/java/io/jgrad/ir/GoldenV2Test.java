package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import io.jgrad.runtime.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every version-2 PyTorch golden case (541: every op of API.md "More operations" in f32 and f64,
 * the kinks, f16, promotion, tensor outputs), each by two routes, within the README's rule of
 * each array's dtype:
 * <ul>
 *   <li>eager: Composites over an {@link Eval}, then {@link Eval#backward} (what the eager engine runs);</li>
 *   <li>compiled: Composites over a {@link Builder}, {@link Adjoint#of}, {@link Optimizer#optimize},
 *       the {@link Verifier} after each, and the {@link Interpreter} (what the bytecode is tested against).</li>
 * </ul>
 * (The f16 and mixed-dtype cases run by both routes too: the IR takes any dtypes; only
 * Grad.compile refuses them.)
 */
class GoldenV2Test {

    @Test
    void allCasesArePresent() {
        assertEquals(541, GoldenV2Case.all().size());
    }

    @TestFactory
    Stream<DynamicTest> eager() {
        return GoldenV2Case.all().stream().map(n -> DynamicTest.dynamicTest(n, () -> eager(GoldenV2Case.load(n))));
    }

    @TestFactory
    Stream<DynamicTest> compiled() {
        return GoldenV2Case.all().stream().map(n -> DynamicTest.dynamicTest(n, () -> compiled(GoldenV2Case.load(n))));
    }

    static void eager(GoldenV2Case c) {
        Eval e = new Eval();
        int[] in = new int[c.inputNames.size()];
        for (int i = 0; i < in.length; i++) in[i] = e.input(c.inputTypes.get(i), c.inputValue(i));
        int out = c.run(e, in);
        Type t = e.type(out);
        int[] d = e.backward(out, c.seedValue(t), c.wrt());
        List<String> failures = new ArrayList<>();
        check(failures, c, "eager", t, Kernels.toDoubles(e.value(out)), i -> d[i] < 0 ? new double[c.inputTypes.get(i).size()] : Kernels.toDoubles(e.value(d[i])),
                i -> d[i] < 0 ? c.inputTypes.get(i).dtype() : e.type(d[i]).dtype());
        if (!failures.isEmpty()) fail(c.name + ":\n  " + String.join("\n  ", failures));
    }

    static void compiled(GoldenV2Case c) {
        Builder b = new Builder();
        int[] in = new int[c.inputNames.size()];
        for (int i = 0; i < in.length; i++) in[i] = b.input(i, c.inputNames.get(i), c.inputTypes.get(i));
        int out = c.run(b, in);
        Type t = b.type(out);
        Graph forward = Verifier.verify(b.build(new int[] {out}, new String[] {"out"}));
        boolean seeded = !t.isScalar() || c.seed != null;
        Graph adjoint = Verifier.verify(Adjoint.of(forward, c.wrt(), seeded));
        Graph optimized = Verifier.verify(Optimizer.optimize(adjoint));
        Object[] inputs = new Object[in.length + (seeded ? 1 : 0)];
        for (int i = 0; i < in.length; i++) inputs[i] = c.inputValue(i);
        if (seeded) inputs[in.length] = c.seedValue(t);
        List<String> failures = new ArrayList<>();
        for (Graph g : List.of(adjoint, optimized)) {
            Object[] r = Interpreter.evaluate(g, inputs);
            int[] slot = new int[in.length];
            for (int i = 0, k = 1; i < in.length; i++) slot[i] = c.requiresGrad.get(i) ? k++ : -1;
            check(failures, c, g == adjoint ? "compiled, unoptimised" : "compiled, optimised", t, Kernels.toDoubles(r[0]),
                    i -> Kernels.toDoubles(r[slot[i]]), i -> g.type(g.output(slot[i])).dtype());
        }
        if (!failures.isEmpty()) fail(c.name + ":\n  " + String.join("\n  ", failures) + "\n" + Printer.print(optimized));
    }

    private interface Grad { double[] of(int input); }
    private interface GradType { DType of(int input); }

    private static void check(List<String> failures, GoldenV2Case c, String route, Type out, double[] value, Grad grad, GradType gradType) {
        if (out.dtype() != c.outputDType) failures.add(route + ": the output is " + out + ", PyTorch's is " + c.outputDType.text);
        add(failures, GoldenV2Case.compare(route + " value", c.outputDType, value, c.value, c.valueLow));
        for (int i = 0; i < c.inputNames.size(); i++) {
            if (!c.requiresGrad.get(i)) continue;
            String n = c.inputNames.get(i);
            DType d = c.inputTypes.get(i).dtype();
            if (gradType.of(i) != d) failures.add(route + " d_" + n + " is " + gradType.of(i).text + ", its input " + d.text);
            add(failures, GoldenV2Case.compare(route + " d_" + n, d, grad.of(i), c.grads.get(n), c.gradsLow.get(n)));
        }
    }

    private static void add(List<String> failures, String f) {
        if (f != null) failures.add(f);
    }
}
