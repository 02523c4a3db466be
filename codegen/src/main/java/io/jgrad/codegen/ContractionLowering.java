package io.jgrad.codegen;

import io.jgrad.ir.Node;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Cascade;
import io.jgrad.runtime.DType;
import io.jgrad.runtime.Gemm;
import io.jgrad.runtime.ScalarGemm;
import io.jgrad.runtime.Summation;
import org.objectweb.asm.MethodVisitor;

import java.util.Arrays;

import static org.objectweb.asm.Opcodes.*;

/**
 * DOT_GENERAL's loop nest: a batched matmul over the canonical shapes the IR's kernel uses,
 * x as [B, M, K] (batch axes, free axes, contracted axes in the listed order) and y as
 * [B, K, N], four loop variables (b, i, q, j). Each result element is the sum over q in
 * {@link Summation}'s order, the products rounded, exactly as MATMUL's (and {@code
 * ir.Contraction}'s, which calls the matmul kernel per batch): so the same bits.
 *
 * <p>An operand is read in place when that layout is linear in (b, i, q, j): a buffer whose
 * axes of each group are adjacent and in order (the usual [B.., m, k]), a one-element value,
 * or a fused left operand whose groups each have one axis of extent &gt; 1. Otherwise it is
 * first written in the canonical layout into the statement's scratch, after the {@link Cascade}
 * state (the right operand is read M times, so a fused right operand is written there too, as
 * MATMUL's right operand is stored). The loops are MATMUL's: with N &gt; 1 and K &gt;= 4 the j loop
 * is innermost and contiguous (vectorised) with one {@link Cascade} lane per j
 * ({@link SumLowering#lanes}); with N = 1 each element is one sum in locals.
 */
final class ContractionLowering {
    private final BodyEmitter e;

    ContractionLowering(BodyEmitter e) {
        this.e = e;
    }

    // ---------------------------------------------------------------- layout (also the Plan's)

    /** The axis groups of operand pos in canonical order, and the loop variable of each group. */
    private static int[][] groups(Node nd, Type tx, Type ty, int pos) {
        int[] ints = nd.ints();
        int nb = ints[0], nc = ints[1];
        int[] lb = Arrays.copyOfRange(ints, 2, 2 + nb), rb = Arrays.copyOfRange(ints, 2 + nb, 2 + 2 * nb);
        int[] lc = Arrays.copyOfRange(ints, 2 + 2 * nb, 2 + 2 * nb + nc), rc = Arrays.copyOfRange(ints, 2 + 2 * nb + nc, 2 + 2 * nb + 2 * nc);
        return pos == 0 ? new int[][] {lb, free(tx.rank(), lb, lc), lc} : new int[][] {rb, rc, free(ty.rank(), rb, rc)};
    }

    /** Loop variable of each canonical group: x is (b, i, q), y is (b, q, j). */
    private static final int[][] VARS = {{0, 1, 2}, {0, 2, 3}};

    private static int[] free(int rank, int[] batch, int[] contract) {
        boolean[] used = new boolean[rank];
        for (int a : batch) used[a] = true;
        for (int a : contract) used[a] = true;
        int[] f = new int[rank - batch.length - contract.length];
        for (int a = 0, j = 0; a < rank; a++) if (!used[a]) f[j++] = a;
        return f;
    }

    private static int size(Type t, int[] axes) {
        int n = 1;
        for (int a : axes) n *= t.dim(a);
        return n;
    }

    private static int[][] groups(Plan p, int v, int pos) {
        Node nd = p.node(v);
        return groups(nd, p.type(nd.arg(0)), p.type(nd.arg(1)), pos);
    }

    /** The loop extents (B, M, K, N). */
    static int[] extents(Plan p, int v) {
        Node nd = p.node(v);
        Type tx = p.type(nd.arg(0)), ty = p.type(nd.arg(1));
        int[][] gx = groups(p, v, 0), gy = groups(p, v, 1);
        return new int[] {size(tx, gx[0]), size(tx, gx[1]), size(tx, gx[2]), size(ty, gy[2])};
    }

    /** Operand pos's axes in canonical order. */
    private static int[] canonicalOrder(Plan p, int v, int pos) {
        int[][] g = groups(p, v, pos);
        int[] perm = Arrays.copyOf(g[0], g[0].length + g[1].length + g[2].length);
        System.arraycopy(g[1], 0, perm, g[0].length, g[1].length);
        System.arraycopy(g[2], 0, perm, g[0].length + g[1].length, g[2].length);
        return perm;
    }

    /**
     * How the product reads operand pos in place over (b, i, q, j), or null when it must be
     * written in the canonical layout first.
     */
    static Access direct(Plan p, int v, int pos) {
        int x = p.node(v).arg(pos);
        Type t = p.type(x);
        int[][] g = groups(p, v, pos);
        boolean call = call(p, v);   // the kernel reads memory: a buffer of the product's own kind, or the copy
        if (p.scalar[x]) return call ? null : Access.ofCoords(new int[t.rank()][4]);
        if (p.isBuffer(x)) {
            int[] form = new int[4], st = t.strides();
            for (int k = 0; k < 3; k++) {
                // the group's index is linear in the flat one when its axes (extent-1 ones aside)
                // are adjacent and in order: stride(a_i) = stride(a_last) · the extents after a_i
                int lastAxis = -1;
                long expect = 0;
                for (int i = g[k].length - 1; i >= 0; i--) {
                    int a = g[k][i];
                    if (t.dim(a) == 1) continue;
                    if (lastAxis < 0) {
                        lastAxis = a;
                        expect = (long) st[a] * t.dim(a);
                    } else {
                        if (st[a] != expect) return null;
                        expect *= t.dim(a);
                    }
                }
                form[VARS[pos][k]] = lastAxis < 0 ? 0 : st[lastAxis];
            }
            return Access.flat(form, 0);
        }
        if (pos == 1 || call) return null;   // read M times: written once, not recomputed per row
        int[][] c = new int[t.rank()][4];
        for (int k = 0; k < 3; k++) {
            int big = 0;
            for (int a : g[k]) {
                if (t.dim(a) == 1) continue;
                if (big++ > 0) return null;
                c[a][VARS[pos][k]] = 1;
            }
        }
        return Access.ofCoords(c);
    }

    /** The access of operand pos in its copy's loops (one loop per axis, in canonical order). */
    static Access copyAccess(Plan p, int v, int pos) {
        int[] perm = canonicalOrder(p, v, pos), inv = new int[perm.length];
        for (int i = 0; i < perm.length; i++) inv[perm[i]] = i;
        return Access.axes(perm.length, inv);
    }

    static int[] copyExtents(Plan p, int v, int pos) {
        int[] perm = canonicalOrder(p, v, pos);
        Type t = p.type(p.node(v).arg(pos));
        int[] ext = new int[perm.length];
        for (int i = 0; i < perm.length; i++) ext[i] = t.dim(perm[i]);
        return ext;
    }

    /** Elements of {@link Cascade} state of the product (as MATMUL's for [M,K]·[K,N]). */
    private static int stateSize(int[] ext) {
        int k = ext[2], n = ext[3];
        if (n == 1) return k > Summation.BLOCK ? Cascade.depth(k) : 0;
        return k < 4 ? 0 : Cascade.laneStateSize(k, n);
    }

    /**
     * Whether the product is a call of a runtime kernel ({@link #call(int)}): a stored result of
     * the function's own dtype (so every array it reads or writes is of its kind), at least 2 x 2
     * per batch over at least 4 terms (the register-blocked tile; smaller ones stay in the loops
     * below, the same order).
     */
    static boolean call(Plan p, int v) {
        if (!p.hasKernel(v) || p.scalar[v]) return false;
        DType d = p.type(v).dtype();
        if ((d != DType.F32 && d != DType.F64) || Num.of(d) != p.io) return false;
        int[] ext = extents(p, v);
        return ext[1] >= MIN_ROWS && ext[2] >= MIN_TERMS && ext[3] >= MIN_COLUMNS;
    }

    /** The call's thresholds (README "ADBench": measured on GMM's [10,10]·[10,1000] and smaller). */
    static final int MIN_ROWS = 2, MIN_TERMS = 4, MIN_COLUMNS = 2;

    /** The call goes to the vector path's kernel ({@link Gemm#uses} per batch), else to {@link ScalarGemm}. */
    static boolean vectorCall(Plan p, int v) {
        int[] ext = extents(p, v);
        return call(p, v) && Gemm.uses(ext[1], ext[2], ext[3]);
    }

    /** The statement's scratch: the lane loops' state or the kernel call's own, and the canonical copies of the operands read that way. */
    static int scratch(Plan p, int v) {
        int[] ext = extents(p, v);
        int s = !call(p, v) ? stateSize(ext)
                : vectorCall(p, v) ? Gemm.batchedScratch(p.type(v).dtype() == DType.F64, ext[1], ext[2], ext[3]) : ScalarGemm.scratch(ext[1], ext[2], ext[3]);
        if (direct(p, v, 0) == null) s += ext[0] * ext[1] * ext[2];
        if (direct(p, v, 1) == null) s += ext[0] * ext[2] * ext[3];
        return s;
    }

    // ---------------------------------------------------------------- emission

    /** The product into v's buffer, or (one element) into a local. */
    void kernel(int v, boolean toLocal) {
        if (!toLocal && call(e.p, v)) {
            call(v);
            return;
        }
        Plan p = e.p;
        Node nd = p.node(v);
        int x = nd.arg(0), y = nd.arg(1);
        int[] ext = extents(p, v);
        int m = ext[1], k = ext[2], n = ext[3];
        Operands o = operands(v, ext, p.scratchOffset[v] + stateSize(ext));
        Access dx = o.dx(), dy = o.dy();
        int copyX = o.copyX(), copyY = o.copyY();
        Num nk = e.num(v);
        BodyEmitter.Target t = toLocal ? null : e.ownBuffer(v);
        if (t != null) t.prepare();
        LoopNest nest = new LoopNest(e, ext, e.forms, false);
        int[] formX = {m * k, k, 1, 0}, formY = {k * n, 0, n, 1};
        Runnable a = () -> operand(x, dx, copyX, formX, nk, nest), b = () -> operand(y, dy, copyY, formY, nk, nest);
        int[] store = {m * n, n, 0, 1};
        MethodVisitor mv = e.mv;
        int result = toLocal ? e.newLocal(v) : -1;
        if (n == 1) {
            int acc = e.newLocal(v);
            e.sealed = true;
            nest.openVar(0);
            nest.openVar(1);
            if (k > 1) {
                e.sums.innerSum(nest, nest.group[2], k, p.scratchOffset[v], acc, nk, () -> {
                    a.run();
                    b.run();
                    mv.visitInsn(nk.mul);
                });
            } else { // one term: -0.0 + a·b
                nk.constant(mv, -0.0);
                a.run();
                b.run();
                mv.visitInsn(nk.mul);
                mv.visitInsn(nk.add);
                mv.visitVarInsn(nk.store, acc);
            }
            if (toLocal) {
                mv.visitVarInsn(nk.load, acc);
                mv.visitVarInsn(nk.store, result);
            } else {
                t.pushArray();
                nest.index(t.offset(), store);
                mv.visitVarInsn(nk.load, acc);
                mv.visitInsn(t.kind().astore);
            }
            nest.closeVar(1);
            nest.closeVar(0);
            e.sealed = false;
        } else if (k >= 4) {
            int aik = e.newLocal(v);
            e.sums.lanes(v, nest, 2, k, store, t, () -> {
                a.run();
                mv.visitVarInsn(nk.store, aik);
            }, () -> {
                mv.visitVarInsn(nk.load, aik);
                b.run();
                mv.visitInsn(nk.mul);
            });
        } else { // under 4 terms every one goes to accumulator 0: the row accumulates in q order from -0.0
            int aik = e.newLocal(v);
            e.sealed = true;
            nest.openVar(0);
            nest.openVar(1);
            nest.openVar(3);
            t.pushArray();
            nest.index(t.offset(), store);
            nk.constant(mv, -0.0);
            mv.visitInsn(nk.astore);
            nest.closeVar(3);
            nest.openVar(2);
            a.run();
            mv.visitVarInsn(nk.store, aik);
            nest.openVar(3);
            t.pushArray();
            nest.index(t.offset(), store);
            mv.visitInsn(DUP2);
            mv.visitInsn(nk.aload);
            mv.visitVarInsn(nk.load, aik);
            b.run();
            mv.visitInsn(nk.mul);
            mv.visitInsn(nk.add);
            mv.visitInsn(nk.astore);
            nest.closeVar(3);
            nest.closeVar(2);
            nest.closeVar(1);
            nest.closeVar(0);
            e.sealed = false;
        }
        if (toLocal) {
            e.local[v] = result;
            e.chunkValues.add(v);
        }
    }

    /**
     * How product v reads its operands: each in place where {@link #direct} allows (its Access),
     * otherwise copied once in the canonical layout into the scratch from {@code base} on (x's
     * copy, then y's; {@code end} is where they stop). Writes the copies and prepares the
     * product's own leaves, the operands read in place.
     */
    private record Operands(Access dx, Access dy, int copyX, int copyY, int end) {}

    private Operands operands(int v, int[] ext, int base) {
        Plan p = e.p;
        Node nd = p.node(v);
        int x = nd.arg(0), y = nd.arg(1);
        int xSize = ext[0] * ext[1] * ext[2], ySize = ext[0] * ext[2] * ext[3];
        Access dx = direct(p, v, 0), dy = direct(p, v, 1);
        int copyX = dx == null ? base : -1;
        int copyY = dy == null ? base + (dx == null ? xSize : 0) : -1;
        int end = base + (dx == null ? xSize : 0) + (dy == null ? ySize : 0);
        if (dx == null) copy(v, 0, copyX);
        if (dy == null) copy(v, 1, copyY);
        e.forms.clear();
        e.leaves.clear();
        if (dx != null && p.walk(x, dx, ext, e.index.collector) >= 0) throw new AssertionError("unplanned reshape in %" + x);
        if (dy != null && p.walk(y, dy, ext, e.index.collector) >= 0) throw new AssertionError("unplanned reshape in %" + y);
        e.prepareLeaves();
        return new Operands(dx, dy, copyX, copyY, end);
    }

    /**
     * The product as one call: {@link ScalarGemm#batched} or, above {@link Gemm}'s threshold on
     * the vector path, {@link Gemm#batched} (which packs each batch's operands into its panels).
     * An operand stored in a row-major buffer whose groups are each linear is passed in place
     * with its (batch, row, column) strides; any other (fused, or not linear) is first written
     * in the canonical layout into the scratch (once: no element is recomputed per use). Scratch:
     * the copies, then the kernel's own.
     */
    private void call(int v) {
        Plan p = e.p;
        Node nd = p.node(v);
        int x = nd.arg(0), y = nd.arg(1);
        int[] ext = extents(p, v);
        int bn = ext[0], m = ext[1], k = ext[2], n = ext[3];
        Operands o = operands(v, ext, Math.max(p.scratchOffset[v], 0));   // -1 when the call needs no scratch at all
        Access dx = o.dx(), dy = o.dy();
        int copyX = o.copyX(), copyY = o.copyY(), kernelScratch = o.end();
        Num nk = e.num(v);
        BodyEmitter.Target t = e.ownBuffer(v);
        t.prepare();
        if (t.kind() != nk) throw new AssertionError("%" + v + " (" + p.type(v) + ") would be written by the kernel into a " + t.kind().array + " array");
        MethodVisitor mv = e.mv;
        // a(b, i, q) and b(b, q, j): array, offset, then the three strides
        operandArgs(x, dx, copyX, new int[] {m * k, k, 1}, 0, nk);
        operandArgs(y, dy, copyY, new int[] {k * n, n, 1}, 1, nk);
        e.iconst(bn);
        e.iconst(m);
        e.iconst(k);
        e.iconst(n);
        t.pushArray();
        e.iconst(t.offset());
        e.workspace(nk);
        e.iconst(kernelScratch);
        String arr = nk.array;
        mv.visitMethodInsn(INVOKESTATIC, vectorCall(p, v) ? "io/jgrad/runtime/Gemm" : "io/jgrad/runtime/ScalarGemm", "batched",
                "(" + arr + "IIII" + arr + "IIIIIIII" + arr + "I" + arr + "I)V", false);
    }

    /** Pushes an operand's array, offset and (batch, row, column) strides: its buffer in place, or its canonical copy. */
    private void operandArgs(int x, Access direct, int copy, int[] copyStrides, int pos, Num nk) {
        MethodVisitor mv = e.mv;
        int[] st;
        if (direct != null) {
            e.pushArray(x);
            e.iconst(e.bufferOffset(x));
            int[] form = direct.flat;
            st = new int[] {form[0], form[VARS[pos][1]], form[VARS[pos][2]]};
        } else {
            e.workspace(nk);
            e.iconst(copy);
            st = copyStrides;
        }
        for (int s : st) e.iconst(s);
    }

    /** Pushes an operand's element at (b, i, q, j): in place, or from its canonical copy. */
    private void operand(int x, Access direct, int copy, int[] form, Num nk, LoopNest nest) {
        if (direct != null) {
            e.value(x, direct, nest);
            return;
        }
        e.workspace(nk);
        nest.index(copy, form);
        e.mv.visitInsn(nk.aload);
    }

    /** Operand pos written in the canonical layout at workspace[off ..]: one loop per axis, in canonical order. */
    private void copy(int v, int pos, int off) {
        Plan p = e.p;
        int x = p.node(v).arg(pos);
        int[] ext = copyExtents(p, v, pos);
        Access acc = copyAccess(p, v, pos);
        e.forms.clear();
        e.leaves.clear();
        if (p.walk(x, acc, ext, e.index.collector) >= 0) throw new AssertionError("unplanned reshape in %" + x);
        int[] store = Type.f32(ext).strides();
        e.forms.add(store);
        e.prepareLeaves();
        LoopNest nest = new LoopNest(e, ext, e.forms, true);
        Num nk = e.num(v);
        e.sealed = true;
        nest.open(0, nest.groups());
        e.workspace(nk);
        nest.index(off, store);
        e.value(x, acc, nest);
        e.mv.visitInsn(nk.astore);
        nest.close(0, nest.groups());
        e.sealed = false;
    }
}
