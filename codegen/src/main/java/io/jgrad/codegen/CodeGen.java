package io.jgrad.codegen;

import io.jgrad.runtime.DType;
import io.jgrad.ir.Dot;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Node;
import io.jgrad.ir.Prim;
import io.jgrad.ir.Printer;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.Signature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytecode backend: lowers the graphs of a {@link CompileRequest} to one hidden class
 * extending {@link Compiled}, plus, for a graph past one class file's limits, the chunk classes
 * it calls (see {@link ClassGen}). Defined without {@code STRONG}, so a Compiled nobody
 * references any more is collected together with its classes. {@code -Djgrad.dump=DIR} writes
 * each class file and the IR there (read them with {@code javap -c -p}).
 */
public final class CodeGen {
    private CodeGen() {}

    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final String PACKAGE = CodeGen.class.getPackageName().replace('.', '/');
    private static final MethodType BODY_TYPE = MethodType.fromMethodDescriptorString(ClassGen.BODY_DESC, null);


    public static Compiled compile(CompileRequest r) {
        return define(r, generate(r));
    }

    /** The classes {@link #generate} wrote for r, defined: the Compiled. */
    static Compiled define(CompileRequest r, Generated g) {
        Graph shown = r.valueAndGrad != null ? r.valueAndGrad : r.vjp;
        byte[] bytes = g.main.toBytes();
        Signature sig = new Signature(r.inputNames, r.inputShapes, r.requiresGrad, r.outputShape, g.wsFloats,
                () -> Printer.print(shown), () -> Dot.print(shown), bytes);
        dump(g.main, shown);
        return define(g.main, sig);
    }

    /** The main class (finished) and the workspace size its bodies need. */
    record Generated(ClassGen main, int wsFloats) {
        /** Every class file: the main class, then its chunk classes. */
        List<byte[]> classFiles() {
            List<byte[]> all = new ArrayList<>();
            all.add(main.toBytes());
            for (ClassGen c : main.chunkClasses()) all.add(c.toBytes());
            return all;
        }
    }

    /** The request checked and written as class files, not yet defined. */
    static Generated generate(CompileRequest r) {
        int n = r.inputCount();
        int[] diff = differentiable(r);
        check(r.forward, "forward", r, false, new int[0]);
        check(r.vjp, "vjp", r, true, diff);
        if (r.outputShape.length == 0 && r.valueAndGrad == null)
            throw new IllegalArgumentException("the output is a scalar: a valueAndGrad graph is required");
        if (r.outputShape.length != 0 && r.valueAndGrad != null)
            throw new IllegalArgumentException("the output has shape " + Arrays.toString(r.outputShape) + ": valueAndGrad needs a scalar output, pass null");
        if (r.valueAndGrad != null) check(r.valueAndGrad, "valueAndGrad", r, false, diff);

        String name = PACKAGE + "/JgradFn" + COUNTER.incrementAndGet();
        ClassGen cg = new ClassGen(name);
        cg.entryChecks(entryChecks(r));
        int[] gradInput = new int[diff.length + 1];
        gradInput[0] = -1;
        System.arraycopy(diff, 0, gradInput, 1, diff.length);

        BodyEmitter fwd = new BodyEmitter(cg, new Plan(r.forward, -1, new int[] {-1}), "forward$");
        BodyEmitter vjp = new BodyEmitter(cg, new Plan(r.vjp, n, gradInput), "vjp$");
        BodyEmitter vag = r.valueAndGrad == null ? null : new BodyEmitter(cg, new Plan(r.valueAndGrad, -1, gradInput), "valueAndGrad$");
        String fwdBody = fwd.emit(), vjpBody = vjp.emit(), vagBody = vag == null ? null : vag.emit();
        int wsFloats = Math.max(fwd.workspaceFloats(), Math.max(vjp.workspaceFloats(), vag == null ? 0 : vag.workspaceFloats()));
        boolean needsWs = wsFloats > 0;
        boolean scalarOut = Type.f32(r.outputShape).size() == 1;
        cg.constructor();
        cg.staticInit();
        cg.forward(fwdBody, scalarOut, needsWs);
        cg.vjp(vjpBody, scalarOut, needsWs);
        if (vag != null) {
            cg.value(fwdBody, needsWs);
            cg.valueAndGrad(vagBody, needsWs);
        }
        cg.toBytes();
        return new Generated(cg, wsFloats);
    }

    /**
     * Defines the chunk classes, then the main class with handles on their drivers in its class
     * data, and makes the instance. Neither kind is STRONG: the chunk classes are reachable only
     * through the main class's handles, so all of them are unloaded together.
     */
    private static Compiled define(ClassGen cg, Signature sig) {
        try {
            Map<ClassGen, MethodHandles.Lookup> chunkClasses = new IdentityHashMap<>();
            for (ClassGen c : cg.chunkClasses()) {
                Object[] data = c.classData(m -> { throw new IllegalStateException("a chunk class calls " + m.name() + " of another class"); });
                chunkClasses.put(c, LOOKUP.defineHiddenClassWithClassData(c.toBytes(), data, true));
            }
            Object[] data = cg.classData(m -> {
                MethodHandles.Lookup owner = chunkClasses.get(m.owner());
                try {
                    return owner.findStatic(owner.lookupClass(), m.name(), BODY_TYPE);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("generated method " + m.name() + " not found in " + owner.lookupClass(), e);
                }
            });
            MethodHandles.Lookup hidden = LOOKUP.defineHiddenClassWithClassData(cg.toBytes(), data, true);
            MethodHandle ctor = hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class, Signature.class));
            return (Compiled) ctor.invoke(sig);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("could not define the generated class", t);
        }
    }

    private static void dump(ClassGen cg, Graph shown) {
        String dir = System.getProperty("jgrad.dump");
        if (dir == null || dir.isEmpty()) return;
        String ir = Printer.print(shown);
        try {
            Path d = Path.of(dir);
            Files.createDirectories(d);
            String simple = cg.name.substring(cg.name.lastIndexOf('/') + 1);
            Files.write(d.resolve(simple + ".class"), cg.toBytes());
            for (ClassGen c : cg.chunkClasses()) Files.write(d.resolve(c.name.substring(c.name.lastIndexOf('/') + 1) + ".class"), c.toBytes());
            Files.writeString(d.resolve(simple + ".ir"), ir, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("jgrad.dump: cannot write to " + dir, e);
        }
    }

    private static EntryChecks entryChecks(CompileRequest r) {
        int[] sizes = new int[r.inputCount()];
        for (int i = 0; i < sizes.length; i++) sizes[i] = Type.f32(r.inputShapes[i]).size();
        return new EntryChecks(sizes, r.requiresGrad, Type.f32(r.outputShape).size());
    }

    private static int[] differentiable(CompileRequest r) {
        return java.util.stream.IntStream.range(0, r.inputCount()).filter(i -> r.requiresGrad[i]).toArray();
    }

    /** The graph's inputs and outputs agree with the request (PIPELINE.md's contract). */
    private static void check(Graph g, String what, CompileRequest r, boolean withSeed, int[] diff) {
        int n = r.inputCount();
        Type out = Type.f32(r.outputShape);
        for (Node in : g.inputs()) {
            int i = in.inputIndex();
            Type want = i < n ? Type.f32(r.inputShapes[i]) : withSeed && i == n ? out : null;
            if (want == null) throw new IllegalArgumentException(what + " graph: " + in + " has no matching input (there are " + n + ")");
            if (!want.equals(in.type())) throw new IllegalArgumentException(what + " graph: input " + i + " is " + in.type() + ", expected " + want);
        }
        int outputs = 1 + diff.length;
        if (g.outputCount() != outputs) throw new IllegalArgumentException(what + " graph has " + g.outputCount() + " outputs, expected " + outputs);
        if (!g.type(g.output(0)).equals(out)) throw new IllegalArgumentException(what + " graph: output is " + g.type(g.output(0)) + ", expected " + out);
        for (int k = 1; k < outputs; k++) {
            Type want = Type.f32(r.inputShapes[diff[k - 1]]);
            if (!g.type(g.output(k)).equals(want))
                throw new IllegalArgumentException(what + " graph: output " + k + " (gradient of input " + diff[k - 1] + ") is " + g.type(g.output(k)) + ", expected " + want);
        }
        for (Node nd : g.nodes())
            if (nd.prim() == Prim.INPUT && nd.type().dtype() != DType.F32)
                throw new IllegalArgumentException(what + " graph: input " + nd.inputIndex() + " must be f32");
    }
}
