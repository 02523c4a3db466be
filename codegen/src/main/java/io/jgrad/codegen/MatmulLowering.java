package io.jgrad.codegen;

import io.jgrad.codegen.BodyEmitter.Target;
import io.jgrad.runtime.Summation;
import io.jgrad.ir.Node;

import static org.objectweb.asm.Opcodes.*;

/** The 2-D product (MATMUL) of one {@link BodyEmitter} body: lane loops, one sum per row, or the vector path's kernel. */
final class MatmulLowering {
    private final BodyEmitter body;
    private final Plan p;

    MatmulLowering(BodyEmitter body) {
        this.body = body;
        this.p = body.p;
    }

    /**
     * C[m,n] = A[m,k] B[k,n], each element the dot product of {@link Summation} over k (products
     * rounded, no fma). With n = 1: one sum per row in locals ({@link SumLowering#innerSum}), or, when A is
     * read column-contiguous (A = Xᵀ, {@link Plan#matmulRowLanes}), k outermost and the rows of C
     * as contiguous lanes ({@link SumLowering#lanes}: the same sums, the same bits). Otherwise an
     * i-k-j nest whose j loop is contiguous and vectorised: lanes over j ({@link SumLowering#lanes}); under
     * 4 terms (all to accumulator 0) the row of C accumulates directly in k order from -0.0.
     */
    void kernel(int v, boolean toLocal) {
        if (!toLocal && p.gemm(v)) { // the vector path's register-blocked kernel (issue 13)
            body.gemm.kernel(v);
            return;
        }
        Node nd = p.node(v);
        int a = nd.arg(0), b = nd.arg(1);
        int k = p.type(a).dim(1);
        int n = p.type(b).dim(1);
        body.collect(v);
        int[] store = {n, 0, 1};
        Target t = toLocal ? null : body.ownBuffer(v);
        body.prepareLeaves();
        if (t != null) t.prepare();
        Access accA = Access.axes(3, 0, 1), accB = Access.axes(3, 1, 2);
        Num nk = body.num(v);
        if (p.matmulRowLanes(v)) { // Xᵀ·g: k outside, the rows of C as contiguous lanes inside
            LoopNest nest = new LoopNest(body, p.kernelExtents(v), body.forms, false, new int[] {1, 0, 2}, new boolean[3]);
            int bq = body.newLocal(v);
            body.sums.lanes(v, nest, 1, k, store, t, () -> {
                body.value(b, accB, nest);
                body.mv.visitVarInsn(nk.store, bq);
            }, () -> {
                body.value(a, accA, nest);
                body.mv.visitVarInsn(nk.load, bq);
                body.mv.visitInsn(nk.mul);
            }, new SumLowering.LaneTerm() {
                public boolean supports(int var) { return body.vector.supports(a, false, accA, nest, var, nk); }
                public void push(VectorLowering.Shape s, int var) {
                    body.vector.push(a, false, accA, nest, var, s);
                    body.vector.broadcastLocal(s, bq);
                    body.vector.binary(s, "mul");
                }
            });
            return;
        }
        LoopNest nest = new LoopNest(body, p.kernelExtents(v), body.forms, false);
        int result = toLocal ? body.newLocal(v) : -1;
        if (n == 1 && k > 1) {
            int acc = body.newLocal(v);
            body.sealed = true;
            nest.openVar(0);
            VectorLowering.Term vterm = body.vector != null && nk == Num.F64 && body.vector.supports(a, false, accA, nest, 1, nk)
                    && body.vector.supports(b, false, accB, nest, 1, nk) ? s -> {
                body.vector.push(a, false, accA, nest, 1, s);
                body.vector.push(b, false, accB, nest, 1, s);
                body.vector.binary(s, "mul");
            } : null;
            body.sums.innerSum(nest, nest.group[1], k, p.scratchOffset[v], acc, nk, () -> {
                body.value(a, accA, nest);
                body.value(b, accB, nest);
                body.mv.visitInsn(nk.mul);
            }, vterm, false);   // a product of two reads: no transcendental
            if (toLocal) {
                body.mv.visitVarInsn(nk.load, acc);
                body.mv.visitVarInsn(nk.store, result);
            } else {
                t.pushArray();
                nest.index(t.offset(), store);
                body.mv.visitVarInsn(nk.load, acc);
                body.mv.visitInsn(t.kind().astore);
            }
            nest.closeVar(0);
            body.sealed = false;
        } else if (n == 1) { // k = 1: -0.0 + a * b
            body.sealed = true;
            nest.openVar(0);
            t.pushArray();
            nest.index(t.offset(), store);
            nk.constant(body.mv, -0.0);
            body.value(a, accA, nest);
            body.value(b, accB, nest);
            body.mv.visitInsn(nk.mul);
            body.mv.visitInsn(nk.add);
            body.mv.visitInsn(t.kind().astore);
            nest.closeVar(0);
            body.sealed = false;
        } else if (k >= 4) {
            int aik = body.newLocal(v);
            body.sums.lanes(v, nest, 1, k, store, t, () -> {
                body.value(a, accA, nest);
                body.mv.visitVarInsn(nk.store, aik);
            }, () -> {
                body.mv.visitVarInsn(nk.load, aik);
                body.value(b, accB, nest);
                body.mv.visitInsn(nk.mul);
            }, new SumLowering.LaneTerm() {
                public boolean supports(int var) { return body.vector.supports(b, false, accB, nest, var, nk); }
                public void push(VectorLowering.Shape s, int var) {
                    body.vector.broadcastLocal(s, aik);
                    body.vector.push(b, false, accB, nest, var, s);
                    body.vector.binary(s, "mul");
                }
            });
        } else {
            int aik = body.newLocal(v);
            body.sealed = true;
            nest.openVar(0);
            nest.openVar(2);
            t.pushArray();
            nest.index(t.offset(), store);
            nk.constant(body.mv, -0.0);
            body.mv.visitInsn(nk.astore);
            nest.closeVar(2);
            nest.openVar(1);
            body.value(a, accA, nest);
            body.mv.visitVarInsn(nk.store, aik);
            nest.openVar(2);
            t.pushArray();
            nest.index(t.offset(), store);
            body.mv.visitInsn(DUP2);
            body.mv.visitInsn(nk.aload);
            body.mv.visitVarInsn(nk.load, aik);
            body.value(b, accB, nest);
            body.mv.visitInsn(nk.mul);
            body.mv.visitInsn(nk.add);
            body.mv.visitInsn(nk.astore);
            nest.closeVar(2);
            nest.closeVar(1);
            nest.closeVar(0);
            body.sealed = false;
        }
        if (toLocal) {
            body.local[v] = result;
            body.chunkValues.add(v);
        }
    }
}
