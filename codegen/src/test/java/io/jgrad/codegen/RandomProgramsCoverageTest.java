package io.jgrad.codegen;

import io.jgrad.ir.Graph;
import io.jgrad.ir.Prim;
import io.jgrad.runtime.DType;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The differential tests only test what the generator draws: every lowered primitive must occur
 * in the compiled graphs of the default 1,000 programs of each dtype (DifferentialTest,
 * F64DifferentialTest use the same seeds), and in a fair number of them.
 */
class RandomProgramsCoverageTest {
    static final Prim[] LOWERED_ISSUE_10 = {Prim.EXPM1, Prim.SINH, Prim.COSH, Prim.LOG2, Prim.LOG10, Prim.ERF, Prim.ERFC,
            Prim.FLOOR, Prim.ROUND, Prim.ATAN2, Prim.POWER,
            Prim.SLICE, Prim.PAD, Prim.GATHER, Prim.SCATTER_ADD, Prim.CONCAT, Prim.DOT_GENERAL};

    @Test
    void everyLoweredIssue10PrimitiveIsDrawnInBothDtypes() {
        for (DType d : new DType[] {DType.F32, DType.F64}) {
            Map<Prim, Integer> programs = new EnumMap<>(Prim.class);
            for (int i = 0; i < 1000; i++) {
                CompileRequest req = new RandomPrograms(20240601L + i, d).request();
                java.util.EnumSet<Prim> seen = java.util.EnumSet.noneOf(Prim.class);
                for (Graph g : new Graph[] {req.forward, req.vjp, req.valueAndGrad}) {
                    if (g == null) continue;
                    for (int v = 0; v < g.size(); v++) seen.add(g.node(v).prim());
                }
                for (Prim p : seen) programs.merge(p, 1, Integer::sum);
            }
            for (Prim p : LOWERED_ISSUE_10)
                assertTrue(programs.getOrDefault(p, 0) >= 20, d + ": " + p + " drawn in only " + programs.getOrDefault(p, 0) + " of 1000 programs");
        }
    }
}
