package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every PyTorch golden case: Composites → Adjoint → (Optimizer) → Interpreter, within golden/README.md's tolerance. */
class GoldenTest {

    @Test
    void allCasesArePresent() {
        assertEquals(116, GoldenCase.all().size());
    }

    @TestFactory
    Stream<DynamicTest> goldenCases() {
        return GoldenCase.all().stream().map(name -> DynamicTest.dynamicTest(name, () -> check(GoldenCase.load(name))));
    }

    static void check(GoldenCase c) {
        Graph forward = Verifier.verify(c.forward());
        Graph adjoint = Verifier.verify(Adjoint.of(forward, c.wrt(), c.seed != null));
        Graph optimized = Verifier.verify(Optimizer.optimize(adjoint));
        List<String> failures = new ArrayList<>();
        for (Graph g : List.of(adjoint, optimized)) {
            String which = g == adjoint ? "unoptimised" : "optimised";
            float[][] out = Interpreter.run(g, c.adjointInputs());
            add(failures, GoldenCase.compare(which + " value", out[0], c.value, c.value32));
            int k = 1;
            for (int i = 0; i < c.inputNames.size(); i++) {
                if (!c.requiresGrad.get(i)) continue;
                String n = c.inputNames.get(i);
                add(failures, GoldenCase.compare(which + " d_" + n, out[k++], c.grads.get(n), c.grads32.get(n)));
            }
        }
        if (!failures.isEmpty()) fail(c.name + ":\n  " + String.join("\n  ", failures) + "\n" + Printer.print(optimized));
    }

    private static void add(List<String> failures, String f) {
        if (f != null) failures.add(f);
    }
}
