package io.jgrad.codegen;

import io.jgrad.runtime.Compiled;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random programs: the generated class against the reference executor, for forward, value,
 * valueAndGrad and vjp, with and without a workspace. 1,000 programs by default;
 * {@code -Djgrad.fuzz=100000} for a long run. A failure prints the program's IR.
 */
class DifferentialTest {
    @Test
    void randomPrograms() {
        int count = Integer.getInteger("jgrad.fuzz", 1000);
        long base = Long.getLong("jgrad.fuzz.seed", 20240601L);
        int failures = 0;
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < count; i++) {
            long seed = base + i;
            RandomPrograms rp = new RandomPrograms(seed);
            CompileRequest req;
            try {
                req = rp.request();
            } catch (IllegalArgumentException e) {
                throw new AssertionError("generator made a bad graph, seed " + seed, e);
            }
            String err;
            try {
                Compiled c = CodeGen.compile(req);
                Harness.checkClass(c);
                err = null;
                for (int trial = 0; trial < 2 && err == null; trial++) err = Harness.check(req, c, rp.inputs(true));
            } catch (Throwable t) {
                java.io.StringWriter sw = new java.io.StringWriter();
                t.printStackTrace(new java.io.PrintWriter(sw));
                String[] lines = sw.toString().split("\n");
                err = String.join("\n", java.util.Arrays.copyOf(lines, Math.min(lines.length, 12)));
            }
            if (err != null) {
                failures++;
                if (failures <= 3) report.append("\n--- seed ").append(seed).append(": ").append(err)
                        .append("\nforward:\n").append(io.jgrad.ir.Printer.print(req.forward))
                        .append("vjp:\n").append(io.jgrad.ir.Printer.print(req.vjp))
                        .append(req.valueAndGrad == null ? "" : "valueAndGrad:\n" + io.jgrad.ir.Printer.print(req.valueAndGrad));
            }
        }
        if (failures > 0) fail(failures + " of " + count + " programs disagree:" + report);
    }
}
