package io.jgrad.codegen;

import io.jgrad.ir.Adjoint;
import io.jgrad.ir.Derivatives;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Optimizer;
import io.jgrad.ir.Type;
import io.jgrad.runtime.DType;
import io.jgrad.runtime.Derived;
import io.jgrad.runtime.DerivedFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes a compiled function's derivative kernels when the runtime first asks (each once, under
 * the Compiled's lock): derives the graph from the optimised forward graph (ir
 * {@link Derivatives}, {@link Adjoint}), optimises it, and generates a hidden class extending
 * {@link Derived} with the same backend as the function itself. Holds only the forward graph
 * and the signature, so {@link CodeGen#compile} pays nothing for it.
 *
 * <ul>
 *   <li>jvp: the forward-mode graph; tangents are inputs n.. (the runtime passes the inputs and
 *       the tangents in one array), the output tangent goes to grads[0].</li>
 *   <li>hvp: by {@link #HVP_MODE}; directions are inputs n.., H·v goes to grads[i].</li>
 *   <li>jacobian: reverse passes (the VJP graph, seed = e_r) when the output has no more
 *       elements than the requested inputs together, else forward columns: one body whose
 *       tangents travel in at most {@link #MAX_CHUNKS} chunks of {@link #LANES} lanes
 *       ({@link Derivatives#jacobianColumns}), a lane per colour of the columns where the
 *       Jacobian's structural pattern lets columns share one ({@link #COLUMNS}), else a lane per
 *       column; past that looped passes of the JVP graph (one
 *       tangent = e_c); a split plan computes the forward values once. Up to
 *       {@link #FUSED_ROWS} reverse rows are one body instead ({@link Derivatives#jacobianRows}).
 *       Every Jacobian kernel carries its unrolled argument checks ({@link DerivedChecks}).</li>
 *   <li>Each kernel carries its argument checks unrolled ({@link DerivedChecks}): the runtime
 *       calls the generic {@code Checks} only when they refuse (to name the error).</li>
 * </ul>
 */
final class DerivedCode implements DerivedFactory {
    /**
     * How Hessian-vector products are built. Reverse over reverse, the default: on the MLP loss
     * both modes cost 1.6× the gradient within the noise (bench MlpHvpCpuTime, README), and
     * give the same values to rounding (DerivativesTest);
     * {@code -Djgrad.hvp=forward} selects forward over reverse, for measuring.
     */
    static final Derivatives.HvpMode HVP_MODE = "forward".equals(System.getProperty("jgrad.hvp"))
            ? Derivatives.HvpMode.FORWARD_OVER_REVERSE : Derivatives.HvpMode.REVERSE_OVER_REVERSE;

    /**
     * A reverse Jacobian of up to this many rows whose fused graph stays under
     * {@link #FUSED_NODES} forward nodes × rows is one body ({@link Derivatives#jacobianRows});
     * past that the passes loop over a split plan (the body would grow with every row).
     */
    static final int FUSED_ROWS = 16;
    static final long FUSED_NODES = 20_000;

    /**
     * Forward columns carried through one pass in lanes of at most this many tangents
     * ({@link Derivatives#jacobianColumns}): each tangent operation is a loop over the lanes next
     * to one primal value; 32 doubles are four AVX-512 vectors, and a chunk's values are 32 times
     * the primal's, so more lanes would mostly grow the workspace.
     */
    static final int LANES = Integer.getInteger("jgrad.lanes", 32);
    /**
     * At most this many chunks of lanes (each a batched copy of the tangent part in the body),
     * and chunks × forward nodes at most 5 × {@link #FUSED_NODES}; past either the columns are
     * looped passes of the JVP body, one column each.
     */
    static final int MAX_CHUNKS = 8;
    /**
     * How forward Jacobians assign columns to lanes, by {@code -Djgrad.jacfwd} (for measuring and
     * testing): {@code auto} (the default) colours the columns by the Jacobian's structural
     * pattern when that is less work than dense lanes ({@link Derivatives.Columns#AUTO}),
     * {@code coloured} always where the analysis covers the graph, {@code lanes} one lane per
     * column, {@code columns} no lanes: one looped pass per column (null here).
     */
    static final Derivatives.Columns COLUMNS = columns(System.getProperty("jgrad.jacfwd", "auto"));

    static Derivatives.Columns columns(String s) {
        return switch (s) {
            case "auto" -> Derivatives.Columns.AUTO;
            case "coloured", "colored" -> Derivatives.Columns.COLOURED;
            case "lanes" -> Derivatives.Columns.DENSE;
            case "columns" -> null;
            default -> throw new IllegalArgumentException("-Djgrad.jacfwd=" + s + ": expected auto, coloured, lanes or columns");
        };
    }

    private static final AtomicLong COUNTER = new AtomicLong();

    /** How many kernels this JVM has generated so far (their class names count up; tools and tests read it). */
    static long made() {
        return COUNTER.get();
    }

    private final String name;
    private final DType dtype;
    private final Graph forward;
    private final boolean[] requiresGrad;
    private final int[] sizes;
    private final int outputSize;

    DerivedCode(String name, DType dtype, Graph forward, boolean[] requiresGrad, int[][] shapes, int[] outputShape) {
        this.name = name;
        this.dtype = dtype;
        this.forward = forward;
        this.requiresGrad = requiresGrad.clone();
        this.sizes = new int[shapes.length];
        for (int i = 0; i < shapes.length; i++) sizes[i] = Type.of(dtype, shapes[i]).size();
        this.outputSize = Type.of(dtype, outputShape).size();
    }

    @Override
    public Derived jvp() {
        Graph g = Optimizer.optimize(Derivatives.jvp(forward, requiresGrad));
        return make("jvp", g, new Plan(g, -1, new int[] {-1, 0}, io()), (cg, drivers) -> {
            DerivedGen.run(cg, drivers[0]);
            DerivedChecks.acceptsJvp(cg, sizes, requiresGrad, outputSize);
        }, false);
    }

    @Override
    public Derived hvp() {
        Graph g = Optimizer.optimize(Derivatives.hvp(forward, requiresGrad, HVP_MODE));
        return make("hvp", g, new Plan(g, -1, gradInputs(requiresGrad), io()), (cg, drivers) -> {
            DerivedGen.run(cg, drivers[0]);
            DerivedChecks.acceptsHvp(cg, sizes, requiresGrad);
        }, false);
    }

    @Override
    public Derived jacobian(boolean[] blocks) {
        int n = sizes.length, forwardPasses = 0, count = 0;
        for (int i = 0; i < n; i++) {
            if (!blocks[i]) continue;
            forwardPasses += sizes[i];
            count++;
        }
        int[] which = new int[count], blockSizes = new int[count];
        for (int i = 0, b = 0; i < n; i++) {
            if (!blocks[i]) continue;
            which[b] = i;
            blockSizes[b++] = sizes[i];
        }
        boolean reverse = outputSize <= forwardPasses;
        boolean accepts = DerivedChecks.compares(sizes, requiresGrad, blocks, outputSize) <= DerivedChecks.MAX_COMPARES;
        if (reverse && outputSize <= FUSED_ROWS && (long) outputSize * forward.size() <= FUSED_NODES) {
            // every row in one body: no pass loop, no one-hot seed, no forward values stored
            // between passes; the rows share their coefficients (Derivatives.jacobianRows)
            Graph g = Optimizer.optimize(Derivatives.jacobianRows(forward, blocks));
            // one-element blocks (or one row): output (r, b) is stored at element r of the
            // caller's block itself; else into grads[r·count + b], copied into the block
            boolean direct = true;
            for (int size : blockSizes) direct &= size == 1 || outputSize == 1;
            int[] into = new int[1 + outputSize * count], element = new int[into.length];
            into[0] = -1;
            for (int r = 0, k = 1; r < outputSize; r++)
                for (int b = 0; b < count; b++, k++) {
                    into[k] = direct ? which[b] : k - 1;
                    element[k] = direct ? r * blockSizes[b] : 0;
                }
            Plan plan = new Plan(g, -1, into, io());
            plan.storeElement = element;
            if (smallValues(g)) {
                plan.chunkBytes = SMALL_VALUES_CHUNK_BYTES;
                plan.contentDefinedCuts = false;
            }
            boolean writesBlocks = direct;
            return make("jacobianRows", g, plan, (cg, drivers) -> {
                DerivedGen.fusedJacobian(cg, drivers[0], outputSize, which, blockSizes, writesBlocks);
                DerivedGen.fusedRows(cg, outputSize);
                if (accepts) DerivedChecks.acceptsJacobian(cg, sizes, requiresGrad, blocks, outputSize);
            }, false);
        }
        if (reverse) {
            Graph g = Optimizer.optimize(Adjoint.of(forward, blocks, true));
            Plan plan = new Plan(g, n, gradInputs(blocks), io(), n);
            return make("jacobianRev", g, plan, (cg, drivers) -> {
                DerivedGen.reverseJacobian(cg, drivers[0], drivers[1], outputSize, which, blockSizes);
                if (accepts) DerivedChecks.acceptsJacobian(cg, sizes, requiresGrad, blocks, outputSize);
            }, true);
        }
        // every column in one body: the forward once, the tangents carried in lanes, coloured
        // by the Jacobian's structural pattern where that is less work (Derivatives.jacobianColumns);
        // block b's output [m..., size] is the caller's block itself, so the plan stores it
        // there: no pass loop, no one-hot arrays, no copies. Null: more chunks than allowed.
        int maxChunks = (int) Math.min(MAX_CHUNKS, FUSED_NODES * 5 / Math.max(1, forward.size()));
        Graph columns = COLUMNS == null || maxChunks < 1 ? null : Derivatives.jacobianColumns(forward, blocks, LANES, maxChunks, COLUMNS);
        if (columns != null) {
            Graph g = Optimizer.optimize(columns);
            int[] into = new int[1 + count];
            into[0] = -1;
            for (int b = 0; b < count; b++) into[1 + b] = which[b];
            Plan plan = new Plan(g, -1, into, io());
            // fusedRows() = 1: the runtime hands over the blocks as they are (no scratch rows)
            return make("jacobianCols", g, plan, (cg, drivers) -> {
                DerivedGen.fusedJacobian(cg, drivers[0], outputSize, which, blockSizes, true);
                DerivedGen.fusedRows(cg, 1);
                if (accepts) DerivedChecks.acceptsJacobian(cg, sizes, requiresGrad, blocks, outputSize);
            }, false);
        }
        Graph g = Optimizer.optimize(Derivatives.jvp(forward, blocks));
        Plan plan = new Plan(g, -1, new int[] {-1, 0}, io(), n);
        return make("jacobianFwd", g, plan, (cg, drivers) -> {
            DerivedGen.forwardJacobian(cg, drivers[0], drivers[1], n, outputSize, which, blockSizes);
            if (accepts) DerivedChecks.acceptsJacobian(cg, sizes, requiresGrad, blocks, outputSize);
        }, true);
    }

    /**
     * Chunk size of a fused-rows body whose values are all small (one element, or a few: no
     * statement is a long loop or an unrolled sum): one chunk for the bundle-adjustment
     * residual's 4.3 KB body instead of two with 47 values spilled between them (~6 ns of ~85).
     * Leaves over 2 KB under HotSpot's 8,000-byte limit for the last statement. Cut by size only
     * (Plan.contentDefinedCuts): a content-defined cut past 2,750 bytes split that body in two
     * again (43 values spilled; 162 against 147 ns a call, AMD EPYC Zen 3, thread CPU time).
     */
    static final int SMALL_VALUES_CHUNK_BYTES = 5500;
    static final int SMALL_VALUE = 16;

    private static boolean smallValues(Graph g) {
        for (int v = 0; v < g.size(); v++) if (g.type(v).size() > SMALL_VALUE) return false;
        return true;
    }

    /**
     * Derived.reverse: the runtime calls the kernel with the caller's inputs and a zero seed
     * (reverse rows, and fused columns, whose tangents are constants of the body) rather than
     * with one-hot tangent arrays after the inputs (looped forward columns).
     */
    private static boolean takesInputsAsGiven(String kind) {
        return kind.startsWith("jacobianR") || kind.equals("jacobianCols");
    }

    private Num io() {
        return Num.of(dtype);
    }

    /** Output k >= 1 goes to grads[i] for the k-th input with flags[i]. */
    private static int[] gradInputs(boolean[] flags) {
        int k = 1;
        for (boolean f : flags) if (f) k++;
        int[] g = new int[k];
        g[0] = -1;
        for (int i = 0, j = 1; i < flags.length; i++) if (flags[i]) g[j++] = i;
        return g;
    }

    /** A kernel's entry methods ({@code run} or {@code jacobian}) and checks, given the body's drivers. */
    private interface Loop {
        void emit(ClassGen cg, String[] drivers);
    }

    /**
     * Generates and instantiates one kernel: the body over the plan, split into prefix and pass
     * drivers ({@code split}, a looped Jacobian) or one, then {@code loop}'s entry methods.
     */
    private Derived make(String kind, Graph g, Plan plan, Loop loop, boolean split) {
        String className = name + "$" + kind + COUNTER.incrementAndGet();
        ClassGen cg = new ClassGen(className, io(), ClassGen.DERIVED);
        BodyEmitter body = new BodyEmitter(cg, plan, kind + "$", VectorLowering.work(forward));
        loop.emit(cg, split ? body.emitSplit() : new String[] {body.emit()});
        cg.constructor();
        cg.staticInit();
        cg.toBytes();
        CodeGen.dump(cg, g);
        try {
            MethodHandles.Lookup hidden = CodeGen.defineClasses(cg);
            return (Derived) hidden.findConstructor(hidden.lookupClass(), MethodType.methodType(void.class, int.class, int.class, boolean.class))
                    .invoke(body.workspaceSize(Num.F32), body.workspaceSize(Num.F64), loop != null && takesInputsAsGiven(kind));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("could not define the generated " + kind + " kernel", t);
        }
    }
}
