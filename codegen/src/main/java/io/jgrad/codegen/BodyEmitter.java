package io.jgrad.codegen;

import io.jgrad.runtime.Cascade;
import io.jgrad.runtime.DType;
import io.jgrad.ir.Node;
import io.jgrad.ir.Prim;
import io.jgrad.ir.Type;
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
 * loops over arrays ({@link LoopNest}): a fused expression is evaluated per element, with
 * broadcasting, transposition and reshapes as index arithmetic (see {@link Access}).
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
    /** Sums of fused expressions up to this size are emitted in place (the term's code 5 times: {@link SumLowering#innerSum}). */
    static final int UNROLL_CAP = 24;

    /** The body parameters: inputs, the workspace's float and double regions, seed, output, grads. */
    static final int P_IN = 0, P_WSF = 1, P_WSD = 2, P_SEED = 3, P_OUT = 4, P_GRADS = 5, FIRST_LOCAL = 6;

    /** The class the current chunk goes to: the main class, or this body's open chunk class once the main class is full. */
    ClassGen cg;
    private final ChunkClasses classes;
    final Plan p;

    MethodVisitor mv;
    private SizeCounter counter;
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
    final VectorLowering vector;

    final IndexLowering index = new IndexLowering(this);
    private final ContractionLowering contraction = new ContractionLowering(this);
    final GemmLowering gemm = new GemmLowering(this);
    final SumLowering sums;
    private final MatmulLowering matmul;
    private final ExpressionLowering expressions;

    /** {@code work}: {@link VectorLowering#work} of the function's forward graph, the same for all its bodies. */
    BodyEmitter(ClassGen cg, Plan p, String name, long work) {
        this.cg = cg;
        this.classes = new ChunkClasses(cg, name);
        this.p = p;
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
        this.vector = Simd.enabled() ? new VectorLowering(this, work) : null;
        this.cuts = new ChunkCuts(p, classes.templatesOn && p.contentDefinedCuts);
        this.sums = new SumLowering(this);
        this.matmul = new MatmulLowering(this);
        this.expressions = new ExpressionLowering(this);
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
        emitStatements(0, p.stmts.size(), true);
        return classes.mainDriver("");
    }

    /**
     * Emits a split plan ({@link Plan#splitAt}): returns {prefix driver, pass driver}. The prefix
     * computes everything that does not depend on the pass inputs, once; the pass driver the
     * rest, and returns the value output when it is one element. The chunk boundary falls
     * exactly at the split, so every prefix scalar the passes read is spilled there.
     */
    String[] emitSplit() {
        if (p.splitAt < 0) throw new IllegalStateException("not a split plan");
        emitStatements(0, p.splitAt, false);
        String prefix = classes.mainDriver("pre");
        emitStatements(p.splitAt, p.stmts.size(), true);
        return new String[] {prefix, classes.mainDriver("pass")};
    }

    /**
     * Statements [from, to) as chunks, a chunk cut wherever {@link #chunkFull} says and after
     * the last; {@code last}: the body ends there (its final chunk returns the value output).
     * The chunk classes opened are closed and the main class's chunks written, so a driver can
     * call them.
     */
    private void emitStatements(int from, int to, boolean last) {
        startChunk(from);
        for (int s = from; s < to; s++) {
            statement(p.stmts.get(s));
            if (s + 1 < to && chunkFull(s + 1)) {
                endChunk(s, false);
                startChunk(s + 1);
            }
        }
        endChunk(to - 1, last);
        classes.finishStatements();
    }

    // ---------------------------------------------------------------- chunks

    /** Starts a chunk at statement {@code firstStmt}. */
    void startChunk(int firstStmt) {
        String method = classes.nextChunk();
        cg = classes.classFor(method);
        cuts.started(firstStmt);
        counter = new SizeCounter(classes.start(cg, method));
        mv = counter;
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
        classes.end(cg, offset());
    }

    // ---------------------------------------------------------------- statements

    private void statement(Plan.Stmt st) {
        int v = st.node();
        switch (st.kind()) {
            case SCALAR -> scalarStatement(v);
            case KERNEL -> {
                if (!index.emptyKernel(v, false)) switch (p.node(v).prim().family) {
                    case REDUCE -> sums.reduceKernel(v, false);
                    case MATMUL -> matmul.kernel(v, false);
                    case UNARY, CONVERT, BINARY, COMPARE, SELECT, SHAPE -> expressions.kernel(v, true, ownBuffer(v));
                    case SCATTER -> index.scatterKernel(v, false);
                    case CONCAT -> index.concatKernel(v);
                    case CONTRACT -> contraction.kernel(v, false);
                    case LEAF -> throw new IllegalStateException("a leaf has no kernel: " + p.node(v));
                }
            }
            case COPY -> expressions.kernel(v, false, outputArray(st.output()));
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
                case MATMUL -> matmul.kernel(v, true);
                case REDUCE -> sums.reduceKernel(v, true);
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
                sums.reduceInit(nd.prim(), num(v));
                pushScalar(nd.arg(0));
                sums.reduceOp(nd.prim(), num(v));
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

    // ---------------------------------------------------------------- expressions

    /** Pushes v at the element the access denotes: float, or int 0/1 for a bool. */
    void value(int v, Access acc, LoopNest nest) {
        if (p.isLeaf(v)) readLeaf(v, acc, nest);
        else expand(v, acc, nest);
    }

    /** The access of operand i of v, given v's. */
    Access argAccess(int v, int i, Access acc, LoopNest nest) {
        return index.argAccess(v, i, acc, nest);
    }

    void expand(int v, Access acc, LoopNest nest) {
        expressions.expand(v, acc, nest);
    }

    void readLeaf(int v, Access acc, LoopNest nest) {
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
