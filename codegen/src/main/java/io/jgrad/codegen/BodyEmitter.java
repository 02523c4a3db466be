package io.jgrad.codegen;

import io.jgrad.runtime.DType;
import io.jgrad.ir.Node;
import io.jgrad.ir.Prim;
import io.jgrad.ir.Type;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.objectweb.asm.Opcodes.*;

/**
 * Writes one {@link Plan} as a chain of private static chunk methods of about
 * {@link #CHUNK_BYTES} bytes each (C2 compiles methods up to 8000 bytes only, and compiles
 * small ones fast), plus a driver that calls them in order. Every chunk has the signature
 * {@link ClassGen#BODY_DESC}: {@code (inputs, workspace, seed, output, grads) -> value}.
 *
 * <p>One-element values live in JVM locals; a value still needed after its chunk ends is
 * spilled to a workspace slot and reloaded by the chunk that reads it. Tensors are counted
 * loops over float[]: a fused expression is evaluated per element, with broadcasting,
 * transposition and reshapes as index arithmetic (see {@link Access}).
 */
final class BodyEmitter {
    static final int CHUNK_BYTES = 2500;
    /** HotSpot compiles methods of at most 8000 bytecode bytes (DontCompileHugeMethods). */
    static final int JIT_METHOD_LIMIT = 8000;
    /** Calls per driver method: ~9 bytes each keeps a driver under 8000 bytes. */
    static final int CALLS_PER_DRIVER = 200;
    /** Reductions of fused expressions up to this size get four accumulators (body emitted 5 times). */
    static final int UNROLL_CAP = 24;
    /** A sum whose innermost axis has at least this many elements uses four accumulators. */
    static final int UNROLL_MIN_TRIPS = 8;

    private static final int P_IN = 0, P_WS = 1, P_SEED = 2, P_OUT = 3, P_GRADS = 4, FIRST_LOCAL = 5;

    private final ClassGen cg;
    private final Plan p;
    private final String name;
    private final List<String> chunks = new ArrayList<>();

    private MethodVisitor mv;
    private SizeCounter counter;
    private int nextLocal;
    private final int[] local;
    private final int[] arrayLocal;
    private final int[] gradLocal;
    private final List<Integer> chunkValues = new ArrayList<>();
    private final int[] spill;
    private final List<Integer> spilled = new ArrayList<>();
    private final ArrayDeque<Integer> freeSlots = new ArrayDeque<>();
    private int slotCount;
    /** Set while emitting a loop body or a branch: no local may be assigned there. */
    private boolean sealed;

    BodyEmitter(ClassGen cg, Plan p, String name) {
        this.cg = cg;
        this.p = p;
        this.name = name;
        this.local = new int[p.n];
        this.arrayLocal = new int[p.n];
        this.gradLocal = new int[p.g.outputCount()];
        this.spill = new int[p.n];
        Arrays.fill(spill, -1);
    }

    /** Workspace floats this body needs: its planned tensors, then its spill slots. */
    int workspaceFloats() { return p.tensorFloats + slotCount; }


    /** Emits everything; returns the name of the driver method. */
    String emit() {
        startChunk();
        List<Plan.Stmt> stmts = p.stmts;
        for (int s = 0; s < stmts.size(); s++) {
            statement(stmts.get(s));
            if (s + 1 < stmts.size() && offset() > CHUNK_BYTES) {
                endChunk(s, false);
                startChunk();
            }
        }
        endChunk(stmts.size() - 1, true);
        return driver(name, chunks);
    }

    // ---------------------------------------------------------------- chunks

    private void startChunk() {
        counter = new SizeCounter(cg.staticBody(name + "$" + chunks.size()));
        mv = counter;
        chunks.add(name + "$" + chunks.size());
        mv.visitCode();
        nextLocal = FIRST_LOCAL;
        Arrays.fill(local, -1);
        Arrays.fill(arrayLocal, -1);
        Arrays.fill(gradLocal, -1);
        chunkValues.clear();
    }

    private int offset() {
        return counter.bytes();
    }

    private void endChunk(int lastStmt, boolean last) {
        // Chunks are cut between statements; one statement's loop nest cannot be split. Fail
        // loudly rather than emit a method HotSpot would leave interpreted (30-40x slower).
        if (offset() > JIT_METHOD_LIMIT) {
            throw new IllegalStateException("a loop body of this function needs about " + offset() + " bytes of bytecode, over the "
                    + JIT_METHOD_LIMIT + " HotSpot JIT-compiles (statement " + p.stmts.get(lastStmt) + "): very high-rank tensors"
                    + " with many operands in one expression; split the expression");
        }
        if (last) {
            int out = p.g.output(0);
            if (p.scalar[out]) {
                prepareScalar(out);
                pushScalar(out);
            } else {
                mv.visitInsn(FCONST_0);
            }
        } else {
            // Values computed here and read by a later chunk go to workspace slots.
            for (int v : chunkValues) {
                if (spill[v] >= 0 || p.lastUse[v] <= lastStmt) continue;
                int slot = freeSlots.isEmpty() ? slotCount++ : freeSlots.pop();
                spill[v] = p.tensorFloats + slot;
                spilled.add(v);
                mv.visitVarInsn(ALOAD, P_WS);
                iconst(spill[v]);
                mv.visitVarInsn(isBool(v) ? ILOAD : FLOAD, local[v]);
                if (isBool(v)) mv.visitInsn(I2F);
                mv.visitInsn(FASTORE);
            }
            for (int i = spilled.size() - 1; i >= 0; i--) {
                int v = spilled.get(i);
                if (p.lastUse[v] <= lastStmt) {
                    freeSlots.push(spill[v] - p.tensorFloats);
                    spilled.remove(i);
                }
            }
            mv.visitInsn(FCONST_0);
        }
        mv.visitInsn(FRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** A method that calls the given ones in order and returns the last one's value. */
    private String driver(String driverName, List<String> callees) {
        if (callees.size() > CALLS_PER_DRIVER) {
            List<String> groups = new ArrayList<>();
            for (int i = 0; i < callees.size(); i += CALLS_PER_DRIVER) {
                String g = driverName + "$g" + groups.size();
                driver(g, callees.subList(i, Math.min(callees.size(), i + CALLS_PER_DRIVER)));
                groups.add(g);
            }
            return driver(driverName, groups);
        }
        MethodVisitor d = cg.staticBody(driverName);
        d.visitCode();
        for (int i = 0; i < callees.size(); i++) {
            for (int a = 0; a < FIRST_LOCAL; a++) d.visitVarInsn(ALOAD, a);
            d.visitMethodInsn(INVOKESTATIC, cg.name, callees.get(i), ClassGen.BODY_DESC, false);
            if (i + 1 < callees.size()) d.visitInsn(POP);
        }
        d.visitInsn(FRETURN);
        d.visitMaxs(0, 0);
        d.visitEnd();
        return driverName;
    }

    // ---------------------------------------------------------------- statements

    private void statement(Plan.Stmt st) {
        int v = st.node();
        switch (st.kind()) {
            case SCALAR -> scalarStatement(v);
            case KERNEL -> {
                switch (p.node(v).prim().family) {
                    case REDUCE -> reduceKernel(v, false);
                    case MATMUL -> matmulKernel(v, false);
                    case UNARY, BINARY, COMPARE, SELECT, SHAPE -> elementwiseKernel(v, true, ownBuffer(v));
                    case LEAF -> throw new IllegalStateException("a leaf has no kernel: " + p.node(v));
                    case SCATTER, CONCAT, CONTRACT -> throw new IllegalArgumentException(p.node(v).prim().text + ": not lowered yet");   // PLACEHOLDER (opsir): the codegen engineer lowers the issue-10 primitives
                    case CONVERT -> throw new IllegalArgumentException("convert: not lowered yet");   // PLACEHOLDER (ircore): the codegen engineer lowers CONVERT (issue 9)
                }
            }
            case COPY -> elementwiseKernel(v, false, outputArray(st.output()));
            case STORE -> {
                prepareScalar(v);
                Target t = outputArray(st.output());
                t.prepare();
                t.pushArray();
                mv.visitInsn(ICONST_0);
                pushScalar(v);
                mv.visitInsn(FASTORE);
            }
        }
    }

    private void scalarStatement(int v) {
        Node nd = p.node(v);
        if (p.hasKernel(v)) {
            if (nd.prim() == Prim.MATMUL) matmulKernel(v, true);
            else reduceKernel(v, true);
            return;
        }
        for (int a : nd.args()) prepareScalar(a);
        sealed = true;
        switch (nd.prim().family) {
            case REDUCE -> {
                reduceInit(nd.prim());
                pushScalar(nd.arg(0));
                reduceOp(nd.prim());
            }
            case MATMUL -> {
                mv.visitLdcInsn(-0.0f);
                pushScalar(nd.arg(0));
                pushScalar(nd.arg(1));
                mv.visitInsn(FMUL);
                mv.visitInsn(FADD);
            }
            case UNARY, BINARY, COMPARE, SELECT, SHAPE -> expand(v, null, null);
            case LEAF -> throw new IllegalStateException("a leaf is not a scalar statement: " + nd);
            case SCATTER, CONCAT, CONTRACT -> throw new IllegalArgumentException(nd.prim().text + ": not lowered yet");   // PLACEHOLDER (opsir): the codegen engineer lowers the issue-10 primitives
            case CONVERT -> throw new IllegalArgumentException("convert: not lowered yet");   // PLACEHOLDER (ircore): the codegen engineer lowers CONVERT (issue 9)
        }
        sealed = false;
        int l = nextLocal++;
        mv.visitVarInsn(isBool(v) ? ISTORE : FSTORE, l);
        local[v] = l;
        chunkValues.add(v);
    }

    // ---------------------------------------------------------------- kernels

    /** Where a kernel stores: its own planned buffer, or output k's array. */
    private final class Target {
        final int node;
        final int output;

        private Target(int node, int output) {
            this.node = node;
            this.output = output;
        }

        int offset() { return output >= 0 ? 0 : p.wsOffset[node]; }

        void prepare() {
            if (output > 0) gradArray(output);
        }

        void pushArray() {
            if (output == 0) mv.visitVarInsn(ALOAD, P_OUT);
            else if (output > 0) mv.visitVarInsn(ALOAD, gradArray(output));
            else mv.visitVarInsn(ALOAD, P_WS);
        }
    }

    private Target ownBuffer(int v) { return new Target(v, p.destOutput[v]); }

    private Target outputArray(int k) { return new Target(-1, k); }

    private final List<int[]> forms = new ArrayList<>();
    private final List<Integer> leaves = new ArrayList<>();

    private void collect(int v) {
        forms.clear();
        leaves.clear();
        int fail = p.walkKernel(v, (leaf, acc) -> {
            leaves.add(leaf);
            if (p.isBuffer(leaf)) forms.add(acc.flatForm(p.type(leaf)));
        });
        if (fail >= 0) throw new AssertionError("unplanned reshape operand %" + fail);
    }

    private void prepareLeaves() {
        for (int leaf : leaves) {
            if (p.scalar[leaf]) prepareScalar(leaf);
            else if (p.isBuffer(leaf)) prepareArray(leaf);
        }
    }

    private void elementwiseKernel(int v, boolean expandRoot, Target t) {
        Type type = p.type(v);
        int[] ext = type.shape();
        int[] vars = new int[ext.length];
        for (int a = 0; a < vars.length; a++) vars[a] = a;
        Access id = Access.axes(ext.length, vars);
        if (expandRoot) {
            collect(v);
        } else {
            forms.clear();
            leaves.clear();
            leaves.add(v);
            if (p.isBuffer(v)) forms.add(id.flatForm(type));
        }
        int[] store = type.strides();
        forms.add(store);
        prepareLeaves();
        t.prepare();
        Nest nest = new Nest(ext, forms, true);
        sealed = true;
        nest.open(0, nest.groups());
        t.pushArray();
        nest.index(t.offset(), store);
        if (expandRoot) expand(v, id, nest);
        else value(v, id, nest);
        if (type.dtype() == DType.BOOL) mv.visitInsn(I2F);
        mv.visitInsn(FASTORE);
        nest.close(0, nest.groups());
        sealed = false;
    }

    private void reduceKernel(int v, boolean toLocal) {
        Node nd = p.node(v);
        Prim prim = nd.prim();
        int x = nd.arg(0);
        Type xt = p.type(x);
        int rank = xt.rank();
        boolean[] reduced = new boolean[rank];
        for (int a : nd.axes()) reduced[a] = true;
        int[] resultStrides = p.type(v).strides();
        int[] store = new int[rank];
        for (int a = 0, k = 0; a < rank; a++) if (!reduced[a]) store[a] = resultStrides[k++];
        collect(v);
        forms.add(store);
        int[] vars = new int[rank];
        for (int a = 0; a < rank; a++) vars[a] = a;
        Access id = Access.axes(rank, vars);
        Target t = toLocal ? null : ownBuffer(v);
        prepareLeaves();
        if (t != null) t.prepare();
        Nest nest = new Nest(xt.shape(), forms, true, true);
        int groups = nest.groups();
        int firstReduced = groups;
        boolean accMode = true;
        for (int g = 0; g < groups; g++) {
            boolean r = reduced[nest.last[g]];
            if (r && firstReduced == groups) firstReduced = g;
            if (!r && firstReduced < groups) accMode = false;
        }
        int result = toLocal ? nextLocal++ : -1;
        if (accMode) {
            int innerExt = firstReduced < groups ? nest.ext[groups - 1] : 0;
            // The order is a function of the reduced shape only (Plan stores an operand too big to
            // unroll): over each run of the innermost axis's E >= 8 elements, element j goes to
            // accumulator j % 4 (the last E % 4 to accumulator 0); the result is (a0 + a1) + (a2 + a3).
            int accs = prim == Prim.REDUCE_SUM && innerExt >= UNROLL_MIN_TRIPS ? 4 : 1;
            int acc0 = nextLocal;
            nextLocal += accs;
            sealed = true;
            nest.open(0, firstReduced);
            for (int i = 0; i < accs; i++) {
                reduceInit(prim);
                mv.visitVarInsn(FSTORE, acc0 + i);
            }
            if (accs == 4) {
                nest.open(firstReduced, groups - 1);
                int g = groups - 1;
                int var = nest.local[g];
                int main = innerExt - innerExt % 4;
                mv.visitInsn(ICONST_0);
                mv.visitVarInsn(ISTORE, var);
                Label head = new Label(), tail = new Label(), end = new Label();
                mv.visitLabel(head);
                mv.visitVarInsn(ILOAD, var);
                iconst(main);
                mv.visitJumpInsn(IF_ICMPGE, tail);
                for (int d = 0; d < 4; d++) {
                    nest.delta = d;
                    mv.visitVarInsn(FLOAD, acc0 + d);
                    value(x, id, nest);
                    mv.visitInsn(FADD);
                    mv.visitVarInsn(FSTORE, acc0 + d);
                }
                nest.delta = 0;
                mv.visitIincInsn(var, 4);
                mv.visitJumpInsn(GOTO, head);
                mv.visitLabel(tail);
                mv.visitVarInsn(ILOAD, var);
                iconst(innerExt);
                mv.visitJumpInsn(IF_ICMPGE, end);
                mv.visitVarInsn(FLOAD, acc0);
                value(x, id, nest);
                mv.visitInsn(FADD);
                mv.visitVarInsn(FSTORE, acc0);
                mv.visitIincInsn(var, 1);
                mv.visitJumpInsn(GOTO, tail);
                mv.visitLabel(end);
                nest.close(firstReduced, groups - 1);
                // Fixed combination order: (a0 + a1) + (a2 + a3).
                mv.visitVarInsn(FLOAD, acc0);
                mv.visitVarInsn(FLOAD, acc0 + 1);
                mv.visitInsn(FADD);
                mv.visitVarInsn(FLOAD, acc0 + 2);
                mv.visitVarInsn(FLOAD, acc0 + 3);
                mv.visitInsn(FADD);
                mv.visitInsn(FADD);
            } else {
                nest.open(firstReduced, groups);
                mv.visitVarInsn(FLOAD, acc0);
                value(x, id, nest);
                reduceOp(prim);
                mv.visitVarInsn(FSTORE, acc0);
                nest.close(firstReduced, groups);
                mv.visitVarInsn(FLOAD, acc0);
            }
            if (toLocal) {
                mv.visitVarInsn(FSTORE, result);
            } else {
                // The store sits in the kept loops only: reduced variables have coefficient 0.
                int tmp = nextLocal++;
                mv.visitVarInsn(FSTORE, tmp);
                t.pushArray();
                nest.index(t.offset(), store);
                mv.visitVarInsn(FLOAD, tmp);
                mv.visitInsn(FASTORE);
            }
            nest.close(0, firstReduced);
            sealed = false;
        } else {
            // A kept axis inside a reduced one: accumulate in the result buffer, in order.
            sealed = true;
            int size = p.type(v).size();
            int i = nextLocal++;
            Label head = new Label(), end = new Label();
            mv.visitInsn(ICONST_0);
            mv.visitVarInsn(ISTORE, i);
            mv.visitLabel(head);
            mv.visitVarInsn(ILOAD, i);
            iconst(size);
            mv.visitJumpInsn(IF_ICMPGE, end);
            t.pushArray();
            iconst(t.offset());
            mv.visitVarInsn(ILOAD, i);
            mv.visitInsn(IADD);
            reduceInit(prim);
            mv.visitInsn(FASTORE);
            mv.visitIincInsn(i, 1);
            mv.visitJumpInsn(GOTO, head);
            mv.visitLabel(end);
            nest.open(0, groups);
            t.pushArray();
            nest.index(t.offset(), store);
            mv.visitInsn(DUP2);
            mv.visitInsn(FALOAD);
            value(x, id, nest);
            reduceOp(prim);
            mv.visitInsn(FASTORE);
            nest.close(0, groups);
            sealed = false;
        }
        if (toLocal) {
            local[v] = result;
            chunkValues.add(v);
        }
    }

    /**
     * C[m,n] = A[m,k] B[k,n] as an i-k-j nest: a row of C is zeroed, then for each k gets
     * a(i,k) * row k of B added, a contiguous inner loop the JIT vectorises. Each element
     * sums its products in k order from -0.0 (no fma), exactly like the naive definition.
     * With n = 1 it is one dot product per row, accumulated in a local in the same order.
     */
    private void matmulKernel(int v, boolean toLocal) {
        Node nd = p.node(v);
        int a = nd.arg(0), b = nd.arg(1);
        int n = p.type(b).dim(1);
        collect(v);
        int[] store = {n, 0, 1};
        Target t = toLocal ? null : ownBuffer(v);
        prepareLeaves();
        if (t != null) t.prepare();
        Nest nest = new Nest(p.kernelExtents(v), forms, false);
        Access accA = Access.axes(3, 0, 1), accB = Access.axes(3, 1, 2);
        int result = toLocal ? nextLocal++ : -1;
        sealed = true;
        if (n == 1) {
            int acc = nextLocal++;
            nest.openVar(0);
            mv.visitLdcInsn(-0.0f);
            mv.visitVarInsn(FSTORE, acc);
            nest.openVar(1);
            mv.visitVarInsn(FLOAD, acc);
            value(a, accA, nest);
            value(b, accB, nest);
            mv.visitInsn(FMUL);
            mv.visitInsn(FADD);
            mv.visitVarInsn(FSTORE, acc);
            nest.closeVar(1);
            if (toLocal) {
                mv.visitVarInsn(FLOAD, acc);
                mv.visitVarInsn(FSTORE, result);
            } else {
                t.pushArray();
                nest.index(t.offset(), store);
                mv.visitVarInsn(FLOAD, acc);
                mv.visitInsn(FASTORE);
            }
            nest.closeVar(0);
        } else {
            int aik = nextLocal++;
            nest.openVar(0);
            nest.openVar(2);
            t.pushArray();
            nest.index(t.offset(), store);
            mv.visitLdcInsn(-0.0f);
            mv.visitInsn(FASTORE);
            nest.closeVar(2);
            nest.openVar(1);
            value(a, accA, nest);
            mv.visitVarInsn(FSTORE, aik);
            nest.openVar(2);
            t.pushArray();
            nest.index(t.offset(), store);
            mv.visitInsn(DUP2);
            mv.visitInsn(FALOAD);
            mv.visitVarInsn(FLOAD, aik);
            value(b, accB, nest);
            mv.visitInsn(FMUL);
            mv.visitInsn(FADD);
            mv.visitInsn(FASTORE);
            nest.closeVar(2);
            nest.closeVar(1);
            nest.closeVar(0);
        }
        sealed = false;
        if (toLocal) {
            local[v] = result;
            chunkValues.add(v);
        }
    }

    /** -0.0 is the identity of IEEE addition (a sum of one -0.0 stays -0.0), as the interpreter's. */
    private void reduceInit(Prim prim) {
        if (prim == Prim.REDUCE_SUM) mv.visitLdcInsn(-0.0f);
        else mv.visitLdcInsn(Float.NEGATIVE_INFINITY);
    }

    private void reduceOp(Prim prim) {
        if (prim == Prim.REDUCE_SUM) mv.visitInsn(FADD);
        else mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "max", "(FF)F", false);
    }

    /**
     * The loops of one kernel. Loop variables of extent 1 get no loop (their index is 0);
     * adjacent variables are merged into one loop when every array access is contiguous
     * across them, so a plain elementwise chain is a single flat counted loop.
     */
    private final class Nest {
        final int[] varExt;     // variable -> extent
        final int[] group;      // variable -> group, -1 for extent 1
        final int[] last;       // group -> its innermost variable
        final int[] ext;        // group -> trip count
        final int[] local;      // group -> int local
        final Label[] head, end;
        int inner = -1;
        int delta;

        Nest(int[] varExt, List<int[]> forms, boolean merge) {
            this(varExt, forms, merge, false);
        }

        /**
         * {@code keepInnermost}: the innermost axis of extent > 1 stays a loop of its own. A sum
         * uses it so that its order depends on the reduced shape alone, not on which leaves the
         * loop reads: the same sum then gives the same bits in forward, vjp and valueAndGrad.
         */
        Nest(int[] varExt, List<int[]> forms, boolean merge, boolean keepInnermost) {
            int vars = varExt.length;
            int innermost = -1;
            if (keepInnermost) for (int l = vars - 1; l >= 0 && innermost < 0; l--) if (varExt[l] != 1) innermost = l;
            this.varExt = varExt.clone();
            group = new int[vars];
            int[] lastTmp = new int[vars], extTmp = new int[vars];
            int count = 0;
            for (int l = 0; l < vars; l++) {
                group[l] = -1;
                if (varExt[l] == 1) continue;
                if (merge && count > 0 && l != innermost && mergeable(forms, lastTmp[count - 1], l, varExt[l])) {
                    group[l] = count - 1;
                    lastTmp[count - 1] = l;
                    extTmp[count - 1] *= varExt[l];
                } else {
                    group[l] = count;
                    lastTmp[count] = l;
                    extTmp[count] = varExt[l];
                    count++;
                }
            }
            last = Arrays.copyOf(lastTmp, count);
            ext = Arrays.copyOf(extTmp, count);
            local = new int[count];
            for (int g = 0; g < count; g++) local[g] = nextLocal++;
            head = new Label[count];
            end = new Label[count];
            inner = count - 1;
        }

        private boolean mergeable(List<int[]> forms, int outer, int innerVar, int innerExt) {
            for (int[] f : forms) if ((long) f[outer] != (long) f[innerVar] * innerExt) return false;
            return true;
        }

        int groups() { return last.length; }

        void open(int from, int to) {
            for (int g = from; g < to; g++) openGroup(g);
        }

        void close(int from, int to) {
            for (int g = to - 1; g >= from; g--) closeGroup(g);
        }

        void openVar(int var) {
            if (group[var] >= 0) openGroup(group[var]);
        }

        void closeVar(int var) {
            if (group[var] >= 0) closeGroup(group[var]);
        }

        private void openGroup(int g) {
            head[g] = new Label();
            end[g] = new Label();
            mv.visitInsn(ICONST_0);
            mv.visitVarInsn(ISTORE, local[g]);
            mv.visitLabel(head[g]);
            mv.visitVarInsn(ILOAD, local[g]);
            iconst(ext[g]);
            mv.visitJumpInsn(IF_ICMPGE, end[g]);
        }

        private void closeGroup(int g) {
            mv.visitIincInsn(local[g], 1);
            mv.visitJumpInsn(GOTO, head[g]);
            mv.visitLabel(end[g]);
        }

        /**
         * Pushes off + sum(coefficient * loop index) for a flat form: the constant first, the
         * innermost index last, so the loop-invariant part is one subexpression the JIT hoists.
         */
        void index(int off, int[] form) {
            long c = off;
            if (delta != 0 && inner >= 0) c += (long) form[last[inner]] * delta;
            boolean pushed = false;
            if (c != 0) {
                iconst((int) c);
                pushed = true;
            }
            for (int g = 0; g < last.length; g++) {
                int coef = form[last[g]];
                if (coef == 0) continue;
                mv.visitVarInsn(ILOAD, local[g]);
                if (coef != 1) {
                    iconst(coef);
                    mv.visitInsn(IMUL);
                }
                if (pushed) mv.visitInsn(IADD);
                pushed = true;
            }
            if (!pushed) mv.visitInsn(ICONST_0);
        }
    }

    // ---------------------------------------------------------------- expressions

    /** Pushes v at the element the access denotes: float, or int 0/1 for a bool. */
    private void value(int v, Access acc, Nest nest) {
        if (p.isLeaf(v)) readLeaf(v, acc, nest);
        else expand(v, acc, nest);
    }

    private Access argAccess(int v, int arg, Access acc, Nest nest) {
        if (p.scalar[arg]) return acc;
        Access a = Access.ofArg(p.node(v), p.type(v), p.type(arg), acc, nest.varExt, p.isBuffer(arg));
        if (a == null) throw new AssertionError("unplanned reshape operand %" + arg);
        return a;
    }

    private void expand(int v, Access acc, Nest nest) {
        Node nd = p.node(v);
        switch (nd.prim().family) {
            case UNARY, BINARY -> {
                for (int i = 0; i < nd.arity(); i++) value(nd.arg(i), argAccess(v, nd.arg(i), acc, nest), nest);
                arithmetic(nd);
            }
            case COMPARE -> {
                Label no = new Label(), done = new Label();
                compare(v, acc, nest, no);
                mv.visitInsn(ICONST_1);
                mv.visitJumpInsn(GOTO, done);
                mv.visitLabel(no);
                mv.visitInsn(ICONST_0);
                mv.visitLabel(done);
            }
            case SELECT -> {
                Label no = new Label(), done = new Label();
                condition(nd.arg(0), argAccess(v, nd.arg(0), acc, nest), nest, no);
                value(nd.arg(1), argAccess(v, nd.arg(1), acc, nest), nest);
                mv.visitJumpInsn(GOTO, done);
                mv.visitLabel(no);
                value(nd.arg(2), argAccess(v, nd.arg(2), acc, nest), nest);
                mv.visitLabel(done);
            }
            case SHAPE -> value(nd.arg(0), argAccess(v, nd.arg(0), acc, nest), nest);
            case LEAF, REDUCE, MATMUL -> throw new AssertionError(nd + " is always stored, never fused");
            case SCATTER, CONCAT, CONTRACT -> throw new IllegalArgumentException(nd.prim().text + ": not lowered yet");   // PLACEHOLDER (opsir): the codegen engineer lowers the issue-10 primitives
            case CONVERT -> throw new IllegalArgumentException("convert: not lowered yet");   // PLACEHOLDER (ircore): the codegen engineer lowers CONVERT (issue 9)
        }
    }

    /** Jumps to {@code no} when the bool value c is false; a fused comparison jumps directly. */
    private void condition(int c, Access acc, Nest nest, Label no) {
        Node nd = p.node(c);
        if (p.isLeaf(c) || nd.prim().family != Prim.Family.COMPARE) {
            value(c, acc, nest);
            mv.visitJumpInsn(IFEQ, no);
            return;
        }
        compare(c, acc, nest, no);
    }

    /** Evaluates a comparison's operands and jumps to {@code no} when it is false. */
    private void compare(int c, Access acc, Nest nest, Label no) {
        Node nd = p.node(c);
        value(nd.arg(0), argAccess(c, nd.arg(0), acc, nest), nest);
        value(nd.arg(1), argAccess(c, nd.arg(1), acc, nest), nest);
        // As javac compiles them: NaN makes every comparison false (fcmpl gives -1, fcmpg 1).
        // {compare instruction, jump-if-false}; a switch expression, so a new primitive must be listed
        int[] insns = switch (nd.prim()) {
            case GT -> new int[] {FCMPL, IFLE};
            case GE -> new int[] {FCMPL, IFLT};
            case LT -> new int[] {FCMPG, IFGE};
            case LE -> new int[] {FCMPG, IFGT};
            case EQ -> new int[] {FCMPL, IFNE};
            case INPUT, CONST, NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, POW, STOP_GRADIENT,
                 ADD, SUB, MUL, DIV, MAX, MIN, SELECT, BROADCAST, RESHAPE, TRANSPOSE, REDUCE_SUM, REDUCE_MAX, MATMUL ->
                    throw new IllegalStateException("not a comparison: " + nd);
            case EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC, FLOOR, ROUND, ATAN2, POWER, SLICE, PAD, GATHER, SCATTER_ADD, CONCAT, DOT_GENERAL -> throw new IllegalArgumentException(nd.prim().text + ": not lowered yet");   // PLACEHOLDER (opsir): the codegen engineer lowers the issue-10 primitives
            case CONVERT -> throw new IllegalArgumentException("convert: not lowered yet");   // PLACEHOLDER (ircore): the codegen engineer lowers CONVERT (issue 9)
        };
        mv.visitInsn(insns[0]);
        mv.visitJumpInsn(insns[1], no);
    }

    /** The arithmetic of an elementwise primitive whose operands are on the stack. */
    private void arithmetic(Node nd) {
        boolean done = switch (nd.prim()) {
            case NEG -> insn(FNEG);
            case EXP -> ops("exp");
            case LOG -> ops("log");
            case LOG1P -> ops("log1p");
            case SIN -> ops("sin");
            case COS -> ops("cos");
            case TANH -> ops("tanh");
            case SIGMOID -> ops("sigmoid");
            case SOFTPLUS -> ops("softplus");
            case SQRT -> ops("sqrt");
            case ABS -> math("abs", "(F)F");
            case POW -> pow(nd.exponent());
            case STOP_GRADIENT -> true;
            case ADD -> insn(FADD);
            case SUB -> insn(FSUB);
            case MUL -> insn(FMUL);
            case DIV -> insn(FDIV);
            case MAX -> math("max", "(FF)F");
            case MIN -> math("min", "(FF)F");
            case INPUT, CONST, GT, GE, LT, LE, EQ, SELECT, BROADCAST, RESHAPE, TRANSPOSE, REDUCE_SUM, REDUCE_MAX, MATMUL ->
                    throw new AssertionError(nd.prim() + " is not elementwise arithmetic");
            case EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC, FLOOR, ROUND, ATAN2, POWER, SLICE, PAD, GATHER, SCATTER_ADD, CONCAT, DOT_GENERAL -> throw new IllegalArgumentException(nd.prim().text + ": not lowered yet");   // PLACEHOLDER (opsir): the codegen engineer lowers the issue-10 primitives
            case CONVERT -> throw new IllegalArgumentException("convert: not lowered yet");   // PLACEHOLDER (ircore): the codegen engineer lowers CONVERT (issue 9)
        };
        assert done;
    }

    private boolean insn(int opcode) {
        mv.visitInsn(opcode);
        return true;
    }

    private boolean ops(String fn) {
        mv.visitMethodInsn(INVOKESTATIC, ClassGen.OPS, fn, "(F)F", false);
        return true;
    }

    private boolean math(String fn, String desc) {
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", fn, desc, false);
        return true;
    }

    /** Exponents with an exactly equal cheaper form; Ops.pow (the IR's pow rule) for the rest. */
    private boolean pow(double e) {
        if (e == 1) return true; // Math.pow(x, 1) is x
        if (e == 0) { // x^0 is 1 for every x, NaN included
            mv.visitInsn(POP);
            mv.visitInsn(FCONST_1);
        } else if (e == 2) { // (double) x * x is exact; rounding it equals the float product
            mv.visitInsn(DUP);
            mv.visitInsn(FMUL);
        } else {
            mv.visitLdcInsn(e);
            mv.visitMethodInsn(INVOKESTATIC, ClassGen.OPS, "pow", "(FD)F", false);
        }
        return true;
    }

    private void readLeaf(int v, Access acc, Nest nest) {
        if (p.scalar[v]) {
            pushScalar(v);
            return;
        }
        Node nd = p.node(v);
        if (nd.prim() == Prim.CONST && nd.isUniformConst()) {
            constant(nd, 0);
            return;
        }
        pushArray(v);
        nest.index(bufferOffset(v), acc.flatForm(p.type(v)));
        mv.visitInsn(FALOAD);
        if (isBool(v)) { // stored as 0f / 1f
            mv.visitInsn(FCONST_0);
            mv.visitInsn(FCMPL);
        }
    }

    private void constant(Node c, int i) {
        double d = c.constAt(i);
        if (c.type().dtype() == DType.BOOL) mv.visitInsn(d != 0 ? ICONST_1 : ICONST_0);
        else fconst((float) d);
    }

    private boolean isBool(int v) { return p.type(v).dtype() == DType.BOOL; }

    // ---------------------------------------------------------------- values and arrays

    /** Makes a one-element value available in a local before any loop or branch reads it. */
    private void prepareScalar(int v) {
        int c = p.canon[v];
        Node nd = p.node(c);
        if (nd.prim() == Prim.CONST || local[c] >= 0) return;
        if (sealed) throw new AssertionError("load of %" + c + " inside a loop or branch");
        if (nd.prim() == Prim.INPUT) {
            int in = nd.inputIndex();
            if (in == p.seedInput) {
                mv.visitVarInsn(ALOAD, P_SEED);
            } else {
                mv.visitVarInsn(ALOAD, P_IN);
                iconst(in);
                mv.visitInsn(AALOAD);
            }
            mv.visitInsn(ICONST_0);
            mv.visitInsn(FALOAD);
            if (isBool(c)) { mv.visitInsn(FCONST_0); mv.visitInsn(FCMPL); }
        } else {
            if (spill[c] < 0) throw new AssertionError("%" + c + " is neither in this chunk nor spilled");
            mv.visitVarInsn(ALOAD, P_WS);
            iconst(spill[c]);
            mv.visitInsn(FALOAD);
            if (isBool(c)) { mv.visitInsn(FCONST_0); mv.visitInsn(FCMPL); }
        }
        int l = nextLocal++;
        mv.visitVarInsn(isBool(c) ? ISTORE : FSTORE, l);
        local[c] = l;
    }

    private void pushScalar(int v) {
        int c = p.canon[v];
        Node nd = p.node(c);
        if (nd.prim() == Prim.CONST) {
            constant(nd, 0);
            return;
        }
        if (local[c] < 0) throw new AssertionError("%" + c + " was not prepared");
        mv.visitVarInsn(isBool(c) ? ILOAD : FLOAD, local[c]);
    }

    private void prepareArray(int v) {
        Node nd = p.node(v);
        if (nd.prim() == Prim.INPUT && nd.inputIndex() != p.seedInput && arrayLocal[v] < 0) {
            if (sealed) throw new AssertionError("load of input array inside a loop");
            mv.visitVarInsn(ALOAD, P_IN);
            iconst(nd.inputIndex());
            mv.visitInsn(AALOAD);
            int l = nextLocal++;
            mv.visitVarInsn(ASTORE, l);
            arrayLocal[v] = l;
        } else if (p.mat[v] && p.destOutput[v] > 0) {
            gradArray(p.destOutput[v]);
        }
    }

    /** The local holding grads[i] for output k, loaded once per chunk. */
    private int gradArray(int k) {
        if (gradLocal[k] >= 0) return gradLocal[k];
        if (sealed) throw new AssertionError("load of grads array inside a loop");
        mv.visitVarInsn(ALOAD, P_GRADS);
        iconst(p.gradInput[k]);
        mv.visitInsn(AALOAD);
        int l = nextLocal++;
        mv.visitVarInsn(ASTORE, l);
        gradLocal[k] = l;
        return l;
    }

    private void pushArray(int v) {
        Node nd = p.node(v);
        if (nd.prim() == Prim.INPUT) {
            if (nd.inputIndex() == p.seedInput) mv.visitVarInsn(ALOAD, P_SEED);
            else mv.visitVarInsn(ALOAD, arrayLocal[v]);
        } else if (nd.prim() == Prim.CONST) {
            mv.visitFieldInsn(GETSTATIC, cg.name, cg.constantField(nd), "[F");
        } else if (p.destOutput[v] == 0) {
            mv.visitVarInsn(ALOAD, P_OUT);
        } else if (p.destOutput[v] > 0) {
            mv.visitVarInsn(ALOAD, gradArray(p.destOutput[v]));
        } else {
            mv.visitVarInsn(ALOAD, P_WS);
        }
    }

    private int bufferOffset(int v) {
        Node nd = p.node(v);
        if (nd.prim() == Prim.INPUT || nd.prim() == Prim.CONST || p.destOutput[v] >= 0) return 0;
        return p.wsOffset[v];
    }

    // ---------------------------------------------------------------- constants

    private void iconst(int i) {
        if (i >= -1 && i <= 5) mv.visitInsn(ICONST_0 + i);
        else if (i >= Byte.MIN_VALUE && i <= Byte.MAX_VALUE) mv.visitIntInsn(BIPUSH, i);
        else if (i >= Short.MIN_VALUE && i <= Short.MAX_VALUE) mv.visitIntInsn(SIPUSH, i);
        else mv.visitLdcInsn(i);
    }

    private void fconst(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (bits == 0) mv.visitInsn(FCONST_0);
        else if (bits == Float.floatToRawIntBits(1f)) mv.visitInsn(FCONST_1);
        else if (bits == Float.floatToRawIntBits(2f)) mv.visitInsn(FCONST_2);
        else mv.visitLdcInsn(f);
    }
}
