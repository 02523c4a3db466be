package io.jgrad.codegen;

import io.jgrad.codegen.BodyEmitter.Target;
import io.jgrad.runtime.Cascade;
import io.jgrad.runtime.Summation;
import io.jgrad.ir.Node;
import io.jgrad.ir.Prim;
import io.jgrad.ir.Type;
import org.objectweb.asm.Label;

import static org.objectweb.asm.Opcodes.*;

/**
 * The sums and maxima of one {@link BodyEmitter} body: reductions over any axes
 * ({@link #rowSum}, {@link #laneSum}, a maximum), and the two sum loops the products share,
 * {@link #innerSum} (one sum in locals) and {@link #lanes} (contiguous lanes, each its own sum).
 * Every sum adds in {@link Summation}'s order, a function of the shape alone.
 */
final class SumLowering {
    private static final String CASCADE = "io/jgrad/runtime/Cascade";
    private final BodyEmitter body;
    private final Plan p;

    SumLowering(BodyEmitter body) {
        this.body = body;
        this.p = body.p;
    }

    void reduceKernel(int v, boolean toLocal) {
        if (p.node(v).prim() == Prim.REDUCE_SUM) {
            if (p.laneAxis(v) >= 0) laneSum(v);
            else rowSum(v, toLocal);
        } else {
            maxKernel(v, toLocal);
        }
    }

    /** The order of a maximum does not matter (Math.max is commutative and associative, NaN and ±0 included). */
    private void maxKernel(int v, boolean toLocal) {
        Prim prim = p.node(v).prim();
        ReductionSetup r = setUp(v, toLocal);
        LoopNest nest = new LoopNest(body, r.xt().shape(), body.forms, true);
        int groups = nest.groups();
        int firstReduced = groups;
        boolean accMode = true;
        for (int g = 0; g < groups; g++) {
            boolean isReduced = r.reduced()[nest.last[g]];
            if (isReduced && firstReduced == groups) firstReduced = g;
            if (!isReduced && firstReduced < groups) accMode = false;
        }
        Num nk = body.num(v);
        int result = toLocal ? body.newLocal(v) : -1;
        if (accMode) {
            int acc = body.newLocal(v);
            body.sealed = true;
            nest.open(0, firstReduced);
            reduceInit(prim, nk);
            body.mv.visitVarInsn(nk.store, acc);
            nest.open(firstReduced, groups);
            body.mv.visitVarInsn(nk.load, acc);
            body.value(r.x(), r.id(), nest);
            reduceOp(prim, nk);
            body.mv.visitVarInsn(nk.store, acc);
            nest.close(firstReduced, groups);
            if (toLocal) {
                body.mv.visitVarInsn(nk.load, acc);
                body.mv.visitVarInsn(nk.store, result);
            } else {
                r.t().pushArray();
                nest.index(r.t().offset(), r.store());
                body.mv.visitVarInsn(nk.load, acc);
                body.mv.visitInsn(r.t().kind().astore);
            }
            nest.close(0, firstReduced);
            body.sealed = false;
        } else {
            inBuffer(v, r, nest);
        }
        if (toLocal) {
            body.local[v] = result;
            body.chunkValues.add(v);
        }
    }

    /**
     * Accumulates into the result buffer, every output's terms in index order from the
     * reduction's identity: a maximum; or a sum whose terms all go to accumulator 0 in
     * {@link Summation}'s order (fewer than 4 terms).
     */
    private void inBuffer(int v, ReductionSetup r, LoopNest nest) {
        Target t = r.t();
        Prim prim = p.node(v).prim();
        Num nk = body.num(v);   // the buffer's kind too: the sum's dtype (an output's is the function's, the same)
        body.sealed = true;
        int size = p.type(v).size();
        int i = body.nextLocal++;
        Label head = new Label(), end = new Label();
        body.mv.visitInsn(ICONST_0);
        body.mv.visitVarInsn(ISTORE, i);
        body.mv.visitLabel(head);
        body.mv.visitVarInsn(ILOAD, i);
        body.iconst(size);
        body.mv.visitJumpInsn(IF_ICMPGE, end);
        t.pushArray();
        body.iconst(t.offset());
        body.mv.visitVarInsn(ILOAD, i);
        body.mv.visitInsn(IADD);
        reduceInit(prim, nk);
        body.mv.visitInsn(nk.astore);
        body.mv.visitIincInsn(i, 1);
        body.mv.visitJumpInsn(GOTO, head);
        body.mv.visitLabel(end);
        nest.open(0, nest.groups());
        t.pushArray();
        nest.index(t.offset(), r.store());
        body.mv.visitInsn(DUP2);
        body.mv.visitInsn(nk.aload);
        body.value(r.x(), r.id(), nest);
        reduceOp(prim, nk);
        body.mv.visitInsn(nk.astore);
        nest.close(0, nest.groups());
        body.sealed = false;
    }

    /**
     * What every reduction of operand x starts from: its reduced axes, the result's store form
     * over x's loop variables, x read in place, and the result's buffer (null: into a local).
     */
    private record ReductionSetup(int x, Type xt, boolean[] reduced, int[] store, Access id, Target t) { }

    /** Gathers v's leaves and store form for its nest and prepares them and the target, before any loop. */
    private ReductionSetup setUp(int v, boolean toLocal) {
        Node nd = p.node(v);
        int x = nd.arg(0);
        Type xt = p.type(x);
        boolean[] reduced = Plan.reducedAxes(nd, xt.rank());
        int[] store = reducedStoreForm(v, reduced);
        body.collect(v);
        body.forms.add(store);
        Access id = IndexLowering.identity(xt.rank());
        Target t = toLocal ? null : body.ownBuffer(v);
        body.prepareLeaves();
        if (t != null) t.prepare();
        return new ReductionSetup(x, xt, reduced, store, id, t);
    }

    /** The store form of a reduction's result over its operand's loop variables (0 for reduced ones). */
    private int[] reducedStoreForm(int v, boolean[] reduced) {
        int[] resultStrides = p.type(v).strides();
        int[] store = new int[reduced.length];
        for (int a = 0, k = 0; a < reduced.length; a++) if (!reduced[a]) store[a] = resultStrides[k++];
        return store;
    }

    /**
     * A sum, each output in locals, in {@link Summation}'s order: the kept axes loop outermost
     * (in axis order), then the outer reduced axes (their partial sums fed one at a time to a
     * {@link Cascade} state in the workspace), then the innermost reduced axis, summed by
     * {@link #innerSum}. When kept axes lie inside reduced ones this reads the operand with
     * strides; {@link Plan#laneAxis} picks lanes instead for the common one-axis case.
     */
    private void rowSum(int v, boolean toLocal) {
        ReductionSetup r = setUp(v, toLocal);
        int rank = r.xt().rank();
        // Loop order: kept, outer reduced, innermost reduced; no loop merges across those borders.
        int[] order = new int[rank];
        boolean[] barrier = new boolean[rank];
        int inner = -1, outerCount = 1, n = 0;
        for (int a = rank - 1; a >= 0; a--) {
            if (!r.reduced()[a] || r.xt().dim(a) == 1) continue;
            if (inner < 0) inner = a;
            else outerCount *= r.xt().dim(a);
        }
        for (int a = 0; a < rank; a++) if (!r.reduced()[a]) order[n++] = a;
        int firstOuter = n;
        for (int a = 0; a < rank; a++) if (r.reduced()[a] && a != inner) order[n++] = a;
        if (inner >= 0) {
            order[n] = inner;
            barrier[inner] = true;
        }
        if (firstOuter < rank) barrier[order[firstOuter]] = true;
        LoopNest nest = new LoopNest(body, r.xt().shape(), body.forms, true, order, barrier);
        int groups = nest.groups();
        int keptGroups = 0;
        while (keptGroups < groups && !r.reduced()[nest.last[keptGroups]]) keptGroups++;
        int innerGroup = inner >= 0 ? nest.group[inner] : -1;
        int outerEnd = inner >= 0 ? innerGroup : groups;
        int scratch = p.scratchOffset[v];
        int stackOff = scratch;
        int stateOff = inner >= 0 && r.xt().dim(inner) > Summation.BLOCK ? scratch + Cascade.depth(r.xt().dim(inner)) : scratch;
        Num nk = body.num(v);
        int result = toLocal ? body.newLocal(v) : -1;
        int c = body.newLocal(v);
        int q = outerCount > 1 ? body.nextLocal++ : -1;
        body.sealed = true;
        nest.open(0, keptGroups);
        if (q >= 0) {
            body.mv.visitInsn(ICONST_0);
            body.mv.visitVarInsn(ISTORE, q);
        }
        nest.open(keptGroups, outerEnd);
        if (inner >= 0) {
            int var = nest.last[innerGroup];
            VectorLowering.Term vterm = body.vector != null && body.vector.longEnough(nest) && body.vector.supports(r.x(), false, r.id(), nest, var, nk)
                    ? s -> body.vector.push(r.x(), false, r.id(), nest, var, s) : null;
            innerSum(nest, innerGroup, r.xt().dim(inner), stackOff, c, nk, () -> body.value(r.x(), r.id(), nest), vterm, vterm != null && body.vector.sawTranscendental);
        } else { // no reduced axis of extent > 1: the one term itself
            body.value(r.x(), r.id(), nest);
            body.mv.visitVarInsn(nk.store, c);
        }
        if (q >= 0) {
            body.workspace(nk);
            body.iconst(stateOff);
            body.mv.visitVarInsn(ILOAD, q);
            body.iconst(outerCount);
            body.mv.visitVarInsn(nk.load, c);
            body.mv.visitMethodInsn(INVOKESTATIC, CASCADE, "add", "(" + nk.array + "III" + nk.desc + ")V", false);
            body.mv.visitIincInsn(q, 1);
        }
        nest.close(keptGroups, outerEnd);
        if (q >= 0) {
            body.workspace(nk);
            body.iconst(stateOff);
            body.iconst(outerCount);
            body.mv.visitMethodInsn(INVOKESTATIC, CASCADE, "result", "(" + nk.array + "II)" + nk.desc, false);
            body.mv.visitVarInsn(nk.store, c);
        }
        if (toLocal) {
            body.mv.visitVarInsn(nk.load, c);
            body.mv.visitVarInsn(nk.store, result);
        } else {
            r.t().pushArray();
            nest.index(r.t().offset(), r.store());
            body.mv.visitVarInsn(nk.load, c);
            body.mv.visitInsn(r.t().kind().astore);
        }
        nest.close(0, keptGroups);
        body.sealed = false;
        if (toLocal) {
            body.local[v] = result;
            body.chunkValues.add(v);
        }
    }

    /**
     * One sum of e terms along the loop of group g (not opened by the caller), into local
     * {@code into}, in {@link Summation}'s order: blocks of BLOCK terms, term q to accumulator
     * q % 4 (the last e % 4 to accumulator 0), block sum (a0 + a1) + (a2 + a3), blocks merged by
     * {@link Cascade#push} into the stack at workspace[stackOff ..] (e > BLOCK only). The term
     * (pushed by {@code term}, at the loop index plus {@link LoopNest#delta}) is emitted five times.
     * All in the sum's kind {@code nk}: float and double sums add in the same order.
     */
    void innerSum(LoopNest nest, int g, int e, int stackOff, int into, Num nk, Runnable term) {
        innerSum(nest, g, e, stackOff, into, nk, term, null, false);
    }

    /** {@link #innerSum}, with the term in vectors too (the vector path; null: scalar). */
    void innerSum(LoopNest nest, int g, int e, int stackOff, int into, Num nk, Runnable term, VectorLowering.Term vterm, boolean wide) {
        int var = nest.local[g];
        int main = e & ~3;
        int accs = main > 0 ? 4 : 1; // under 4 terms all go to a0, and (a0 + -0) + (-0 + -0) is a0
        int[] acc = new int[accs];
        for (int i = 0; i < accs; i++) {
            acc[i] = body.nextLocal;
            body.nextLocal += nk.slots;
        }
        boolean blocked = e > Summation.BLOCK;
        int base = -1, mainEnd = -1, end = -1;
        Label blockHead = new Label(), blockDone = new Label();
        if (blocked) {
            base = body.nextLocal++;
            mainEnd = body.nextLocal++;
            end = body.nextLocal++;
            body.mv.visitInsn(ICONST_0);
            body.mv.visitVarInsn(ISTORE, base);
            body.mv.visitLabel(blockHead);
            body.mv.visitVarInsn(ILOAD, base);
            body.iconst(e);
            body.mv.visitJumpInsn(IF_ICMPGE, blockDone);
            // mainEnd = min(base + BLOCK, e & ~3), end = min(base + BLOCK, e)
            body.mv.visitVarInsn(ILOAD, base);
            body.iconst(Summation.BLOCK);
            body.mv.visitInsn(IADD);
            body.mv.visitInsn(DUP);
            body.iconst(main);
            body.mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "min", "(II)I", false);
            body.mv.visitVarInsn(ISTORE, mainEnd);
            body.iconst(e);
            body.mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "min", "(II)I", false);
            body.mv.visitVarInsn(ISTORE, end);
        }
        for (int i = 0; i < accs; i++) {
            nk.constant(body.mv, -0.0);
            body.mv.visitVarInsn(nk.store, acc[i]);
        }
        if (blocked) body.mv.visitVarInsn(ILOAD, base);
        else body.mv.visitInsn(ICONST_0);
        body.mv.visitVarInsn(ISTORE, var);
        VectorLowering.Shape four = vterm == null ? null : VectorLowering.four(nk);
        // the vector path: accumulator d is lane d of one vector, the same additions in the same order
        // (false: the last group of four of the block is left to the scalar loop below)
        boolean vectorDone = main > 0 && four != null && body.vector.blockSum(var, blocked ? mainEnd : -1, main, four, acc, vterm, wide);
        if (main > 0 && !vectorDone) {
            Label head = new Label(), done = new Label();
            body.mv.visitLabel(head);
            body.mv.visitVarInsn(ILOAD, var);
            if (blocked) body.mv.visitVarInsn(ILOAD, mainEnd);
            else body.iconst(main);
            body.mv.visitJumpInsn(IF_ICMPGE, done);
            for (int d = 0; d < 4; d++) {
                nest.delta = d;
                body.mv.visitVarInsn(nk.load, acc[d]);
                term.run();
                body.mv.visitInsn(nk.add);
                body.mv.visitVarInsn(nk.store, acc[d]);
            }
            nest.delta = 0;
            body.mv.visitIincInsn(var, 4);
            body.mv.visitJumpInsn(GOTO, head);
            body.mv.visitLabel(done);
        }
        if (main < e) {
            Label head = new Label(), done = new Label();
            body.mv.visitLabel(head);
            body.mv.visitVarInsn(ILOAD, var);
            if (blocked) body.mv.visitVarInsn(ILOAD, end);
            else body.iconst(e);
            body.mv.visitJumpInsn(IF_ICMPGE, done);
            body.mv.visitVarInsn(nk.load, acc[0]);
            term.run();
            body.mv.visitInsn(nk.add);
            body.mv.visitVarInsn(nk.store, acc[0]);
            body.mv.visitIincInsn(var, 1);
            body.mv.visitJumpInsn(GOTO, head);
            body.mv.visitLabel(done);
        }
        if (blocked) { // push(ws, stackOff, base / BLOCK + 1, block sum)
            body.workspace(nk);
            body.iconst(stackOff);
            body.mv.visitVarInsn(ILOAD, base);
            body.iconst(Cascade.LOG_BLOCK);
            body.mv.visitInsn(IUSHR);
            body.mv.visitInsn(ICONST_1);
            body.mv.visitInsn(IADD);
        }
        body.mv.visitVarInsn(nk.load, acc[0]);
        if (accs == 4) { // (a0 + a1) + (a2 + a3)
            body.mv.visitVarInsn(nk.load, acc[1]);
            body.mv.visitInsn(nk.add);
            body.mv.visitVarInsn(nk.load, acc[2]);
            body.mv.visitVarInsn(nk.load, acc[3]);
            body.mv.visitInsn(nk.add);
            body.mv.visitInsn(nk.add);
        }
        if (blocked) {
            body.mv.visitMethodInsn(INVOKESTATIC, CASCADE, "push", "(" + nk.array + "II" + nk.desc + ")V", false);
            body.mv.visitIincInsn(base, Summation.BLOCK);
            body.mv.visitJumpInsn(GOTO, blockHead);
            body.mv.visitLabel(blockDone);
            body.workspace(nk);
            body.iconst(stackOff);
            body.iconst(Cascade.blocks(e));
            body.mv.visitMethodInsn(INVOKESTATIC, CASCADE, "finish", "(" + nk.array + "II)" + nk.desc, false);
        }
        body.mv.visitVarInsn(nk.store, into);
    }

    /**
     * A sum over one axis q with kept axes after it (a column sum): the kept axes after q are
     * lanes, looped innermost and contiguous so the JIT vectorises them; every lane is its own
     * sum in {@link Summation}'s order, its four accumulators rows of a {@link Cascade} lane
     * state. Under 4 terms (all to accumulator 0) the result buffer accumulates directly.
     */
    private void laneSum(int v) {
        int q = p.laneAxis(v);
        ReductionSetup r = setUp(v, false);
        int rank = r.xt().rank();
        int[] order = new int[rank];
        boolean[] barrier = new boolean[rank];
        for (int a = 0; a < rank; a++) order[a] = a;
        barrier[q] = true;
        for (int a = q + 1; a < rank; a++) {
            if (r.xt().dim(a) > 1) {
                barrier[a] = true;
                break;
            }
        }
        LoopNest nest = new LoopNest(body, r.xt().shape(), body.forms, true, order, barrier);
        if (r.xt().dim(q) < 4) {
            inBuffer(v, r, nest);
            return;
        }
        lanes(v, nest, q, r.xt().dim(q), r.store(), r.t(), () -> { }, () -> body.value(r.x(), r.id(), nest), new LaneTerm() {
            public boolean supports(int var) { return body.vector.supports(r.x(), false, r.id(), nest, var, body.num(v)); }
            public void push(VectorLowering.Shape s, int var) { body.vector.push(r.x(), false, r.id(), nest, var, s); }
        });
    }

    /**
     * The lane loops of a column sum or a matmul over loop variable q (e terms): for each
     * setting of the variables before q, every lane (the variables after q, flattened) is one
     * sum. {@code perTerm} runs once per q (a matmul hoists a(i, q) there), {@code term} pushes
     * lane j's term q.
     */
    void lanes(int v, LoopNest nest, int q, int e, int[] store, Target t, Runnable perTerm, Runnable term) {
        lanes(v, nest, q, e, store, t, perTerm, term, null);
    }

    /** {@link #lanes}, with the term in vectors too (the vector path; null: scalar). */
    void lanes(int v, LoopNest nest, int q, int e, int[] store, Target t, Runnable perTerm, Runnable term, LaneTerm vterm) {
        int vars = store.length;
        int lanes = 1;
        int[] laneForm = new int[vars], outerForm = new int[vars];
        int qGroup = nest.group[q];
        // lanes: the variables looped inside q (after it, or before it in a reordered nest)
        for (int a = 0; a < vars; a++) {
            if (nest.group[a] > qGroup) {
                lanes *= nest.varExt[a];
                laneForm[a] = store[a];
            } else if (nest.group[a] >= 0 && a != q) {
                outerForm[a] = store[a];
            }
        }
        int groups = nest.groups();
        int state = p.scratchOffset[v];
        Num nk = body.num(v);   // the state's kind: the sum's dtype
        int row = body.nextLocal++;
        body.sealed = true;
        nest.open(0, qGroup);
        body.workspace(nk);
        body.iconst(state);
        body.iconst(lanes);
        body.mv.visitMethodInsn(INVOKESTATIC, CASCADE, "laneReset", "(" + nk.array + "II)V", false);
        nest.open(qGroup, qGroup + 1);
        // row = state + lanes * accumulator(q, e)
        body.mv.visitVarInsn(ILOAD, nest.local[qGroup]);
        body.iconst(e);
        body.mv.visitMethodInsn(INVOKESTATIC, CASCADE, "accumulator", "(II)I", false);
        body.iconst(lanes);
        body.mv.visitInsn(IMUL);
        body.iconst(state);
        body.mv.visitInsn(IADD);
        body.mv.visitVarInsn(ISTORE, row);
        perTerm.run();
        int lg = groups - 1;   // the innermost lane loop
        nest.open(qGroup + 1, Math.max(lg, qGroup + 1));
        if (body.vector != null && vterm != null && lg > qGroup && laneForm[nest.last[lg]] == 1
                && nest.ext[lg] >= VectorLowering.preferred(nk).lanes() && vterm.supports(nest.last[lg])) {
            // the vector path: row[j] += term_j, lane by lane (the same additions), then the scalar tail
            int var = nest.last[lg];
            VectorLowering.Shape s = VectorLowering.preferred(nk);
            body.vector.loop(nest, lg, s, () -> {
                // term + row: the term (of an exact class, VectorLowering.push) is the receiver; + commutes bit for bit
                vterm.push(s, var);
                body.vector.load(s, () -> {
                    body.workspace(nk);
                    nest.index(0, laneForm);
                    body.mv.visitVarInsn(ILOAD, row);
                    body.mv.visitInsn(IADD);
                });
                body.vector.binary(s, "add");
                body.vector.store(s, () -> {
                    body.workspace(nk);
                    nest.index(0, laneForm);
                    body.mv.visitVarInsn(ILOAD, row);
                    body.mv.visitInsn(IADD);
                });
            });
            nest.resume = lg;
        }
        nest.open(Math.max(lg, qGroup + 1), groups);
        body.workspace(nk);
        nest.index(0, laneForm);
        body.mv.visitVarInsn(ILOAD, row);
        body.mv.visitInsn(IADD);
        body.mv.visitInsn(DUP2);
        body.mv.visitInsn(nk.aload);
        term.run();
        body.mv.visitInsn(nk.add);
        body.mv.visitInsn(nk.astore);
        nest.close(qGroup + 1, groups);
        if (e > Summation.BLOCK) { // after a full block: laneBlockEnd(ws, state, lanes, q / BLOCK + 1)
            Label skip = new Label();
            body.mv.visitVarInsn(ILOAD, nest.local[qGroup]);
            body.iconst(Summation.BLOCK - 1);
            body.mv.visitInsn(IAND);
            body.iconst(Summation.BLOCK - 1);
            body.mv.visitJumpInsn(IF_ICMPNE, skip);
            body.workspace(nk);
            body.iconst(state);
            body.iconst(lanes);
            body.mv.visitVarInsn(ILOAD, nest.local[qGroup]);
            body.iconst(Cascade.LOG_BLOCK);
            body.mv.visitInsn(IUSHR);
            body.mv.visitInsn(ICONST_1);
            body.mv.visitInsn(IADD);
            body.mv.visitMethodInsn(INVOKESTATIC, CASCADE, "laneBlockEnd", "(" + nk.array + "III)V", false);
            body.mv.visitLabel(skip);
        }
        nest.close(qGroup, qGroup + 1);
        body.workspace(nk);
        body.iconst(state);
        body.iconst(lanes);
        body.iconst(e);
        t.pushArray();
        nest.index(t.offset(), outerForm);
        body.mv.visitMethodInsn(INVOKESTATIC, CASCADE, "laneFinish", "(" + nk.array + "III" + nk.array + "I)V", false);
        nest.close(0, qGroup);
        body.sealed = false;
    }

    /** A lane loop's term in vectors (the vector path): whether it can be, and the code. */
    interface LaneTerm {
        boolean supports(int var);
        void push(VectorLowering.Shape s, int var);
    }

    /** -0.0 is the identity of IEEE addition (a sum of one -0.0 stays -0.0), as the interpreter's. */
    void reduceInit(Prim prim, Num k) {
        k.constant(body.mv, prim == Prim.REDUCE_SUM ? -0.0 : Double.NEGATIVE_INFINITY);
    }

    void reduceOp(Prim prim, Num k) {
        if (prim == Prim.REDUCE_SUM) body.mv.visitInsn(k.add);
        else body.mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "max", k.binary(), false);
    }
}
