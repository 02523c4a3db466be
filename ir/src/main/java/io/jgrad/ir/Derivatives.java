package io.jgrad.ir;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Forward mode and second derivatives as IR → IR passes, made from the VJP rules alone
 * ({@link Prim#vjp}): no primitive has a second rule to keep in step with its first.
 *
 * <p>The one idea is transposition. A VJP graph computes {@code v ↦ Jᵀv}, a map that is linear
 * in the cotangent v: every VJP rule is linear in ḡ (ḡ·cos x, ḡ/b, select(c, ḡ, 0), a sum, a
 * matmul with a forward value). Walking that linear computation backwards — the ordinary
 * reverse walk ({@link Adjoint#backward}) seeded at its outputs and differentiated with respect
 * to v — computes its transpose {@code u ↦ (Jᵀ)ᵀu = J·u}, the forward-mode tangent. The transposed
 * rules only ever multiply by forward values (the derivative of ḡ·cos x with respect to ḡ is
 * cos x), so the v-dependent nodes of the VJP graph become dead and dead code elimination
 * leaves the forward computation, each rule's coefficient once, and the tangents flowing in
 * input-to-output order: the operation count of a hand-written JVP. Any primitive added later
 * with a linear VJP rule gets forward mode for free, and forward and reverse mode agree by
 * construction (⟨u, Jᵀv⟩ = ⟨Ju, v⟩ up to rounding).
 *
 * <p>Graphs returned here are not optimised (as {@link Adjoint#of}); run {@link Optimizer} on them.
 */
public final class Derivatives {
    private Derivatives() {}

    /** How {@link #hvp} builds the Hessian-vector product. */
    public enum HvpMode {
        /** The gradient of ⟨∇f, v⟩: reverse mode applied to the reverse-mode graph (H symmetric). */
        REVERSE_OVER_REVERSE,
        /** The tangent of ∇f along v: the transpose of reverse-over-reverse, i.e. forward over reverse. */
        FORWARD_OVER_REVERSE
    }

    /**
     * The forward-mode graph of {@code forward} (one output, any shape).
     * <ul>
     *   <li>inputs: the forward's inputs (indices 0..n-1), then one tangent per input i with
     *       {@code wrt[i]}, in input order, at indices n, n+1, ..., of that input's type, named
     *       {@code t_<input name>};</li>
     *   <li>outputs: the value, then {@code jvp} = Σ_i (d output / d input i) · tangent_i, of the
     *       output's type (a zero constant when the output depends on no differentiated input).</li>
     * </ul>
     */
    public static Graph jvp(Graph forward, boolean[] wrt) {
        int n = check(forward, wrt, false);
        int output = forward.output(0);
        Type outType = forward.type(output);
        int k = count(wrt);
        Builder b = copy(forward);
        // The cotangent v of v ↦ Jᵀv: an input for the duration of the pass, dead at its end.
        int cotangent = b.input(n + k, "cotangent", outType);
        int[] adjoint = Adjoint.backward(b, forward.nodes(), output, cotangent, wrt);
        List<Integer> linearOutputs = new ArrayList<>(), tangents = new ArrayList<>();
        int j = 0;
        for (Node in : forward.inputs()) {
            if (!wrt[in.inputIndex()]) continue;
            int t = b.input(n + j++, "t_" + in.name(), in.type());
            int d = in.id() < adjoint.length ? adjoint[in.id()] : -1;
            if (d >= 0) {
                linearOutputs.add(d);
                tangents.add(t);
            }
        }
        int tangent = transpose(b, linearOutputs, tangents, new int[] {cotangent})[0];
        if (tangent < 0) tangent = Prim.splat(b, 0, outType);
        Graph g = b.build(new int[] {output, tangent}, distinct(forward.outputName(0), List.of("jvp")));
        return strip(g, n + k);
    }

    /**
     * Every row of the Jacobian of {@code forward} (one output of m elements) in one graph: the
     * forward values once, then m reverse walks, walk r seeded with the constant e_r (row r =
     * e_rᵀJ, the VJP along e_r). Nothing is looped or stored between walks, and the optimiser
     * shares what the walks have in common (every rule's coefficient, cos x for sin, 1/z for a
     * quotient) through common subexpression elimination: a small Jacobian costs the forward
     * pass plus m adjoint sweeps of linear operations, as by hand.
     * <ul>
     *   <li>inputs: the forward's inputs;</li>
     *   <li>outputs: the value, then for r = 0..m-1 and each input i with {@code wrt[i]}, in
     *       input order, {@code d<r>_<name>} = row r of d output / d input i, of input i's type
     *       (a zero constant when output element r does not depend on it).</li>
     * </ul>
     * The graph has m·(adjoint) nodes: meant for small m (the caller bounds it).
     */
    public static Graph jacobianRows(Graph forward, boolean[] wrt) {
        check(forward, wrt, false);
        int output = forward.output(0);
        Type outType = forward.type(output);
        int m = outType.size();
        Builder b = copy(forward);
        List<Node> diff = new ArrayList<>();
        for (Node in : forward.inputs()) if (wrt[in.inputIndex()]) diff.add(in);
        int[] outs = new int[1 + m * diff.size()];
        List<String> names = new ArrayList<>();
        outs[0] = output;
        for (int r = 0, k = 1; r < m; r++) {
            double[] e = new double[m];
            e[r] = 1;
            int seed = b.constant(outType, e);
            int[] adjoint = Adjoint.backward(b, forward.nodes(), output, seed, wrt);
            for (Node in : diff) {
                int d = in.id() < adjoint.length ? adjoint[in.id()] : -1;
                outs[k++] = d >= 0 ? d : Prim.splat(b, 0, in.type());
                names.add("d" + r + "_" + in.name());
            }
        }
        return b.build(outs, distinct(forward.outputName(0), names));
    }

    /** How {@link #jacobianColumns} assigns columns to lanes. */
    public enum Columns {
        /** One lane per column, chunks of consecutive columns. */
        DENSE,
        /** Columns coloured by the structural pattern ({@link ColumnColouring}) whenever the analysis covers the graph. */
        COLOURED,
        /** Coloured when the modelled work is less than dense lanes', else dense. */
        AUTO
    }

    /** {@link #jacobianColumns(Graph, boolean[], int, int, Columns)} with dense lanes and no chunk limit. */
    public static Graph jacobianColumns(Graph forward, boolean[] wrt, int maxLanes) {
        return jacobianColumns(forward, wrt, maxLanes, Integer.MAX_VALUE, Columns.DENSE);
    }

    /**
     * Every column of the Jacobian of {@code forward} in one graph by batched forward mode (JAX's
     * jacfwd = vmap(jvp)): the forward values once, and each tangent value of the forward-mode
     * graph ({@link #jvp}) carrying a batch of L tangents along a trailing lane axis
     * ({@link Batching}). Which columns the lanes carry is a {@link ColumnColouring}: dense, lane
     * c of the differentiated inputs' tangents is the one-hot direction e_c, in ceil(C / maxLanes)
     * chunks; coloured, lane k is the sum of the directions of the columns of colour k (columns
     * that share no row that can be nonzero, {@link Sparsity}) and the colours are grouped in
     * chunks by the values they reach. Each chunk is one more batched copy of the tangent part;
     * nothing is looped or stored between chunks.
     * <ul>
     *   <li>inputs: the forward's inputs;</li>
     *   <li>outputs: the value, then for each input i with {@code wrt[i]}, in input order,
     *       {@code d_<name>} = d output / d input i as [output shape..., size of input i]: row-major,
     *       the caller's [m × size] block itself (coloured: read out of the compressed lanes by
     *       one gather, a known-zero entry from a zero).</li>
     * </ul>
     * A chunk in which a tangent value can be nonzero along none of its columns treats it as a
     * symbolic zero (every tangent value is linear in the tangents): with the structural analysis
     * that is decided per value, without it per differentiated input. Null when the plan needs
     * more than {@code maxChunks} chunks.
     */
    public static Graph jacobianColumns(Graph forward, boolean[] wrt, int maxLanes, int maxChunks, Columns mode) {
        int n = check(forward, wrt, false);
        if (maxLanes < 1) throw new IllegalArgumentException("jacobianColumns: maxLanes must be positive, got " + maxLanes);
        if (mode == null) throw new IllegalArgumentException("jacobianColumns: mode is null");
        // the tangent of a concatenation or a stack is a sum of pads: one concatenation again (PadSums)
        Graph jvp = DeadCodeElimination.run(PadSums.run(Optimizer.optimize(jvp(forward, wrt))));
        List<Node> diff = new ArrayList<>();
        for (Node in : forward.inputs()) if (wrt[in.inputIndex()]) diff.add(in);
        int blocks = diff.size();
        int[] offset = new int[blocks + 1];
        for (int j = 0; j < blocks; j++) offset[j + 1] = offset[j] + diff.get(j).type().size();
        int columns = offset[blocks];
        int tangentOut = jvp.output(1);

        Sparsity sparsity = mode == Columns.DENSE ? null : Sparsity.of(jvp, n, offset, tangentOut);
        ColumnColouring plan = ColumnColouring.dense(columns, maxLanes);
        if (sparsity != null) {
            ColumnColouring coloured = ColumnColouring.of(sparsity, columns, maxLanes, maxChunks);
            if (coloured != null && (mode == Columns.COLOURED || plan.chunks.length > maxChunks
                    || coloured.cost(sparsity) < plan.cost(sparsity))) plan = coloured;
        }
        int chunks = plan.chunks.length;
        if (chunks > maxChunks) return null;

        // which tangent (block) each INPUT of the jvp graph is, and what depends on the tangents
        int size = jvp.size();
        int[] block = new int[size];
        boolean[] tangent = new boolean[size];
        java.util.Arrays.fill(block, -1);
        for (Node nd : jvp.nodes()) {
            if (nd.prim() == Prim.INPUT) {
                if (nd.inputIndex() >= n) {
                    block[nd.id()] = nd.inputIndex() - n;
                    tangent[nd.id()] = true;
                }
                continue;
            }
            for (int a : nd.rawArgs()) tangent[nd.id()] |= tangent[a];
        }
        // the primal part once, shared by every chunk
        Builder b = new Builder();
        int[] primal = new int[size];
        java.util.Arrays.fill(primal, -1);
        for (Node nd : jvp.nodes()) if (!tangent[nd.id()]) primal[nd.id()] = Rebuild.copy(b, nd, primal);
        int value = primal[jvp.output(0)];

        // per chunk: the output tangent [m..., lanes] (or -1: zero in this chunk)
        int[] chunkOut = new int[chunks];
        for (int c = 0; c < chunks; c++) {
            int lanes = Math.max(1, plan.chunks[c].length);
            long[] cols = sparsity == null ? null : plan.chunkColumns(c, sparsity.words);
            int[] map = new int[size];   // a lane-carrying id, or -1 for a symbolic zero
            java.util.Arrays.fill(map, -1);
            for (Node nd : jvp.nodes()) {
                int id = nd.id();
                if (!tangent[id] || (cols != null && !sparsity.touches(id, cols))) continue;
                if (nd.prim() == Prim.INPUT) {
                    map[id] = seed(b, nd.type(), offset[block[id]], plan, c);
                    continue;
                }
                map[id] = batched(b, jvp, nd, primal, map, tangent, lanes);
            }
            chunkOut[c] = tangent[tangentOut] ? map[tangentOut] : -1;
        }

        Type outType = jvp.type(tangentOut);
        int[] outs = new int[1 + blocks];
        List<String> names = new ArrayList<>();
        outs[0] = value;
        for (int j = 0; j < blocks; j++) names.add("d_" + diff.get(j).name());
        if (plan.isDense()) denseBlocks(b, plan, chunkOut, outType, offset, outs);
        else colouredBlocks(b, plan, sparsity, chunkOut, outType, offset, outs);
        return b.build(outs, distinct(forward.outputName(0), names));
    }

    /** Block j's output from dense chunks: the lanes of its columns, sliced and joined in order. */
    private static void denseBlocks(Builder b, ColumnColouring plan, int[] chunkOut, Type outType, int[] offset, int[] outs) {
        int last = outType.rank();
        for (int j = 0; j + 1 < offset.length; j++) {
            List<Integer> pieces = new ArrayList<>();
            for (int c = 0; c < chunkOut.length; c++) {
                int[] chunk = plan.chunks[c];
                if (chunk.length == 0) continue;
                int first = chunk[0], width = chunk.length;
                int lo = Math.max(offset[j], first), hi = Math.min(offset[j + 1], first + width);
                if (lo >= hi) continue;
                int piece;
                if (chunkOut[c] < 0) piece = Prim.splat(b, 0, outType.withShape(Batching.withLanes(outType.rawShape(), hi - lo)));
                else if (hi - lo == width) piece = chunkOut[c];
                else piece = b.slice(chunkOut[c], last, lo - first, hi - first);
                pieces.add(piece);
            }
            outs[1 + j] = pieces.size() == 1 ? pieces.get(0) : b.concat(last, toArray(pieces));
        }
    }

    /**
     * Block j's output from coloured chunks: every chunk's lanes flattened and joined, with one
     * zero after them, and entry (r, e) gathered from row r's lane of column offset[j] + e's
     * colour where row r can depend on that column, else from the zero.
     */
    private static void colouredBlocks(Builder b, ColumnColouring plan, Sparsity sparsity, int[] chunkOut, Type outType,
                                       int[] offset, int[] outs) {
        int m = outType.size();
        int[] base = new int[chunkOut.length + 1];
        int[] pieces = new int[chunkOut.length + 1];
        for (int c = 0; c < chunkOut.length; c++) {
            int lanes = Math.max(1, plan.chunks[c].length);
            pieces[c] = chunkOut[c] >= 0 ? b.reshape(chunkOut[c], m * lanes) : Prim.splat(b, 0, outType.withShape(m * lanes));
            base[c + 1] = base[c] + m * lanes;
        }
        int zero = base[chunkOut.length];
        pieces[chunkOut.length] = Prim.splat(b, 0, outType.withShape(1));
        int flat = b.concat(0, pieces);
        for (int j = 0; j + 1 < offset.length; j++) {
            int width = offset[j + 1] - offset[j];
            int[] from = new int[m * width];
            for (int r = 0; r < m; r++)
                for (int e = 0; e < width; e++) {
                    int col = offset[j] + e, k = plan.colour[col], c = plan.chunkOf[k];
                    from[r * width + e] = sparsity.at(r, col) ? base[c] + r * plan.chunks[c].length + plan.laneOf[k] : zero;
                }
            outs[1 + j] = b.reshape(b.gather(flat, 0, from), Batching.withLanes(outType.rawShape(), width));
        }
    }

    /**
     * The seed of chunk c for a tangent input of type t whose element e is column
     * {@code first + e}: [t..., lanes] with a 1 at (e, lane of e's colour) where that colour is in
     * the chunk; -1 when no element of the input is in the chunk (a symbolic zero).
     */
    private static int seed(Builder b, Type t, int first, ColumnColouring plan, int c) {
        int size = t.size(), lanes = Math.max(1, plan.chunks[c].length);
        double[] v = new double[size * lanes];
        boolean any = false;
        for (int e = 0; e < size; e++) {
            int k = plan.colour[first + e];
            if (plan.chunkOf[k] != c) continue;
            v[e * lanes + plan.laneOf[k]] = 1;
            any = true;
        }
        return any ? b.constantOwned(t.withShape(Batching.withLanes(t.rawShape(), lanes)), v) : -1;
    }

    /**
     * A tangent node of the jvp graph under batching, or -1 when all its tangent operands are
     * zero in this chunk (it is linear in them). A sum with one zero term is the other term; any
     * other zero operand next to a lane-carrying one is made a zero of the lane shape.
     */
    private static int batched(Builder b, Graph jvp, Node nd, int[] primal, int[] map, boolean[] tangent, int lanes) {
        int[] raw = nd.rawArgs();
        boolean anyLanes = false;
        for (int a : raw) anyLanes |= tangent[a] && map[a] >= 0;
        if (!anyLanes) return -1;
        if ((nd.prim() == Prim.ADD || nd.prim() == Prim.SUB) && tangent[raw[0]] && tangent[raw[1]]) {
            if (map[raw[1]] < 0) return map[raw[0]];
            if (map[raw[0]] < 0) return nd.prim() == Prim.ADD ? map[raw[1]] : b.unary(Prim.NEG, map[raw[1]]);
        }
        int[] args = new int[raw.length];
        boolean[] lanesIn = new boolean[raw.length];
        for (int i = 0; i < raw.length; i++) {
            int a = raw[i];
            if (!tangent[a]) {
                args[i] = primal[a];
                continue;
            }
            args[i] = map[a];
            lanesIn[i] = true;
        }
        for (int i = 0; i < raw.length; i++)
            if (args[i] < 0) {
                Type t = jvp.type(raw[i]);
                args[i] = Prim.splat(b, 0, t.withShape(Batching.withLanes(t.rawShape(), lanes)));
            }
        return Batching.apply(b, nd, args, lanesIn, lanes);
    }

    /**
     * The Hessian-vector product of a scalar {@code forward}.
     * <ul>
     *   <li>inputs: the forward's inputs (0..n-1), then one direction v_i per input i with
     *       {@code wrt[i]}, in input order, at indices n, n+1, ..., named {@code v_<input name>};</li>
     *   <li>outputs: the value, then for each input i with wrt[i], in input order,
     *       {@code hv_<name>} = Σ_j (d² f / d input_i d input_j) · v_j over the differentiated j
     *       (zero where f does not depend on input i).</li>
     * </ul>
     */
    public static Graph hvp(Graph forward, boolean[] wrt, HvpMode mode) {
        if (mode == null) throw new IllegalArgumentException("hvp: mode is null");
        int n = check(forward, wrt, true);
        int output = forward.output(0);
        int k = count(wrt);
        Builder b = copy(forward);
        int one = b.constant(forward.type(output), 1.0);
        int[] gradient = Adjoint.backward(b, forward.nodes(), output, one, wrt);
        List<Node> diff = new ArrayList<>();
        for (Node in : forward.inputs()) if (wrt[in.inputIndex()]) diff.add(in);
        // gradient nodes and their directions, where the gradient is not zero
        List<Integer> grads = new ArrayList<>(), dirs = new ArrayList<>();
        int[] v = new int[k];
        for (int j = 0; j < k; j++) {
            Node in = diff.get(j);
            v[j] = b.input(n + j, "v_" + in.name(), in.type());
            int d = in.id() < gradient.length ? gradient[in.id()] : -1;
            if (d >= 0) {
                grads.add(d);
                dirs.add(v[j]);
            }
        }
        int[] inputIds = new int[k];
        for (int j = 0; j < k; j++) inputIds[j] = diff.get(j).id();
        int[] hv;
        if (mode == HvpMode.REVERSE_OVER_REVERSE) {
            // H·v = ∇⟨∇f, v⟩ (H is symmetric, so this is also Hᵀ·v)
            hv = transpose(b, grads, dirs, inputIds);
        } else {
            // w ↦ H·w by reverse over reverse with stand-in directions w, then transposed along v:
            // the directions now flow forward through f and back through its adjoint.
            List<Integer> ws = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                Node in = diff.get(j);
                int w = b.input(n + k + j, "w_" + in.name(), in.type());
                if (gradient.length > in.id() && gradient[in.id()] >= 0) ws.add(w);
            }
            int[] hw = transpose(b, grads, ws, inputIds);
            List<Integer> hwOut = new ArrayList<>(), vIn = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                if (hw[j] < 0) continue;
                hwOut.add(hw[j]);
                vIn.add(v[j]);
            }
            int[] wIds = new int[k];
            for (int j = 0; j < k; j++) wIds[j] = firstInput(b, n + k + j);
            hv = transpose(b, hwOut, vIn, wIds);
        }
        int[] outs = new int[1 + k];
        List<String> names = new ArrayList<>();
        outs[0] = output;
        for (int j = 0; j < k; j++) {
            Node in = diff.get(j);
            outs[1 + j] = hv[j] >= 0 ? hv[j] : Prim.splat(b, 0, in.type());
            names.add("hv_" + in.name());
        }
        return strip(b.build(outs, distinct(forward.outputName(0), names)), n + k);
    }

    /**
     * The transpose of a computation linear in the values {@code of}: seeds each of
     * {@code outputs} with the matching {@code cotangents} and walks back (ids in b), returning per
     * entry of {@code of} its adjoint (Σ over outputs of the transposed map), or -1 for zero.
     */
    static int[] transpose(Builder b, List<Integer> outputs, List<Integer> cotangents, int[] of) {
        int[] result = new int[of.length];
        java.util.Arrays.fill(result, -1);
        if (outputs.isEmpty()) return result;
        boolean[] marked = new boolean[b.size()];
        for (int id : of) marked[id] = true;
        int[] adjoint = Adjoint.backward(b, b.nodes(), toArray(outputs), toArray(cotangents), marked);
        for (int i = 0; i < of.length; i++) result[i] = of[i] < adjoint.length ? adjoint[of[i]] : -1;
        return result;
    }

    /** The forward graph's input count, after checking it has one output (a scalar if asked) and a flag per input. */
    private static int check(Graph forward, boolean[] wrt, boolean scalar) {
        if (forward == null) throw new IllegalArgumentException("derivatives: the forward graph is null");
        int n = forward.inputs().size();
        if (forward.outputCount() != 1)
            throw new IllegalArgumentException("derivatives: the forward graph needs exactly one output, has " + forward.outputCount());
        if (wrt == null || wrt.length != n)
            throw new IllegalArgumentException("derivatives: wrt needs one flag per input (" + n + "), got " + (wrt == null ? "null" : wrt.length));
        Type out = forward.type(forward.output(0));
        if (scalar && !out.isScalar())
            throw new IllegalArgumentException("hvp: the function must have a scalar output, it is " + out
                    + " (a Hessian-vector product is of a scalar function; reduce the output first)");
        return n;
    }

    private static Builder copy(Graph forward) {
        Builder b = new Builder();
        for (Node nd : forward.nodes()) {   // the copy keeps every id, as Adjoint.of
            int id = b.add(nd.prim(), nd.rawArgs(), nd.type(), nd.rawInts(), nd.rawData(), nd.name());
            if (id != nd.id()) throw new AssertionError("copy must keep ids");
        }
        return b;
    }

    private static int firstInput(Builder b, int index) {
        for (Node nd : b.nodes()) if (nd.prim() == Prim.INPUT && nd.inputIndex() == index) return nd.id();
        throw new AssertionError("no input " + index);
    }

    private static int count(boolean[] wrt) {
        int c = 0;
        for (boolean w : wrt) if (w) c++;
        return c;
    }

    private static int[] toArray(List<Integer> l) {
        int[] a = new int[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = l.get(i);
        return a;
    }

    /** The value's name, then the others made distinct from it and from each other. */
    private static String[] distinct(String value, List<String> others) {
        String[] names = new String[1 + others.size()];
        names[0] = value;
        Set<String> taken = new HashSet<>(List.of(value));
        for (int i = 0; i < others.size(); i++) {
            String name = others.get(i);
            for (int s = 1; !taken.add(name); s++) name = others.get(i) + "_" + s;
            names[1 + i] = name;
        }
        return names;
    }

    /**
     * g without its inputs of index {@code keep} and above: the stand-ins a transposition used,
     * which nothing reads once the dead nodes are gone.
     */
    private static Graph strip(Graph g, int keep) {
        Graph live = DeadCodeElimination.run(g);
        Builder b = new Builder();
        int[] map = new int[live.size()];
        for (Node nd : live.nodes()) {
            if (nd.prim() == Prim.INPUT && nd.inputIndex() >= keep) {
                map[nd.id()] = -1;
                continue;
            }
            int[] args = Rebuild.remap(nd, map);
            for (int a : args) if (a < 0) throw new AssertionError("a transposition left a stand-in input in use: " + nd);
            map[nd.id()] = b.add(nd.prim(), args, nd.type(), nd.rawInts(), nd.rawData(), nd.name());
        }
        int[] outs = live.outputs();
        for (int i = 0; i < outs.length; i++) {
            outs[i] = map[outs[i]];
            if (outs[i] < 0) throw new AssertionError("a transposition returned a stand-in input");
        }
        return b.build(outs, live.outputNames());
    }
}
