package io.jgrad.codegen;

import io.jgrad.ir.Builder;
import io.jgrad.ir.Composites;
import io.jgrad.ir.Interpreter;
import io.jgrad.ir.Prim;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ClassSplitTest} in F64: a double constant takes two constant-pool slots, so an F64
 * chain splits into chunk classes at half the steps; F64 constant tensors travel as double[]
 * class data. Every class verified and under the JIT limit, every entry point bit-identical to
 * Ref and the Interpreter.
 */
class F64ClassSplitTest {
    private static void checkClassFiles(CodeGen.Generated classes) {
        List<byte[]> files = classes.classFiles();
        assertTrue(files.size() > 1, "split into " + files.size() + " classes");
        for (byte[] f : files) {
            Harness.verify(f);
            for (Map.Entry<String, Integer> e : Harness.codeSizes(f).entrySet())
                if (!e.getKey().startsWith("<clinit>")) assertTrue(e.getValue() <= BodyEmitter.JIT_METHOD_LIMIT, e.getKey() + " has " + e.getValue() + " bytes");
        }
    }

    @Test
    void aDoubleConstantPoolPastOneClassIsSplit() {
        Builder b = new Builder();
        int h = b.input(0, "h", Type.of(DType.F64));
        for (int i = 0; i < 20_000; i++) { // 40,000 distinct doubles, 80,000 pool slots
            double c = 1 + (i % 2 == 0 ? 1 : -1) * (i + 1) * 2.5e-9, d = (i + 1) * 1e-9;
            h = Composites.add(b, Composites.mul(b, h, c), d);
        }
        CompileRequest req = Pipelines.request(b.build(h), new String[] {"h"}, new boolean[] {true});
        CodeGen.Generated classes = CodeGen.generate(req);
        checkClassFiles(classes);
        Compiled c = CodeGen.define(req, classes);
        assertNull(F64Harness.check(req, c, new double[][] {{0.75}, {-0.5}}));
        assertNull(F64Harness.againstInterpreter(req, c, new double[][] {{0.75}, {-0.5}}));
    }

    @Test
    void doubleConstantTensorsPastOneStaticInitializerAreSplit() {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.of(DType.F64, 3)), acc = x;
        for (int i = 0; i < 7_000; i++) acc = Composites.add(b, acc, b.constant(Type.of(DType.F64, 3), i, -0.1 * i, 1.0 / (i + 3)));
        CompileRequest req = Pipelines.request(b.build(b.reduce(Prim.REDUCE_SUM, acc, 0)), new String[] {"x"}, new boolean[] {true});
        CodeGen.Generated classes = CodeGen.generate(req);
        checkClassFiles(classes);
        Compiled c = CodeGen.define(req, classes);
        double[][] in = {{1.1, -2.2, 3.3}, {1.0}};
        assertNull(F64Harness.check(req, c, in));
        assertNull(F64Harness.againstInterpreter(req, c, in));
        assertEquals(Interpreter.run(req.forward, new double[][] {in[0]})[0][0], c.value(new double[][] {in[0]}), 0.0);
    }
}
