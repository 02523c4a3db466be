package io.jgrad.codegen;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

import static org.objectweb.asm.Opcodes.*;

/**
 * The fast path of an entry point's argument checks, written into the generated class with the
 * signature's counts and lengths as constants: a static method {@code (inputs, seed, output,
 * grads) -> boolean} that is true exactly when {@code io.jgrad.runtime.Checks} would accept the
 * call. The entry point calls {@code Checks} (which builds the message and throws) only when it
 * is false, so every error and its wording stay in {@code Checks}.
 *
 * <p>Why: {@code Checks.grads} is generic (loops over the signature's arrays) and too big for
 * C2 to inline ("hot method too big"): on the seed neuron the generic checks cost ~14 ns of a
 * ~45 ns call. Unrolled with constants they are a few compares that C2 inlines.
 *
 * <p>The checks mirror {@code Checks} one for one: inputs non-null, of the right count, each
 * non-null and of its length; seed non-null and of the output's length; output non-null, of
 * its length, not an input, not the seed; grads non-null, of the right count, and for each
 * differentiable input: non-null, of its length, not an input, not the output, not the seed,
 * not an earlier differentiable input's gradient array. Aliasing costs O(inputs × grads)
 * compares, so past {@link #MAX_COMPARES} the entry point calls {@code Checks} alone.
 */
final class EntryChecks {
    /**
     * Past this many compares (about 5 bytes each) the unrolled method would pass a few KB:
     * {@code Checks}' loops then cost little next to a call over that many arrays. Up to about
     * 60 compares the method stays under C2's inlining limit (325 bytes) and inlines into the
     * entry point; above, it is one static call, still without loops or loads of the signature.
     */
    static final int MAX_COMPARES = 256;
    /** (inputs, seed, output, grads) -> true when every check passes; absent arguments are null. */
    static final String DESC = "([[F[F[F[[F)Z";

    private final int[] sizes;
    private final boolean[] requiresGrad;
    private final int outputSize;

    EntryChecks(int[] sizes, boolean[] requiresGrad, int outputSize) {
        this.sizes = sizes.clone();
        this.requiresGrad = requiresGrad.clone();
        this.outputSize = outputSize;
    }

    /** Whether the unrolled checks of an entry point with these arguments are small enough to emit. */
    boolean inline(boolean seed, boolean output, boolean grads) {
        return compares(seed, output, grads) <= MAX_COMPARES;
    }

    /** How many compares {@link #emit} writes: each is one branch to "reject". */
    int compares(boolean seed, boolean output, boolean grads) {
        int n = sizes.length;
        int c = 2 + 2 * n;
        if (seed) c += 2;
        if (output) c += 2 + n + (seed ? 1 : 0);
        if (grads) {
            c += 2;
            int earlier = 0;
            for (boolean r : requiresGrad) {
                if (!r) continue;
                c += 2 + n + (output ? 1 : 0) + (seed ? 1 : 0) + earlier++;
            }
        }
        return c;
    }

    /**
     * Writes the whole static method: parameters 0..3 are inputs, seed, output, grads (only the
     * present ones are read); the input arrays go to locals 4.., the gradient arrays after them.
     */
    void emit(MethodVisitor m, boolean seed, boolean output, boolean grads) {
        final int in = 0, sd = 1, out = 2, gr = 3, n = sizes.length;
        Label reject = new Label();
        m.visitCode();
        // inputs: the array, its count, each element and its length
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
            m.visitVarInsn(ASTORE, 4 + i);
            nonNullOfLength(m, 4 + i, sizes[i], reject);
        }
        if (seed) nonNullOfLength(m, sd, outputSize, reject);
        if (output) {
            nonNullOfLength(m, out, outputSize, reject);
            for (int j = 0; j < n; j++) distinct(m, out, 4 + j, reject);
            if (seed) distinct(m, out, sd, reject);
        }
        if (grads) {
            m.visitVarInsn(ALOAD, gr);
            m.visitJumpInsn(IFNULL, reject);
            m.visitVarInsn(ALOAD, gr);
            m.visitInsn(ARRAYLENGTH);
            iconst(m, n);
            m.visitJumpInsn(IF_ICMPNE, reject);
            int g = 4 + n; // the next free local
            for (int i = 0; i < n; i++) {
                if (!requiresGrad[i]) continue; // a non-differentiable input's slot is never read
                m.visitVarInsn(ALOAD, gr);
                iconst(m, i);
                m.visitInsn(AALOAD);
                m.visitVarInsn(ASTORE, g);
                nonNullOfLength(m, g, sizes[i], reject);
                for (int j = 0; j < n; j++) distinct(m, g, 4 + j, reject);
                if (output) distinct(m, g, out, reject);
                if (seed) distinct(m, g, sd, reject);
                for (int k = 4 + n; k < g; k++) distinct(m, g, k, reject);
                g++;
            }
        }
        m.visitInsn(ICONST_1);
        m.visitInsn(IRETURN);
        m.visitLabel(reject);
        m.visitInsn(ICONST_0);
        m.visitInsn(IRETURN);
        m.visitMaxs(0, 0);
        m.visitEnd();
    }

    private static void nonNullOfLength(MethodVisitor m, int local, int length, Label reject) {
        m.visitVarInsn(ALOAD, local);
        m.visitJumpInsn(IFNULL, reject);
        m.visitVarInsn(ALOAD, local);
        m.visitInsn(ARRAYLENGTH);
        iconst(m, length);
        m.visitJumpInsn(IF_ICMPNE, reject);
    }

    private static void distinct(MethodVisitor m, int a, int b, Label reject) {
        m.visitVarInsn(ALOAD, a);
        m.visitVarInsn(ALOAD, b);
        m.visitJumpInsn(IF_ACMPEQ, reject);
    }

    private static void iconst(MethodVisitor m, int i) {
        if (i >= -1 && i <= 5) m.visitInsn(ICONST_0 + i);
        else if (i >= Byte.MIN_VALUE && i <= Byte.MAX_VALUE) m.visitIntInsn(BIPUSH, i);
        else if (i >= Short.MIN_VALUE && i <= Short.MAX_VALUE) m.visitIntInsn(SIPUSH, i);
        else m.visitLdcInsn(i);
    }
}
