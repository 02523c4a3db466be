package io.jgrad.codegen;

import io.jgrad.runtime.Cascade;
import io.jgrad.runtime.DType;
import io.jgrad.runtime.Summation;
import io.jgrad.ir.Node;
import io.jgrad.ir.Prim;
import io.jgrad.ir.Type;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

import static org.objectweb.asm.Opcodes.*;

/**
 * Writes one {@link Plan} as a chain of private static chunk methods of about
 * {@link #CHUNK_BYTES} bytes each (C2 compiles methods up to 8000 bytes only, and compiles
 * small ones fast), plus a driver that calls them in order. Every chunk has the signature
 * {@link ClassGen#bodyDesc}: {@code (inputs, workspace, seed, output, grads) -> value}.
 * Chunks are cut at content-defined points ({@link ChunkCuts}) and recorded: chunks equal up to
 * their int constants (the steps of an unrolled recurrence) share one template method
 * ({@link ChunkTemplates}), so that it is called once per step and reaches C2 quickly.
 *
 * <p>One-element values live in JVM locals; a value still needed after its chunk ends is
 * spilled to a workspace slot and reloaded by the chunk that reads it. Tensors are counted
 * loops over arrays: a fused expression is evaluated per element, with broadcasting,
 * transposition and reshapes as index arithmetic (see {@link Access}).
 *
 * <p>Every value is computed in its own dtype ({@link Num}: float, double, or an int 0/1 for
 * a bool) and stored in an array of that dtype: inputs, seed, outputs and gradients are the
 * function's; a planned buffer, a spilled scalar or a sum's {@link Cascade} state lives in the
 * workspace region of its own dtype ({@link Plan#storage}: the float[] or the double[]
 * parameter); a bool is stored as 0/1 in the function's dtype. Only CONVERT converts.
 */
final class BodyEmitter {
    static final int CHUNK_BYTES = 2500;
    /**
     * Chunks on the vector path are smaller. C2 gives up speculating on a call's receiver class
     * (it keeps a virtual call beside the inlined one: the vector is boxed) once the class-check
     * traps recorded in every method inlined into one compilation add up to PerMethodTrapLimit
     * (100); the Vector API's shared methods carry such traps in a JVM that uses several shapes,
     * and each vector operation inlines several of them. Measured on the MLP's backward: 2,400
     * bytes reached 104-108 (8 kB boxed per call), smaller chunks stay below.
     */
    static final int VECTOR_CHUNK_BYTES = Integer.getInteger("jgrad.vectorChunk", 1200);
    /**
     * ... and hold at most about this many calls on vectors (the chunk is cut after the statement
     * that passes it). Each call inlines a few dozen JDK methods into the chunk's compilation, and
     * past some size C2 keeps a sum's loop-carried accumulator boxed: a new vector object per step.
     * Measured (thread allocation counter, steady state): logistic regression F64 256x32 allocated
     * 4,224 B per call with a 73-call chunk (1,259 bytes), 8,448 at 2,400 bytes, 0 with chunks of
     * at most 50-62 calls (the MLP's) or 800 bytes.
     */
    static final int VECTOR_CHUNK_CALLS = Integer.getInteger("jgrad.vectorChunkCalls", 48);
    /** HotSpot compiles methods of at most 8000 bytecode bytes (DontCompileHugeMethods). */
    static final int JIT_METHOD_LIMIT = 8000;
    /** Calls per driver method: 9 bytes each (12 through a handle) keeps a driver under 8000 bytes. */
    static final int CALLS_PER_DRIVER = 200;
    /** Sums of fused expressions up to this size are emitted in place (the term's code 5 times: {@link #innerSum}). */
    static final int UNROLL_CAP = 24;
    private static final String CASCADE = "io/jgrad/runtime/Cascade";

    /** The body parameters: inputs, the workspace's float and double regions, seed, output, grads. */
    private static final int P_IN = 0, P_WSF = 1, P_WSD = 2, P_SEED = 3, P_OUT = 4, P_GRADS = 5, FIRST_LOCAL = 6;

    private final ClassGen main;
    /** The class the current chunk goes to: the main class, or this body's open chunk class once the main class is full. */
    ClassGen cg;
    private ClassGen open;
    private int openFrom;
    final Plan p;
    private final String name;
    private final List<ClassGen.Method> chunks = new ArrayList<>();
    /** What the driver in the main class calls: the chunks there, then the driver of each chunk class. */
    private final List<ClassGen.Method> top = new ArrayList<>();

    MethodVisitor mv;
    private SizeCounter counter;
    /** Chunk recording per class ({@link ChunkTemplates}), when templates are on. */
    private final java.util.Map<ClassGen, ChunkTemplates> templates = new java.util.IdentityHashMap<>();
    private final boolean templatesOn = ChunkTemplates.enabled;
    /** The method a chunk's call goes to, by chunk name, once its class's chunks are written. */
    private final java.util.Map<String, ClassGen.Method> calls = new java.util.HashMap<>();
    /** The chunk being recorded, or null. */
    private org.objectweb.asm.tree.MethodNode recording;
    private final ChunkCuts cuts;
    int nextLocal;
    final int[] local;
    private final int[] arrayLocal;
    private final int[] gradLocal;
    final List<Integer> chunkValues = new ArrayList<>();
    private final int[] spill;
    /** Values in spill slots, the one whose last reader comes first on top: freed as the chunks pass it. */
    private final PriorityQueue<Integer> spilled;
    /** Values this chunk loaded into locals (besides chunkValues): the entries the next chunk resets. */
    private final List<Integer> loaded = new ArrayList<>();
    /** Per workspace region (by {@link Num#ordinal}): spill slots free for reuse, and slots used. */
    private final List<ArrayDeque<Integer>> freeSlots = List.of(new ArrayDeque<>(), new ArrayDeque<>());
    private final int[] slotCount = new int[Num.values().length];
    /** Set while emitting a loop body or a branch: no local may be assigned there. */
    boolean sealed;
    /** The vector path's lowering ({@link Simd}), or null: every loop scalar. */
    private final VectorLowering vector;

    final IndexLowering index = new IndexLowering(this);
    private final ContractionLowering contraction = new ContractionLowering(this);
    private final GemmLowering gemm = new GemmLowering(this);

    BodyEmitter(ClassGen cg, Plan p, String name) {
        this.main = cg;
        this.cg = cg;
        this.p = p;
        this.name = name;
        this.local = new int[p.n];
        this.arrayLocal = new int[p.n];
        int grads = 0;
        for (int a : p.gradInput) grads = Math.max(grads, a + 1);
        this.gradLocal = new int[grads];
        this.spill = new int[p.n];
        Arrays.fill(spill, -1);
        Arrays.fill(local, -1);
        Arrays.fill(arrayLocal, -1);
        this.spilled = new PriorityQueue<>(Comparator.comparingInt(v -> p.lastUse[v]));
        this.vector = Simd.enabled() ? new VectorLowering(this) : null;
        this.cuts = new ChunkCuts(p, templatesOn);
    }

    // what VectorLowering reads of the emitter's state
    Plan plan() { return p; }
    MethodVisitor mv() { return mv; }
    /** A fresh local for a reference (a vector) inside a loop: never a value's, so sealing does not apply. */
    int newRefLocal() { return nextLocal++; }

    /** Elements of workspace region {@code kind} this body needs: its planned tensors and states, then its spill slots. */
    int workspaceSize(Num kind) { return p.tensorSize[kind.ordinal()] + slotCount[kind.ordinal()]; }


    /** Emits everything; returns the name of the driver method. */
    String emit() {
        if (p.splitAt >= 0) throw new IllegalStateException("a split plan is emitted by emitSplit");
        startChunk(0);
        List<Plan.Stmt> stmts = p.stmts;
        for (int s = 0; s < stmts.size(); s++) {
            statement(stmts.get(s));
            if (s + 1 < stmts.size() && chunkFull(s + 1)) {
                endChunk(s, false);
                startChunk(s + 1);
            }
        }
        endChunk(stmts.size() - 1, true);
        closeChunkClass();
        flush(main);
        return driver(main, name, top);
    }

    /**
     * Emits a split plan ({@link Plan#splitAt}): returns {prefix driver, pass driver}. The prefix
     * computes everything that does not depend on the pass inputs, once; the pass driver the
     * rest, and returns the value output when it is one element. The chunk boundary falls
     * exactly at the split, so every prefix scalar the passes read is spilled there.
     */
    String[] emitSplit() {
        if (p.splitAt < 0) throw new IllegalStateException("not a split plan");
        List<Plan.Stmt> stmts = p.stmts;
        startChunk(0);
        for (int s = 0; s < p.splitAt; s++) {
            statement(stmts.get(s));
            if (s + 1 < p.splitAt && chunkFull(s + 1)) {
                endChunk(s, false);
                startChunk(s + 1);
            }
        }
        endChunk(p.splitAt - 1, false);
        closeChunkClass();
        flush(main);
        String prefix = driver(main, name + "pre", new ArrayList<>(top));
        top.clear();   // chunks keeps growing: chunk method names stay distinct
        startChunk(p.splitAt);
        for (int s = p.splitAt; s < stmts.size(); s++) {
            statement(stmts.get(s));
            if (s + 1 < stmts.size() && chunkFull(s + 1)) {
                endChunk(s, false);
                startChunk(s + 1);
            }
        }
        endChunk(stmts.size() - 1, true);
        closeChunkClass();
        flush(main);
        return new String[] {prefix, driver(main, name + "pass", top)};
    }

    // ---------------------------------------------------------------- chunks

    /** Starts a chunk at statement {@code firstStmt}. */
    void startChunk(int firstStmt) {
        String method = name + "$" + chunks.size();
        if (open == null && main.hasRoomForChunk(method)) cg = main;
        else if (open != null && open.hasRoomForChunk(method)) cg = open;
        else cg = newChunkClass();
        cuts.started(firstStmt);
        if (templatesOn) {
            recording = templates.computeIfAbsent(cg, ChunkTemplates::new).start(method);
            counter = new SizeCounter(recording);
        } else {
            counter = new SizeCounter(cg.staticBody(method));
        }
        mv = counter;
        chunks.add(new ClassGen.Method(cg, method));
        if (cg == main) top.add(chunks.get(chunks.size() - 1));
        mv.visitCode();
        nextLocal = FIRST_LOCAL;
        // reset only what the last chunk set: a fill of every value per chunk is quadratic
        for (int v : chunkValues) local[v] = -1;
        for (int v : loaded) { local[v] = -1; arrayLocal[v] = -1; }
        Arrays.fill(gradLocal, -1);
        chunkValues.clear();
        loaded.clear();
    }

    int offset() {
        return counter.bytes();
    }

    /** The open chunk is cut before statement {@code next}: by size, at a content-defined point ({@link ChunkCuts}). */
    private boolean chunkFull(int next) {
        return cuts.cutBefore(next, offset()) || vector != null && counter.vectorCalls() > VECTOR_CHUNK_CALLS;
    }

    void endChunk(int lastStmt, boolean last) {
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
                cg.io.constant(mv, 0);
            }
        } else {
            // Values computed here and read by a later chunk go to workspace slots.
            for (int v : chunkValues) {
                if (spill[v] >= 0 || p.lastUse[v] <= lastStmt) continue;
                Num kind = p.storage(v);
                int r = kind.ordinal();
                int slot = freeSlots.get(r).isEmpty() ? slotCount[r]++ : freeSlots.get(r).pop();
                spill[v] = p.tensorSize[r] + slot;
                spilled.add(v);
                workspace(kind);
                iconst(spill[v]);
                load(v, local[v]);
                toArray(v, kind);
                mv.visitInsn(kind.astore);
            }
            while (!spilled.isEmpty() && p.lastUse[spilled.peek()] <= lastStmt) {
                int v = spilled.poll();
                int r = p.storage(v).ordinal();
                freeSlots.get(r).push(spill[v] - p.tensorSize[r]);
            }
            cg.io.constant(mv, 0);
        }
        mv.visitInsn(cg.io.ret);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        if (recording != null) {
            templates.get(cg).end(recording, offset());
            recording = null;
        }
    }

    /** Writes the recorded chunks of {@code c} (templates where chunks repeat): the drivers can call them from here on. */
    private void flush(ClassGen c) {
        ChunkTemplates t = templates.get(c);
        if (t != null) t.flush(calls);
    }

    /** The main class (or the last chunk class) is full: the chunks from here on go to a new chunk class. */
    private ClassGen newChunkClass() {
        closeChunkClass();
        open = main.newChunkClass();
        openFrom = chunks.size();
        return open;
    }

    /** Gives the open chunk class a driver calling its chunks, which the main class's driver calls; finishes it. */
    private void closeChunkClass() {
        if (open == null) return;
        String run = name + "$run";
        flush(open);
        top.add(new ClassGen.Method(open, driver(open, run, chunks.subList(openFrom, chunks.size()))));
        open.staticInit();
        open.toBytes();
        open = null;
    }

    /**
     * A method of {@code owner} that calls the given ones in order and returns the last one's
     * value: directly in its own class, through a handle in another.
     */
    private String driver(ClassGen owner, String driverName, List<ClassGen.Method> callees) {
        if (callees.size() > CALLS_PER_DRIVER) {
            List<ClassGen.Method> groups = new ArrayList<>();
            for (int i = 0; i < callees.size(); i += CALLS_PER_DRIVER) {
                String g = driverName + "$g" + groups.size();
                driver(owner, g, callees.subList(i, Math.min(callees.size(), i + CALLS_PER_DRIVER)));
                groups.add(new ClassGen.Method(owner, g));
            }
            return driver(owner, driverName, groups);
        }
        MethodVisitor d = owner.staticBody(driverName);
        d.visitCode();
        for (int i = 0; i < callees.size(); i++) {
            ClassGen.Method c = calls.getOrDefault(callees.get(i).name(), callees.get(i));
            if (c.owner() == owner && c.rowBase() >= 0) {
                for (int a = 0; a < FIRST_LOCAL; a++) d.visitVarInsn(ALOAD, a);
                Insns.iconst(d, c.rowBase());
                d.visitMethodInsn(INVOKESTATIC, owner.name, c.name(), owner.templateDesc, false);
            } else if (c.owner() == owner) {
                for (int a = 0; a < FIRST_LOCAL; a++) d.visitVarInsn(ALOAD, a);
                d.visitMethodInsn(INVOKESTATIC, owner.name, c.name(), owner.bodyDesc, false);
            } else {
                if (c.rowBase() >= 0) throw new IllegalStateException("a template is called from its own class only: " + c.name());
                // a constant handle: the JIT inlines the call as if it were invokestatic
                d.visitFieldInsn(GETSTATIC, owner.name, owner.handleField(c), "L" + ClassGen.HANDLE + ";");
                for (int a = 0; a < FIRST_LOCAL; a++) d.visitVarInsn(ALOAD, a);
                d.visitMethodInsn(INVOKEVIRTUAL, ClassGen.HANDLE, "invokeExact", owner.bodyDesc, false);
            }
            if (i + 1 < callees.size()) d.visitInsn(owner.io.pop);
        }
        d.visitInsn(cg.io.ret);
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
                if (!index.emptyKernel(v, false)) switch (p.node(v).prim().family) {
                    case REDUCE -> reduceKernel(v, false);
                    case MATMUL -> matmulKernel(v, false);
                    case UNARY, CONVERT, BINARY, COMPARE, SELECT, SHAPE -> elementwiseKernel(v, true, ownBuffer(v));
                    case SCATTER -> index.scatterKernel(v, false);
                    case CONCAT -> index.concatKernel(v);
                    case CONTRACT -> contraction.kernel(v, false);
                    case LEAF -> throw new IllegalStateException("a leaf has no kernel: " + p.node(v));
                }
            }
            case COPY -> elementwiseKernel(v, false, outputArray(st.output()));
            case STORE -> {
                prepareScalar(v);
                Target t = outputArray(st.output());
                t.prepare();
                t.pushArray();
                iconst(p.storeElement == null ? 0 : p.storeElement[st.output()]);
                pushScalar(v);
                toArray(v, t.kind());
                mv.visitInsn(t.kind().astore);
            }
        }
    }

    private void scalarStatement(int v) {
        Node nd = p.node(v);
        if (p.hasKernel(v)) {
            if (!index.emptyKernel(v, true)) switch (nd.prim().family) {
                case MATMUL -> matmulKernel(v, true);
                case REDUCE -> reduceKernel(v, true);
                case SHAPE -> index.pointKernel(v);
                case SCATTER -> index.scatterKernel(v, true);
                case CONTRACT -> contraction.kernel(v, true);
                case LEAF, UNARY, CONVERT, BINARY, COMPARE, SELECT, CONCAT -> throw new IllegalStateException("no one-element kernel: " + nd);
            }
            return;
        }
        for (int a : nd.args()) prepareScalar(a);
        sealed = true;
        switch (nd.prim().family) {
            case REDUCE -> {
                reduceInit(nd.prim(), num(v));
                pushScalar(nd.arg(0));
                reduceOp(nd.prim(), num(v));
            }
            case MATMUL, CONTRACT -> {   // one product of one term: -0.0 + a·b
                Num k = num(v);
                k.constant(mv, -0.0);
                pushScalar(nd.arg(0));
                pushScalar(nd.arg(1));
                mv.visitInsn(k.mul);
                mv.visitInsn(k.add);
            }
            case SCATTER -> index.scalarScatter(v);
            case UNARY, CONVERT, BINARY, COMPARE, SELECT, SHAPE, CONCAT -> expand(v, null, null);
            case LEAF -> throw new IllegalStateException("a leaf is not a scalar statement: " + nd);
        }
        sealed = false;
        int l = newLocal(v);
        store(v, l);
        local[v] = l;
        chunkValues.add(v);
    }

    // ---------------------------------------------------------------- kernels

    /** Where a kernel stores: its own planned buffer, or output k's array. */
    final class Target {
        final int node;
        final int output;

        private Target(int node, int output) {
            this.node = node;
            this.output = output;
        }

        int offset() { return output >= 0 ? 0 : p.wsOffset[node]; }

        /** The element kind of the array: the function's dtype for an output, else the value's own region's. */
        Num kind() { return output >= 0 ? cg.io : p.storage(node); }

        void prepare() {
            if (output > 0) gradArray(output);
        }

        void pushArray() {
            if (output == 0) mv.visitVarInsn(ALOAD, P_OUT);
            else if (output > 0) mv.visitVarInsn(ALOAD, gradArray(output));
            else workspace(kind());
        }
    }

    Target ownBuffer(int v) { return new Target(v, p.destOutput[v]); }

    private Target outputArray(int k) { return new Target(-1, k); }

    final List<int[]> forms = new ArrayList<>();
    final List<Integer> leaves = new ArrayList<>();

    void collect(int v) {
        forms.clear();
        leaves.clear();
        int fail = p.walkKernel(v, index.collector);
        if (fail >= 0) throw new AssertionError("unplanned reshape operand %" + fail);
    }

    void prepareLeaves() {
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
        int inner = Math.max(nest.groups() - 1, 0);
        nest.open(0, inner);
        if (nest.groups() > 0 && vector != null && !isBool(v) && num(v) == t.kind()) {
            // the vector path: the innermost loop in vectors while a whole one fits, the scalar loop for the tail
            int var = nest.last[inner];
            VectorLowering.Shape s = VectorLowering.preferred(t.kind());
            if (store[var] == 1 && nest.ext[inner] >= s.lanes() && vector.supports(v, expandRoot, id, nest, var, t.kind())) {
                vector.loop(nest, inner, s, () -> {
                    vector.push(v, expandRoot, id, nest, var, s);
                    vector.store(s, () -> {
                        t.pushArray();
                        nest.index(t.offset(), store);
                    });
                });
                nest.resume = inner;
            }
        }
        nest.open(inner, nest.groups());
        t.pushArray();
        nest.index(t.offset(), store);
        if (expandRoot) expand(v, id, nest);
        else value(v, id, nest);
        toArray(v, t.kind());
        mv.visitInsn(t.kind().astore);
        nest.close(0, nest.groups());
        sealed = false;
    }

    private void reduceKernel(int v, boolean toLocal) {
        if (p.node(v).prim() == Prim.REDUCE_SUM) {
            if (p.laneAxis(v) >= 0) laneSum(v);
            else rowSum(v, toLocal);
        } else {
            maxKernel(v, toLocal);
        }
    }

    /** The order of a maximum does not matter (Math.max is commutative and associative, NaN and ±0 included). */
    private void maxKernel(int v, boolean toLocal) {
        Node nd = p.node(v);
        Prim prim = nd.prim();
        int x = nd.arg(0);
        Type xt = p.type(x);
        int rank = xt.rank();
        boolean[] reduced = Plan.reducedAxes(nd, rank);
        int[] store = reducedStoreForm(v, reduced);
        collect(v);
        forms.add(store);
        Access id = IndexLowering.identity(rank);
        Target t = toLocal ? null : ownBuffer(v);
        prepareLeaves();
        if (t != null) t.prepare();
        Nest nest = new Nest(xt.shape(), forms, true);
        int groups = nest.groups();
        int firstReduced = groups;
        boolean accMode = true;
        for (int g = 0; g < groups; g++) {
            boolean r = reduced[nest.last[g]];
            if (r && firstReduced == groups) firstReduced = g;
            if (!r && firstReduced < groups) accMode = false;
        }
        Num nk = num(v);
        int result = toLocal ? newLocal(v) : -1;
        if (accMode) {
            int acc = newLocal(v);
            sealed = true;
            nest.open(0, firstReduced);
            reduceInit(prim, nk);
            mv.visitVarInsn(nk.store, acc);
            nest.open(firstReduced, groups);
            mv.visitVarInsn(nk.load, acc);
            value(x, id, nest);
            reduceOp(prim, nk);
            mv.visitVarInsn(nk.store, acc);
            nest.close(firstReduced, groups);
            if (toLocal) {
                mv.visitVarInsn(nk.load, acc);
                mv.visitVarInsn(nk.store, result);
            } else {
                t.pushArray();
                nest.index(t.offset(), store);
                mv.visitVarInsn(nk.load, acc);
                mv.visitInsn(t.kind().astore);
            }
            nest.close(0, firstReduced);
            sealed = false;
        } else {
            inBuffer(v, x, id, nest, store, t);
        }
        if (toLocal) {
            local[v] = result;
            chunkValues.add(v);
        }
    }

    /**
     * Accumulates into the result buffer, every output's terms in index order from the
     * reduction's identity: a maximum; or a sum whose terms all go to accumulator 0 in
     * {@link Summation}'s order (fewer than 4 terms).
     */
    private void inBuffer(int v, int x, Access id, Nest nest, int[] store, Target t) {
        Prim prim = p.node(v).prim();
        Num nk = num(v);   // the buffer's kind too: the sum's dtype (an output's is the function's, the same)
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
        reduceInit(prim, nk);
        mv.visitInsn(nk.astore);
        mv.visitIincInsn(i, 1);
        mv.visitJumpInsn(GOTO, head);
        mv.visitLabel(end);
        nest.open(0, nest.groups());
        t.pushArray();
        nest.index(t.offset(), store);
        mv.visitInsn(DUP2);
        mv.visitInsn(nk.aload);
        value(x, id, nest);
        reduceOp(prim, nk);
        mv.visitInsn(nk.astore);
        nest.close(0, nest.groups());
        sealed = false;
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
        Node nd = p.node(v);
        int x = nd.arg(0);
        Type xt = p.type(x);
        int rank = xt.rank();
        boolean[] reduced = Plan.reducedAxes(nd, rank);
        int[] store = reducedStoreForm(v, reduced);
        collect(v);
        forms.add(store);
        Access id = IndexLowering.identity(rank);
        Target t = toLocal ? null : ownBuffer(v);
        prepareLeaves();
        if (t != null) t.prepare();
        // Loop order: kept, outer reduced, innermost reduced; no loop merges across those borders.
        int[] order = new int[rank];
        boolean[] barrier = new boolean[rank];
        int inner = -1, outerCount = 1, n = 0;
        for (int a = rank - 1; a >= 0; a--) {
            if (!reduced[a] || xt.dim(a) == 1) continue;
            if (inner < 0) inner = a;
            else outerCount *= xt.dim(a);
        }
        for (int a = 0; a < rank; a++) if (!reduced[a]) order[n++] = a;
        int firstOuter = n;
        for (int a = 0; a < rank; a++) if (reduced[a] && a != inner) order[n++] = a;
        if (inner >= 0) {
            order[n] = inner;
            barrier[inner] = true;
        }
        if (firstOuter < rank) barrier[order[firstOuter]] = true;
        Nest nest = new Nest(xt.shape(), forms, true, order, barrier);
        int groups = nest.groups();
        int keptGroups = 0;
        while (keptGroups < groups && !reduced[nest.last[keptGroups]]) keptGroups++;
        int innerGroup = inner >= 0 ? nest.group[inner] : -1;
        int outerEnd = inner >= 0 ? innerGroup : groups;
        int scratch = p.scratchOffset[v];
        int stackOff = scratch;
        int stateOff = inner >= 0 && xt.dim(inner) > Summation.BLOCK ? scratch + Cascade.depth(xt.dim(inner)) : scratch;
        Num nk = num(v);
        int result = toLocal ? newLocal(v) : -1;
        int c = newLocal(v);
        int q = outerCount > 1 ? nextLocal++ : -1;
        sealed = true;
        nest.open(0, keptGroups);
        if (q >= 0) {
            mv.visitInsn(ICONST_0);
            mv.visitVarInsn(ISTORE, q);
        }
        nest.open(keptGroups, outerEnd);
        if (inner >= 0) {
            int var = nest.last[innerGroup];
            VectorLowering.Term vterm = vector != null && vector.supports(x, false, id, nest, var, nk)
                    ? s -> vector.push(x, false, id, nest, var, s) : null;
            innerSum(nest, innerGroup, xt.dim(inner), stackOff, c, nk, () -> value(x, id, nest), vterm, vterm != null && vector.sawTranscendental);
        } else { // no reduced axis of extent > 1: the one term itself
            value(x, id, nest);
            mv.visitVarInsn(nk.store, c);
        }
        if (q >= 0) {
            workspace(nk);
            iconst(stateOff);
            mv.visitVarInsn(ILOAD, q);
            iconst(outerCount);
            mv.visitVarInsn(nk.load, c);
            mv.visitMethodInsn(INVOKESTATIC, CASCADE, "add", "(" + nk.array + "III" + nk.desc + ")V", false);
            mv.visitIincInsn(q, 1);
        }
        nest.close(keptGroups, outerEnd);
        if (q >= 0) {
            workspace(nk);
            iconst(stateOff);
            iconst(outerCount);
            mv.visitMethodInsn(INVOKESTATIC, CASCADE, "result", "(" + nk.array + "II)" + nk.desc, false);
            mv.visitVarInsn(nk.store, c);
        }
        if (toLocal) {
            mv.visitVarInsn(nk.load, c);
            mv.visitVarInsn(nk.store, result);
        } else {
            t.pushArray();
            nest.index(t.offset(), store);
            mv.visitVarInsn(nk.load, c);
            mv.visitInsn(t.kind().astore);
        }
        nest.close(0, keptGroups);
        sealed = false;
        if (toLocal) {
            local[v] = result;
            chunkValues.add(v);
        }
    }

    /**
     * One sum of e terms along the loop of group g (not opened by the caller), into local
     * {@code into}, in {@link Summation}'s order: blocks of BLOCK terms, term q to accumulator
     * q % 4 (the last e % 4 to accumulator 0), block sum (a0 + a1) + (a2 + a3), blocks merged by
     * {@link Cascade#push} into the stack at workspace[stackOff ..] (e > BLOCK only). The term
     * (pushed by {@code term}, at the loop index plus {@link Nest#delta}) is emitted five times.
     * All in the sum's kind {@code nk}: float and double sums add in the same order.
     */
    void innerSum(Nest nest, int g, int e, int stackOff, int into, Num nk, Runnable term) {
        innerSum(nest, g, e, stackOff, into, nk, term, null, false);
    }

    /** {@link #innerSum}, with the term in vectors too (the vector path; null: scalar). */
    void innerSum(Nest nest, int g, int e, int stackOff, int into, Num nk, Runnable term, VectorLowering.Term vterm, boolean wide) {
        int var = nest.local[g];
        int main = e & ~3;
        int accs = main > 0 ? 4 : 1; // under 4 terms all go to a0, and (a0 + -0) + (-0 + -0) is a0
        int[] acc = new int[accs];
        for (int i = 0; i < accs; i++) {
            acc[i] = nextLocal;
            nextLocal += nk.slots;
        }
        boolean blocked = e > Summation.BLOCK;
        int base = -1, mainEnd = -1, end = -1;
        Label blockHead = new Label(), blockDone = new Label();
        if (blocked) {
            base = nextLocal++;
            mainEnd = nextLocal++;
            end = nextLocal++;
            mv.visitInsn(ICONST_0);
            mv.visitVarInsn(ISTORE, base);
            mv.visitLabel(blockHead);
            mv.visitVarInsn(ILOAD, base);
            iconst(e);
            mv.visitJumpInsn(IF_ICMPGE, blockDone);
            // mainEnd = min(base + BLOCK, e & ~3), end = min(base + BLOCK, e)
            mv.visitVarInsn(ILOAD, base);
            iconst(Summation.BLOCK);
            mv.visitInsn(IADD);
            mv.visitInsn(DUP);
            iconst(main);
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "min", "(II)I", false);
            mv.visitVarInsn(ISTORE, mainEnd);
            iconst(e);
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "min", "(II)I", false);
            mv.visitVarInsn(ISTORE, end);
        }
        for (int i = 0; i < accs; i++) {
            nk.constant(mv, -0.0);
            mv.visitVarInsn(nk.store, acc[i]);
        }
        if (blocked) mv.visitVarInsn(ILOAD, base);
        else mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, var);
        VectorLowering.Shape four = vterm == null ? null : VectorLowering.four(nk);
        // the vector path: accumulator d is lane d of one vector, the same additions in the same order
        // (false: the last group of four of the block is left to the scalar loop below)
        boolean vectorDone = main > 0 && four != null && vector.blockSum(var, blocked ? mainEnd : -1, main, four, acc, vterm, wide);
        if (main > 0 && !vectorDone) {
            Label head = new Label(), done = new Label();
            mv.visitLabel(head);
            mv.visitVarInsn(ILOAD, var);
            if (blocked) mv.visitVarInsn(ILOAD, mainEnd);
            else iconst(main);
            mv.visitJumpInsn(IF_ICMPGE, done);
            for (int d = 0; d < 4; d++) {
                nest.delta = d;
                mv.visitVarInsn(nk.load, acc[d]);
                term.run();
                mv.visitInsn(nk.add);
                mv.visitVarInsn(nk.store, acc[d]);
            }
            nest.delta = 0;
            mv.visitIincInsn(var, 4);
            mv.visitJumpInsn(GOTO, head);
            mv.visitLabel(done);
        }
        if (main < e) {
            Label head = new Label(), done = new Label();
            mv.visitLabel(head);
            mv.visitVarInsn(ILOAD, var);
            if (blocked) mv.visitVarInsn(ILOAD, end);
            else iconst(e);
            mv.visitJumpInsn(IF_ICMPGE, done);
            mv.visitVarInsn(nk.load, acc[0]);
            term.run();
            mv.visitInsn(nk.add);
            mv.visitVarInsn(nk.store, acc[0]);
            mv.visitIincInsn(var, 1);
            mv.visitJumpInsn(GOTO, head);
            mv.visitLabel(done);
        }
        if (blocked) { // push(ws, stackOff, base / BLOCK + 1, block sum)
            workspace(nk);
            iconst(stackOff);
            mv.visitVarInsn(ILOAD, base);
            iconst(Cascade.LOG_BLOCK);
            mv.visitInsn(IUSHR);
            mv.visitInsn(ICONST_1);
            mv.visitInsn(IADD);
        }
        mv.visitVarInsn(nk.load, acc[0]);
        if (accs == 4) { // (a0 + a1) + (a2 + a3)
            mv.visitVarInsn(nk.load, acc[1]);
            mv.visitInsn(nk.add);
            mv.visitVarInsn(nk.load, acc[2]);
            mv.visitVarInsn(nk.load, acc[3]);
            mv.visitInsn(nk.add);
            mv.visitInsn(nk.add);
        }
        if (blocked) {
            mv.visitMethodInsn(INVOKESTATIC, CASCADE, "push", "(" + nk.array + "II" + nk.desc + ")V", false);
            mv.visitIincInsn(base, Summation.BLOCK);
            mv.visitJumpInsn(GOTO, blockHead);
            mv.visitLabel(blockDone);
            workspace(nk);
            iconst(stackOff);
            iconst(Cascade.blocks(e));
            mv.visitMethodInsn(INVOKESTATIC, CASCADE, "finish", "(" + nk.array + "II)" + nk.desc, false);
        }
        mv.visitVarInsn(nk.store, into);
    }

    /**
     * A sum over one axis q with kept axes after it (a column sum): the kept axes after q are
     * lanes, looped innermost and contiguous so the JIT vectorises them; every lane is its own
     * sum in {@link Summation}'s order, its four accumulators rows of a {@link Cascade} lane
     * state. Under 4 terms (all to accumulator 0) the result buffer accumulates directly.
     */
    private void laneSum(int v) {
        Node nd = p.node(v);
        int x = nd.arg(0);
        Type xt = p.type(x);
        int rank = xt.rank();
        int q = p.laneAxis(v);
        boolean[] reduced = Plan.reducedAxes(nd, rank);
        int[] store = reducedStoreForm(v, reduced);
        collect(v);
        forms.add(store);
        Access id = IndexLowering.identity(rank);
        Target t = ownBuffer(v);
        prepareLeaves();
        t.prepare();
        int[] order = new int[rank];
        boolean[] barrier = new boolean[rank];
        for (int a = 0; a < rank; a++) order[a] = a;
        barrier[q] = true;
        for (int a = q + 1; a < rank; a++) {
            if (xt.dim(a) > 1) {
                barrier[a] = true;
                break;
            }
        }
        Nest nest = new Nest(xt.shape(), forms, true, order, barrier);
        if (xt.dim(q) < 4) {
            inBuffer(v, x, id, nest, store, t);
            return;
        }
        lanes(v, nest, q, xt.dim(q), store, t, () -> { }, () -> value(x, id, nest), new LaneTerm() {
            public boolean supports(int var) { return vector.supports(x, false, id, nest, var, num(v)); }
            public void push(VectorLowering.Shape s, int var) { vector.push(x, false, id, nest, var, s); }
        });
    }

    /**
     * The lane loops of a column sum or a matmul over loop variable q (e terms): for each
     * setting of the variables before q, every lane (the variables after q, flattened) is one
     * sum. {@code perTerm} runs once per q (a matmul hoists a(i, q) there), {@code term} pushes
     * lane j's term q.
     */
    void lanes(int v, Nest nest, int q, int e, int[] store, Target t, Runnable perTerm, Runnable term) {
        lanes(v, nest, q, e, store, t, perTerm, term, null);
    }

    /** {@link #lanes}, with the term in vectors too (the vector path; null: scalar). */
    void lanes(int v, Nest nest, int q, int e, int[] store, Target t, Runnable perTerm, Runnable term, LaneTerm vterm) {
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
        Num nk = num(v);   // the state's kind: the sum's dtype
        int row = nextLocal++;
        sealed = true;
        nest.open(0, qGroup);
        workspace(nk);
        iconst(state);
        iconst(lanes);
        mv.visitMethodInsn(INVOKESTATIC, CASCADE, "laneReset", "(" + nk.array + "II)V", false);
        nest.open(qGroup, qGroup + 1);
        // row = state + lanes * accumulator(q, e)
        mv.visitVarInsn(ILOAD, nest.local[qGroup]);
        iconst(e);
        mv.visitMethodInsn(INVOKESTATIC, CASCADE, "accumulator", "(II)I", false);
        iconst(lanes);
        mv.visitInsn(IMUL);
        iconst(state);
        mv.visitInsn(IADD);
        mv.visitVarInsn(ISTORE, row);
        perTerm.run();
        int lg = groups - 1;   // the innermost lane loop
        nest.open(qGroup + 1, Math.max(lg, qGroup + 1));
        if (vector != null && vterm != null && lg > qGroup && laneForm[nest.last[lg]] == 1
                && nest.ext[lg] >= VectorLowering.preferred(nk).lanes() && vterm.supports(nest.last[lg])) {
            // the vector path: row[j] += term_j, lane by lane (the same additions), then the scalar tail
            int var = nest.last[lg];
            VectorLowering.Shape s = VectorLowering.preferred(nk);
            vector.loop(nest, lg, s, () -> {
                // term + row: the term (of an exact class, VectorLowering.push) is the receiver; + commutes bit for bit
                vterm.push(s, var);
                vector.load(s, () -> {
                    workspace(nk);
                    nest.index(0, laneForm);
                    mv.visitVarInsn(ILOAD, row);
                    mv.visitInsn(IADD);
                });
                vector.binary(s, "add");
                vector.store(s, () -> {
                    workspace(nk);
                    nest.index(0, laneForm);
                    mv.visitVarInsn(ILOAD, row);
                    mv.visitInsn(IADD);
                });
            });
            nest.resume = lg;
        }
        nest.open(Math.max(lg, qGroup + 1), groups);
        workspace(nk);
        nest.index(0, laneForm);
        mv.visitVarInsn(ILOAD, row);
        mv.visitInsn(IADD);
        mv.visitInsn(DUP2);
        mv.visitInsn(nk.aload);
        term.run();
        mv.visitInsn(nk.add);
        mv.visitInsn(nk.astore);
        nest.close(qGroup + 1, groups);
        if (e > Summation.BLOCK) { // after a full block: laneBlockEnd(ws, state, lanes, q / BLOCK + 1)
            Label skip = new Label();
            mv.visitVarInsn(ILOAD, nest.local[qGroup]);
            iconst(Summation.BLOCK - 1);
            mv.visitInsn(IAND);
            iconst(Summation.BLOCK - 1);
            mv.visitJumpInsn(IF_ICMPNE, skip);
            workspace(nk);
            iconst(state);
            iconst(lanes);
            mv.visitVarInsn(ILOAD, nest.local[qGroup]);
            iconst(Cascade.LOG_BLOCK);
            mv.visitInsn(IUSHR);
            mv.visitInsn(ICONST_1);
            mv.visitInsn(IADD);
            mv.visitMethodInsn(INVOKESTATIC, CASCADE, "laneBlockEnd", "(" + nk.array + "III)V", false);
            mv.visitLabel(skip);
        }
        nest.close(qGroup, qGroup + 1);
        workspace(nk);
        iconst(state);
        iconst(lanes);
        iconst(e);
        t.pushArray();
        nest.index(t.offset(), outerForm);
        mv.visitMethodInsn(INVOKESTATIC, CASCADE, "laneFinish", "(" + nk.array + "III" + nk.array + "I)V", false);
        nest.close(0, qGroup);
        sealed = false;
    }

    /**
     * C[m,n] = A[m,k] B[k,n], each element the dot product of {@link Summation} over k (products
     * rounded, no fma). With n = 1: one sum per row in locals ({@link #innerSum}), or, when A is
     * read column-contiguous (A = Xᵀ, {@link Plan#matmulRowLanes}), k outermost and the rows of C
     * as contiguous lanes ({@link #lanes}: the same sums, the same bits). Otherwise an
     * i-k-j nest whose j loop is contiguous and vectorised: lanes over j ({@link #lanes}); under
     * 4 terms (all to accumulator 0) the row of C accumulates directly in k order from -0.0.
     */
    private void matmulKernel(int v, boolean toLocal) {
        if (!toLocal && p.gemm(v)) { // the vector path's register-blocked kernel (issue 13)
            gemm.kernel(v);
            return;
        }
        Node nd = p.node(v);
        int a = nd.arg(0), b = nd.arg(1);
        int k = p.type(a).dim(1);
        int n = p.type(b).dim(1);
        collect(v);
        int[] store = {n, 0, 1};
        Target t = toLocal ? null : ownBuffer(v);
        prepareLeaves();
        if (t != null) t.prepare();
        Access accA = Access.axes(3, 0, 1), accB = Access.axes(3, 1, 2);
        Num nk = num(v);
        if (p.matmulRowLanes(v)) { // Xᵀ·g: k outside, the rows of C as contiguous lanes inside
            Nest nest = new Nest(p.kernelExtents(v), forms, false, new int[] {1, 0, 2}, new boolean[3]);
            int bq = newLocal(v);
            lanes(v, nest, 1, k, store, t, () -> {
                value(b, accB, nest);
                mv.visitVarInsn(nk.store, bq);
            }, () -> {
                value(a, accA, nest);
                mv.visitVarInsn(nk.load, bq);
                mv.visitInsn(nk.mul);
            }, new LaneTerm() {
                public boolean supports(int var) { return vector.supports(a, false, accA, nest, var, nk); }
                public void push(VectorLowering.Shape s, int var) {
                    vector.push(a, false, accA, nest, var, s);
                    vector.broadcastLocal(s, bq);
                    vector.binary(s, "mul");
                }
            });
            return;
        }
        Nest nest = new Nest(p.kernelExtents(v), forms, false);
        int result = toLocal ? newLocal(v) : -1;
        if (n == 1 && k > 1) {
            int acc = newLocal(v);
            sealed = true;
            nest.openVar(0);
            VectorLowering.Term vterm = vector != null && nk == Num.F64 && vector.supports(a, false, accA, nest, 1, nk)
                    && vector.supports(b, false, accB, nest, 1, nk) ? s -> {
                vector.push(a, false, accA, nest, 1, s);
                vector.push(b, false, accB, nest, 1, s);
                vector.binary(s, "mul");
            } : null;
            innerSum(nest, nest.group[1], k, p.scratchOffset[v], acc, nk, () -> {
                value(a, accA, nest);
                value(b, accB, nest);
                mv.visitInsn(nk.mul);
            }, vterm, false);   // a product of two reads: no transcendental
            if (toLocal) {
                mv.visitVarInsn(nk.load, acc);
                mv.visitVarInsn(nk.store, result);
            } else {
                t.pushArray();
                nest.index(t.offset(), store);
                mv.visitVarInsn(nk.load, acc);
                mv.visitInsn(t.kind().astore);
            }
            nest.closeVar(0);
            sealed = false;
        } else if (n == 1) { // k = 1: -0.0 + a * b
            sealed = true;
            nest.openVar(0);
            t.pushArray();
            nest.index(t.offset(), store);
            nk.constant(mv, -0.0);
            value(a, accA, nest);
            value(b, accB, nest);
            mv.visitInsn(nk.mul);
            mv.visitInsn(nk.add);
            mv.visitInsn(t.kind().astore);
            nest.closeVar(0);
            sealed = false;
        } else if (k >= 4) {
            int aik = newLocal(v);
            lanes(v, nest, 1, k, store, t, () -> {
                value(a, accA, nest);
                mv.visitVarInsn(nk.store, aik);
            }, () -> {
                mv.visitVarInsn(nk.load, aik);
                value(b, accB, nest);
                mv.visitInsn(nk.mul);
            }, new LaneTerm() {
                public boolean supports(int var) { return vector.supports(b, false, accB, nest, var, nk); }
                public void push(VectorLowering.Shape s, int var) {
                    vector.broadcastLocal(s, aik);
                    vector.push(b, false, accB, nest, var, s);
                    vector.binary(s, "mul");
                }
            });
        } else {
            int aik = newLocal(v);
            sealed = true;
            nest.openVar(0);
            nest.openVar(2);
            t.pushArray();
            nest.index(t.offset(), store);
            nk.constant(mv, -0.0);
            mv.visitInsn(nk.astore);
            nest.closeVar(2);
            nest.openVar(1);
            value(a, accA, nest);
            mv.visitVarInsn(nk.store, aik);
            nest.openVar(2);
            t.pushArray();
            nest.index(t.offset(), store);
            mv.visitInsn(DUP2);
            mv.visitInsn(nk.aload);
            mv.visitVarInsn(nk.load, aik);
            value(b, accB, nest);
            mv.visitInsn(nk.mul);
            mv.visitInsn(nk.add);
            mv.visitInsn(nk.astore);
            nest.closeVar(2);
            nest.closeVar(1);
            nest.closeVar(0);
            sealed = false;
        }
        if (toLocal) {
            local[v] = result;
            chunkValues.add(v);
        }
    }

    /** A lane loop's term in vectors (the vector path): whether it can be, and the code. */
    interface LaneTerm {
        boolean supports(int var);
        void push(VectorLowering.Shape s, int var);
    }

    /** -0.0 is the identity of IEEE addition (a sum of one -0.0 stays -0.0), as the interpreter's. */
    private void reduceInit(Prim prim, Num k) {
        k.constant(mv, prim == Prim.REDUCE_SUM ? -0.0 : Double.NEGATIVE_INFINITY);
    }

    private void reduceOp(Prim prim, Num k) {
        if (prim == Prim.REDUCE_SUM) mv.visitInsn(k.add);
        else mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "max", k.binary(), false);
    }

    /**
     * The loops of one kernel. Loop variables of extent 1 get no loop (their index is 0);
     * adjacent variables are merged into one loop when every array access is contiguous
     * across them, so a plain elementwise chain is a single flat counted loop.
     */
    final class Nest {
        final int[] varExt;     // variable -> extent
        final int[] group;      // variable -> group, -1 for extent 1
        final int[] last;       // group -> its innermost variable
        final int[] ext;        // group -> trip count
        final int[] local;      // group -> int local
        final Label[] head, end;
        int inner = -1;
        int delta;
        /** A group whose next opening keeps its index (the vector loop left it at the tail), or -1. */
        int resume = -1;

        Nest(int[] varExt, List<int[]> forms, boolean merge) {
            this(varExt, forms, merge, null, new boolean[varExt.length]);
        }

        /**
         * {@code order}: the loop order of the variables, outermost first (null: their own order);
         * {@code barrier[l]}: variable l never merges into the loop before it (nor, when l has
         * extent 1 and no loop, does the next variable that has one). A sum uses barriers so
         * that its loop structure, and so its order, follows the reduced shape alone.
         */
        Nest(int[] varExt, List<int[]> forms, boolean merge, int[] order, boolean[] barrier) {
            int vars = varExt.length;
            this.varExt = varExt.clone();
            group = new int[vars];
            int[] lastTmp = new int[vars], extTmp = new int[vars];
            int count = 0;
            boolean pending = false;
            for (int i = 0; i < vars; i++) {
                int l = order == null ? i : order[i];
                group[l] = -1;
                pending |= barrier[l];
                if (varExt[l] == 1) continue;
                if (merge && count > 0 && !pending && mergeable(forms, lastTmp[count - 1], l, varExt[l])) {
                    group[l] = count - 1;
                    lastTmp[count - 1] = l;
                    extTmp[count - 1] *= varExt[l];
                } else {
                    group[l] = count;
                    lastTmp[count] = l;
                    extTmp[count] = varExt[l];
                    count++;
                }
                pending = false;
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
            if (resume == g) {
                resume = -1;
            } else {
                mv.visitInsn(ICONST_0);
                mv.visitVarInsn(ISTORE, local[g]);
            }
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
    void value(int v, Access acc, Nest nest) {
        if (p.isLeaf(v)) readLeaf(v, acc, nest);
        else expand(v, acc, nest);
    }

    /** The access of operand i of v, given v's. */
    Access argAccess(int v, int i, Access acc, Nest nest) {
        return index.argAccess(v, i, acc, nest);
    }

    void expand(int v, Access acc, Nest nest) {
        Node nd = p.node(v);
        switch (nd.prim().family) {
            case UNARY, BINARY -> {
                boolean widen = inDouble(nd.prim()) && num(v) == Num.F32;
                for (int i = 0; i < nd.arity(); i++) {
                    value(nd.arg(i), argAccess(v, i, acc, nest), nest);
                    if (widen) mv.visitInsn(F2D);   // exact: the rule runs in double, rounded once after
                }
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
                condition(nd.arg(0), argAccess(v, 0, acc, nest), nest, no);
                value(nd.arg(1), argAccess(v, 1, acc, nest), nest);
                mv.visitJumpInsn(GOTO, done);
                mv.visitLabel(no);
                value(nd.arg(2), argAccess(v, 2, acc, nest), nest);
                mv.visitLabel(done);
            }
            case SHAPE -> index.shape(v, acc, nest);
            case CONCAT -> index.concat(v, acc, nest);
            case CONVERT -> {
                value(nd.arg(0), argAccess(v, 0, acc, nest), nest);
                convert(nd.arg(0), v);
            }
            case LEAF, REDUCE, MATMUL, SCATTER, CONTRACT -> throw new AssertionError(nd + " is always stored, never fused");
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
        value(nd.arg(0), argAccess(c, 0, acc, nest), nest);
        value(nd.arg(1), argAccess(c, 1, acc, nest), nest);
        // As javac compiles them: NaN makes every comparison false (xcmpl gives -1, xcmpg 1).
        // {compare instruction, jump-if-false}; a switch expression, so a new primitive must be listed
        Num k = num(nd.arg(0));
        int[] insns = switch (nd.prim()) {
            case GT -> new int[] {k.cmpl, IFLE};
            case GE -> new int[] {k.cmpl, IFLT};
            case LT -> new int[] {k.cmpg, IFGE};
            case LE -> new int[] {k.cmpg, IFGT};
            case EQ -> new int[] {k.cmpl, IFNE};
            case INPUT, CONST, NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, POW, STOP_GRADIENT, CONVERT,
                 ADD, SUB, MUL, DIV, MAX, MIN, SELECT, BROADCAST, RESHAPE, TRANSPOSE, REDUCE_SUM, REDUCE_MAX, MATMUL,
                 EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC, FLOOR, ROUND, ATAN2, POWER, SLICE, PAD, GATHER, SCATTER_ADD, CONCAT, DOT_GENERAL ->
                    throw new IllegalStateException("not a comparison: " + nd);
        };
        mv.visitInsn(insns[0]);
        mv.visitJumpInsn(insns[1], no);
    }

    /**
     * The arithmetic of an elementwise primitive whose operands are on the stack, in the
     * result's dtype. Transcendentals are the IR's rule: in float32 {@code Ops} (double, rounded
     * once); in float64 {@code Math} itself, and {@code Ops}' double forms where Math has none.
     */
    private void arithmetic(Node nd) {
        Num k = num(nd.id());
        boolean done = switch (nd.prim()) {
            case NEG -> insn(k.neg);
            case EXP -> transcendental("exp", k);
            case LOG -> transcendental("log", k);
            case LOG1P -> transcendental("log1p", k);
            case SIN -> transcendental("sin", k);
            case COS -> transcendental("cos", k);
            case TANH -> transcendental("tanh", k);
            case SIGMOID -> ops("sigmoid", k);
            case SOFTPLUS -> ops("softplus", k);
            case SQRT -> transcendental("sqrt", k);
            case ABS -> math("abs", k.unary());
            case POW -> pow(nd.exponent(), k);
            case STOP_GRADIENT -> true;
            case ADD -> insn(k.add);
            case SUB -> insn(k.sub);
            case MUL -> insn(k.mul);
            case DIV -> insn(k.div);
            case MAX -> math("max", k.binary());
            case MIN -> math("min", k.binary());
            case EXPM1 -> doubleRule("java/lang/Math", "expm1", 1, k);
            case SINH -> doubleRule("java/lang/Math", "sinh", 1, k);
            case COSH -> doubleRule("java/lang/Math", "cosh", 1, k);
            case LOG2 -> doubleRule(SPECIAL, "log2", 1, k);
            case LOG10 -> doubleRule("java/lang/Math", "log10", 1, k);
            case ERF -> doubleRule(SPECIAL, "erf", 1, k);
            case ERFC -> doubleRule(SPECIAL, "erfc", 1, k);
            case FLOOR -> doubleRule("java/lang/Math", "floor", 1, k);
            case ROUND -> doubleRule("java/lang/Math", "rint", 1, k);   // half to even, as torch.round
            case ATAN2 -> doubleRule("java/lang/Math", "atan2", 2, k);   // operand 0 is y, as torch.atan2
            case POWER -> doubleRule("java/lang/Math", "pow", 2, k);
            case INPUT, CONST, CONVERT, GT, GE, LT, LE, EQ, SELECT, BROADCAST, RESHAPE, TRANSPOSE, REDUCE_SUM, REDUCE_MAX, MATMUL,
                 SLICE, PAD, GATHER, SCATTER_ADD, CONCAT, DOT_GENERAL ->
                    throw new AssertionError(nd.prim() + " is not elementwise arithmetic");
        };
        assert done;
    }

    /**
     * CONVERT of the value of {@code from} on the stack to {@code to}'s dtype, as the IR's kernel:
     * float to double exact, double to float rounded (d2f), a bool to 0/1, a float to bool
     * x != 0 (NaN is true).
     */
    private void convert(int from, int to) {
        boolean fromBool = isBool(from), toBool = isBool(to);
        if (fromBool && toBool) return;
        if (fromBool) {
            mv.visitInsn(num(to).fromInt);
        } else if (toBool) {
            Num k = num(from);
            k.constant(mv, 0);
            mv.visitInsn(k.cmpl);      // -1, 0 or 1 (-1 for NaN)
            mv.visitInsn(ICONST_1);
            mv.visitInsn(IAND);        // 0 only for ±0: a bool is the int 0 or 1
        } else {
            num(from).convert(mv, num(to));
        }
    }

    static final String SPECIAL = "io/jgrad/runtime/SpecialFunctions";

    /**
     * The issue-10 elementwise primitives whose IR kernel is a double function (Kernels.unaryRule /
     * binaryRule): F32 operands are widened (exact) before {@link #doubleRule}, so the float32
     * result is the double result rounded once, as the IR's kernel.
     */
    private static boolean inDouble(Prim p) {
        return switch (p) {
            case EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC, FLOOR, ROUND, ATAN2, POWER -> true;
            case INPUT, CONST, NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, POW, STOP_GRADIENT, CONVERT,
                 ADD, SUB, MUL, DIV, MAX, MIN, GT, GE, LT, LE, EQ, SELECT, BROADCAST, RESHAPE, TRANSPOSE, SLICE, PAD, GATHER,
                 SCATTER_ADD, REDUCE_SUM, REDUCE_MAX, MATMUL, CONCAT, DOT_GENERAL -> false;
        };
    }

    /** Calls owner.fn on {@code arity} doubles on the stack (widened by expand in F32); rounds the result to float in F32. */
    private boolean doubleRule(String owner, String fn, int arity, Num k) {
        mv.visitMethodInsn(INVOKESTATIC, owner, fn, arity == 1 ? "(D)D" : "(DD)D", false);
        if (k == Num.F32) mv.visitInsn(D2F);
        return true;
    }

    private boolean insn(int opcode) {
        mv.visitInsn(opcode);
        return true;
    }

    private boolean ops(String fn, Num k) {
        mv.visitMethodInsn(INVOKESTATIC, ClassGen.OPS, fn, k.unary(), false);
        return true;
    }

    /** A function java.lang.Math has in double: called directly in F64, through Ops' float form in F32. */
    private boolean transcendental(String fn, Num k) {
        return k == Num.F64 ? math(fn, k.unary()) : ops(fn, k);
    }

    private boolean math(String fn, String desc) {
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", fn, desc, false);
        return true;
    }

    /** Exponents with an exactly equal cheaper form; Ops.pow (the IR's pow rule) for the rest. */
    private boolean pow(double e, Num k) {
        if (e == 1) return true; // Math.pow(x, 1) is x
        if (e == 0) { // x^0 is 1 for every x, NaN included
            mv.visitInsn(k.pop);
            k.constant(mv, 1);
        } else if (e == 2) { // the rule's x*x; in float, (double) x * x rounded equals the float product
            mv.visitInsn(k.dup);
            mv.visitInsn(k.mul);
        } else {
            mv.visitLdcInsn(e);
            mv.visitMethodInsn(INVOKESTATIC, ClassGen.OPS, "pow", "(" + k.desc + "D)" + k.desc, false);
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
        index.pushIndex(bufferOffset(v), acc, p.type(v), nest);
        Num arr = arrayKind(v);
        mv.visitInsn(arr.aload);
        fromArray(v, arr);
    }

    private void constant(Node c, int i) {
        double d = c.constAt(i);
        if (c.type().dtype() == DType.BOOL) mv.visitInsn(d != 0 ? ICONST_1 : ICONST_0);
        else Num.of(c.type().dtype()).constant(mv, d);
    }

    boolean isBool(int v) { return p.type(v).dtype() == DType.BOOL; }

    /** The JVM kind of a float value (not for a bool, which is an int). */
    Num num(int v) { return Num.of(p.type(v).dtype()); }

    /** A new local for value v: one slot for a float or a bool, two for a double. */
    int newLocal(int v) {
        int l = nextLocal;
        nextLocal += isBool(v) ? 1 : num(v).slots;
        return l;
    }

    void load(int v, int l) { mv.visitVarInsn(isBool(v) ? ILOAD : num(v).load, l); }

    void store(int v, int l) { mv.visitVarInsn(isBool(v) ? ISTORE : num(v).store, l); }

    /**
     * The element kind of the array a buffer v is read from: the function's dtype for an
     * INPUT or an output, the constant's own for a CONST, v's workspace region's for the rest.
     */
    Num arrayKind(int v) {
        Node nd = p.node(v);
        if (nd.prim() == Prim.INPUT || p.destOutput[v] >= 0) return cg.io;
        if (nd.prim() == Prim.CONST) return ClassGen.constantKind(nd);
        return p.storage(v);
    }

    /** Pushes the workspace region of kind {@code kind}: the body's float[] or double[] parameter. */
    void workspace(Num kind) {
        mv.visitVarInsn(ALOAD, kind == Num.F64 ? P_WSD : P_WSF);
    }

    /** Value v on the stack, made ready to store in an array of kind arr: a bool becomes 0/1; a float value is of that kind already. */
    void toArray(int v, Num arr) {
        if (isBool(v)) mv.visitInsn(arr.fromInt);
        else if (num(v) != arr) throw new AssertionError("%" + v + " (" + p.type(v) + ") stored in a " + arr.array + " array");
    }

    /** An element just loaded from an array of kind arr, as value v: a bool's 0/1 becomes the int 0/1 (x != 0). */
    private void fromArray(int v, Num arr) {
        if (isBool(v)) {
            arr.constant(mv, 0);
            mv.visitInsn(arr.cmpl);
        } else if (num(v) != arr) {
            throw new AssertionError("%" + v + " (" + p.type(v) + ") read from a " + arr.array + " array");
        }
    }

    // ---------------------------------------------------------------- values and arrays

    /** Makes a one-element value available in a local before any loop or branch reads it. */
    void prepareScalar(int v) {
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
            mv.visitInsn(cg.io.aload);
            fromArray(c, cg.io);
        } else {
            if (spill[c] < 0) throw new AssertionError("%" + c + " is neither in this chunk nor spilled");
            Num kind = p.storage(c);
            workspace(kind);
            iconst(spill[c]);
            mv.visitInsn(kind.aload);
            fromArray(c, kind);
        }
        int l = newLocal(c);
        store(c, l);
        local[c] = l;
        loaded.add(c);
    }

    void pushScalar(int v) {
        int c = p.canon[v];
        Node nd = p.node(c);
        if (nd.prim() == Prim.CONST) {
            constant(nd, 0);
            return;
        }
        if (local[c] < 0) throw new AssertionError("%" + c + " was not prepared");
        load(c, local[c]);
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
            loaded.add(v);
        } else if (p.mat[v] && p.destOutput[v] > 0) {
            gradArray(p.destOutput[v]);
        }
    }

    /** The local holding grads[i] for output k, loaded once per chunk (outputs stored into one array share it). */
    private int gradArray(int k) {
        int a = p.gradInput[k];
        if (gradLocal[a] >= 0) return gradLocal[a];
        if (sealed) throw new AssertionError("load of grads array inside a loop");
        mv.visitVarInsn(ALOAD, P_GRADS);
        iconst(a);
        mv.visitInsn(AALOAD);
        int l = nextLocal++;
        mv.visitVarInsn(ASTORE, l);
        gradLocal[a] = l;
        return l;
    }

    void pushArray(int v) {
        Node nd = p.node(v);
        if (nd.prim() == Prim.INPUT) {
            if (nd.inputIndex() == p.seedInput) mv.visitVarInsn(ALOAD, P_SEED);
            else mv.visitVarInsn(ALOAD, arrayLocal[v]);
        } else if (nd.prim() == Prim.CONST) {
            mv.visitFieldInsn(GETSTATIC, cg.name, cg.constantField(nd), ClassGen.constantKind(nd).array);
        } else if (p.destOutput[v] == 0) {
            mv.visitVarInsn(ALOAD, P_OUT);
        } else if (p.destOutput[v] > 0) {
            mv.visitVarInsn(ALOAD, gradArray(p.destOutput[v]));
        } else {
            workspace(p.storage(v));
        }
    }

    int bufferOffset(int v) {
        Node nd = p.node(v);
        if (nd.prim() == Prim.INPUT || nd.prim() == Prim.CONST || p.destOutput[v] >= 0) return 0;
        return p.wsOffset[v];
    }

    // ---------------------------------------------------------------- constants

    void iconst(int i) {
        Insns.iconst(mv, i);
    }
}
