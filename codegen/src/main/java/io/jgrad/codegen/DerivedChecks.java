package io.jgrad.codegen;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

import static io.jgrad.codegen.Insns.*;
import static org.objectweb.asm.Opcodes.*;

/**
 * A derivative kernel's argument checks (see {@code io.jgrad.runtime.Derived}):
 * {@code acceptsJacobian(inputs, output, jacobian, checked)}, {@code acceptsJvp(inputs,
 * tangents, output, outputTangent)} and {@code acceptsHvp(inputs, v, hv)}, each
 * {@code io.jgrad.runtime.Checks.jacobian / jvp / hvp} unrolled with the signature's counts and
 * lengths as constants, as {@link EntryChecks} does for the function's own entry points (the
 * Jacobian's plus "the non-null blocks are this kernel's"). The runtime calls {@code Checks}
 * (which names what is wrong, and throws) only when one is false, so every message stays there.
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
     * Writes {@code protected boolean acceptsJvp(io.arrays inputs, io.arrays tangents, io.array
     * output, io.array outputTangent)}: {@code Checks.jvp} unrolled. Inputs as always; tangents
     * non-null, of the right count, each differentiable input's null (a zero tangent) or of its
     * length; output non-null, of its length, not an input, not a tangent; outputTangent
     * non-null, of its length, not the output, not an input, not a tangent. Not written past
     * {@link EntryChecks#MAX_COMPARES} (the base's false sends every call to {@code Checks}).
     */
    static void acceptsJvp(ClassGen cg, int[] sizes, boolean[] requiresGrad, int outputSize) {
        Num io = cg.io;
        write(cg, "acceptsJvp", "(" + io.arrays + io.arrays + io.array + io.array + ")Z", m -> {
            final int in = 1, tan = 2, out = 3, outTan = 4, n = sizes.length, firstInput = 5;
            Label reject = new Label();
            inputs(m, in, firstInput, sizes, reject);
            int[] tangent = optionalPerInput(m, tan, firstInput + n, sizes, requiresGrad, reject);
            nonNullOfLength(m, out, outputSize, reject);
            for (int j = 0; j < n; j++) if (sizes[j] == outputSize) distinct(m, out, firstInput + j, reject);
            for (int i = 0; i < n; i++) if (requiresGrad[i] && sizes[i] == outputSize) distinct(m, out, tangent[i], reject);
            nonNullOfLength(m, outTan, outputSize, reject);
            distinct(m, outTan, out, reject);
            for (int j = 0; j < n; j++) if (sizes[j] == outputSize) distinct(m, outTan, firstInput + j, reject);
            for (int i = 0; i < n; i++) if (requiresGrad[i] && sizes[i] == outputSize) distinct(m, outTan, tangent[i], reject);
            accept(m, reject);
        });
    }

    /**
     * Writes {@code protected boolean acceptsHvp(io.arrays inputs, io.arrays v, io.arrays hv)}:
     * {@code Checks.hvp} unrolled (the function is scalar, or it would have no hvp kernel).
     * Inputs as always; v non-null, of the right count, each differentiable input's null (zero) or
     * of its length; hv non-null, of the right count, each differentiable input's non-null, of
     * its length, not an input, not a direction, not an earlier hv array. O(inputs²) compares:
     * not written past {@link EntryChecks#MAX_COMPARES}.
     */
    static void acceptsHvp(ClassGen cg, int[] sizes, boolean[] requiresGrad) {
        Num io = cg.io;
        write(cg, "acceptsHvp", "(" + io.arrays + io.arrays + io.arrays + ")Z", m -> {
            final int in = 1, vs = 2, hvs = 3, n = sizes.length, firstInput = 4;
            Label reject = new Label();
            inputs(m, in, firstInput, sizes, reject);
            int[] v = optionalPerInput(m, vs, firstInput + n, sizes, requiresGrad, reject);
            perInput(m, hvs, n, reject);
            int[] hv = new int[n];
            for (int i = 0, local = firstInput + 2 * n; i < n; i++) {
                if (!requiresGrad[i]) continue;
                hv[i] = local++;
                m.visitVarInsn(ALOAD, hvs);
                iconst(m, i);
                m.visitInsn(AALOAD);
                m.visitVarInsn(ASTORE, hv[i]);
                nonNullOfLength(m, hv[i], sizes[i], reject);
                for (int j = 0; j < n; j++) if (sizes[j] == sizes[i]) distinct(m, hv[i], firstInput + j, reject);
                for (int j = 0; j < n; j++) if (requiresGrad[j] && sizes[j] == sizes[i]) distinct(m, hv[i], v[j], reject);
                for (int k = 0; k < i; k++) if (requiresGrad[k] && sizes[k] == sizes[i]) distinct(m, hv[i], hv[k], reject);
            }
            accept(m, reject);
        });
    }

    /**
     * A check method's body, written once into a counter and, when it has at most
     * {@link EntryChecks#MAX_COMPARES} compares, into the class. Not the Jacobian's larger
     * limit: without a memo every compare runs on every call, and past a few hundred the
     * unrolled compares cost more than {@code Checks}' loops (the bundle-adjustment residual's
     * 15-input hvp: 555 compares, 840-850 ns a call unrolled against 700-770 ns with
     * {@code Checks}, thread CPU time; its jvp, 60 compares: 175-183 ns against 243-260 ns).
     */
    private static void write(ClassGen cg, String name, String desc, java.util.function.Consumer<MethodVisitor> body) {
        BranchCounter counter = new BranchCounter();
        body.accept(counter);
        if (counter.branches > EntryChecks.MAX_COMPARES) return;
        MethodVisitor m = cg.method(ACC_PROTECTED | ACC_FINAL, name, desc);
        m.visitCode();
        body.accept(m);
        m.visitMaxs(0, 0);
        m.visitEnd();
    }

    /** Counts the conditional branches a check method writes (each one compare). */
    private static final class BranchCounter extends MethodVisitor {
        int branches;

        BranchCounter() { super(ASM9); }

        @Override public void visitJumpInsn(int opcode, Label label) { if (opcode != GOTO) branches++; }
    }

    /** inputs (parameter local {@code in}) non-null, n of them, each non-null and of its length, kept in locals first.. . */
    private static void inputs(MethodVisitor m, int in, int first, int[] sizes, Label reject) {
        perInput(m, in, sizes.length, reject);
        for (int i = 0; i < sizes.length; i++) {
            m.visitVarInsn(ALOAD, in);
            iconst(m, i);
            m.visitInsn(AALOAD);
            m.visitVarInsn(ASTORE, first + i);
            nonNullOfLength(m, first + i, sizes[i], reject);
        }
    }

    /** An array of arrays (parameter local {@code arrays}) non-null and of n entries. */
    private static void perInput(MethodVisitor m, int arrays, int n, Label reject) {
        m.visitVarInsn(ALOAD, arrays);
        m.visitJumpInsn(IFNULL, reject);
        m.visitVarInsn(ALOAD, arrays);
        m.visitInsn(ARRAYLENGTH);
        iconst(m, n);
        m.visitJumpInsn(IF_ICMPNE, reject);
    }

    /**
     * Tangents or directions: the array non-null and of n entries; each differentiable input's
     * entry null or of the input's length, kept in locals from {@code first} on (returned by
     * input index; a null entry compares unequal to every array, so the later alias compares
     * need no null test).
     */
    private static int[] optionalPerInput(MethodVisitor m, int arrays, int first, int[] sizes, boolean[] requiresGrad, Label reject) {
        int n = sizes.length;
        perInput(m, arrays, n, reject);
        int[] local = new int[n];
        for (int i = 0, l = first; i < n; i++) {
            if (!requiresGrad[i]) continue;
            local[i] = l++;
            Label absent = new Label();
            m.visitVarInsn(ALOAD, arrays);
            iconst(m, i);
            m.visitInsn(AALOAD);
            m.visitInsn(DUP);
            m.visitVarInsn(ASTORE, local[i]);
            m.visitJumpInsn(IFNULL, absent);
            m.visitVarInsn(ALOAD, local[i]);
            m.visitInsn(ARRAYLENGTH);
            iconst(m, sizes[i]);
            m.visitJumpInsn(IF_ICMPNE, reject);
            m.visitLabel(absent);
        }
        return local;
    }

    private static void accept(MethodVisitor m, Label reject) {
        m.visitInsn(ICONST_1);
        m.visitInsn(IRETURN);
        m.visitLabel(reject);
        m.visitInsn(ICONST_0);
        m.visitInsn(IRETURN);
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
        inputs(m, in, firstInput, sizes, reject);
        nonNullOfLength(m, out, outputSize, reject);
        for (int j = 0; j < n; j++) if (sizes[j] == outputSize) distinct(m, out, firstInput + j, reject);
        perInput(m, jac, n, reject);
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
        accept(m, reject);
        m.visitMaxs(0, 0);
        m.visitEnd();
    }
}
