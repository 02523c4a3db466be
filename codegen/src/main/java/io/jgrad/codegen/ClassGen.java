package io.jgrad.codegen;

import io.jgrad.ir.Node;
import io.jgrad.runtime.DType;
import org.objectweb.asm.ClassWriter;
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
    static final String DERIVED = "io/jgrad/runtime/Derived";
    /** Derived(int workspaceFloats, int workspaceDoubles, boolean reverse). */
    static final String DERIVED_CTOR_DESC = "(IIZ)V";

    static final String CTOR_DESC = "(L" + SIGNATURE + ";)V";
    static final String C = "L" + COMPILED + ";";
    static final String W = "L" + WORKSPACE + ";";
    static final String CHECK_WS = "(" + C + W + ")V";

    final String name;
    /** The function's dtype: inputs, seed, output and gradients are arrays of it. */
    final Num io;
    /**
     * Every body and chunk: (inputs, workspace floats, workspace doubles, seed, output, grads)
     * -> the scalar value, or 0. A region the function does not use is passed as null.
     */
    final String bodyDesc;
    /** Elements of the workspace's float and double regions (set before the entry points are written). */
    int wsFloats, wsDoubles;
    private final ClassWriter cw;
    private final List<Object> constants = new ArrayList<>();
    private final List<String> constantTypes = new ArrayList<>();
    private final Map<Node, String> constantFields = new IdentityHashMap<>();

    /** The super class: Compiled, or Derived for a lazily made derivative kernel. */
    private final String superName;

    ClassGen(String name, Num io) {
        this(name, io, COMPILED);
    }

    ClassGen(String name, Num io, String superName) {
        this.name = name;
        this.superName = superName;
        this.io = io;
        this.bodyDesc = "(" + io.arrays + "[F[D" + io.array + io.array + io.arrays + ")" + io.desc;
        this.cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                // Generated code holds only primitives and number arrays: a merge of two
                // reference types means a code generator bug.
                throw new IllegalStateException("unexpected frame merge of " + a + " and " + b + " in " + name);
            }
        };
        cw.visit(V17, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, name, null, superName, null);
    }

    /** Any member method; the caller writes its code (see {@link DerivedGen}). */
    MethodVisitor method(int access, String method, String desc) {
        return cw.visitMethod(access, method, desc, null, null);
    }

    /** A private static method with the body signature; the caller writes its code. */
    MethodVisitor staticBody(String method) {
        return cw.visitMethod(ACC_PRIVATE | ACC_STATIC, method, bodyDesc, null, null);
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
        return constantFields.computeIfAbsent(c, k -> {
            int n = k.type().size();
            Num kind = constantKind(k);
            Object data;
            if (kind == Num.F64) {
                double[] d = new double[n];
                for (int i = 0; i < n; i++) d[i] = k.constAt(i);
                data = d;
            } else {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) f[i] = (float) k.constAt(i);
                data = f;
            }
            String f = "k" + constants.size();
            constants.add(data);
            constantTypes.add(kind.array);
            cw.visitField(ACC_PRIVATE | ACC_STATIC | ACC_FINAL, f, kind.array, null, null).visitEnd();
            return f;
        });
    }

    /** The class data handed to defineHiddenClassWithClassData: the constant tensors in field order. */
    Object[] classData() { return constants.toArray(); }

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
            m.visitTypeInsn(CHECKCAST, constantTypes.get(i));
            m.visitFieldInsn(PUTSTATIC, name, "k" + i, constantTypes.get(i));
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
            m.visitVarInsn(ALOAD, 0);
            m.visitVarInsn(ALOAD, in);
            m.visitVarInsn(ALOAD, out);
            m.visitMethodInsn(INVOKESTATIC, CHECKS, "forward", desc("V", C, "[[", "["), false);
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
        m.visitVarInsn(ALOAD, 0);
        m.visitVarInsn(ALOAD, 1);
        m.visitMethodInsn(INVOKESTATIC, CHECKS, "value", desc("V", C, "[["), false);
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
            m.visitVarInsn(ALOAD, 0);
            m.visitVarInsn(ALOAD, in);
            m.visitVarInsn(ALOAD, grads);
            m.visitMethodInsn(INVOKESTATIC, CHECKS, "valueAndGrad", desc("V", C, "[[", "[["), false);
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
            m.visitVarInsn(ALOAD, 0);
            m.visitVarInsn(ALOAD, in);
            m.visitVarInsn(ALOAD, seed);
            m.visitVarInsn(ALOAD, out);
            m.visitVarInsn(ALOAD, grads);
            m.visitMethodInsn(INVOKESTATIC, CHECKS, "vjp", desc("V", C, "[[", "[", "[", "[["), false);
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

    byte[] toBytes() {
        cw.visitEnd();
        return cw.toByteArray();
    }
}
