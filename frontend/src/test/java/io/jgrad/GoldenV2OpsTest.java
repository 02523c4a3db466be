package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.golden.GoldenCase;
import io.jgrad.runtime.DType;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The version-2 golden cases of API.md's "More operations" (issue 10): every case of
 * shared/golden/cases-v2 that is neither in golden-v2/ (issue 9's) nor a derivs_public case
 * (DerivsGoldenTest), copied into golden-v2-ops/. Eagerly every case, by the rule of its dtype
 * (float16 included). Compiled every case Grad.compile accepts, F32 and F64 through every entry
 * point; the others must be refused naming their dtypes.
 *
 * <p>Until codegen lowers the structural primitives (SLICE, PAD, GATHER, SCATTER_ADD, CONCAT,
 * DOT_GENERAL; issue 10's codegen part), a compiled case whose graph holds one is reported as
 * skipped, naming the primitive: the only failure accepted, and visible in the test report.
 */
class GoldenV2OpsTest {
    private static final Pattern NOT_LOWERED = Pattern.compile("^(slice|pad|gather|scatter_add|concat|dot_general): not lowered yet");

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
            skipIfNotLowered(c.name, () -> {
                if (c.dtype == DType.F64) GoldenV2Test.runCompiled64(c);
                else CompiledGoldenTest.runCompiled(c);
            });
        }));
    }

    /**
     * Runs a compiled check; if Grad.compile refuses because codegen does not lower one of the
     * structural primitives yet, the test is aborted (reported as skipped) naming it.
     */
    static void skipIfNotLowered(String name, org.junit.jupiter.api.function.Executable run) throws Throwable {
        try {
            run.execute();
        } catch (IllegalArgumentException e) {
            Matcher m = NOT_LOWERED.matcher(String.valueOf(e.getMessage()));
            if (!m.find()) throw e;
            Assumptions.abort(name + ": codegen does not lower " + m.group(1) + " yet (issue 10's codegen part)");
        }
    }
}
