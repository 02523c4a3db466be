package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.golden.GoldenCase;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every golden case of shared/golden (copied under test resources) through the eager engine. */
class EagerGoldenTest {

    @Test
    void allCasesArePresent() {
        assertEquals(116, GoldenCase.loadAll().size(), "the public golden set has 116 cases");
    }

    @TestFactory
    Stream<DynamicTest> goldenCases() {
        return GoldenCase.loadAll().stream().map(c -> DynamicTest.dynamicTest(c.name, () -> runEager(c)));
    }

    static void runEager(GoldenCase c) {
        Map<String, Tensor> env = c.eagerInputs();
        Map<String, Tensor> inputs = Map.copyOf(env);
        Tensor out = c.run(env, GoldenCase.TENSOR_OPS);
        c.checkValue(out.shape(), out.toArray());
        if (c.seed == null) out.backward();
        else out.backward(Tensor.of(c.seed, c.seedShape));
        for (String name : c.gradInputs()) {
            Tensor g = inputs.get(name).grad();
            c.checkGrad(name, g == null ? null : g.toArray());
        }
    }
}
