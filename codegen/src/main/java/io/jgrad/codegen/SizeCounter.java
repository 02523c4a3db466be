package io.jgrad.codegen;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Passes instructions through and keeps an upper estimate of the bytecode size written so far
 * (wide forms assumed where an operand may need them), so that chunks are cut without asking
 * the writer for label offsets: every visited label costs a basic block in frame computation.
 */
final class SizeCounter extends MethodVisitor {
    private int bytes;
    /** Calls on jdk.incubator.vector types: each inlines a few dozen JDK methods into the chunk's compilation. */
    private int vectorCalls;

    SizeCounter(MethodVisitor mv) {
        super(Opcodes.ASM9, mv);
    }

    int bytes() { return bytes; }

    int vectorCalls() { return vectorCalls; }

    @Override public void visitInsn(int opcode) { bytes += 1; super.visitInsn(opcode); }
    @Override public void visitIntInsn(int opcode, int operand) { bytes += 3; super.visitIntInsn(opcode, operand); }
    @Override public void visitVarInsn(int opcode, int var) { bytes += var < 4 ? 1 : var < 256 ? 2 : 4; super.visitVarInsn(opcode, var); }
    @Override public void visitTypeInsn(int opcode, String type) { bytes += 3; super.visitTypeInsn(opcode, type); }
    @Override public void visitFieldInsn(int opcode, String owner, String name, String desc) { bytes += 3; super.visitFieldInsn(opcode, owner, name, desc); }
    @Override public void visitMethodInsn(int opcode, String owner, String name, String desc, boolean itf) {
        bytes += 3;
        if (owner.startsWith(VectorLowering.PKG)) vectorCalls++;
        super.visitMethodInsn(opcode, owner, name, desc, itf);
    }
    @Override public void visitJumpInsn(int opcode, Label label) { bytes += 3; super.visitJumpInsn(opcode, label); }
    @Override public void visitLdcInsn(Object value) { bytes += 3; super.visitLdcInsn(value); }
    @Override public void visitIincInsn(int var, int increment) { bytes += 6; super.visitIincInsn(var, increment); }
}
