package io.jgrad.codegen;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

import static io.jgrad.codegen.Insns.*;
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
 * ~45 ns call. Unrolled with constants they are a few compares: inlined into the entry point
 * for small signatures, one static call for larger ones (see {@link #emit}), 2-5 ns.
 *
 * <p>The checks mirror {@code Checks} one for one: inputs non-null, of the right count, each
 * non-null and of its length; seed non-null and of the output's length; output non-null, of
 * its length, not an input, not the seed; grads non-null, of the right count, and for each
 * differentiable input: non-null, of its length, not an input, not the output, not the seed,
 * not an earlier differentiable input's gradient array (arrays of different checked lengths
 * are never compared). Aliasing costs O(inputs × grads) compares, so past
 * {@link #MAX_COMPARES} the entry point calls {@code Checks} alone.
 */
final class EntryChecks {
    /**
     * Past this many compares (about 5 bytes each) the unrolled method would pass a few KB:
     * {@code Checks}' loops then cost little next to a call over that many arrays.
     */
    static final int MAX_COMPARES = 256;
    /** Up to this many compares the check method is small enough to inline into the entry point (see {@link #emit}). */
    static final int INLINE_COMPARES = 16;
    /** One byte more than C2's default FreqInlineSize (325): a hot method this long is called, not inlined. */
    static final int NOT_INLINED_BYTES = 326;
    /**
     * The check method of an F32 function: (inputs, seed, output, grads) -> true when every check
     * passes; absent arguments are null. An F64 function's takes double arrays: the bytecode is
     * the same (arraylength, aaload and reference compares do not depend on the element type).
     */
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
    boolean unrolled(boolean seed, boolean output, boolean grads) {
        return compares(seed, output, grads) <= MAX_COMPARES;
    }

    /** How many compares {@link #checks} writes: each is one branch to "reject". */
    int compares(boolean seed, boolean output, boolean grads) {
        int n = sizes.length;
        int c = 2 + 2 * n;
        if (seed) c += 2;
        if (output) {
            c += 2 + (seed ? 1 : 0);
            for (int size : sizes) if (size == outputSize) c++;
        }
        if (grads) {
            c += 2;
            for (int i = 0; i < n; i++) {
                if (!requiresGrad[i]) continue;
                c += 2;
                for (int j = 0; j < n; j++) if (sizes[j] == sizes[i]) c++;
                if (sizes[i] == outputSize) c += (output ? 1 : 0) + (seed ? 1 : 0);
                for (int k = 0; k < i; k++) if (requiresGrad[k] && sizes[k] == sizes[i]) c++;
            }
        }
        return c;
    }

    /**
     * Writes the whole static method: parameters 0..3 are inputs, seed, output, grads (only the
     * present ones are read); the input arrays go to locals 4.., the gradient arrays after them.
     *
     * <p>Past {@link #INLINE_COMPARES} compares the method is padded with NOPs to
     * {@link #NOT_INLINED_BYTES} so that C2 calls it instead of inlining it (C2 inlines hot
     * methods up to FreqInlineSize, 325 bytecode bytes; NOPs cost nothing once compiled).
     * Inlined, every compare leaves an uncommon trap (40-60 bytes of machine code) in the entry
     * point: the seed neuron's compiled entry point grew from 1.7 KB to 2.4-2.8 KB, past C2's
     * InlineSmallCode (2,500 bytes), and a caller compiled after it then stopped inlining it
     * ("already compiled into a big method"), 5-8 ns per call in those JIT runs. Out of line the
     * checks are one static call (1-2 ns) and that entry point compiles to 1.2 KB.
     */
    void emit(MethodVisitor m, boolean seed, boolean output, boolean grads) {
        m.visitCode();
        if (compares(seed, output, grads) > INLINE_COMPARES) {
            ByteCounter counter = new ByteCounter();
            checks(counter, seed, output, grads);
            for (int b = counter.bytes; b < NOT_INLINED_BYTES; b++) m.visitInsn(NOP);
        }
        checks(m, seed, output, grads);
        m.visitMaxs(0, 0);
        m.visitEnd();
    }

    /**
     * The checks, in Checks' order. Two arrays of different checked lengths cannot be the same
     * array, so aliasing is compared only between arrays of equal length (every length is
     * checked before the compares that rely on it).
     */
    private void checks(MethodVisitor m, boolean seed, boolean output, boolean grads) {
        final int in = 0, sd = 1, out = 2, gr = 3, n = sizes.length;
        Label reject = new Label();
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
            for (int j = 0; j < n; j++) if (sizes[j] == outputSize) distinct(m, out, 4 + j, reject);
            if (seed) distinct(m, out, sd, reject);
        }
        if (grads) {
            m.visitVarInsn(ALOAD, gr);
            m.visitJumpInsn(IFNULL, reject);
            m.visitVarInsn(ALOAD, gr);
            m.visitInsn(ARRAYLENGTH);
            iconst(m, n);
            m.visitJumpInsn(IF_ICMPNE, reject);
            int[] local = new int[n]; // the local holding grads[i], for the later compares
            int g = 4 + n; // the next free local
            for (int i = 0; i < n; i++) {
                if (!requiresGrad[i]) continue; // a non-differentiable input's slot is never read
                m.visitVarInsn(ALOAD, gr);
                iconst(m, i);
                m.visitInsn(AALOAD);
                m.visitVarInsn(ASTORE, g);
                nonNullOfLength(m, g, sizes[i], reject);
                for (int j = 0; j < n; j++) if (sizes[j] == sizes[i]) distinct(m, g, 4 + j, reject);
                if (output && sizes[i] == outputSize) distinct(m, g, out, reject);
                if (seed && sizes[i] == outputSize) distinct(m, g, sd, reject);
                for (int k = 0; k < i; k++) if (requiresGrad[k] && sizes[k] == sizes[i]) distinct(m, g, local[k], reject);
                local[i] = g++;
            }
        }
        m.visitInsn(ICONST_1);
        m.visitInsn(IRETURN);
        m.visitLabel(reject);
        m.visitInsn(ICONST_0);
        m.visitInsn(IRETURN);
    }

    /** Counts the bytecode bytes {@link #checks} writes: a lower bound where ASM may pick a longer form. */
    private static final class ByteCounter extends MethodVisitor {
        int bytes;

        ByteCounter() { super(ASM9); }

        @Override public void visitInsn(int opcode) { bytes += 1; }
        @Override public void visitIntInsn(int opcode, int operand) { bytes += opcode == SIPUSH ? 3 : 2; }
        @Override public void visitVarInsn(int opcode, int var) { bytes += var < 4 ? 1 : var < 256 ? 2 : 4; }
        @Override public void visitJumpInsn(int opcode, Label label) { bytes += 3; }
        @Override public void visitLdcInsn(Object value) { bytes += 2; }
    }
}
