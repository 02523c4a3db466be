package io.jgrad.codegen;

import io.jgrad.ir.Node;
import io.jgrad.ir.Prim;
import io.jgrad.ir.Type;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

import java.util.List;

import static org.objectweb.asm.Opcodes.*;

/**
 * The lowering of the indexing primitives (SLICE, PAD, GATHER, CONCAT, SCATTER_ADD) for one
 * {@link BodyEmitter}. The first four are index arithmetic in their consumer's fused loop
 * ({@link Access}): a slice shifts a coordinate, a gather looks it up in an index table (a
 * static {@code int[]} of the class), a pad tests its coordinate against the operand's extent
 * and reads +0.0 outside, a concatenation picks its operand by comparing the coordinate with
 * the operands' offsets. Nothing is copied unless the plan stores the value; a stored
 * concatenation is one loop nest per operand (no test per element). SCATTER_ADD is a kernel
 * of its own: the result zeroed, then the operand's rows added in row-major order (row j
 * ascending into row i_j), each addition rounded, as the IR's kernel.
 */
final class IndexLowering {
    private final BodyEmitter e;

    IndexLowering(BodyEmitter e) {
        this.e = e;
    }

    /** Receives the leaves and index forms of a walk into the emitter's lists: the forms decide which loops merge. */
    final Plan.LeafSink collector = new Plan.LeafSink() {
        @Override public void leaf(int leaf, Access acc) {
            e.leaves.add(leaf);
            if (e.p.isBuffer(leaf)) forms(acc, e.p.type(leaf), e.forms);
        }

        @Override public void guard(int[] form) { e.forms.add(form); }
    };

    /** A one-element scatter_add of a one-element value: one row into a zero, +0.0 + x (-0.0 becomes +0.0, as the kernel's). */
    void scalarScatter(int v) {
        Num k = e.num(v);
        k.constant(e.mv, 0.0);
        e.pushScalar(e.p.node(v).arg(0));
        e.mv.visitInsn(k.add);
    }

    /** The access of operand i of v, given v's: its re-indexing (planned: a reshape no access follows has a buffer). */
    Access argAccess(int v, int i, Access acc, LoopNest nest) {
        Node nd = e.p.node(v);
        int arg = nd.arg(i);
        if (e.p.constantEverywhere(arg)) return acc;
        Access a = Access.ofArg(nd, e.p.type(v), e.p.type(arg), acc, nest.varExt, e.p.isBuffer(arg), nd.prim() == Prim.CONCAT ? e.p.concatOffset(nd, i) : 0);
        if (a == null) throw new AssertionError("unplanned reshape operand %" + arg);
        return a;
    }

    /** A fused view (broadcast, reshape, transpose, slice, gather, pad) at acc: the access re-indexes, a pad also tests. */
    void shape(int v, Access acc, LoopNest nest) {
        if (e.p.node(v).prim() == Prim.PAD) pad(v, acc, nest);
        else e.value(e.p.node(v).arg(0), argAccess(v, 0, acc, nest), nest);
    }

    /** Ends the chunk inside kernel v's statement, between two of its loop nests: what it reads later is spilled. */
    private void cutChunk(int v) {
        int s = e.p.stmts.indexOf(new Plan.Stmt(Plan.Kind.KERNEL, v, -1));
        e.endChunk(s - 1, false);
        e.startChunk(s);
    }

    /** Axis a is loop variable a. */
    static Access identity(int rank) {
        int[] vars = new int[rank];
        for (int a = 0; a < rank; a++) vars[a] = a;
        return Access.axes(rank, vars);
    }

    /**
     * The index forms a read of a buffer of type t through acc needs exact over the loops: the
     * linear part of its flat index, and the argument of each index table.
     */
    static void forms(Access acc, Type t, List<int[]> into) {
        into.add(acc.flatForm(t));
        if (acc.tables == null) return;
        for (int a = 0; a < acc.tables.length; a++) if (acc.tables[a] != null) into.add(acc.coords[a]);
    }

    /** Pushes the flat index of a row-major buffer of type t read through acc, plus off. */
    void pushIndex(int off, Access acc, Type t, LoopNest nest) {
        nest.index(off + acc.flatConst(t), acc.flatForm(t));
        if (acc.tables == null) return;
        int[] st = t.strides();
        for (int a = 0; a < acc.tables.length; a++) {
            if (acc.tables[a] == null) continue;
            pushTable(acc, a, nest);
            if (st[a] != 1) {
                e.iconst(st[a]);
                e.mv.visitInsn(IMUL);
            }
            e.mv.visitInsn(IADD);
        }
    }

    /** Pushes coordinate {@code axis} of acc. */
    void pushCoord(Access acc, int axis, LoopNest nest) {
        if (acc.tables[axis] != null) pushTable(acc, axis, nest);
        else nest.index(acc.consts[axis], acc.coords[axis]);
    }

    private void pushTable(Access acc, int axis, LoopNest nest) {
        e.mv.visitFieldInsn(GETSTATIC, e.cg.name, e.cg.tableField(acc.tables[axis]), "[I");
        nest.index(acc.consts[axis], acc.coords[axis]);
        e.mv.visitInsn(IALOAD);
    }

    /** Pushes the zero a pad reads: +0.0 of v's dtype, or false. */
    private void zero(int v) {
        if (e.isBool(v)) e.mv.visitInsn(ICONST_0);
        else e.num(v).constant(e.mv, 0.0);
    }

    /**
     * PAD [axis, low, high] at acc: the operand at coordinate c - low when 0 <= c - low < n,
     * else +0.0. A side the coordinate's range cannot cross is not tested.
     */
    void pad(int v, Access acc, LoopNest nest) {
        Node nd = e.p.node(v);
        int x = nd.arg(0), axis = nd.ints()[0], n = e.p.type(x).dim(axis);
        Access xa = e.argAccess(v, 0, acc, nest);
        Access at = acc.shift(axis, -nd.ints()[1]);   // the operand's coordinate (also for a one-element operand)
        long[] r = at.range(axis, nest.varExt);
        boolean low = r == null || r[0] < 0, high = r == null || r[1] >= n;
        if (!low && !high) {
            e.value(x, xa, nest);
            return;
        }
        MethodVisitor mv = e.mv;
        Label outside = new Label(), done = new Label();
        pushCoord(at, axis, nest);
        if (low && high) { // 0 <= c < n as one unsigned comparison
            e.iconst(Integer.MIN_VALUE);
            mv.visitInsn(IADD);
            e.iconst(n + Integer.MIN_VALUE);
            mv.visitJumpInsn(IF_ICMPGE, outside);
        } else if (low) {
            mv.visitJumpInsn(IFLT, outside);
        } else {
            e.iconst(n);
            mv.visitJumpInsn(IF_ICMPGE, outside);
        }
        e.value(x, xa, nest);
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(outside);
        zero(v);
        mv.visitLabel(done);
    }

    /**
     * CONCAT [axis] at acc: operand i where its offset o_i <= c < o_i + n_i, chosen by comparing
     * c with each end in turn; operands the coordinate's range cannot reach are left out, and a
     * range inside one operand needs no comparison.
     */
    void concat(int v, Access acc, LoopNest nest) {
        Node nd = e.p.node(v);
        int axis = nd.ints()[0];
        long[] r = acc.range(axis, nest.varExt);
        int first = 0, last = nd.arity() - 1;
        int[] end = new int[nd.arity()];
        for (int i = 0, off = 0; i < end.length; i++) {
            off += e.p.type(nd.arg(i)).dim(axis);
            end[i] = off;
        }
        if (r != null) {
            while (first < last && end[first] <= r[0]) first++;
            while (last > first && end[last - 1] > r[1]) last--;
        }
        MethodVisitor mv = e.mv;
        int c = -1;
        if (first < last) {
            c = e.nextLocal++;
            pushCoord(acc, axis, nest);
            mv.visitVarInsn(ISTORE, c);
        }
        Label done = new Label();
        for (int i = first; i <= last; i++) {
            Label next = new Label();
            if (i < last) {
                mv.visitVarInsn(ILOAD, c);
                e.iconst(end[i]);
                mv.visitJumpInsn(IF_ICMPGE, next);
            }
            int a = nd.arg(i);
            Access aa = e.argAccess(v, i, acc, nest);
            e.value(a, aa, nest);
            if (i < last) {
                mv.visitJumpInsn(GOTO, done);
                mv.visitLabel(next);
            }
        }
        mv.visitLabel(done);
    }

    /**
     * A one-element slice or gather of a tensor (a scalar read at one point of a fused
     * expression): evaluated once, before any loop, into a local.
     */
    void pointKernel(int v) {
        e.collect(v);
        e.prepareLeaves();
        int[] ext = e.p.type(v).shape();
        LoopNest nest = new LoopNest(e, ext, e.forms, true);
        int l = e.newLocal(v);
        e.sealed = true;
        e.expand(v, identity(ext.length), nest);
        e.store(v, l);
        e.sealed = false;
        e.local[v] = l;
        e.chunkValues.add(v);
    }

    /** A stored concatenation: one loop nest per operand, each writing its own rows of the result. */
    void concatKernel(int v) {
        Node nd = e.p.node(v);
        int axis = nd.ints()[0];
        int[] store = e.p.type(v).strides();
        BodyEmitter.Target t = e.ownBuffer(v);
        for (int i = 0; i < nd.arity(); i++) {
            // a concatenation of hundreds of operands: its loops continue in the next chunk
            if (i > 0 && e.offset() > e.p.chunkBytes) cutChunk(v);
            int a = nd.arg(i);
            int[] ext = e.p.type(a).shape();
            Access id = identity(ext.length);
            e.forms.clear();
            e.leaves.clear();
            int fail = e.p.walk(a, id, ext, collector);
            if (fail >= 0) throw new AssertionError("unplanned reshape operand %" + fail);
            e.forms.add(store);
            e.prepareLeaves();
            t.prepare();
            LoopNest nest = new LoopNest(e, ext, e.forms, true);
            e.sealed = true;
            nest.open(0, nest.groups());
            t.pushArray();
            nest.index(t.offset() + e.p.concatOffset(nd, i) * store[axis], store);
            e.value(a, id, nest);
            e.toArray(v, t.kind());
            e.mv.visitInsn(t.kind().astore);
            nest.close(0, nest.groups());
            e.sealed = false;
        }
    }

    /** Writes {@code value} into the first {@code size} elements of t. */
    private void fill(BodyEmitter.Target t, int size, double value, Num nk) {
        LoopNest fill = new LoopNest(e, new int[] {size}, List.of(), false);
        e.sealed = true;
        fill.open(0, fill.groups());
        t.pushArray();
        fill.index(t.offset(), new int[] {1});
        nk.constant(e.mv, value);
        e.mv.visitInsn(t.kind().astore);
        fill.close(0, fill.groups());
        e.sealed = false;
    }

    /**
     * A sum, maximum or product over an empty operand (an empty slice upstream): no terms, so
     * the IR kernel's value for none, +0.0 (a sum, a product's dot products) or -inf (a maximum),
     * without a loop. False, and nothing emitted, when every operand has elements.
     */
    boolean emptyKernel(int v, boolean toLocal) {
        Node nd = e.p.node(v);
        boolean empty = false;
        for (int a : nd.args()) empty |= e.p.type(a).size() == 0;
        double none = switch (nd.prim().family) {
            case REDUCE -> nd.prim() == Prim.REDUCE_MAX ? Double.NEGATIVE_INFINITY : 0.0;
            case MATMUL, CONTRACT -> 0.0;
            case LEAF, UNARY, CONVERT, BINARY, COMPARE, SELECT, SHAPE, SCATTER, CONCAT -> Double.NaN;   // loops of no trips are right
        };
        if (!empty || Double.isNaN(none)) return false;
        Num nk = e.num(v);
        if (toLocal) {
            int l = e.newLocal(v);
            nk.constant(e.mv, none);
            e.mv.visitVarInsn(nk.store, l);
            e.local[v] = l;
            e.chunkValues.add(v);
        } else {
            BodyEmitter.Target t = e.ownBuffer(v);
            t.prepare();
            fill(t, e.p.type(v).size(), none, nk);
        }
        return true;
    }

    /**
     * SCATTER_ADD [axis, size, i_0..]: the result zeroed (+0.0), then element (.., j, ..) of the
     * operand added into (.., i_j, ..), the operand in row-major order, so every result element
     * receives its rows with j ascending, each addition rounded to the dtype: the IR's order. A
     * one-element result accumulates in a local.
     */
    void scatterKernel(int v, boolean toLocal) {
        Node nd = e.p.node(v);
        int x = nd.arg(0);
        Type xt = e.p.type(x), rt = e.p.type(v);
        int[] ints = nd.ints();
        int axis = ints[0];
        int[] table = java.util.Arrays.copyOfRange(ints, 2, ints.length);
        int[] rs = rt.strides();
        int[] store = rs.clone();
        store[axis] = 0;                         // the row goes through the table
        int[] row = new int[xt.rank()];
        row[axis] = 1;
        e.collect(v);
        e.forms.add(store);
        e.forms.add(row);
        Access id = identity(xt.rank());
        Num nk = e.num(v);
        MethodVisitor mv = e.mv;
        e.prepareLeaves();
        if (toLocal) {
            int acc = e.newLocal(v);
            nk.constant(mv, 0.0);
            mv.visitVarInsn(nk.store, acc);
            LoopNest nest = new LoopNest(e, xt.shape(), e.forms, true);
            e.sealed = true;
            nest.open(0, nest.groups());
            mv.visitVarInsn(nk.load, acc);
            e.value(x, id, nest);
            mv.visitInsn(nk.add);
            mv.visitVarInsn(nk.store, acc);
            nest.close(0, nest.groups());
            e.sealed = false;
            e.local[v] = acc;
            e.chunkValues.add(v);
            return;
        }
        BodyEmitter.Target t = e.ownBuffer(v);
        t.prepare();
        fill(t, rt.size(), 0.0, nk);
        e.sealed = true;
        LoopNest nest = new LoopNest(e, xt.shape(), e.forms, true);
        nest.open(0, nest.groups());
        t.pushArray();
        nest.index(t.offset(), store);
        mv.visitFieldInsn(GETSTATIC, e.cg.name, e.cg.tableField(table), "[I");
        nest.index(0, row);
        mv.visitInsn(IALOAD);
        if (rs[axis] != 1) {
            e.iconst(rs[axis]);
            mv.visitInsn(IMUL);
        }
        mv.visitInsn(IADD);
        mv.visitInsn(DUP2);
        mv.visitInsn(nk.aload);
        e.value(x, id, nest);
        mv.visitInsn(nk.add);
        mv.visitInsn(nk.astore);
        nest.close(0, nest.groups());
        e.sealed = false;
    }
}
