package io.jgrad.codegen;

import io.jgrad.runtime.DType;
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
 * transpose) used once; it gets a buffer when it is an output, a reduction or a matmul, used
 * more than once (unless it is a free view of a buffer), the right operand of a matmul (read
 * m times), a fused expression grown past {@link #FUSE_CAP} operations, or the operand of a
 * RESHAPE whose index cannot be expressed as coordinates of that operand.
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
    final List<Stmt> stmts = new ArrayList<>();
    /** Index of the last statement reading each value; stmts.size() for the returned value. */
    final int[] lastUse;
    int tensorFloats;

    Plan(Graph g, int seedInput, int[] gradInput) {
        this.g = g;
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
        java.util.Arrays.fill(destOutput, -1);
        java.util.Arrays.fill(wsOffset, -1);
        java.util.Arrays.fill(lastUse, -1);
        for (Node nd : g.nodes()) {
            if (nd.type().dtype() == DType.F64) throw new IllegalArgumentException("codegen computes f32 only; " + nd + " is f64");
        }
        decideStorage();
        while (fixReshapes()) { /* each round gives one more operand a buffer */ }
        schedule();
        planWorkspace();
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

    /** A primitive that only re-indexes (or passes through) its operand's elements. */
    private static boolean isView(Prim p) {
        return switch (p) {
            case BROADCAST, RESHAPE, TRANSPOSE, STOP_GRADIENT -> true;
            case INPUT, CONST, NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, POW, CONVERT,
                 ADD, SUB, MUL, DIV, MAX, MIN, GT, GE, LT, LE, EQ, SELECT, REDUCE_SUM, REDUCE_MAX, MATMUL -> false;
            case EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC, FLOOR, ROUND, ATAN2, POWER, SLICE, PAD, GATHER, SCATTER_ADD, CONCAT, DOT_GENERAL -> throw new IllegalArgumentException(p.text + ": not lowered yet");   // PLACEHOLDER (opsir): the codegen engineer lowers the issue-10 primitives
        };
    }

    private boolean cheapView(int v) {
        Node nd = g.node(v);
        if (!isView(nd.prim())) return false;
        int a = nd.arg(0);
        return isLeaf(a) || cheapView(a);
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
            if (scalar[v] && isView(p)) canon[v] = canon[nd.arg(0)];
            if (scalar[v] || p == Prim.INPUT || p == Prim.CONST) continue;
            if (isOutput[v] || p.family == Prim.Family.REDUCE || p == Prim.MATMUL) mat[v] = true;
            else if (uses[v] > 1 && !cheapView(v)) mat[v] = true;
            if (p == Prim.MATMUL && !cheapRight(nd.arg(1))) mat[nd.arg(1)] = true;
            // A sum unrolls its operand's expression four times: store one too large for that.
            if (p == Prim.REDUCE_SUM && !isLeaf(nd.arg(0)) && fusedSize[nd.arg(0)] > BodyEmitter.UNROLL_CAP) mat[nd.arg(0)] = true;
            if (!mat[v]) {
                int size = 1;
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
                mat[fail] = true;
                return true;
            }
        }
        return false;
    }

    /** v is computed by a loop nest: a stored tensor, or a one-element reduction or matmul of a tensor. */
    boolean hasKernel(int v) {
        Node nd = g.node(v);
        if (nd.prim() == Prim.INPUT || nd.prim() == Prim.CONST) return false;
        if (!scalar[v]) return mat[v];
        return canon[v] == v && (nd.prim().family == Prim.Family.REDUCE || nd.prim() == Prim.MATMUL) && !scalar[nd.arg(0)];
    }

    /** The extents of the loop variables of v's kernel. */
    int[] kernelExtents(int v) {
        Node nd = g.node(v);
        return switch (nd.prim().family) {
            case REDUCE -> type(nd.arg(0)).shape();
            case MATMUL -> new int[] {type(nd.arg(0)).dim(0), type(nd.arg(0)).dim(1), type(nd.arg(1)).dim(1)};
            case LEAF, UNARY, BINARY, COMPARE, SELECT, SHAPE -> type(v).shape();
            case SCATTER, CONCAT, CONTRACT -> throw new IllegalArgumentException(nd.prim().text + ": not lowered yet");   // PLACEHOLDER (opsir): the codegen engineer lowers the issue-10 primitives
            case CONVERT -> throw new IllegalArgumentException("convert: not lowered yet");   // PLACEHOLDER (ircore): the codegen engineer lowers CONVERT (issue 9)
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
            case LEAF, UNARY, BINARY, COMPARE, SELECT, SHAPE -> expand(v, Access.axes(ext.length, vars), ext, sink);
            case SCATTER, CONCAT, CONTRACT -> throw new IllegalArgumentException(nd.prim().text + ": not lowered yet");   // PLACEHOLDER (opsir): the codegen engineer lowers the issue-10 primitives
            case CONVERT -> throw new IllegalArgumentException("convert: not lowered yet");   // PLACEHOLDER (ircore): the codegen engineer lowers CONVERT (issue 9)
        };
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
        for (int i = 0; i < nd.arity(); i++) {
            int a = nd.arg(i);
            Access aa = scalar[a] ? acc : Access.ofArg(nd, type(v), type(a), acc, ext, isBuffer(a));
            if (aa == null) return a;
            int r = walk(a, aa, ext, sink);
            if (r >= 0) return r;
        }
        return -1;
    }

    private void schedule() {
        for (int v = 0; v < n; v++) {
            Node nd = g.node(v);
            if (nd.prim() == Prim.INPUT || nd.prim() == Prim.CONST) continue;
            if (scalar[v]) {
                if (canon[v] == v) stmts.add(new Stmt(Kind.SCALAR, v, -1));
            } else if (mat[v]) {
                stmts.add(new Stmt(Kind.KERNEL, v, -1));
            }
        }
        // Outputs: a stored tensor's first occurrence is computed straight into its array.
        for (int k = 0; k < g.outputCount(); k++) {
            int o = g.output(k);
            if (mat[o] && destOutput[o] < 0) destOutput[o] = k;
        }
        for (int k = 0; k < g.outputCount(); k++) {
            int o = g.output(k);
            if (scalar[o]) {
                if (k > 0) stmts.add(new Stmt(Kind.STORE, o, k));
            } else if (destOutput[o] != k) {
                stmts.add(new Stmt(Kind.COPY, o, k));
            }
        }
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
        lastUse[c] = Math.max(lastUse[c], s);
    }

    /** The largest workspace (one float[]), leaving room for the chunks' scalar slots. */
    static final int MAX_WORKSPACE_FLOATS = Integer.MAX_VALUE - 1_000_000;

    /** Linear scan over the statements: a buffer is freed after its last reader, first fit. */
    private void planWorkspace() {
        List<int[]> free = new ArrayList<>(); // {offset, length}, sorted by offset
        List<Integer> live = new ArrayList<>();
        int top = 0;
        for (int s = 0; s < stmts.size(); s++) {
            for (int i = live.size() - 1; i >= 0; i--) {
                int v = live.get(i);
                if (lastUse[v] < s) {
                    live.remove(i);
                    release(free, wsOffset[v], type(v).size());
                }
            }
            Stmt st = stmts.get(s);
            if (st.kind() != Kind.KERNEL || destOutput[st.node()] >= 0) continue;
            int v = st.node();
            int size = type(v).size();
            int off = -1;
            for (int i = 0; i < free.size(); i++) {
                int[] f = free.get(i);
                if (f[1] >= size) {
                    off = f[0];
                    if (f[1] == size) free.remove(i);
                    else { f[0] += size; f[1] -= size; }
                    break;
                }
            }
            if (off < 0) {
                off = top;
                if ((long) top + size > MAX_WORKSPACE_FLOATS) {
                    throw new IllegalArgumentException("this function needs a workspace of more than " + MAX_WORKSPACE_FLOATS
                            + " floats (its intermediate values); a Java float[] holds at most that many: use smaller shapes");
                }
                top += size;
            }
            wsOffset[v] = off;
            live.add(v);
        }
        tensorFloats = top;
    }

    private static void release(List<int[]> free, int off, int len) {
        int i = 0;
        while (i < free.size() && free.get(i)[0] < off) i++;
        free.add(i, new int[] {off, len});
        if (i + 1 < free.size() && free.get(i)[0] + free.get(i)[1] == free.get(i + 1)[0]) {
            free.get(i)[1] += free.get(i + 1)[1];
            free.remove(i + 1);
        }
        if (i > 0 && free.get(i - 1)[0] + free.get(i - 1)[1] == free.get(i)[0]) {
            free.get(i - 1)[1] += free.get(i)[1];
            free.remove(i);
        }
    }
}
