package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.golden.GoldenCase;
import io.jgrad.runtime.DType;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The version-2 golden cases of API.md's "More operations" (issue 10): every case of
 * shared/golden/cases-v2 that is neither in golden-v2/ (issue 9's) nor a derivs_public case
 * (DerivsGoldenTest), copied into golden-v2-ops/. Eagerly every case, by the rule of its dtype
 * (float16 included). Compiled every case Grad.compile accepts, F32 and F64 through every entry
 * point (slices, joins, gathers and batched contractions through codegen's lowering of SLICE,
 * PAD, GATHER, SCATTER_ADD, CONCAT and DOT_GENERAL); the others must be refused naming their
 * dtypes.
 */
class GoldenV2OpsTest {
    static List<GoldenCase> cases() {
        return GoldenCase.loadAll("golden-v2-ops");
    }

    @Test
    void allCasesArePresent() {
        var cases = cases();
        assertEquals(409, cases.size(), "cases-v2 has 541: 120 in golden-v2, 12 derivs_public, these");
        assertEquals(204, cases.stream().filter(c -> c.dtype == DType.F64).count(), "float64 cases");
        assertEquals(1, cases.stream().filter(c -> !c.compilable()).count(), "promote_where_f32_f64 mixes dtypes");
    }

    @TestFactory
    Stream<DynamicTest> eager() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name, () -> GoldenV2Test.runEager(c)));
    }

    @TestFactory
    Stream<DynamicTest> compiled() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name, () -> {
            if (!c.compilable()) {
                GoldenV2Test.compileRefusesNamingTheDtypes(c);
                return;
            }
            if (c.dtype == DType.F64) GoldenV2Test.runCompiled64(c);
            else CompiledGoldenTest.runCompiled(c);
        }));
    }
}
