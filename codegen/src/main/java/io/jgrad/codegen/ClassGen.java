package io.jgrad.codegen;

import io.jgrad.ir.Node;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static org.objectweb.asm.Opcodes.*;

/**
 * Owns the ClassWriter of one generated class: a final subclass of {@code Compiled} whose
 * public entry points validate through {@code Checks} and call the static bodies written by
 * {@link BodyEmitter}. One method here per generated member.
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

    final String name;
    private final ClassWriter cw;
    private final List<float[]> constants = new ArrayList<>();
    private final Map<Node, String> constantFields = new IdentityHashMap<>();
    /** The signature's checks unrolled with constants; null: every entry point calls Checks alone. */
    private EntryChecks entryChecks;
    private final Map<String, String> checkMethods = new java.util.HashMap<>();

    ClassGen(String name) {
        this.name = name;
        this.cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                // Generated code holds only primitives and float arrays: a merge of two
                // reference types means a code generator bug.
                throw new IllegalStateException("unexpected frame merge of " + a + " and " + b + " in " + name);
            }
        };
        cw.visit(V17, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, name, null, COMPILED, null);
    }

    /** Entry points written after this validate through inline checks first (see {@link EntryChecks}). */
    void entryChecks(EntryChecks e) { this.entryChecks = e; }

    /** A private static method with the body signature; the caller writes its code. */
    MethodVisitor staticBody(String method) {
        return cw.visitMethod(ACC_PRIVATE | ACC_STATIC, method, BODY_DESC, null, null);
    }

    /** The static field holding a non-uniform constant tensor (class data, not ldc sequences). */
    String constantField(Node c) {
        return constantFields.computeIfAbsent(c, k -> {
            float[] data = new float[k.type().size()];
            for (int i = 0; i < data.length; i++) data[i] = (float) k.constAt(i);
            String f = "k" + constants.size();
            constants.add(data);
            cw.visitField(ACC_PRIVATE | ACC_STATIC | ACC_FINAL, f, "[F", null, null).visitEnd();
            return f;
        });
    }

    /** The class data handed to defineHiddenClassWithClassData: the constant tensors in field order. */
    Object[] classData() { return constants.toArray(); }

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

    /** Reads the constant tensors from the class data into the static fields. */
    void staticInit() {
        if (constants.isEmpty()) return;
        MethodVisitor m = cw.visitMethod(ACC_STATIC, "<clinit>", "()V", null, null);
        m.visitCode();
        m.visitMethodInsn(INVOKESTATIC, "java/lang/invoke/MethodHandles", "lookup", "()Ljava/lang/invoke/MethodHandles$Lookup;", false);
        m.visitLdcInsn("_");
        m.visitLdcInsn(Type.getType("[Ljava/lang/Object;"));
        m.visitMethodInsn(INVOKESTATIC, "java/lang/invoke/MethodHandles", "classData",
                "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;)Ljava/lang/Object;", false);
        m.visitTypeInsn(CHECKCAST, "[Ljava/lang/Object;");
        m.visitVarInsn(ASTORE, 0);
        for (int i = 0; i < constants.size(); i++) {
            m.visitVarInsn(ALOAD, 0);
            m.visitLdcInsn(i);
            m.visitInsn(AALOAD);
            m.visitTypeInsn(CHECKCAST, "[F");
            m.visitFieldInsn(PUTSTATIC, name, "k" + i, "[F");
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

    byte[] toBytes() {
        cw.visitEnd();
        return cw.toByteArray();
    }
}
