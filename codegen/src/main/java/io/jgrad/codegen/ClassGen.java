package io.jgrad.codegen;

import io.jgrad.ir.Node;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;

import java.util.ArrayList;
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

    /** Every body and chunk: (inputs, workspace, seed, output, grads) -> the scalar value, or 0. */
    static final String BODY_DESC = "([[F[F[F[F[[F)F";
    static final String CTOR_DESC = "(L" + SIGNATURE + ";)V";
    static final String C = "L" + COMPILED + ";";
    static final String W = "L" + WORKSPACE + ";";
    static final String CHECK_FORWARD = "(" + C + "[[F[F)V";
    static final String CHECK_VALUE = "(" + C + "[[F)V";
    static final String CHECK_VAG = "(" + C + "[[F[[F)V";
    static final String CHECK_VJP = "(" + C + "[[F[F[F[[F)V";
    static final String CHECK_WS = "(" + C + W + ")V";

    /** A class stops taking chunks at this many constant-pool entries: one more chunk of at most 8000 bytes, the drivers and handles fit in the rest. */
    static final int CHUNK_POOL_LIMIT = 45_000;
    /** ... or at this many static fields: one more chunk (at most 2,667 field reads) keeps {@code <clinit>} (11 bytes a field) under 64 KB. */
    static final int CHUNK_FIELD_LIMIT = 2_800;
    static final String HANDLE = "java/lang/invoke/MethodHandle";

    /** A static body method of a generated class: the main class calls those of a chunk class through a MethodHandle. */
    record Method(ClassGen owner, String name) {}

    final String name;
    private ClassWriter cw;
    private byte[] bytes;
    /** Class data, one entry per static field in order: float[] constants, and Methods resolved to handles at definition. */
    private final List<Object> data = new ArrayList<>();
    private final Map<ConstKey, String> constantFields = new HashMap<>();
    private final Map<Method, String> handleFields = new HashMap<>();
    /** The float copies of the constants, shared by the classes of one function. */
    private final Map<ConstKey, float[]> floats;
    private final List<ClassGen> chunkClasses = new ArrayList<>();
    private int bodies;

    /** Constants of one dtype and equal values share a field: forward, vjp and valueAndGrad each have their own node. */
    private record ConstKey(Node c) {
        @Override public boolean equals(Object o) {
            return o instanceof ConstKey k && k.c.type().dtype() == c.type().dtype() && k.c.sameData(c);
        }
        @Override public int hashCode() { return c.dataHash(); }

        float[] floats() {
            float[] f = new float[c.type().size()];
            for (int i = 0; i < f.length; i++) f[i] = (float) c.constAt(i);
            return f;
        }
    }
    /** The signature's checks unrolled with constants; null: every entry point calls Checks alone. */
    private EntryChecks entryChecks;
    private final Map<String, String> checkMethods = new HashMap<>();

    ClassGen(String name) {
        this(name, COMPILED, new HashMap<>());
    }

    private ClassGen(String name, String superName, Map<ConstKey, float[]> floats) {
        this.name = name;
        this.floats = floats;
        this.cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                // Generated code holds only primitives and float arrays: a merge of two
                // reference types means a code generator bug.
                throw new IllegalStateException("unexpected frame merge of " + a + " and " + b + " in " + name);
            }
        };
        cw.visit(V17, (superName.equals(COMPILED) ? ACC_PUBLIC : 0) | ACC_FINAL | ACC_SUPER, name, null, superName, null);
    }

    /** A new chunk class of this (main) class, for the chunks that do not fit here. */
    ClassGen newChunkClass() {
        ClassGen c = new ClassGen(name + "$" + (chunkClasses.size() + 1), "java/lang/Object", floats);
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
        // the pool's size, read without adding junk: the new name's entry is appended, at index = size so far
        int poolEntries = cw.newUTF8(method) + 1;
        return poolEntries + 2 * bodies < CHUNK_POOL_LIMIT && data.size() < CHUNK_FIELD_LIMIT;
    }

    /** Entry points written after this validate through inline checks first (see {@link EntryChecks}). */
    void entryChecks(EntryChecks e) { this.entryChecks = e; }

    /** A private static method with the body signature; the caller writes its code. */
    MethodVisitor staticBody(String method) {
        bodies++;
        return cw.visitMethod(ACC_PRIVATE | ACC_STATIC, method, BODY_DESC, null, null);
    }

    /** The static final field holding a handle on another class's body method {@code m}. */
    String handleField(Method m) {
        return handleFields.computeIfAbsent(m, k -> field("h", k, "L" + HANDLE + ";"));
    }

    private String field(String prefix, Object value, String desc) {
        String f = prefix + data.size();
        data.add(value);
        cw.visitField(ACC_PRIVATE | ACC_STATIC | ACC_FINAL, f, desc, null, null).visitEnd();
        return f;
    }

    /** The static field holding a non-uniform constant tensor (class data, not ldc sequences). */
    String constantField(Node c) {
        return constantFields.computeIfAbsent(new ConstKey(c), key -> field("k", floats.computeIfAbsent(key, ConstKey::floats), "[F"));
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

    void constructor() {
        MethodVisitor m = cw.visitMethod(ACC_PUBLIC, "<init>", CTOR_DESC, null, null);
        m.visitCode();
        m.visitVarInsn(ALOAD, 0);
        m.visitVarInsn(ALOAD, 1);
        m.visitMethodInsn(INVOKESPECIAL, COMPILED, "<init>", CTOR_DESC, false);
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
            m.visitTypeInsn(CHECKCAST, handle ? HANDLE : "[F");
            m.visitFieldInsn(PUTSTATIC, name, (handle ? "h" : "k") + i, handle ? "L" + HANDLE + ";" : "[F");
        }
        m.visitInsn(RETURN);
        m.visitMaxs(0, 0);
        m.visitEnd();
    }

    /** forward(inputs, output) and forward(ws, inputs, output). */
    void forward(String body, boolean scalarOut, boolean needsWs) {
        for (boolean explicit : new boolean[] {false, true}) {
            int ws = explicit ? 1 : -1, in = explicit ? 2 : 1, out = in + 1;
            MethodVisitor m = cw.visitMethod(ACC_PUBLIC | ACC_FINAL, "forward", explicit ? "(" + W + "[[F[F)V" : "([[F[F)V", null, null);
            m.visitCode();
            validate(m, "forward", CHECK_FORWARD, in, -1, out, -1);
            checkWorkspace(m, ws);
            m.visitVarInsn(ALOAD, in);
            workspaceArray(m, ws, needsWs);
            m.visitInsn(ACONST_NULL);
            m.visitVarInsn(ALOAD, out);
            m.visitInsn(ACONST_NULL);
            m.visitMethodInsn(INVOKESTATIC, name, body, BODY_DESC, false);
            storeScalar(m, scalarOut, out);
            m.visitInsn(RETURN);
            m.visitMaxs(0, 0);
            m.visitEnd();
        }
    }

    /** value(inputs): scalar outputs only (the base class throws otherwise). */
    void value(String body, boolean needsWs) {
        MethodVisitor m = cw.visitMethod(ACC_PUBLIC | ACC_FINAL, "value", "([[F)F", null, null);
        m.visitCode();
        validate(m, "value", CHECK_VALUE, 1, -1, -1, -1);
        m.visitVarInsn(ALOAD, 1);
        workspaceArray(m, -1, needsWs);
        m.visitInsn(ACONST_NULL);
        m.visitInsn(ACONST_NULL);
        m.visitInsn(ACONST_NULL);
        m.visitMethodInsn(INVOKESTATIC, name, body, BODY_DESC, false);
        m.visitInsn(FRETURN);
        m.visitMaxs(0, 0);
        m.visitEnd();
    }

    /** valueAndGrad(inputs, grads) and valueAndGrad(ws, inputs, grads): scalar outputs only. */
    void valueAndGrad(String body, boolean needsWs) {
        for (boolean explicit : new boolean[] {false, true}) {
            int ws = explicit ? 1 : -1, in = explicit ? 2 : 1, grads = in + 1;
            MethodVisitor m = cw.visitMethod(ACC_PUBLIC | ACC_FINAL, "valueAndGrad", explicit ? "(" + W + "[[F[[F)F" : "([[F[[F)F", null, null);
            m.visitCode();
            validate(m, "valueAndGrad", CHECK_VAG, in, -1, -1, grads);
            checkWorkspace(m, ws);
            m.visitVarInsn(ALOAD, in);
            workspaceArray(m, ws, needsWs);
            m.visitInsn(ACONST_NULL);
            m.visitInsn(ACONST_NULL);
            m.visitVarInsn(ALOAD, grads);
            m.visitMethodInsn(INVOKESTATIC, name, body, BODY_DESC, false);
            m.visitInsn(FRETURN);
            m.visitMaxs(0, 0);
            m.visitEnd();
        }
    }

    /** vjp(inputs, seed, output, grads) and vjp(ws, inputs, seed, output, grads). */
    void vjp(String body, boolean scalarOut, boolean needsWs) {
        for (boolean explicit : new boolean[] {false, true}) {
            int ws = explicit ? 1 : -1, in = explicit ? 2 : 1, seed = in + 1, out = in + 2, grads = in + 3;
            MethodVisitor m = cw.visitMethod(ACC_PUBLIC | ACC_FINAL, "vjp", explicit ? "(" + W + "[[F[F[F[[F)V" : "([[F[F[F[[F)V", null, null);
            m.visitCode();
            validate(m, "vjp", CHECK_VJP, in, seed, out, grads);
            checkWorkspace(m, ws);
            m.visitVarInsn(ALOAD, in);
            workspaceArray(m, ws, needsWs);
            m.visitVarInsn(ALOAD, seed);
            m.visitVarInsn(ALOAD, out);
            m.visitVarInsn(ALOAD, grads);
            m.visitMethodInsn(INVOKESTATIC, name, body, BODY_DESC, false);
            storeScalar(m, scalarOut, out);
            m.visitInsn(RETURN);
            m.visitMaxs(0, 0);
            m.visitEnd();
        }
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
                entryChecks.emit(cw.visitMethod(ACC_PRIVATE | ACC_STATIC, mn, EntryChecks.DESC, null, null), seed >= 0, out >= 0, grads >= 0);
                return mn;
            });
            m.visitMethodInsn(INVOKESTATIC, name, method, EntryChecks.DESC, false);
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

    /** Pushes the workspace array: the explicit one, the thread's own, or null when none is planned. */
    private static void workspaceArray(MethodVisitor m, int ws, boolean needsWs) {
        if (ws >= 0) {
            m.visitVarInsn(ALOAD, ws);
            m.visitMethodInsn(INVOKESTATIC, COMPILED, "workspaceArray", "(L" + WORKSPACE + ";)[F", false);
        } else if (needsWs) {
            m.visitVarInsn(ALOAD, 0);
            m.visitMethodInsn(INVOKEVIRTUAL, COMPILED, "threadWorkspace", "()[F", false);
        } else {
            m.visitInsn(ACONST_NULL);
        }
    }

    /** A one-element output comes back as the body's return value. */
    private static void storeScalar(MethodVisitor m, boolean scalarOut, int out) {
        if (!scalarOut) {
            m.visitInsn(POP);
            return;
        }
        m.visitVarInsn(ALOAD, out);
        m.visitInsn(SWAP);
        m.visitInsn(ICONST_0);
        m.visitInsn(SWAP);
        m.visitInsn(FASTORE);
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
