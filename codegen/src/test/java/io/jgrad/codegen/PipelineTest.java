package io.jgrad.codegen;

import io.jgrad.ir.Adjoint;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Interpreter;
import io.jgrad.ir.Optimizer;
import io.jgrad.ir.Printer;
import io.jgrad.ir.Verifier;
import io.jgrad.runtime.Compiled;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random functions through the real pipeline (Adjoint.of, Optimizer.optimize, CodeGen): the
 * generated class against the IR Interpreter (bit-identical, or within the golden tolerance
 * where a sum is involved) and against {@link Ref} following the generated summation order
 * (bit-identical everywhere). 1,000 by default, {@code -Djgrad.fuzz=100000} for a long run.
 */
class PipelineTest {
    static CompileRequest request(RandomPrograms rp) {
        Graph fwd = rp.forward();
        boolean[] wrt = rp.requiresGrad;
        Graph vjp = Verifier.verify(Optimizer.optimize(Adjoint.of(fwd, wrt, true)));
        Graph vag = rp.outputShape.length == 0 ? Verifier.verify(Optimizer.optimize(Adjoint.of(fwd, wrt, false))) : null;
        String[] names = new String[wrt.length];
        for (int i = 0; i < names.length; i++) names[i] = "x" + i;
        return new CompileRequest(Verifier.verify(Optimizer.optimize(fwd)), vjp, vag, names, rp.inputShapes, wrt, rp.outputShape);
    }

    @Test
    void randomFunctionsAgreeWithTheInterpreter() {
        int count = Integer.getInteger("jgrad.fuzz", 1000);
        long base = Long.getLong("jgrad.fuzz.seed", 90210L);
        int failures = 0;
        StringBuilder report = new StringBuilder();
        {
            for (int i = 0; i < count; i++) {
                long seed = base + i;
                RandomPrograms rp = new RandomPrograms(seed);
                CompileRequest req = request(rp);
                String err;
                try {
                    Compiled c = CodeGen.compile(req);
                    Harness.checkClass(c);
                    float[][] inSeed = rp.inputs(true);
                    err = Harness.check(req, c, inSeed);
                    if (err == null) err = againstInterpreter(req, c, inSeed);
                } catch (Throwable t) {
                    String[] lines = t.toString().split("\n");
                    StringBuilder sb = new StringBuilder(t.toString());
                    for (StackTraceElement e : Arrays.copyOf(t.getStackTrace(), Math.min(8, t.getStackTrace().length))) sb.append("\n  at ").append(e);
                    err = sb.toString();
                }
                if (err != null && ++failures <= 3)
                    report.append("\n--- seed ").append(seed).append(": ").append(err).append("\nvjp:\n").append(Printer.print(req.vjp));
            }
        }
        if (failures > 0) fail(failures + " of " + count + " functions disagree:" + report);
    }

    private static String againstInterpreter(CompileRequest req, Compiled c, float[][] inSeed) {
        int n = req.inputCount();
        float[][] in = Arrays.copyOf(inSeed, n);
        float[] out = new float[inSeed[n].length];
        c.forward(in, out);
        String e = Harness.compareInterpreter("forward", out, req.forward, 0, in);
        if (e != null) return e;
        float[][] grads = Harness.gradArrays(req);
        c.vjp(in, inSeed[n], out, grads);
        e = Harness.compareInterpreter("vjp", out, req.vjp, 0, inSeed);
        for (int i = 0, k = 1; e == null && i < n; i++)
            if (req.requiresGrad[i]) e = Harness.compareInterpreter("vjp", grads[i], req.vjp, k++, inSeed);
        if (e != null || req.valueAndGrad == null) return e;
        grads = Harness.gradArrays(req);
        float v = c.valueAndGrad(in, grads);
        e = Harness.compareInterpreter("valueAndGrad", new float[] {v}, req.valueAndGrad, 0, in);
        for (int i = 0, k = 1; e == null && i < n; i++)
            if (req.requiresGrad[i]) e = Harness.compareInterpreter("valueAndGrad", grads[i], req.valueAndGrad, k++, in);
        return e;
    }
}
