package io.jgrad.codegen;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

import static io.jgrad.codegen.Insns.*;
import static org.objectweb.asm.Opcodes.*;

/**
 * The entry methods of a derivative kernel (a subclass of {@code io.jgrad.runtime.Derived}):
 * {@code run}, one call of a body, and {@code jacobian}, the prefix once and then the passes,
 * looping here in generated code. Arguments were checked by the runtime before the call.
 */
final class DerivedGen {
    private DerivedGen() {}

    /** Blocks up to this many elements per row are copied element by element (no call). */
    static final int SMALL_BLOCK = 4;

    // locals of both methods
    private static final int IN = 1, WSF = 2, WSD = 3, SEED = 4, OUT = 5, GRADS = 6, JAC = 7, PASS = 8, TANGENT = 9,
            ROW = 10, COLUMN = 11, BLOCK = 12;

    /** run(inputs, workspace floats, workspace doubles, seed, output, grads): the body's driver. */
    static void run(ClassGen cg, String driver) {
        Num io = cg.io;
        String desc = "(" + io.arrays + "[F[D" + io.array + io.array + io.arrays + ")" + io.desc;
        MethodVisitor m = cg.method(ACC_PROTECTED | ACC_FINAL, "run", desc);
        m.visitCode();
        call(m, cg, driver);
        m.visitInsn(io.ret);
        m.visitMaxs(0, 0);
        m.visitEnd();
    }

    /**
     * jacobian(inputs, Object ws, seed, output, grads, jacobian) by reverse passes: after the
     * prefix, pass r sets seed[r] = 1, runs the pass body (the VJP along e_r) and copies each
     * requested grads[i] into row r of jacobian[i]. {@code blocks} are the requested input
     * indices, {@code sizes} their element counts, {@code m} the output's.
     */
    static void reverseJacobian(ClassGen cg, String prefix, String pass, int m, int[] blocks, int[] sizes) {
        MethodVisitor mv = jacobianMethod(cg, prefix);
        Num io = cg.io;
        Label head = new Label(), end = new Label();
        openPasses(mv, cg, pass, SEED, m, head, end);
        for (int b = 0; b < blocks.length; b++) {
            if (sizes[b] <= SMALL_BLOCK) {
                // jacobian[i][r * size + k] = grads[i][k]: a few moves beat a call to arraycopy
                for (int k = 0; k < sizes[b]; k++) {
                    mv.visitVarInsn(ALOAD, JAC);
                    iconst(mv, blocks[b]);
                    mv.visitInsn(AALOAD);
                    mv.visitVarInsn(ILOAD, PASS);
                    iconst(mv, sizes[b]);
                    mv.visitInsn(IMUL);
                    if (k > 0) {
                        iconst(mv, k);
                        mv.visitInsn(IADD);
                    }
                    mv.visitVarInsn(ALOAD, GRADS);
                    iconst(mv, blocks[b]);
                    mv.visitInsn(AALOAD);
                    iconst(mv, k);
                    mv.visitInsn(io.aload);
                    mv.visitInsn(io.astore);
                }
                continue;
            }
            // System.arraycopy(grads[i], 0, jacobian[i], r * size, size): row r is contiguous
            mv.visitVarInsn(ALOAD, GRADS);
            iconst(mv, blocks[b]);
            mv.visitInsn(AALOAD);
            iconst(mv, 0);
            mv.visitVarInsn(ALOAD, JAC);
            iconst(mv, blocks[b]);
            mv.visitInsn(AALOAD);
            mv.visitVarInsn(ILOAD, PASS);
            iconst(mv, sizes[b]);
            mv.visitInsn(IMUL);
            iconst(mv, sizes[b]);
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/System", "arraycopy", "(Ljava/lang/Object;ILjava/lang/Object;II)V", false);
        }
        mv.visitIincInsn(PASS, 1);
        mv.visitJumpInsn(GOTO, head);
        mv.visitLabel(end);
        finish(mv);
    }

    /**
     * Opens the loop of passes PASS = 0 .. count - 1 (the caller closes it: iinc PASS, goto
     * {@code head}, {@code end}): each sets element PASS of the one-hot array in local
     * {@code oneHot} to 1, runs the pass body, discards its value and sets the element back to 0.
     */
    private static void openPasses(MethodVisitor mv, ClassGen cg, String pass, int oneHot, int count, Label head, Label end) {
        iconst(mv, 0);
        mv.visitVarInsn(ISTORE, PASS);
        mv.visitLabel(head);
        mv.visitVarInsn(ILOAD, PASS);
        iconst(mv, count);
        mv.visitJumpInsn(IF_ICMPGE, end);
        setElement(mv, cg.io, oneHot, PASS, 1);
        call(mv, cg, pass);
        mv.visitInsn(cg.io.pop);
        setElement(mv, cg.io, oneHot, PASS, 0);
    }

    /**
     * jacobian(...) by forward passes: inputs[n + b] is the zero tangent array of the b-th
     * requested input; the pass for its element c sets it to 1, runs the pass body (the JVP
     * along e_c) and copies grads[0] (the output tangent) into column c of jacobian[i].
     */
    static void forwardJacobian(ClassGen cg, String prefix, String pass, int n, int m, int[] blocks, int[] sizes) {
        MethodVisitor mv = jacobianMethod(cg, prefix);
        Num io = cg.io;
        mv.visitVarInsn(ALOAD, GRADS);
        iconst(mv, 0);
        mv.visitInsn(AALOAD);
        mv.visitVarInsn(ASTORE, COLUMN);
        for (int b = 0; b < blocks.length; b++) {
            int size = sizes[b];
            mv.visitVarInsn(ALOAD, IN);
            iconst(mv, n + b);
            mv.visitInsn(AALOAD);
            mv.visitVarInsn(ASTORE, TANGENT);
            mv.visitVarInsn(ALOAD, JAC);
            iconst(mv, blocks[b]);
            mv.visitInsn(AALOAD);
            mv.visitVarInsn(ASTORE, BLOCK);
            Label head = new Label(), end = new Label();
            openPasses(mv, cg, pass, TANGENT, size, head, end);
            // jacobian[i][q * size + c] = column[q] for every output element q
            Label rows = new Label(), rowsEnd = new Label();
            iconst(mv, 0);
            mv.visitVarInsn(ISTORE, ROW);
            mv.visitLabel(rows);
            mv.visitVarInsn(ILOAD, ROW);
            iconst(mv, m);
            mv.visitJumpInsn(IF_ICMPGE, rowsEnd);
            mv.visitVarInsn(ALOAD, BLOCK);
            mv.visitVarInsn(ILOAD, ROW);
            iconst(mv, size);
            mv.visitInsn(IMUL);
            mv.visitVarInsn(ILOAD, PASS);
            mv.visitInsn(IADD);
            mv.visitVarInsn(ALOAD, COLUMN);
            mv.visitVarInsn(ILOAD, ROW);
            mv.visitInsn(io.aload);
            mv.visitInsn(io.astore);
            mv.visitIincInsn(ROW, 1);
            mv.visitJumpInsn(GOTO, rows);
            mv.visitLabel(rowsEnd);
            mv.visitIincInsn(PASS, 1);
            mv.visitJumpInsn(GOTO, head);
            mv.visitLabel(end);
        }
        finish(mv);
    }

    /**
     * jacobian(...) of fused rows ({@code DerivedCode}): one call of the body, which computes
     * the value and every row; output 1 + r·blocks + b is row r of block b, in grads[r·blocks + b].
     * Each is copied into row r of jacobian[blocks[b]] (element moves, arraycopy for long rows).
     * With {@code direct} (one row, or one-element blocks) the plan writes the blocks
     * themselves (grads = jacobian, row r of a one-element block at its element r). A
     * one-element value comes back from the body into output[0].
     */
    static void fusedJacobian(ClassGen cg, String driver, int m, int[] blocks, int[] sizes, boolean direct) {
        Num io = cg.io;
        MethodVisitor mv = openJacobian(cg);
        if (m == 1) {
            mv.visitVarInsn(ALOAD, OUT);
            iconst(mv, 0);
        }
        mv.visitVarInsn(ALOAD, IN);
        mv.visitVarInsn(ALOAD, WSF);
        mv.visitVarInsn(ALOAD, WSD);
        mv.visitInsn(ACONST_NULL);
        mv.visitVarInsn(ALOAD, OUT);
        mv.visitVarInsn(ALOAD, direct ? JAC : GRADS);
        mv.visitMethodInsn(INVOKESTATIC, cg.name, driver, cg.bodyDesc, false);
        mv.visitInsn(m == 1 ? io.astore : io.pop);
        if (direct) {
            finish(mv);
            return;
        }
        int count = blocks.length;
        for (int b = 0; b < count; b++) {
            int size = sizes[b];
            mv.visitVarInsn(ALOAD, JAC);
            iconst(mv, blocks[b]);
            mv.visitInsn(AALOAD);
            mv.visitVarInsn(ASTORE, BLOCK);
            for (int r = 0; r < m; r++) {
                if (size > SMALL_BLOCK) {
                    mv.visitVarInsn(ALOAD, GRADS);
                    iconst(mv, r * count + b);
                    mv.visitInsn(AALOAD);
                    iconst(mv, 0);
                    mv.visitVarInsn(ALOAD, BLOCK);
                    iconst(mv, r * size);
                    iconst(mv, size);
                    mv.visitMethodInsn(INVOKESTATIC, "java/lang/System", "arraycopy", "(Ljava/lang/Object;ILjava/lang/Object;II)V", false);
                    continue;
                }
                mv.visitVarInsn(ALOAD, GRADS);
                iconst(mv, r * count + b);
                mv.visitInsn(AALOAD);
                mv.visitVarInsn(ASTORE, TANGENT);   // this row's array (the local is free here)
                for (int k = 0; k < size; k++) {
                    mv.visitVarInsn(ALOAD, BLOCK);
                    iconst(mv, r * size + k);
                    mv.visitVarInsn(ALOAD, TANGENT);
                    iconst(mv, k);
                    mv.visitInsn(io.aload);
                    mv.visitInsn(io.astore);
                }
            }
        }
        finish(mv);
    }

    /** {@code protected int fusedRows()} returning m (see {@code Derived.fusedRows}). */
    static void fusedRows(ClassGen cg, int m) {
        MethodVisitor mv = cg.method(ACC_PROTECTED | ACC_FINAL, "fusedRows", "()I");
        mv.visitCode();
        iconst(mv, m);
        mv.visitInsn(IRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** Opens jacobian(...) and runs the prefix once. */
    private static MethodVisitor jacobianMethod(ClassGen cg, String prefix) {
        MethodVisitor mv = openJacobian(cg);
        call(mv, cg, prefix);
        mv.visitInsn(cg.io.pop);
        return mv;
    }

    /** Opens {@code protected final void jacobian(inputs, wsf, wsd, seed, output, grads, jacobian)}. */
    private static MethodVisitor openJacobian(ClassGen cg) {
        Num io = cg.io;
        String desc = "(" + io.arrays + "[F[D" + io.array + io.array + io.arrays + io.arrays + ")V";
        MethodVisitor mv = cg.method(ACC_PROTECTED | ACC_FINAL, "jacobian", desc);
        mv.visitCode();
        return mv;
    }

    private static void finish(MethodVisitor mv) {
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** Calls a body driver with (inputs, workspace floats, workspace doubles, seed, output, grads); leaves its value on the stack. */
    private static void call(MethodVisitor mv, ClassGen cg, String driver) {
        mv.visitVarInsn(ALOAD, IN);
        mv.visitVarInsn(ALOAD, WSF);
        mv.visitVarInsn(ALOAD, WSD);
        mv.visitVarInsn(ALOAD, SEED);
        mv.visitVarInsn(ALOAD, OUT);
        mv.visitVarInsn(ALOAD, GRADS);
        mv.visitMethodInsn(INVOKESTATIC, cg.name, driver, cg.bodyDesc, false);
    }

    /** array[index] = value (0 or 1) in the function's dtype. */
    private static void setElement(MethodVisitor mv, Num io, int array, int index, double value) {
        mv.visitVarInsn(ALOAD, array);
        mv.visitVarInsn(ILOAD, index);
        io.constant(mv, value);
        mv.visitInsn(io.astore);
    }
}
