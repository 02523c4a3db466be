package io.jgrad.codegen;

import io.jgrad.ir.Node;
import io.jgrad.runtime.DType;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.objectweb.asm.Opcodes.*;

/**
 * Owns the ClassWriter of one generated class: a final subclass of {@code Compiled} whose
 * public entry points validate through {@code Checks} and call the static bodies written by
 * {@link BodyEmitter}. One method here per generated member.
 *
 * <p>A graph too big for one class file (65,535 constant-pool entries; a {@code <clinit>}
 * under 64 KB) continues in chunk classes ({@link #newChunkClass}): final classes holding
 * static chunk methods and constant fields, defined as hidden classes before the main class,
 * whose class data holds a {@code MethodHandle} to each method it calls there (hidden classes
 * cannot name each other). Nothing else refers to them: they are unloaded with the main class.
 */
final class ClassGen {
    static final String COMPILED = "io/jgrad/runtime/Compiled";
    static final String CHECKS = "io/jgrad/runtime/Checks";
    static final String WORKSPACE = "io/jgrad/runtime/Workspace";
    static final String SIGNATURE = "io/jgrad/runtime/Signature";
    static final String OPS = "io/jgrad/runtime/Ops";
    /** The base of a derivative kernel made on first use (jvp, hvp, jacobian: {@link DerivedCode}). */
    static final String DERIVED = "io/jgrad/runtime/Derived";
    /** Derived(int workspaceFloats, int workspaceDoubles, boolean reverse). */
    static final String DERIVED_CTOR_DESC = "(IIZ)V";

    static final String CTOR_DESC = "(L" + SIGNATURE + ";)V";
    static final String C = "L" + COMPILED + ";";
    static final String W = "L" + WORKSPACE + ";";
    static final String CHECK_WS = "(" + C + W + ")V";

    /** A class stops taking chunks at this many constant-pool entries: one more chunk of at most 8000 bytes, the drivers and handles fit in the rest. */
    static final int CHUNK_POOL_LIMIT = 45_000;
    /** ... or at this many static fields: one more chunk (at most 2,667 field reads) keeps {@code <clinit>} (11 bytes a field) under 64 KB. */
    static final int CHUNK_FIELD_LIMIT = 2_800;
    static final String HANDLE = "java/lang/invoke/MethodHandle";

    /**
     * A static body method of a generated class: the main class calls those of a chunk class through a MethodHandle.
     * A {@link ChunkTemplates template} takes one more int, {@code rowBase} (>= 0): its instance's row of its table.
     */
    record Method(ClassGen owner, String name, int rowBase) {
        Method(ClassGen owner, String name) { this(owner, name, -1); }
    }

    final String name;
    /** The function's dtype: inputs, seed, output and gradients are arrays of it. */
    final Num io;
    /**
     * Every body and chunk: (inputs, workspace floats, workspace doubles, seed, output, grads)
     * -> the scalar value, or 0. A region the function does not use is passed as null.
     */
    final String bodyDesc;
    /** A chunk template's: the body's, then the int rowBase. */
    final String templateDesc;
    /** Chunks recorded for this class and not yet written ({@link ChunkTemplates}), and an upper estimate of the constant-pool entries they add. */
    int pendingChunks, pendingPool;
    /** The constant-pool size measured when no chunk was pending. */
    private int measuredPool;
    /** Template methods written (for tests). */
    int templates;
    /** Elements of the workspace's float and double regions (set before the entry points are written). */
    int wsFloats, wsDoubles;
    private ClassWriter cw;
    private byte[] bytes;
    /** Class data, one entry per static field in order: float[]/double[] constants, and Methods resolved to handles at definition. */
    private final List<Object> data = new ArrayList<>();
    /** The field descriptor of each class-data entry. */
    private final List<String> dataTypes = new ArrayList<>();
    private final Map<ConstKey, String> constantFields = new HashMap<>();
    private final Map<Method, String> handleFields = new HashMap<>();
    /** The array copies of the constants (float[] or double[] by {@link #constantKind}), shared by the classes of one function. */
    private final Map<ConstKey, Object> arrays;
    private final List<ClassGen> chunkClasses = new ArrayList<>();
    private int bodies;

    /** Constants of one dtype and equal values share a field: forward, vjp and valueAndGrad each have their own node. */
    private record ConstKey(Node c) {
        @Override public boolean equals(Object o) {
            return o instanceof ConstKey k && k.c.type().dtype() == c.type().dtype() && k.c.sameData(c);
        }
        @Override public int hashCode() { return c.dataHash(); }

        /**
         * The constant as its field holds it: a double[] for F64, a float[] otherwise (BOOL as 0/1);
         * a captured f32 constant's own array as it is (never written: generated code only reads it).
         */
        Object array() {
            int n = c.type().size();
            if (constantKind(c) == Num.F64) {
                double[] d = new double[n];
                for (int i = 0; i < n; i++) d[i] = c.constAt(i);
                return d;
            }
            float[] shared = c.sharedF32Values();
            if (shared != null) return shared;
            float[] f = new float[n];
            for (int i = 0; i < n; i++) f[i] = (float) c.constAt(i);
            return f;
        }
    }
    /** The signature's checks unrolled with constants; null: every entry point calls Checks alone. */
    private EntryChecks entryChecks;
    private final Map<String, String> checkMethods = new HashMap<>();

    ClassGen(String name, Num io) {
        this(name, io, COMPILED, new HashMap<>());
    }

    /** A main class extending {@code superName}: Compiled, or Derived for a derivative kernel. */
    ClassGen(String name, Num io, String superName) {
        this(name, io, superName, new HashMap<>());
    }

    /** The super class: Compiled, Derived, or Object for a chunk class. */
    private final String superName;

    private ClassGen(String name, Num io, String superName, Map<ConstKey, Object> arrays) {
        this.name = name;
        this.superName = superName;
        this.io = io;
        this.arrays = arrays;
        this.bodyDesc = "(" + io.arrays + "[F[D" + io.array + io.array + io.arrays + ")" + io.desc;
        this.templateDesc = "(" + io.arrays + "[F[D" + io.array + io.array + io.arrays + "I)" + io.desc;
        this.cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                // Generated code holds only primitives and number arrays: a merge of two
                // reference types means a code generator bug.
                throw new IllegalStateException("unexpected frame merge of " + a + " and " + b + " in " + name);
            }
        };
        cw.visit(V17, (superName.equals(COMPILED) ? ACC_PUBLIC : 0) | ACC_FINAL | ACC_SUPER, name, null, superName, null);
    }

    /**
     * Says which path the bodies were generated on ({@link Simd#describe}): as the class file's
     * source name (javap's "Compiled from" line of a {@code -Djgrad.dump} class) and at the end of
     * {@code toString()}.
     */
    void pathNote(String note) {
        cw.visitSource("jgrad " + note, null);
        MethodVisitor m = cw.visitMethod(ACC_PUBLIC, "toString", "()Ljava/lang/String;", null, null);
        m.visitCode();
        m.visitVarInsn(ALOAD, 0);
        m.visitMethodInsn(INVOKESPECIAL, superName, "toString", "()Ljava/lang/String;", false);
        m.visitLdcInsn(", " + note);
        m.visitMethodInsn(INVOKEVIRTUAL, "java/lang/String", "concat", "(Ljava/lang/String;)Ljava/lang/String;", false);
        m.visitInsn(ARETURN);
        m.visitMaxs(0, 0);
        m.visitEnd();
    }

    /** A new chunk class of this (main) class, for the chunks that do not fit here. */
    ClassGen newChunkClass() {
        ClassGen c = new ClassGen(name + "$" + (chunkClasses.size() + 1), io, "java/lang/Object", arrays);
        chunkClasses.add(c);
        return c;
    }

    /** The chunk classes, in the order they were made (each finished). */
    List<ClassGen> chunkClasses() { return chunkClasses; }

    /**
     * Whether one more chunk method, to be called {@code method}, fits here (with what its
     * driver will add for it: a method ref and a name-and-type).
     */
    boolean hasRoomForChunk(String method) {
        // the pool's size, read without adding junk: the new name's entry is appended, at index = size so far;
        // while chunks are recorded but not written, the size when none was pending plus their estimate
        if (pendingChunks == 0) measuredPool = cw.newUTF8(method) + 1;
        int poolEntries = measuredPool + pendingPool;
        // every two pending chunks may become a template with an int[] table: one more field
        return poolEntries + 2 * bodies + 2 * pendingChunks < CHUNK_POOL_LIMIT && data.size() + pendingChunks / 2 < CHUNK_FIELD_LIMIT;
    }

    /** Writes a recorded body method (a chunk or a template, {@link ChunkTemplates}). */
    void addMethod(org.objectweb.asm.tree.MethodNode m) {
        bodies++;
        m.accept(cw);
    }

    /** Entry points written after this validate through inline checks first (see {@link EntryChecks}). */
    void entryChecks(EntryChecks e) { this.entryChecks = e; }

    /** A private static method with the body signature; the caller writes its code. */
    MethodVisitor staticBody(String method) {
        bodies++;
        return cw.visitMethod(ACC_PRIVATE | ACC_STATIC, method, bodyDesc, null, null);
    }

    /** The static final field holding a handle on another class's body method {@code m}. */
    String handleField(Method m) {
        return handleFields.computeIfAbsent(m, k -> field("h", k, "L" + HANDLE + ";"));
    }

    private String field(String prefix, Object value, String desc) {
        String f = prefix + data.size();
        data.add(value);
        dataTypes.add(desc);
        cw.visitField(ACC_PRIVATE | ACC_STATIC | ACC_FINAL, f, desc, null, null).visitEnd();
        return f;
    }

    /** The element kind of a constant tensor's array: its own dtype's, float 0/1 for a BOOL one. */
    static Num constantKind(Node c) {
        return c.type().dtype() == DType.F64 ? Num.F64 : Num.F32;
    }

    /**
     * The static field holding a non-uniform constant tensor (class data, not ldc sequences):
     * a {@code float[]} or {@code double[]} as {@link #constantKind}.
     */
    String constantField(Node c) {
        return constantFields.computeIfAbsent(new ConstKey(c), key -> field("k", arrays.computeIfAbsent(key, ConstKey::array), constantKind(c).array));
    }

    private final Map<TableKey, String> tableFields = new HashMap<>();

    /** An index table compared by content: forward, vjp and valueAndGrad share one field per table. */
    private record TableKey(int[] t) {
        @Override public boolean equals(Object o) { return o instanceof TableKey k && Arrays.equals(k.t, t); }
        @Override public int hashCode() { return Arrays.hashCode(t); }
    }

    /** The static field holding an index table (a gather's indices, composed with the slices and gathers around it): an {@code int[]}. */
    String tableField(int[] table) {
        return tableFields.computeIfAbsent(new TableKey(table), key -> field("k", key.t, "[I"));
    }

    /**
     * The class data handed to defineHiddenClassWithClassData: the values of the static
     * fields in order, each Method made a handle by {@code resolve} (its class is defined by then).
     */
    Object[] classData(java.util.function.Function<Method, Object> resolve) {
        Object[] d = data.toArray();
        for (int i = 0; i < d.length; i++) if (d[i] instanceof Method m) d[i] = resolve.apply(m);
        return d;
    }

    /** Any member method; the caller writes its code (see {@link DerivedGen}). */
    MethodVisitor method(int access, String method, String desc) {
        return cw.visitMethod(access, method, desc, null, null);
    }

    void constructor() {
        boolean derived = superName.equals(DERIVED);
        String desc = derived ? DERIVED_CTOR_DESC : CTOR_DESC;
        MethodVisitor m = cw.visitMethod(ACC_PUBLIC, "<init>", desc, null, null);
        m.visitCode();
        m.visitVarInsn(ALOAD, 0);
        if (derived) {
            m.visitVarInsn(ILOAD, 1);
            m.visitVarInsn(ILOAD, 2);
            m.visitVarInsn(ILOAD, 3);
        } else {
            m.visitVarInsn(ALOAD, 1);
        }
        m.visitMethodInsn(INVOKESPECIAL, superName, "<init>", desc, false);
        m.visitInsn(RETURN);
        m.visitMaxs(0, 0);
        m.visitEnd();
    }

    /** Reads the class data (constant tensors, handles) into the static fields. */
    void staticInit() {
        if (data.isEmpty()) return;
        MethodVisitor m = cw.visitMethod(ACC_STATIC, "<clinit>", "()V", null, null);
        m.visitCode();
        m.visitMethodInsn(INVOKESTATIC, "java/lang/invoke/MethodHandles", "lookup", "()Ljava/lang/invoke/MethodHandles$Lookup;", false);
        m.visitLdcInsn("_");
        m.visitLdcInsn(Type.getType("[Ljava/lang/Object;"));
        m.visitMethodInsn(INVOKESTATIC, "java/lang/invoke/MethodHandles", "classData",
                "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;)Ljava/lang/Object;", false);
        m.visitTypeInsn(CHECKCAST, "[Ljava/lang/Object;");
        m.visitVarInsn(ASTORE, 0);
        for (int i = 0; i < data.size(); i++) {
            boolean handle = data.get(i) instanceof Method;
            m.visitVarInsn(ALOAD, 0);
            m.visitLdcInsn(i);
            m.visitInsn(AALOAD);
            m.visitTypeInsn(CHECKCAST, handle ? HANDLE : dataTypes.get(i));
            m.visitFieldInsn(PUTSTATIC, name, (handle ? "h" : "k") + i, dataTypes.get(i));
        }
        m.visitInsn(RETURN);
        m.visitMaxs(0, 0);
        m.visitEnd();
    }

    /** A method descriptor over this class's arrays: a parameter "[[" is io.arrays, "[" io.array, others as written. */
    private String desc(String ret, String... params) {
        StringBuilder sb = new StringBuilder("(");
        for (String p : params) sb.append(p.equals("[[") ? io.arrays : p.equals("[") ? io.array : p);
        return sb.append(')').append(ret).toString();
    }

    /** The parameters with a leading workspace when {@code explicit}. */
    private static String[] withWs(boolean explicit, String... params) {
        if (!explicit) return params;
        String[] r = new String[params.length + 1];
        r[0] = W;
        System.arraycopy(params, 0, r, 1, params.length);
        return r;
    }

    /** forward(inputs, output) and forward(ws, inputs, output). */
    void forward(String body, boolean scalarOut) {
        for (boolean explicit : new boolean[] {false, true}) {
            int ws = explicit ? 1 : -1, in = explicit ? 2 : 1, out = in + 1;
            MethodVisitor m = cw.visitMethod(ACC_PUBLIC | ACC_FINAL, "forward", desc("V", withWs(explicit, "[[", "[")), null, null);
            m.visitCode();
            validate(m, "forward", desc("V", C, "[[", "["), in, -1, out, -1);
            checkWorkspace(m, ws);
            scalarDestination(m, scalarOut, out);
            m.visitVarInsn(ALOAD, in);
            workspaceArrays(m, ws);
            m.visitInsn(ACONST_NULL);
            m.visitVarInsn(ALOAD, out);
            m.visitInsn(ACONST_NULL);
            m.visitMethodInsn(INVOKESTATIC, name, body, bodyDesc, false);
            storeScalar(m, scalarOut);
            m.visitInsn(RETURN);
            m.visitMaxs(0, 0);
            m.visitEnd();
        }
    }

    /** value(inputs): scalar outputs only (the base class throws otherwise). */
    void value(String body) {
        MethodVisitor m = cw.visitMethod(ACC_PUBLIC | ACC_FINAL, "value", desc(String.valueOf(io.desc), "[["), null, null);
        m.visitCode();
        validate(m, "value", desc("V", C, "[["), 1, -1, -1, -1);
        m.visitVarInsn(ALOAD, 1);
        workspaceArrays(m, -1);
        m.visitInsn(ACONST_NULL);
        m.visitInsn(ACONST_NULL);
        m.visitInsn(ACONST_NULL);
        m.visitMethodInsn(INVOKESTATIC, name, body, bodyDesc, false);
        m.visitInsn(io.ret);
        m.visitMaxs(0, 0);
        m.visitEnd();
    }

    /** valueAndGrad(inputs, grads) and valueAndGrad(ws, inputs, grads): scalar outputs only. */
    void valueAndGrad(String body) {
        for (boolean explicit : new boolean[] {false, true}) {
            int ws = explicit ? 1 : -1, in = explicit ? 2 : 1, grads = in + 1;
            MethodVisitor m = cw.visitMethod(ACC_PUBLIC | ACC_FINAL, "valueAndGrad", desc(String.valueOf(io.desc), withWs(explicit, "[[", "[[")), null, null);
            m.visitCode();
            validate(m, "valueAndGrad", desc("V", C, "[[", "[["), in, -1, -1, grads);
            checkWorkspace(m, ws);
            m.visitVarInsn(ALOAD, in);
            workspaceArrays(m, ws);
            m.visitInsn(ACONST_NULL);
            m.visitInsn(ACONST_NULL);
            m.visitVarInsn(ALOAD, grads);
            m.visitMethodInsn(INVOKESTATIC, name, body, bodyDesc, false);
            m.visitInsn(io.ret);
            m.visitMaxs(0, 0);
            m.visitEnd();
        }
    }

    /** vjp(inputs, seed, output, grads) and vjp(ws, inputs, seed, output, grads). */
    void vjp(String body, boolean scalarOut) {
        for (boolean explicit : new boolean[] {false, true}) {
            int ws = explicit ? 1 : -1, in = explicit ? 2 : 1, seed = in + 1, out = in + 2, grads = in + 3;
            MethodVisitor m = cw.visitMethod(ACC_PUBLIC | ACC_FINAL, "vjp", desc("V", withWs(explicit, "[[", "[", "[", "[[")), null, null);
            m.visitCode();
            validate(m, "vjp", desc("V", C, "[[", "[", "[", "[["), in, seed, out, grads);
            checkWorkspace(m, ws);
            scalarDestination(m, scalarOut, out);
            m.visitVarInsn(ALOAD, in);
            workspaceArrays(m, ws);
            m.visitVarInsn(ALOAD, seed);
            m.visitVarInsn(ALOAD, out);
            m.visitVarInsn(ALOAD, grads);
            m.visitMethodInsn(INVOKESTATIC, name, body, bodyDesc, false);
            storeScalar(m, scalarOut);
            m.visitInsn(RETURN);
            m.visitMaxs(0, 0);
            m.visitEnd();
        }
    }

    /** The check methods' (inputs, seed, output, grads) -> boolean over this function's arrays. */
    private String checkDesc() {
        return desc("Z", "[[", "[", "[", "[[");
    }

    /**
     * Validates the entry point's arguments (local slots, -1 when absent) before anything runs:
     * the unrolled checks ({@link EntryChecks}), and {@code Checks.<kind>} only when they fail
     * (it throws the message); {@code Checks.<kind>} alone when the signature is too big to unroll.
     */
    private void validate(MethodVisitor m, String kind, String checksDesc, int in, int seed, int out, int grads) {
        Label ok = new Label();
        boolean unrolled = entryChecks != null && entryChecks.unrolled(seed >= 0, out >= 0, grads >= 0);
        if (unrolled) {
            for (int slot : new int[] {in, seed, out, grads}) {
                if (slot >= 0) m.visitVarInsn(ALOAD, slot);
                else m.visitInsn(ACONST_NULL);
            }
            String method = checkMethods.computeIfAbsent(kind, k -> {
                String mn = "check$" + k;
                entryChecks.emit(cw.visitMethod(ACC_PRIVATE | ACC_STATIC, mn, checkDesc(), null, null), seed >= 0, out >= 0, grads >= 0);
                return mn;
            });
            m.visitMethodInsn(INVOKESTATIC, name, method, checkDesc(), false);
            m.visitJumpInsn(IFNE, ok);
        }
        m.visitVarInsn(ALOAD, 0);
        for (int slot : new int[] {in, seed, out, grads}) if (slot >= 0) m.visitVarInsn(ALOAD, slot);
        m.visitMethodInsn(INVOKESTATIC, CHECKS, kind, checksDesc, false);
        if (unrolled) m.visitLabel(ok);
    }

    private static void checkWorkspace(MethodVisitor m, int ws) {
        if (ws < 0) return;
        m.visitVarInsn(ALOAD, 0);
        m.visitVarInsn(ALOAD, ws);
        m.visitMethodInsn(INVOKESTATIC, CHECKS, "workspace", CHECK_WS, false);
    }

    /**
     * Pushes the workspace's float and double arrays: the explicit workspace's (argument
     * {@code wsArg}), or the thread's own; null for a region the function does not use.
     */
    private void workspaceArrays(MethodVisitor m, int wsArg) {
        workspaceArray(m, wsArg, wsFloats > 0, "workspaceArray", "threadWorkspace", "[F");
        workspaceArray(m, wsArg, wsDoubles > 0, "workspaceDoubles", "threadWorkspaceDoubles", "[D");
    }

    private static void workspaceArray(MethodVisitor m, int wsArg, boolean used, String of, String thread, String array) {
        if (!used) {
            m.visitInsn(ACONST_NULL);
        } else if (wsArg >= 0) {
            m.visitVarInsn(ALOAD, wsArg);
            m.visitMethodInsn(INVOKESTATIC, COMPILED, of, "(L" + WORKSPACE + ";)" + array, false);
        } else {
            m.visitVarInsn(ALOAD, 0);
            m.visitMethodInsn(INVOKEVIRTUAL, COMPILED, thread, "()" + array, false);
        }
    }

    /** A one-element output comes back as the body's return value: output and index 0 go under it. */
    private static void scalarDestination(MethodVisitor m, boolean scalarOut, int out) {
        if (!scalarOut) return;
        m.visitVarInsn(ALOAD, out);
        m.visitInsn(ICONST_0);
    }

    /** Stores the body's returned value into output[0], or drops it for a tensor output (written by the body). */
    private void storeScalar(MethodVisitor m, boolean scalarOut) {
        m.visitInsn(scalarOut ? io.astore : io.pop);
    }

    /** Finishes the class file (the writer is let go: a chunk class's ASM state is garbage from here on). */
    byte[] toBytes() {
        if (bytes == null) {
            cw.visitEnd();
            bytes = cw.toByteArray();
            cw = null;
        }
        return bytes;
    }
}
