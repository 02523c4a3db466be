package io.jgrad.codegen;

import io.jgrad.ir.Adjoint;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Optimizer;
import io.jgrad.ir.Printer;
import io.jgrad.ir.Verifier;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random F64 programs (every primitive, the generator of {@link DifferentialTest}): the
 * generated class through every double entry point against {@link Ref} (each value the IR's
 * double rule, sums in the documented order: bit-identical), and, through the real pipeline
 * (adjoint, optimiser), against the IR Interpreter's double run. Every class passes ASM's
 * verifier with no method over 8000 bytes. 1,000 of each by default; {@code -Djgrad.fuzz=N}.
 */
class F64DifferentialTest {
    interface Case {
        String run(RandomPrograms rp, CompileRequest req, Compiled c);
    }

    private static void fuzz(String what, long defaultSeed, boolean pipeline, Case check) {
        int count = Integer.getInteger("jgrad.fuzz", 1000);
        long base = Long.getLong("jgrad.fuzz.seed", defaultSeed);
        int failures = 0;
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < count; i++) {
            long seed = base + i;
            RandomPrograms rp = new RandomPrograms(seed, DType.F64);
            CompileRequest req = pipeline ? pipelineRequest(rp) : rp.request();
            String err;
            try {
                Compiled c = CodeGen.compile(req);
                assertEquals(DType.F64, c.dtype());
                Harness.checkClass(c);
                err = check.run(rp, req, c);
            } catch (Throwable t) {
                StringBuilder sb = new StringBuilder(t.toString());
                for (StackTraceElement e : Arrays.copyOf(t.getStackTrace(), Math.min(10, t.getStackTrace().length))) sb.append("\n  at ").append(e);
                err = sb.toString();
            }
            if (err != null && ++failures <= 3)
                report.append("\n--- seed ").append(seed).append(": ").append(err).append("\nvjp:\n").append(Printer.print(req.vjp));
        }
        if (failures > 0) fail(failures + " of " + count + " " + what + " disagree:" + report);
    }

    static CompileRequest pipelineRequest(RandomPrograms rp) {
        Graph fwd = rp.forward();
        boolean[] wrt = rp.requiresGrad;
        Graph vjp = Verifier.verify(Optimizer.optimize(Adjoint.of(fwd, wrt, true)));
        Graph vag = rp.outputShape.length == 0 ? Verifier.verify(Optimizer.optimize(Adjoint.of(fwd, wrt, false))) : null;
        String[] names = new String[wrt.length];
        for (int i = 0; i < names.length; i++) names[i] = "x" + i;
        return new CompileRequest(Verifier.verify(Optimizer.optimize(fwd)), vjp, vag, names, rp.inputShapes, wrt, rp.outputShape);
    }

    @Test
    void randomProgramsMatchTheReferenceBitForBit() {
        fuzz("F64 programs", 640_000L, false, (rp, req, c) -> {
            String err = null;
            for (int trial = 0; trial < 2 && err == null; trial++) err = F64Harness.check(req, c, rp.inputsF64(true));
            return err;
        });
    }

    @Test
    void randomFunctionsThroughThePipelineMatchTheInterpreter() {
        fuzz("F64 functions", 6_400_000L, true, (rp, req, c) -> {
            double[][] inSeed = rp.inputsF64(true);
            String err = F64Harness.check(req, c, inSeed);
            return err != null ? err : F64Harness.againstInterpreter(req, c, inSeed);
        });
    }
}
