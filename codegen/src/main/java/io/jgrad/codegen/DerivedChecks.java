package io.jgrad.codegen;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

import static io.jgrad.codegen.Insns.*;
import static org.objectweb.asm.Opcodes.*;

/**
 * A Jacobian kernel's {@code acceptsJacobian(inputs, output, jacobian)} (see
 * {@code io.jgrad.runtime.Derived}): {@code io.jgrad.runtime.Checks.jacobian} unrolled with the
 * signature's counts and lengths as constants, as {@link EntryChecks} does for the function's
 * own entry points, plus "the non-null blocks are this kernel's". The runtime calls
 * {@code Checks} (which names what is wrong, and throws) only when this is false, so every
 * message stays there.
 *
 * <p>Why: {@code Checks.jacobian} loops over the signature's arrays; on the bundle-adjustment
 * residual (17 one-element inputs, 15 blocks) it was the biggest part of a call after the
 * arithmetic. Unrolled, each check is a compare against a constant.
 *
 * <p>The checks mirror {@code Checks.jacobian} one for one: inputs non-null, of the right count,
 * each non-null and of its length; output non-null, of its length, not an input; jacobian
 * non-null, of the right count; for each requested block: non-null, of its length
 * (output size × input size), not an input, not the output, not an earlier block. Two arrays of
 * different checked lengths cannot be the same array, so only arrays of equal length are
 * compared. A differentiable input whose block is not requested must have a null block (else
 * it is another kernel's call); the blocks of other inputs are not read.
 */
final class DerivedChecks {
    private DerivedChecks() {}

    /**
     * Past this many compares the method is not written (the base's false sends every call to
     * {@code Checks}): HotSpot does not compile a method over 8,000 bytecode bytes, and each
     * compare is up to 7. Aliasing costs O(inputs × blocks) compares.
     */
    static final int MAX_COMPARES = 600;

    /** How many compares {@link #acceptsJacobian} writes (each one branch to "reject"). */
    static int compares(int[] sizes, boolean[] requiresGrad, boolean[] blocks, int outputSize) {
        int n = sizes.length, c = 2 + 2 * n + 2 + 2 + 1;
        int[] length = new int[n];
        for (int j = 0; j < n; j++) if (sizes[j] == outputSize) c++;
        for (int i = 0; i < n; i++) {
            if (!requiresGrad[i]) continue;
            if (!blocks[i]) {
                c += 2;
                continue;
            }
            long want = (long) outputSize * sizes[i];
            if (want > Integer.MAX_VALUE) return Integer.MAX_VALUE;
            length[i] = (int) want;
            c += 3;   // the memo compare, then null and length
            for (int j = 0; j < n; j++) if (sizes[j] == length[i]) c += 2;   // in both paths
            if (outputSize == length[i]) c += 2;
            for (int k = 0; k < i; k++) if (blocks[k] && requiresGrad[k] && length[k] == length[i]) c++;
        }
        return c;
    }

    /**
     * Writes {@code protected boolean acceptsJacobian(io.arrays inputs, io.array output,
     * io.arrays jacobian, Object[] checked)} into the kernel class: true exactly when
     * {@code Checks.jacobian} would accept the call and its blocks are this kernel's.
     *
     * <p>The compares between blocks are the O(blocks²) part (105 of ~190 compares on the
     * bundle-adjustment residual, ~2/3 of the time), and a caller nearly always passes the
     * same blocks again. So {@code checked} (the workspace's memo, n + 1 entries) holds the
     * blocks of the last call checked in full, and the output at index n: when every entry
     * for a differentiable input is the same array as before, the blocks are known non-null,
     * of their lengths and distinct (array lengths never change), and only the compares that
     * involve this call's inputs and output remain. Otherwise the full checks run and, when
     * they pass, record the blocks and output.
     */
    static void acceptsJacobian(ClassGen cg, int[] sizes, boolean[] requiresGrad, boolean[] blocks, int outputSize) {
        Num io = cg.io;
        String desc = "(" + io.arrays + io.array + io.arrays + "[Ljava/lang/Object;)Z";
        MethodVisitor m = cg.method(ACC_PROTECTED | ACC_FINAL, "acceptsJacobian", desc);
        m.visitCode();
        final int in = 1, out = 2, jac = 3, memo = 4, n = sizes.length;
        final int firstInput = 5, firstBlock = firstInput + n;
        Label reject = new Label(), full = new Label();
        m.visitVarInsn(ALOAD, in);
        m.visitJumpInsn(IFNULL, reject);
        m.visitVarInsn(ALOAD, in);
        m.visitInsn(ARRAYLENGTH);
        iconst(m, n);
        m.visitJumpInsn(IF_ICMPNE, reject);
        for (int i = 0; i < n; i++) {
            m.visitVarInsn(ALOAD, in);
            iconst(m, i);
            m.visitInsn(AALOAD);
            m.visitVarInsn(ASTORE, firstInput + i);
            nonNullOfLength(m, firstInput + i, sizes[i], reject);
        }
        nonNullOfLength(m, out, outputSize, reject);
        for (int j = 0; j < n; j++) if (sizes[j] == outputSize) distinct(m, out, firstInput + j, reject);
        m.visitVarInsn(ALOAD, jac);
        m.visitJumpInsn(IFNULL, reject);
        m.visitVarInsn(ALOAD, jac);
        m.visitInsn(ARRAYLENGTH);
        iconst(m, n);
        m.visitJumpInsn(IF_ICMPNE, reject);
        int[] local = new int[n], length = new int[n];
        for (int i = 0, g = firstBlock; i < n; i++) {
            if (!blocks[i]) continue;
            local[i] = g++;
            length[i] = (int) ((long) outputSize * sizes[i]);   // the kernel exists, so it fits an int
        }

        // fast: the blocks (and nulls) of the last call checked in full
        for (int i = 0; i < n; i++) {
            if (!requiresGrad[i]) continue;
            m.visitVarInsn(ALOAD, jac);
            iconst(m, i);
            m.visitInsn(AALOAD);
            if (blocks[i]) {
                m.visitInsn(DUP);
                m.visitVarInsn(ASTORE, local[i]);
            }
            m.visitVarInsn(ALOAD, memo);
            iconst(m, i);
            m.visitInsn(AALOAD);
            m.visitJumpInsn(IF_ACMPNE, full);
        }
        Label outputKnown = new Label();
        for (int i = 0; i < n; i++) {
            if (!blocks[i]) continue;
            for (int j = 0; j < n; j++) if (sizes[j] == length[i]) distinct(m, local[i], firstInput + j, reject);
        }
        m.visitVarInsn(ALOAD, out);
        m.visitVarInsn(ALOAD, memo);
        iconst(m, n);
        m.visitInsn(AALOAD);
        m.visitJumpInsn(IF_ACMPEQ, outputKnown);
        for (int i = 0; i < n; i++) if (blocks[i] && length[i] == outputSize) distinct(m, local[i], out, reject);
        m.visitLabel(outputKnown);
        m.visitInsn(ICONST_1);
        m.visitInsn(IRETURN);

        // full: every check, then the memo
        m.visitLabel(full);
        for (int i = 0; i < n; i++) {
            if (!requiresGrad[i]) continue;
            m.visitVarInsn(ALOAD, jac);
            iconst(m, i);
            m.visitInsn(AALOAD);
            if (!blocks[i]) {
                m.visitJumpInsn(IFNONNULL, reject);   // a block this kernel does not compute
                continue;
            }
            m.visitVarInsn(ASTORE, local[i]);
            nonNullOfLength(m, local[i], length[i], reject);
            for (int j = 0; j < n; j++) if (sizes[j] == length[i]) distinct(m, local[i], firstInput + j, reject);
            if (outputSize == length[i]) distinct(m, local[i], out, reject);
            for (int k = 0; k < i; k++) if (blocks[k] && length[k] == length[i]) distinct(m, local[i], local[k], reject);
        }
        for (int i = 0; i < n; i++) {
            if (!requiresGrad[i]) continue;
            m.visitVarInsn(ALOAD, memo);
            iconst(m, i);
            if (blocks[i]) m.visitVarInsn(ALOAD, local[i]);
            else m.visitInsn(ACONST_NULL);
            m.visitInsn(AASTORE);
        }
        m.visitVarInsn(ALOAD, memo);
        iconst(m, n);
        m.visitVarInsn(ALOAD, out);
        m.visitInsn(AASTORE);
        m.visitInsn(ICONST_1);
        m.visitInsn(IRETURN);
        m.visitLabel(reject);
        m.visitInsn(ICONST_0);
        m.visitInsn(IRETURN);
        m.visitMaxs(0, 0);
        m.visitEnd();
    }
}
