package io.jgrad.codegen;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

import static org.objectweb.asm.Opcodes.*;

/** Small instruction sequences every emitter of this package writes the same way. */
final class Insns {
    private Insns() {}

    /** Pushes int i in the shortest form (ICONST, BIPUSH, SIPUSH, else LDC). */
    static void iconst(MethodVisitor m, int i) {
        if (i >= -1 && i <= 5) m.visitInsn(ICONST_0 + i);
        else if (i >= Byte.MIN_VALUE && i <= Byte.MAX_VALUE) m.visitIntInsn(BIPUSH, i);
        else if (i >= Short.MIN_VALUE && i <= Short.MAX_VALUE) m.visitIntInsn(SIPUSH, i);
        else m.visitLdcInsn(i);
    }

    /** Jumps to reject unless the array in local is non-null and exactly length long. */
    static void nonNullOfLength(MethodVisitor m, int local, int length, Label reject) {
        m.visitVarInsn(ALOAD, local);
        m.visitJumpInsn(IFNULL, reject);
        m.visitVarInsn(ALOAD, local);
        m.visitInsn(ARRAYLENGTH);
        iconst(m, length);
        m.visitJumpInsn(IF_ICMPNE, reject);
    }

    /** Jumps to reject when locals a and b hold the same reference. */
    static void distinct(MethodVisitor m, int a, int b, Label reject) {
        m.visitVarInsn(ALOAD, a);
        m.visitVarInsn(ALOAD, b);
        m.visitJumpInsn(IF_ACMPEQ, reject);
    }
}
