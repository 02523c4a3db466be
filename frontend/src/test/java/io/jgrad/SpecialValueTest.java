package io.jgrad;

import io.jgrad.golden.GoldenCase;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every op at NaN, ±inf, ±0 and its kinks (golden-special/, made by real PyTorch with
 * src/test/python/gen_specials.py): the eager engine and the compiled code must both give
 * PyTorch's values and gradients, non-finite ones exactly. Random inputs never reach these.
 */
class SpecialValueTest {

    @Test
    void allCasesArePresent() {
        assertEquals(41, GoldenCase.loadAll("golden-special").size());
    }

    @TestFactory
    Stream<DynamicTest> eager() {
        return GoldenCase.loadAll("golden-special").stream()
                .map(c -> DynamicTest.dynamicTest(c.name, () -> EagerGoldenTest.runEager(c)));
    }

    @TestFactory
    Stream<DynamicTest> compiled() {
        return GoldenCase.loadAll("golden-special").stream()
                .map(c -> DynamicTest.dynamicTest(c.name, () -> CompiledGoldenTest.runCompiled(c)));
    }
}
