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


    public static Compiled compile(CompileRequest r) {
        return define(r, generate(r));
    }

    /** The classes {@link #generate} wrote for r, defined: the Compiled. */
    static Compiled define(CompileRequest r, Generated g) {
        Graph shown = r.valueAndGrad != null ? r.valueAndGrad : r.vjp;
        byte[] bytes = g.main.toBytes();
        // jvp, jacobian and hvp are generated on their first call (DerivedCode), not here
        DerivedCode derived = new DerivedCode(g.main.name, g.dtype, r.forward, r.requiresGrad, r.inputShapes, r.outputShape);
        Signature sig = new Signature(g.dtype, r.inputNames, r.inputShapes, r.requiresGrad, r.outputShape,
                g.main.wsFloats, g.main.wsDoubles, () -> Printer.print(shown), () -> Dot.print(shown), bytes, derived);
        dump(g.main, shown);
        return define(g.main, sig);
    }

    /** The main class (finished; it knows the workspace its bodies need) and the function's dtype. */
    record Generated(ClassGen main, DType dtype) {
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
        DType dtype = dtype(r);
        check(r.forward, "forward", r, dtype, false, new int[0]);
        check(r.vjp, "vjp", r, dtype, true, diff);
        if (r.outputShape.length == 0 && r.valueAndGrad == null)
            throw new IllegalArgumentException("the output is a scalar: a valueAndGrad graph is required");
        if (r.outputShape.length != 0 && r.valueAndGrad != null)
            throw new IllegalArgumentException("the output has shape " + Arrays.toString(r.outputShape) + ": valueAndGrad needs a scalar output, pass null");
        if (r.valueAndGrad != null) check(r.valueAndGrad, "valueAndGrad", r, dtype, false, diff);

        String name = PACKAGE + "/JgradFn" + COUNTER.incrementAndGet();
        Num io = Num.of(dtype);
        ClassGen cg = new ClassGen(name, io);
        cg.pathNote(Simd.describe());
        cg.entryChecks(entryChecks(r));
        int[] gradInput = new int[diff.length + 1];
        gradInput[0] = -1;
        System.arraycopy(diff, 0, gradInput, 1, diff.length);

        long work = VectorLowering.work(r.forward);   // one measure for the three bodies: a node is vector code in all or none
        BodyEmitter fwd = new BodyEmitter(cg, new Plan(r.forward, -1, new int[] {-1}, io), "forward$", work);
        BodyEmitter vjp = new BodyEmitter(cg, new Plan(r.vjp, n, gradInput, io), "vjp$", work);
        BodyEmitter vag = r.valueAndGrad == null ? null : new BodyEmitter(cg, new Plan(r.valueAndGrad, -1, gradInput, io), "valueAndGrad$", work);
        String fwdBody = fwd.emit(), vjpBody = vjp.emit(), vagBody = vag == null ? null : vag.emit();
        // One workspace serves the three bodies: each region as large as the largest body needs.
        for (BodyEmitter b : new BodyEmitter[] {fwd, vjp, vag}) {
            if (b == null) continue;
            cg.wsFloats = Math.max(cg.wsFloats, b.workspaceSize(Num.F32));
            cg.wsDoubles = Math.max(cg.wsDoubles, b.workspaceSize(Num.F64));
        }
        boolean scalarOut = Type.f32(r.outputShape).size() == 1;
        cg.constructor();
        cg.staticInit();
        cg.forward(fwdBody, scalarOut);
        cg.vjp(vjpBody, scalarOut);
        if (vag != null) {
            cg.value(fwdBody);
            cg.valueAndGrad(vagBody);
        }
        cg.toBytes();
        return new Generated(cg, dtype);
    }

    /**
     * Defines the chunk classes, then the main class with handles on their drivers in its class
     * data, and makes the instance. Neither kind is STRONG: the chunk classes are reachable only
     * through the main class's handles, so all of them are unloaded together.
     */
    private static Compiled define(ClassGen cg, Signature sig) {
        try {
            MethodHandles.Lookup hidden = defineClasses(cg);
            MethodHandle ctor = hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class, Signature.class));
            return (Compiled) ctor.invoke(sig);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("could not define the generated class", t);
        }
    }

    /** Defines cg's chunk classes, then cg with handles on their drivers in its class data; the lookup on cg. */
    static MethodHandles.Lookup defineClasses(ClassGen cg) throws IllegalAccessException {
        Map<ClassGen, MethodHandles.Lookup> chunkClasses = new IdentityHashMap<>();
        for (ClassGen c : cg.chunkClasses()) {
            Object[] data = c.classData(m -> { throw new IllegalStateException("a chunk class calls " + m.name() + " of another class"); });
            chunkClasses.put(c, LOOKUP.defineHiddenClassWithClassData(c.toBytes(), data, true));
        }
        Object[] data = cg.classData(m -> {
            MethodHandles.Lookup owner = chunkClasses.get(m.owner());
            try {
                return owner.findStatic(owner.lookupClass(), m.name(), MethodType.fromMethodDescriptorString(cg.bodyDesc, null));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("generated method " + m.name() + " not found in " + owner.lookupClass(), e);
            }
        });
        return LOOKUP.defineHiddenClassWithClassData(cg.toBytes(), data, true);
    }

    static void dump(ClassGen cg, Graph shown) {
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

    /**
     * The function's dtype, its forward output's: F32 or F64 (API.md: inputs, output, seed and
     * gradients share it). F16 is computed eagerly only; every other value's dtype is checked
     * against it by {@link #check}.
     */
    private static DType dtype(CompileRequest r) {
        DType d = r.forward.type(r.forward.output(0)).dtype();
        return switch (d) {
            case F32, F64 -> d;
            case F16 -> throw new IllegalArgumentException("compiled functions are F32 or F64; this one computes in F16:"
                    + " compile it over F32 inputs (to(DType.F32)) and convert the result where needed");
            case BOOL -> throw new IllegalArgumentException("the output is bool: a compiled function returns F32 or F64 values");
        };
    }

    /** The graph's inputs and outputs agree with the request (PIPELINE.md's contract), all of the function's dtype. */
    private static void check(Graph g, String what, CompileRequest r, DType dtype, boolean withSeed, int[] diff) {
        int n = r.inputCount();
        Type out = Type.of(dtype, r.outputShape);
        for (Node nd : g.nodes())
            if (nd.type().dtype() == DType.F16)
                throw new IllegalArgumentException(what + " graph: " + nd + " is f16; compiled code computes in F32 or F64, use F32");
        for (Node in : g.inputs()) {
            int i = in.inputIndex();
            Type want = i < n ? Type.of(dtype, r.inputShapes[i]) : withSeed && i == n ? out : null;
            if (want == null) throw new IllegalArgumentException(what + " graph: " + in + " has no matching input (there are " + n + ")");
            if (!want.equals(in.type())) throw new IllegalArgumentException(what + " graph: input " + i + " is " + in.type() + ", expected " + want);
        }
        int outputs = 1 + diff.length;
        if (g.outputCount() != outputs) throw new IllegalArgumentException(what + " graph has " + g.outputCount() + " outputs, expected " + outputs);
        if (!g.type(g.output(0)).equals(out)) throw new IllegalArgumentException(what + " graph: output is " + g.type(g.output(0)) + ", expected " + out);
        for (int k = 1; k < outputs; k++) {
            Type want = Type.of(dtype, r.inputShapes[diff[k - 1]]);
            if (!g.type(g.output(k)).equals(want))
                throw new IllegalArgumentException(what + " graph: output " + k + " (gradient of input " + diff[k - 1] + ") is " + g.type(g.output(k)) + ", expected " + want);
        }
    }
}
