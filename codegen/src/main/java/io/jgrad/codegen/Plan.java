package io.jgrad.codegen;

import io.jgrad.runtime.Cascade;
import io.jgrad.runtime.DType;
import io.jgrad.runtime.Gemm;
import io.jgrad.runtime.Summation;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Node;
import io.jgrad.ir.Prim;
import io.jgrad.ir.Type;

import java.util.ArrayList;
import java.util.List;

/**
 * The schedule of one graph, decided before any bytecode is written: which values live in
 * JVM locals (every one-element value), which tensors get a buffer of their own (a kernel
 * statement), which are fused into the loops of their consumers, the statement order, and
 * the workspace offset of every planned buffer (liveness-based reuse).
 *
 * <p>A tensor is fused (never stored) when it is elementwise or a view (broadcast, reshape,
 * transpose, slice, gather, pad, concat: {@link Access}) used once; it gets a buffer when it is
 * an output, a reduction, a matmul, a scatter_add or a dot_general, used more than once (unless
 * it is a free view of buffers), the right operand of a matmul (read
 * m times), a fused expression grown past {@link #FUSE_CAP} operations, or the operand of a
 * RESHAPE whose index cannot be expressed as coordinates of that operand.
 *
 * <p>Sums and matmuls add in {@link Summation}'s order; a kernel that keeps part of that
 * order's state in memory ({@link Cascade}: block-sum stacks, accumulator rows of lanes) gets
 * {@link #scratchFloats} elements at {@link #scratchOffset}, one region after all buffers that
 * every such statement reuses.
 *
 * <p>The workspace has two regions, a float[] and a double[]: every stored value lives in the
 * one of its own dtype ({@link #storage}; a bool in the function's, as 0/1), so storing never
 * rounds and an f32 sum's state is float arithmetic in any function.
 */
final class Plan {
    enum Kind {
        /** compute a one-element value into a local */
        SCALAR,
        /** compute a tensor into its buffer */
        KERNEL,
        /** copy a value that is an INPUT, a CONST or already stored, into output k's array */
        COPY,
        /** store a one-element value into output k's array (k >= 1) */
        STORE
    }

    record Stmt(Kind kind, int node, int output) {}

    /** Most operations fused into one loop body: bounds a kernel's bytecode well under a chunk. */
    static final int FUSE_CAP = 40;

    /** Receives every leaf a kernel reads, with the access it reads it through. */
    interface LeafSink {
        void leaf(int node, Access access);

        /** A coordinate form a guard tests (a pad's or a concatenation's): loops merge only where it stays exact. */
        default void guard(int[] form) {}
    }

    final Graph g;
    final int n;
    /** INPUT index of the seed (read from the seed argument), or -1. */
    final int seedInput;
    /** Output k >= 1 is the gradient of this function input. */
    final int[] gradInput;
    final int[] uses;
    final boolean[] scalar;
    final int[] canon;
    final boolean[] mat;
    final int[] destOutput;
    final int[] wsOffset;
    final int[] fusedSize;
    /** Workspace offset of a sum's or matmul's {@link Cascade} state (live during its statement only), or -1. */
    final int[] scratchOffset;
    final List<Stmt> stmts = new ArrayList<>();
    /**
     * A split plan (the Jacobian's passes): values that depend on an INPUT of index
     * {@code passFrom} or above are the pass part, recomputed each pass; the others are the
     * prefix, computed once. The prefix statements come first ({@code stmts[0, splitAt)}); a
     * prefix value the pass part reads stays live to the end (its buffer or spill slot is never
     * reused), and a one-element value output is stored by a statement too. -1: not split.
     */
    final int passFrom;
    final boolean[] dependent;
    int splitAt = -1;
    /**
     * Per output k, the element of its array a one-element output k >= 1 is stored into (STORE);
     * null: element 0. The Jacobian's fused rows store row r of a one-element block at element r
     * of that block (DerivedCode), so the body writes the caller's blocks directly.
     */
    int[] storeElement;
    /**
     * Where BodyEmitter ends a chunk method: past this many bytecode bytes, after a statement.
     * The default leaves room for any one statement under HotSpot's 8,000-byte compile limit;
     * a body of one-element values and small loops (the Jacobian's fused rows) may use more,
     * so that fewer values are spilled between chunks.
     */
    int chunkBytes = Simd.enabled() ? BodyEmitter.VECTOR_CHUNK_BYTES : BodyEmitter.CHUNK_BYTES;
    /**
     * Whether chunks may also end at content-defined points ({@link ChunkCuts}, for chunk
     * templates) between chunkBytes / 2 and chunkBytes. False where chunkBytes is raised so that
     * the body fits one chunk (DerivedCode's small-value bodies): a cut there only spills values.
     */
    boolean contentDefinedCuts = true;
    /** Index of the last statement reading each value; stmts.size() for the returned value. */
    final int[] lastUse;
    /** The function's dtype: a bool is stored in its region. */
    final Num io;
    /** Elements of each region (by {@link Num#ordinal}) the planned buffers and states take. */
    final int[] tensorSize = new int[Num.values().length];

    Plan(Graph g, int seedInput, int[] gradInput, Num io) {
        this(g, seedInput, gradInput, io, -1);
    }

    Plan(Graph g, int seedInput, int[] gradInput, Num io, int passFrom) {
        this.io = io;
        this.g = g;
        this.passFrom = passFrom;
        this.n = g.size();
        this.seedInput = seedInput;
        this.gradInput = gradInput.clone();
        this.uses = g.useCounts();
        this.scalar = new boolean[n];
        this.canon = new int[n];
        this.mat = new boolean[n];
        this.destOutput = new int[n];
        this.wsOffset = new int[n];
        this.fusedSize = new int[n];
        this.lastUse = new int[n];
        this.dependent = new boolean[n];
        if (passFrom >= 0) {
            for (int v = 0; v < n; v++) {
                Node nd = g.node(v);
                boolean d = nd.prim() == Prim.INPUT && nd.inputIndex() >= passFrom;
                for (int a : nd.args()) d |= dependent[a];
                dependent[v] = d;
            }
        }
        this.scratchOffset = new int[n];
        java.util.Arrays.fill(scratchOffset, -1);
        java.util.Arrays.fill(destOutput, -1);
        java.util.Arrays.fill(wsOffset, -1);
        java.util.Arrays.fill(lastUse, -1);
        decideStorage();
        while (fixReshapes()) { /* each round gives one more operand a buffer */ }
        schedule();
        planWorkspace();
    }

    /** The workspace region (and array kind) value v is stored in: its own dtype's; a bool's is the function's. */
    Num storage(int v) {
        DType d = type(v).dtype();
        return d == DType.BOOL ? io : Num.of(d);
    }

    Node node(int v) { return g.node(v); }
    Type type(int v) { return g.type(v); }

    boolean isLeaf(int v) {
        Prim p = g.node(v).prim();
        return scalar[v] || p == Prim.INPUT || p == Prim.CONST || mat[v];
    }

    /** Read from a row-major array: a tensor INPUT, a non-uniform CONST or a stored tensor. */
    boolean isBuffer(int v) {
        if (scalar[v]) return false;
        Node nd = g.node(v);
        return nd.prim() == Prim.INPUT || (nd.prim() == Prim.CONST && !nd.isUniformConst()) || mat[v];
    }

    /** A primitive that only re-indexes (or passes through) its operands' elements: index arithmetic in its consumer's loop. */
    static boolean isView(Prim p) {
        return switch (p) {
            case BROADCAST, RESHAPE, TRANSPOSE, STOP_GRADIENT, SLICE, PAD, GATHER, CONCAT -> true;
            case INPUT, CONST, NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, POW, CONVERT,
                 ADD, SUB, MUL, DIV, MAX, MIN, GT, GE, LT, LE, EQ, SELECT, REDUCE_SUM, REDUCE_MAX, MATMUL,
                 EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC, FLOOR, ROUND, ATAN2, POWER, SCATTER_ADD, DOT_GENERAL -> false;
        };
    }

    private boolean cheapView(int v) {
        Node nd = g.node(v);
        if (!isView(nd.prim())) return false;
        for (int a : nd.args()) if (!isLeaf(a) && !cheapView(a)) return false;
        return true;
    }

    /** A matmul's right operand is read once per row of the result: it must cost a load. */
    private boolean cheapRight(int v) {
        if (isLeaf(v)) return true;
        Node nd = g.node(v);
        return (nd.prim() == Prim.RESHAPE || nd.prim() == Prim.STOP_GRADIENT) && cheapRight(nd.arg(0));
    }

    private void decideStorage() {
        boolean[] isOutput = new boolean[n];
        for (int o : g.outputs()) isOutput[o] = true;
        for (int v = 0; v < n; v++) {
            Node nd = g.node(v);
            Prim p = nd.prim();
            scalar[v] = nd.type().size() == 1;
            canon[v] = v;
            // a one-element view of a one-element value is that value (a slice or a gather of a tensor is not)
            if (scalar[v] && isView(p) && nd.arity() == 1 && scalar[nd.arg(0)]) canon[v] = canon[nd.arg(0)];
            if (scalar[v] || p == Prim.INPUT || p == Prim.CONST) continue;
            if (isOutput[v] || p.family == Prim.Family.REDUCE || p == Prim.MATMUL || p == Prim.SCATTER_ADD || p == Prim.DOT_GENERAL) mat[v] = true;
            else if (uses[v] > 1 && !cheapView(v)) mat[v] = true;
            if (p == Prim.MATMUL && !cheapRight(nd.arg(1))) mat[nd.arg(1)] = true;
            // A sum unrolls its operand's expression four times: store one too large for that.
            if (p == Prim.REDUCE_SUM && !isLeaf(nd.arg(0)) && fusedSize[nd.arg(0)] > BodyEmitter.UNROLL_CAP) mat[nd.arg(0)] = true;
            if (!mat[v]) {
                int size = p == Prim.CONCAT ? nd.arity() : 1;   // a concatenation tests its coordinate per operand
                for (int a : nd.args()) if (!isLeaf(a)) size += fusedSize[a];
                fusedSize[v] = size;
                if (size > FUSE_CAP) mat[v] = true;
            }
        }
    }

    /** One round of giving a buffer to RESHAPE operands that index arithmetic cannot reach. */
    private boolean fixReshapes() {
        for (int v = 0; v < n; v++) {
            if (!hasKernel(v)) continue;
            int fail = walkKernel(v, (leaf, acc) -> {});
            if (fail >= 0) {
                if (mat[fail]) throw new IllegalStateException("no access reaches an operand of %" + fail + " in the kernel of %" + v);
                mat[fail] = true;
                return true;
            }
        }
        return false;
    }

    /**
     * v is computed by a loop nest: a stored tensor, or a one-element value of a tensor (a
     * reduction, a product, a scatter, or a slice or gather read at one point).
     */
    boolean hasKernel(int v) {
        Node nd = g.node(v);
        if (nd.prim() == Prim.INPUT || nd.prim() == Prim.CONST) return false;
        if (!scalar[v]) return mat[v];
        if (canon[v] != v) return false;
        for (int a : nd.args()) if (!scalar[a]) return true;
        return false;
    }

    /** The extents of the loop variables of v's kernel. */
    int[] kernelExtents(int v) {
        Node nd = g.node(v);
        return switch (nd.prim().family) {
            case REDUCE -> type(nd.arg(0)).shape();
            case MATMUL -> new int[] {type(nd.arg(0)).dim(0), type(nd.arg(0)).dim(1), type(nd.arg(1)).dim(1)};
            case LEAF, UNARY, CONVERT, BINARY, COMPARE, SELECT, SHAPE, CONCAT -> type(v).shape();
            case SCATTER -> type(nd.arg(0)).shape();
            case CONTRACT -> ContractionLowering.extents(this, v);
        };
    }

    /** Walks the fused expression of v's kernel; returns -1, or an operand that needs a buffer. */
    int walkKernel(int v, LeafSink sink) {
        Node nd = g.node(v);
        int[] ext = kernelExtents(v);
        int[] vars = new int[ext.length];
        for (int a = 0; a < vars.length; a++) vars[a] = a;
        return switch (nd.prim().family) {
            case REDUCE -> walk(nd.arg(0), Access.axes(ext.length, vars), ext, sink);
            case MATMUL -> {
                int r = walk(nd.arg(0), Access.axes(3, 0, 1), ext, sink);
                yield r >= 0 ? r : walk(nd.arg(1), Access.axes(3, 1, 2), ext, sink);
            }
            case LEAF, UNARY, CONVERT, BINARY, COMPARE, SELECT, SHAPE -> expand(v, Access.axes(ext.length, vars), ext, sink);
            case SCATTER -> walk(nd.arg(0), Access.axes(ext.length, vars), ext, sink);
            case CONCAT -> { // one loop nest per operand, over its own shape (IndexLowering.concatKernel)
                for (int i = 0; i < nd.arity(); i++) {
                    int a = nd.arg(i);
                    int[] ae = type(a).shape();
                    int r = walk(a, IndexLowering.identity(ae.length), ae, sink);
                    if (r >= 0) yield r;
                }
                yield -1;
            }
            case CONTRACT -> {
                for (int i = 0; i < 2; i++) {
                    int a = nd.arg(i);
                    Access direct = ContractionLowering.direct(this, v, i);
                    int r = direct != null ? walk(a, direct, ext, sink)
                            : walk(a, ContractionLowering.copyAccess(this, v, i), ContractionLowering.copyExtents(this, v, i), sink);
                    if (r >= 0) yield r;
                }
                yield -1;
            }
        };
    }

    /** Where operand i of a CONCAT starts along its axis. */
    int concatOffset(Node nd, int i) {
        int axis = nd.ints()[0], off = 0;
        for (int j = 0; j < i; j++) off += type(nd.arg(j)).dim(axis);
        return off;
    }

    /** A one-element value or a splat constant: read without an index, so any access reaches it. */
    boolean constantEverywhere(int v) {
        return scalar[v] || (g.node(v).prim() == Prim.CONST && g.node(v).isUniformConst());
    }

    int walk(int v, Access acc, int[] ext, LeafSink sink) {
        if (isLeaf(v)) {
            sink.leaf(v, acc);
            return -1;
        }
        return expand(v, acc, ext, sink);
    }

    private int expand(int v, Access acc, int[] ext, LeafSink sink) {
        Node nd = g.node(v);
        if (nd.prim() == Prim.PAD || nd.prim() == Prim.CONCAT) sink.guard(acc.coords[nd.ints()[0]]);
        for (int i = 0; i < nd.arity(); i++) {
            int a = nd.arg(i);
            Access aa = constantEverywhere(a) ? acc : Access.ofArg(nd, type(v), type(a), acc, ext, isBuffer(a), nd.prim() == Prim.CONCAT ? concatOffset(nd, i) : 0);
            // a reshape nothing can follow: its operand gets a buffer; if it has one (a reshape of a
            // gathered coordinate), the reshape itself does
            if (aa == null) return isLeaf(a) ? v : a;
            int r = walk(a, aa, ext, sink);
            if (r >= 0) return r;
        }
        return -1;
    }

    private void schedule() {
        List<Stmt> pass = new ArrayList<>();
        for (int v = 0; v < n; v++) {
            Node nd = g.node(v);
            if (nd.prim() == Prim.INPUT || nd.prim() == Prim.CONST) continue;
            List<Stmt> into = dependent[v] ? pass : stmts;
            if (scalar[v]) {
                if (canon[v] == v) into.add(new Stmt(Kind.SCALAR, v, -1));
            } else if (mat[v]) {
                into.add(new Stmt(Kind.KERNEL, v, -1));
            }
        }
        // Outputs: a stored tensor's first occurrence is computed straight into its array.
        for (int k = 0; k < g.outputCount(); k++) {
            int o = g.output(k);
            if (mat[o] && destOutput[o] < 0) destOutput[o] = k;
        }
        for (int k = 0; k < g.outputCount(); k++) {
            int o = g.output(k);
            List<Stmt> into = dependent[o] ? pass : stmts;
            if (scalar[o]) {
                // a one-element value is returned by the body, unless split: the prefix stores it
                if (k > 0 || passFrom >= 0) into.add(new Stmt(Kind.STORE, o, k));
            } else if (destOutput[o] != k) {
                into.add(new Stmt(Kind.COPY, o, k));
            }
        }
        if (passFrom >= 0) splitAt = stmts.size();
        stmts.addAll(pass);
        for (int s = 0; s < stmts.size(); s++) {
            final int at = s;
            LeafSink mark = (leaf, acc) -> use(leaf, at);
            Stmt st = stmts.get(s);
            Node nd = g.node(st.node());
            switch (st.kind()) {
                case SCALAR -> {
                    if (hasKernel(st.node())) walkKernel(st.node(), mark);
                    else for (int a : nd.args()) use(a, s);
                }
                case KERNEL -> walkKernel(st.node(), mark);
                case COPY, STORE -> use(st.node(), s);
            }
        }
        if (scalar[g.output(0)]) use(g.output(0), stmts.size());
    }

    private void use(int v, int s) {
        int c = scalar[v] ? canon[v] : v;
        // a prefix value read by the passes is read again by every pass: it lives to the end
        if (splitAt >= 0 && s >= splitAt && !dependent[c]) s = stmts.size();
        lastUse[c] = Math.max(lastUse[c], s);
    }

    /** The largest workspace (one float[] or double[]), leaving room for the chunks' scalar slots. */
    static final int MAX_WORKSPACE_FLOATS = Integer.MAX_VALUE - 1_000_000;

    /**
     * Linear scan over the statements, per region: a buffer is freed after its last reader
     * (before the statement after it), first fit. O(statements · log buffers): the buffers to
     * free are bucketed by that statement instead of rescanning every live buffer each time.
     */
    private void planWorkspace() {
        FreeList[] regions = new FreeList[Num.values().length];
        for (int r = 0; r < regions.length; r++) regions[r] = new FreeList();
        int count = stmts.size();
        // freeAt[s]: the buffers released before statement s, linked through nextFree
        int[] freeAt = new int[count], nextFree = new int[n];
        java.util.Arrays.fill(freeAt, -1);
        java.util.function.LongConsumer check = Plan::checkWorkspace;
        for (int s = 0; s < count; s++) {
            for (int v = freeAt[s]; v >= 0; v = nextFree[v]) regions[storage(v).ordinal()].release(wsOffset[v], type(v).size());
            Stmt st = stmts.get(s);
            int v = st.node();
            boolean kernel = st.kind() == Kind.KERNEL || (st.kind() == Kind.SCALAR && hasKernel(v));
            if (st.kind() == Kind.KERNEL && destOutput[v] < 0) {
                wsOffset[v] = regions[storage(v).ordinal()].allocate(type(v).size(), check);
                int at = Math.max(lastUse[v], s) + 1;   // freed once no statement from here on reads it
                if (at < count) {
                    nextFree[v] = freeAt[at];
                    freeAt[at] = v;
                }
            }
            if (kernel && scratchFloats(v) > 0) scratchOffset[v] = 0; // placed below
        }
        // Cascade states live during their own statement only: they share one region after the
        // buffers, so the buffers keep the offsets (and the alignment) they would have without.
        // A sum's state is of the sum's dtype.
        int[] scratch = new int[regions.length];
        for (int v = 0; v < n; v++) {
            if (scratchOffset[v] < 0) continue;
            int r = storage(v).ordinal();
            scratchOffset[v] = regions[r].top;
            scratch[r] = Math.max(scratch[r], scratchFloats(v));
        }
        for (int r = 0; r < regions.length; r++) {
            checkWorkspace((long) regions[r].top + scratch[r]);
            tensorSize[r] = regions[r].top + scratch[r];
        }
    }

    private static void checkWorkspace(long elements) {
        if (elements > MAX_WORKSPACE_FLOATS) {
            throw new IllegalArgumentException("this function needs a workspace of more than " + MAX_WORKSPACE_FLOATS
                    + " elements (its intermediate values); a Java array holds at most that many: use smaller shapes");
        }
    }

    // ---------------------------------------------------------------- sums (Summation's order)

    /**
     * How a REDUCE_SUM kernel loops; the order of its additions is {@link Summation}'s either way.
     * Returns the axis it sums in lanes — its one reduced axis of extent > 1, when a kept axis of
     * extent > 1 follows it (a column sum: the loop over the kept axes after it stays innermost
     * and contiguous, each lane a sum of its own) — or -1: every reduced axis loops inside the
     * kept ones (the innermost reduced axis innermost), each output one sum in locals.
     */
    int laneAxis(int v) {
        Node nd = g.node(v);
        Type xt = type(nd.arg(0));
        boolean[] reduced = reducedAxes(nd, xt.rank());
        int only = -1, count = 0;
        for (int a = 0; a < xt.rank(); a++) {
            if (reduced[a] && xt.dim(a) > 1) {
                only = a;
                count++;
            }
        }
        if (count != 1) return -1;
        for (int a = only + 1; a < xt.rank(); a++) if (!reduced[a] && xt.dim(a) > 1) return only;
        return -1;
    }

    /**
     * A matrix-vector product C[m,1] = A[m,k] b[k] whose A is read with its rows strided and its
     * columns contiguous (A = Xᵀ: the backward Xᵀ·g of a linear layer with one output): it runs
     * in lanes over i (the k loop outside, the i loop inside and contiguous), each lane the same
     * {@link Summation} of its k products as the row-by-row dot product, so the same bits.
     */
    boolean matmulRowLanes(int v) {
        Node nd = g.node(v);
        if (nd.prim() != Prim.MATMUL || !hasKernel(v) || scalar[v]) return false;
        Type at = type(nd.arg(0));
        if (type(nd.arg(1)).dim(1) != 1 || at.dim(1) < 4 || at.dim(0) < 2) return false;
        boolean[] seen = new boolean[2];   // {a leaf read along k with stride, a leaf read across k contiguously}
        walk(nd.arg(0), Access.axes(3, 0, 1), kernelExtents(v), (leaf, acc) -> {
            if (!isBuffer(leaf)) return;
            int[] f = acc.flatForm(type(leaf));
            if (f[1] != 0 && f[0] >= f[1]) seen[0] = true;
            if (f[1] > 1 && f[0] >= 1 && f[0] < f[1]) seen[1] = true;
        });
        return seen[1] && !seen[0];
    }

    /**
     * A matmul the vector path's register-blocked kernel computes ({@link GemmLowering}): the
     * choice {@link Gemm#uses} makes for the interpreter and the eager engine too (F32 and F64
     * above its size threshold, jdk.incubator.vector present), so they all give the same bits.
     */
    boolean gemm(int v) {
        Node nd = g.node(v);
        if (nd.prim() != Prim.MATMUL || !hasKernel(v) || scalar[v]) return false;
        DType d = type(v).dtype();
        if (d != DType.F32 && d != DType.F64) return false;
        return Gemm.uses(type(nd.arg(0)).dim(0), type(nd.arg(0)).dim(1), type(nd.arg(1)).dim(1));
    }

    static boolean[] reducedAxes(Node nd, int rank) {
        boolean[] reduced = new boolean[rank];
        for (int a : nd.axes()) reduced[a] = true;
        return reduced;
    }

    /** Elements (of v's dtype) of {@link Cascade} state v's kernel needs (0: none; it accumulates in locals or in its result). */
    int scratchFloats(int v) {
        Node nd = g.node(v);
        if (!hasKernel(v)) return 0;
        if (nd.prim() == Prim.DOT_GENERAL) return ContractionLowering.scratch(this, v);
        if (nd.prim() == Prim.MATMUL) {
            int k = type(nd.arg(0)).dim(1), cols = type(nd.arg(1)).dim(1);
            if (gemm(v)) return Gemm.scratch(type(v).dtype() == DType.F64, type(nd.arg(0)).dim(0), k, cols);
            if (matmulRowLanes(v)) return Cascade.laneStateSize(k, type(nd.arg(0)).dim(0));
            if (cols == 1) return k > Summation.BLOCK ? Cascade.depth(k) : 0;
            return k < 4 ? 0 : Cascade.laneStateSize(k, cols);
        }
        if (nd.prim() != Prim.REDUCE_SUM) return 0;
        Type xt = type(nd.arg(0));
        int lane = laneAxis(v);
        if (lane >= 0) {
            int e = xt.dim(lane), lanes = 1;
            for (int a = lane + 1; a < xt.rank(); a++) lanes *= xt.dim(a);
            return e < 4 ? 0 : Cascade.laneStateSize(e, lanes);
        }
        boolean[] reduced = reducedAxes(nd, xt.rank());
        int inner = -1, outer = 1;
        for (int a = xt.rank() - 1; a >= 0; a--) {
            if (!reduced[a] || xt.dim(a) == 1) continue;
            if (inner < 0) inner = a;
            else outer *= xt.dim(a);
        }
        if (inner < 0) return 0;
        int e = xt.dim(inner);
        return (e > Summation.BLOCK ? Cascade.depth(e) : 0) + (outer > 1 ? Cascade.stateSize(outer) : 0);
    }
}
