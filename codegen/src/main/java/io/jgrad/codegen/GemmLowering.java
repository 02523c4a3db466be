package io.jgrad.codegen;

import io.jgrad.ir.Node;
import io.jgrad.runtime.Gemm;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

import static org.objectweb.asm.Opcodes.*;

/**
 * A matmul C[m,n] = A[m,k] B[k,n] on the vector path above {@link Gemm}'s threshold ({@link
 * Plan#gemm}): the generated code packs both operands into the statement's scratch, then calls
 * the kernel. An operand stored as a row-major buffer of the product's kind (an input, a
 * constant, a materialised value) is packed by {@code VectorGemm.packA/packB} (strip by strip,
 * vector copies of B's rows); any other by two plain loops that read it through {@link
 * BodyEmitter#value}, so a fused expression or a transposed view such as the backward products
 * Aᵀ·G and G·Bᵀ is read where it is, the packing absorbing the transpose. Then it calls the hand-written register-blocked kernel
 * {@code runtime.VectorGemm.run}, which C2 compiles once for every function. The bits are
 * {@code Summation.dotFused}'s, the interpreter's and the eager engine's for the same product.
 *
 * <p>Packed layout (VectorGemm's): a(i, q) at {@code s + (i / MR) * MR * k + q * MR + i % MR};
 * b(q, j) at {@code s + packedB + (j / NR) * NR * k + q * NR + j % NR}.
 */
final class GemmLowering {
    private static final String VECTOR_GEMM = "io/jgrad/runtime/VectorGemm";

    private final BodyEmitter e;

    GemmLowering(BodyEmitter e) {
        this.e = e;
    }

    void kernel(int v) {
        Plan p = e.p;
        Node nd = p.node(v);
        int a = nd.arg(0), b = nd.arg(1);
        int m = p.type(a).dim(0), k = p.type(a).dim(1), n = p.type(b).dim(1);
        Num nk = e.num(v);
        boolean f64 = nk == Num.F64;
        e.collect(v);
        BodyEmitter.Target t = e.ownBuffer(v);
        e.prepareLeaves();
        t.prepare();
        if (t.kind() != nk) throw new AssertionError("%" + v + " (" + p.type(v) + ") would be written by the kernel into a " + t.kind().array + " array");
        int s = p.scratchOffset[v], mr = Gemm.mr(), nr = Gemm.nr(f64), pb = s + Gemm.packedB(m, k);
        Access accA = Access.axes(3, 0, 1), accB = Access.axes(3, 1, 2);
        LoopNest nest = new LoopNest(e, p.kernelExtents(v), e.forms, false);
        MethodVisitor mv = e.mv();
        int i = nest.local[nest.group[0]], q = nest.local[nest.group[1]], j = nest.local[nest.group[2]];
        int base = e.nextLocal++;
        e.sealed = true;
        // A: row i's strip starts at s + (i / MR) * MR * k + i % MR; term q MR further on
        if (stored(a, nk)) packStored("packA", a, k, m, k, s, nk);
        else packA(a, k, s, mr, accA, nest, i, q, base, nk);
        // B: for each q and strip, a contiguous run of up to NR elements from row q of B to
        // packedB + strip * NR * k + q * NR
        if (stored(b, nk)) packStored("packB", b, n, k, n, pb, nk);
        else packB(b, n, k, nr, pb, accB, nest, q, j, base, nk);
        // VectorGemm.run(ws, s, m, k, n, c, cOffset)
        e.workspace(nk);
        e.iconst(s);
        e.iconst(m);
        e.iconst(k);
        e.iconst(n);
        t.pushArray();
        e.iconst(t.offset());
        mv.visitMethodInsn(INVOKESTATIC, VECTOR_GEMM, "run", "(" + nk.array + "III" + "I" + nk.array + "I)V", false);
        e.sealed = false;
    }

    /**
     * Operand x is a stored row-major buffer of the product's own array kind (an input, a
     * constant, a materialised value): VectorGemm's own packing reads it where it is (a strip of
     * A term by term, B's rows by vector copies), faster than the element loops below.
     */
    private boolean stored(int x, Num nk) {
        Plan p = e.p;
        return p.isBuffer(x) && p.io == nk && Num.of(p.type(x).dtype()) == nk;
    }

    /** VectorGemm.packA/packB(x's array, its offset, row stride, 1, rows, columns, ws, at). */
    private void packStored(String method, int x, int rowStride, int rows, int cols, int at, Num nk) {
        MethodVisitor mv = e.mv();
        e.pushArray(x);
        e.iconst(e.bufferOffset(x));
        e.iconst(rowStride);
        e.iconst(1);
        e.iconst(rows);
        e.iconst(cols);
        e.workspace(nk);
        e.iconst(at);
        mv.visitMethodInsn(INVOKESTATIC, VECTOR_GEMM, method, "(" + nk.array + "IIIII" + nk.array + "I)V", false);
    }

    /** A read through the expression lowering (a fused operand, a transposed view), row by row. */
    private void packA(int a, int k, int s, int mr, Access accA, LoopNest nest, int i, int q, int base, Num nk) {
        MethodVisitor mv = e.mv();
        nest.openVar(0);
        mv.visitVarInsn(ILOAD, i);
        e.iconst(mr);
        mv.visitInsn(IDIV);
        e.iconst(mr * k);
        mv.visitInsn(IMUL);
        mv.visitVarInsn(ILOAD, i);
        e.iconst(mr);
        mv.visitInsn(IREM);
        mv.visitInsn(IADD);
        e.iconst(s);
        mv.visitInsn(IADD);
        mv.visitVarInsn(ISTORE, base);
        nest.openVar(1);
        e.workspace(nk);
        mv.visitVarInsn(ILOAD, base);
        mv.visitVarInsn(ILOAD, q);
        e.iconst(mr);
        mv.visitInsn(IMUL);
        mv.visitInsn(IADD);
        e.value(a, accA, nest);
        mv.visitInsn(nk.astore);
        nest.closeVar(1);
        nest.closeVar(0);
    }

    /** B read through the expression lowering: j = strip * NR + jj, a counted jj loop. */
    private void packB(int b, int n, int k, int nr, int pb, Access accB, LoopNest nest, int q, int j, int base, Num nk) {
        MethodVisitor mv = e.mv();
        int strip = e.nextLocal++, jj = e.nextLocal++, cnt = e.nextLocal++;
        int strips = (n + nr - 1) / nr;
        nest.openVar(1);
        Label sHead = new Label(), sEnd = new Label(), jHead = new Label(), jEnd = new Label();
        mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, strip);
        mv.visitLabel(sHead);
        mv.visitVarInsn(ILOAD, strip);
        e.iconst(strips);
        mv.visitJumpInsn(IF_ICMPGE, sEnd);
        e.iconst(n);   // cnt = min(NR, n - strip * NR)
        mv.visitVarInsn(ILOAD, strip);
        e.iconst(nr);
        mv.visitInsn(IMUL);
        mv.visitInsn(ISUB);
        e.iconst(nr);
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "min", "(II)I", false);
        mv.visitVarInsn(ISTORE, cnt);
        mv.visitVarInsn(ILOAD, strip);   // base = packedB + strip * NR * k + q * NR
        e.iconst(nr * k);
        mv.visitInsn(IMUL);
        mv.visitVarInsn(ILOAD, q);
        e.iconst(nr);
        mv.visitInsn(IMUL);
        mv.visitInsn(IADD);
        e.iconst(pb);
        mv.visitInsn(IADD);
        mv.visitVarInsn(ISTORE, base);
        mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, jj);
        mv.visitLabel(jHead);
        mv.visitVarInsn(ILOAD, jj);
        mv.visitVarInsn(ILOAD, cnt);
        mv.visitJumpInsn(IF_ICMPGE, jEnd);
        mv.visitVarInsn(ILOAD, strip);   // j = strip * NR + jj: the nest's own j, which the operand's access reads
        e.iconst(nr);
        mv.visitInsn(IMUL);
        mv.visitVarInsn(ILOAD, jj);
        mv.visitInsn(IADD);
        mv.visitVarInsn(ISTORE, j);
        e.workspace(nk);
        mv.visitVarInsn(ILOAD, base);
        mv.visitVarInsn(ILOAD, jj);
        mv.visitInsn(IADD);
        e.value(b, accB, nest);
        mv.visitInsn(nk.astore);
        mv.visitIincInsn(jj, 1);
        mv.visitJumpInsn(GOTO, jHead);
        mv.visitLabel(jEnd);
        mv.visitIincInsn(strip, 1);
        mv.visitJumpInsn(GOTO, sHead);
        mv.visitLabel(sEnd);
        nest.closeVar(1);
    }
}
