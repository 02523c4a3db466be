package io.jgrad.codegen;

import io.jgrad.ir.Graph;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.Workspace;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test helpers: class-file checks and comparison of generated code with {@link Ref}. */
final class Harness {
    private Harness() {}

    /** ASM's verifier over the class file; throws with its report on any problem. */
    static void verify(byte[] bytes) {
        StringWriter sw = new StringWriter();
        // The generated class extends Compiled and calls runtime classes: resolve through this loader.
        CheckClassAdapter.verify(new ClassReader(bytes), Harness.class.getClassLoader(), false, new PrintWriter(sw));
        if (!sw.toString().isEmpty()) throw new AssertionError("CheckClassAdapter:\n" + sw);
    }

    /** Bytecode length of every method's Code attribute, read from the class file itself. */
    static Map<String, Integer> codeSizes(byte[] bytes) {
        try {
            java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes));
            in.readInt();
            in.readUnsignedShort();
            in.readUnsignedShort();
            int cpCount = in.readUnsignedShort();
            String[] utf8 = new String[cpCount];
            for (int i = 1; i < cpCount; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();
                    case 3, 4 -> in.readInt();
                    case 5, 6 -> { in.readLong(); i++; }
                    case 7, 8, 16, 19, 20 -> in.readUnsignedShort();
                    case 9, 10, 11, 12, 17, 18 -> in.readInt();
                    case 15 -> { in.readUnsignedByte(); in.readUnsignedShort(); }
                    default -> throw new AssertionError("constant pool tag " + tag);
                }
            }
            in.readUnsignedShort();
            in.readUnsignedShort();
            in.readUnsignedShort();
            in.skipBytes(2 * in.readUnsignedShort());
            int fields = in.readUnsignedShort();
            for (int f = 0; f < fields; f++) {
                in.skipBytes(6);
                int attrs = in.readUnsignedShort();
                for (int a = 0; a < attrs; a++) { in.readUnsignedShort(); in.skipBytes(in.readInt()); }
            }
            Map<String, Integer> sizes = new LinkedHashMap<>();
            int methods = in.readUnsignedShort();
            for (int m = 0; m < methods; m++) {
                in.readUnsignedShort();
                String name = utf8[in.readUnsignedShort()] + utf8[in.readUnsignedShort()];
                int attrs = in.readUnsignedShort();
                for (int a = 0; a < attrs; a++) {
                    String an = utf8[in.readUnsignedShort()];
                    int len = in.readInt();
                    if (an.equals("Code")) {
                        in.readUnsignedShort();
                        in.readUnsignedShort();
                        int code = in.readInt();
                        sizes.put(name, code);
                        in.skipBytes(len - 8);
                    } else {
                        in.skipBytes(len);
                    }
                }
            }
            return sizes;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static int maxMethodSize(byte[] bytes) {
        return codeSizes(bytes).values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    static void checkClass(Compiled c) {
        byte[] bytes = c.bytecode();
        verify(bytes);
        Map<String, Integer> sizes = codeSizes(bytes);
        for (Map.Entry<String, Integer> e : sizes.entrySet())
            if (e.getValue() > 8000) throw new AssertionError(e.getKey() + " has " + e.getValue() + " bytecode bytes (over the 8000-byte JIT limit)");
    }

    /**
     * Compares one generated output array against the f32 reference, element by element:
     * bit-identical (NaN counted equal to NaN). The reference sums in the backend's documented
     * order ({@link io.jgrad.runtime.Summation}, via Ref), derived from the shapes, so nothing is loose.
     */
    static String compare(String what, float[] got, Ref r32, Ref r64, Graph g, int k) {
        double[] want = r32.output(g, k), truth = r64.output(g, k);
        for (int i = 0; i < want.length; i++) {
            float w = (float) want[i], x = got[i];
            if (Float.floatToIntBits(w) == Float.floatToIntBits(x)) continue;
            return what + " output " + k + " (" + g.outputName(k) + ") element " + i + ": generated " + x + " (0x"
                    + Integer.toHexString(Float.floatToRawIntBits(x)) + "), reference " + w + " (0x" + Integer.toHexString(Float.floatToRawIntBits(w))
                    + "), f64 " + truth[i];
        }
        return null;
    }

    /** Values that depend on a sum of two or more terms (REDUCE_SUM, MATMUL): the interpreter sums in double. */
    static boolean[] dependsOnSums(Graph g) {
        boolean[] d = new boolean[g.size()];
        for (io.jgrad.ir.Node nd : g.nodes()) {
            for (int a : nd.args()) d[nd.id()] |= d[a];
            if (nd.prim() == io.jgrad.ir.Prim.REDUCE_SUM && g.type(nd.arg(0)).size() > nd.type().size()) d[nd.id()] = true;
            if (nd.prim() == io.jgrad.ir.Prim.MATMUL && g.type(nd.arg(0)).dim(1) > 1) d[nd.id()] = true;
        }
        return d;
    }

    /**
     * Generated output k of g against the IR Interpreter: bit-identical (NaN equal to NaN), or,
     * for a value depending on a sum (the interpreter accumulates in double, generated code in
     * float), within the golden tolerance of the f64 result: 1e-5 + 1e-4|t| + 8|t32 - t| + 1e-5 max|t|,
     * widened by 8 times the distance between the interpreter and a plain float32 evaluation
     * (sums in float, index order): downstream operations amplify summation rounding
     * (sin of a sum of 100s), and float summation is the generated code's documented choice;
     * plus 1e-5 of the magnitude of the terms (a sum that cancels to 0 in double need not in float).
     */
    static String compareInterpreter(String what, float[] got, Graph g, int k, float[][] in) {
        float[] want = io.jgrad.ir.Interpreter.run(g, in)[k];
        double[][] in64 = new double[in.length][];
        for (int i = 0; i < in.length; i++) {
            in64[i] = new double[in[i].length];
            for (int j = 0; j < in[i].length; j++) in64[i][j] = in[i][j];
        }
        double[] truth = io.jgrad.ir.Interpreter.runF64(g, in64)[k];
        boolean loose = dependsOnSums(g)[g.output(k)];
        double[] floatSums = Ref.run(g, in, true).output(g, k);
        double[] magnitude = Ref.run(g, in, false).magnitudes[g.output(k)];
        double scale = 0;
        for (double t : truth) if (Double.isFinite(t)) scale = Math.max(scale, Math.abs(t));
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToIntBits(want[i]) == Float.floatToIntBits(got[i])) continue;
            double t = truth[i];
            if (loose && Float.isFinite(got[i]) && Float.isFinite(want[i]) && Math.abs(got[i] - want[i]) <= 4 * Math.ulp(want[i])) continue;
            if (loose && Float.isFinite(got[i]) && Double.isFinite(t)
                    && Math.abs(got[i] - t) <= 1e-5 + 1e-4 * Math.abs(t) + 8 * Math.abs(want[i] - t) + 1e-5 * scale
                    + 8 * Math.abs(floatSums[i] - want[i]) + 1e-5 * magnitude[i]) continue;
            return what + " output " + k + " (" + g.outputName(k) + ") element " + i + ": generated " + got[i]
                    + ", interpreter " + want[i] + ", f64 " + t;
        }
        return null;
    }

    static float[] sentinel(int n) {
        float[] a = new float[n];
        Arrays.fill(a, 12345.678f);
        return a;
    }

    /** Runs forward, value, valueAndGrad and vjp (each with and without a Workspace) and compares. */
    /** Every entry point against the f32 reference: every value bit-identical, inputs unwritten. */
    static String check(CompileRequest req, Compiled c, float[][] inputsWithSeed) {
        int n = req.inputCount();
        float[][] in = Arrays.copyOf(inputsWithSeed, n);
        float[] seed = inputsWithSeed[n];
        float[][] inCopy = deepCopy(in);
        int outSize = seed.length;
        Workspace ws = c.newWorkspace();
        for (boolean explicit : new boolean[] {false, true}) {
            String tag = explicit ? " (workspace)" : "";
            Ref f32 = Ref.run(req.forward, in, true), f64 = Ref.run(req.forward, in, false);
            float[] out = sentinel(outSize);
            if (explicit) c.forward(ws, in, out); else c.forward(in, out);
            String e = compare("forward" + tag, out, f32, f64, req.forward, 0);
            if (e != null) return e;
            if (req.valueAndGrad != null) {
                float v = c.value(in);
                e = compare("value" + tag, new float[] {v}, f32, f64, req.forward, 0);
                if (e != null) return e;
                Ref g32 = Ref.run(req.valueAndGrad, in, true), g64 = Ref.run(req.valueAndGrad, in, false);
                float[][] grads = gradArrays(req);
                v = explicit ? c.valueAndGrad(ws, in, grads) : c.valueAndGrad(in, grads);
                e = compare("valueAndGrad" + tag, new float[] {v}, g32, g64, req.valueAndGrad, 0);
                if (e == null) e = compareGrads("valueAndGrad" + tag, req, grads, g32, g64, req.valueAndGrad);
                if (e != null) return e;
            }
            Ref j32 = Ref.run(req.vjp, inputsWithSeed, true), j64 = Ref.run(req.vjp, inputsWithSeed, false);
            float[][] grads = gradArrays(req);
            out = sentinel(outSize);
            if (explicit) c.vjp(ws, in, seed, out, grads); else c.vjp(in, seed, out, grads);
            e = compare("vjp" + tag, out, j32, j64, req.vjp, 0);
            if (e == null) e = compareGrads("vjp" + tag, req, grads, j32, j64, req.vjp);
            if (e != null) return e;
        }
        for (int i = 0; i < n; i++) if (!Arrays.equals(in[i], inCopy[i])) return "input " + i + " was written";
        return null;
    }

    private static String compareGrads(String what, CompileRequest req, float[][] grads, Ref r32, Ref r64, Graph g) {
        for (int i = 0, k = 1; i < req.inputCount(); i++) {
            if (!req.requiresGrad[i]) {
                if (grads[i] != null) return what + ": grads[" + i + "] of a non-differentiable input was touched";
                continue;
            }
            String e = compare(what, grads[i], r32, r64, g, k++);
            if (e != null) return e;
        }
        return null;
    }

    static float[][] gradArrays(CompileRequest req) {
        float[][] g = new float[req.inputCount()][];
        for (int i = 0; i < g.length; i++)
            if (req.requiresGrad[i]) g[i] = sentinel(io.jgrad.ir.Type.f32(req.inputShapes[i]).size());
        return g;
    }

    static float[][] deepCopy(float[][] a) {
        float[][] c = new float[a.length][];
        for (int i = 0; i < a.length; i++) c[i] = a[i] == null ? null : a[i].clone();
        return c;
    }
}
