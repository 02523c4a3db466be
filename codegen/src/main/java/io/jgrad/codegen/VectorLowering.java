package io.jgrad.codegen;

import io.jgrad.ir.Graph;
import io.jgrad.ir.Node;
import io.jgrad.ir.Prim;
import io.jgrad.ir.Type;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

import static org.objectweb.asm.Opcodes.*;

/**
 * The vector path ({@link Simd}): the innermost loop of a fused kernel as
 * {@code FloatVector}/{@code DoubleVector} code over a species given as a constant, then the
 * scalar loop for the tail. Used by {@link BodyEmitter} through two hooks:
 * <ul>
 *   <li>an elementwise kernel whose innermost loop reads every buffer contiguously or not at all
 *       (a broadcast along the innermost axis): the preferred species, a scalar tail;</li>
 *   <li>a sum's block loop ({@code SumLowering.innerSum}): {@link io.jgrad.runtime.Summation}'s
 *       four accumulators are the four lanes of one vector (128-bit floats, 256-bit doubles):
 *       term q of a block goes to lane q % 4 exactly as it went to accumulator q % 4, so the
 *       order of every addition — and the sum's bits, given the terms — is the scalar path's.</li>
 * </ul>
 * Arithmetic (+ - * /, neg, abs, sqrt, max, min, comparisons, select) is IEEE-exact lane by
 * lane, the scalar path's bits; transcendentals are {@code lanewise} (EXP, LOG, LOG1P, EXPM1,
 * SIN, COS, TANH, SINH, COSH, LOG10; sigmoid = 1/(1 + exp(-x)), softplus = x > 20 ? x :
 * log1p(exp(x)), F64 only) in the value's own dtype: within a few ulp of the scalar path's
 * correctly rounded results once C2 compiles them to the JDK's vector math; the interpreter and
 * C1 compute each lane with {@code Math}, the scalar path's bits. A kernel holding anything else (a conversion, erf, atan2,
 * pow with an exponent other than 0, 1, 2, a bool read from memory, mixed dtypes) stays scalar.
 */
final class VectorLowering {
    static final String PKG = "jdk/incubator/vector/";
    private static final String SPECIES = "L" + PKG + "VectorSpecies;";
    private static final String VECTOR = "L" + PKG + "Vector;";
    private static final String MASK = "L" + PKG + "VectorMask;";
    private static final String OPS = PKG + "VectorOperators";
    private static final String UNARY = "L" + OPS + "$Unary;";
    private static final String BINARY = "L" + OPS + "$Binary;";
    private static final String COMPARISON = "L" + OPS + "$Comparison;";
    static final String SHUFFLE = "L" + PKG + "VectorShuffle;";
    /** {@link io.jgrad.runtime.VectorConstants}: the constants generated code reads instead of building them. */
    private static final String CONSTANTS = "io/jgrad/runtime/VectorConstants";

    /** A vector shape: element kind and lane count. */
    record Shape(Num num, int lanes) {
        String cls() { return PKG + (num == Num.F32 ? "FloatVector" : "DoubleVector"); }
        String type() { return "L" + cls() + ";"; }
        String speciesField() { return "SPECIES_" + lanes * (num == Num.F32 ? 32 : 64); }
    }

    /** The preferred species of kind k. */
    static Shape preferred(Num k) { return new Shape(k, Simd.BITS / (k == Num.F32 ? 32 : 64)); }

    /** Four lanes of kind k: Summation's four accumulators (null when that vector is wider than the preferred one). */
    static Shape four(Num k) { return 4 * (k == Num.F32 ? 32 : 64) <= Simd.BITS ? new Shape(k, 4) : null; }

    /** Pushes the vector of the term at the loop index (a sum's term). */
    interface Term {
        void push(Shape s);
    }

    private final BodyEmitter e;
    /** The loop variable being vectorised while checking or emitting. */
    private int var;

    /** {@code work}: the {@link #work} of the function's forward graph (see {@link #WORK_SHARE}). */
    VectorLowering(BodyEmitter e, long work) {
        this.e = e;
        this.minIterations = Math.max(MIN_ITERATIONS, work / WORK_SHARE);
    }

    // ---------------------------------------------------------------- what can be vectorised

    /**
     * v (expanded when {@code expand}, else read as a leaf) can be computed as a vector of kind k
     * along loop variable {@code loopVar}: every operation supported, every value of kind k (or a
     * comparison feeding a select), every buffer read with coefficient 0 or 1 on the variable.
     */
    boolean supports(int v, boolean expand, Access acc, LoopNest nest, int loopVar, Num k) {
        var = loopVar;
        sawTranscendental = false;
        return expand ? supportsOp(v, acc, nest, k) : supports(v, acc, nest, k);
    }

    /**
     * Whether a statement's whole loop nest (an elementwise kernel's, a fused sum's) is long enough
     * for vector code: elementwise kernels and fused sums of fewer iterations (all their loops
     * together) than {@link #minIterations} stay scalar. HotSpot compiles a chunk method with C2
     * only after enough calls and loop back-edges (about 15,000 together, or a C2-compiled loop
     * of its own); a chunk whose loops are all short — GMM's logsumexp of the K mixture weights,
     * a K-term sum — is called once per call of a function that may take 50 ms, so it runs for
     * hundreds of calls interpreted or in C1, where every Vector API operation allocates its
     * result (7 kB per call of a 100-element sum, 11 kB per call of GMM d64's objective, for
     * good). C2's vector loop would save a few hundred cycles there. The same additions in either
     * loop, so no bit changes. Not applied to the lane loops of products and column sums (their
     * nests are opened per row); 512 instead of 128 made the logistic regression's 256-term loss
     * scalar (its logs: 7.0 → 14.8 µs per call).
     */
    static final long MIN_ITERATIONS = 128;

    /**
     * ... and at least 1/WORK_SHARE of the function's {@link #work}: 128 is not enough in an
     * expensive function. GMM 10k d32 K = 200 (about 0.3 s per objective): the 200-term logsumexp
     * of the weights, vectorised, was the only code of the objective's last chunk, whose 50
     * back-edges per call never got it compiled: interpreted, 352 boxed 256-bit vectors, 22,528 B
     * per call, for good. A statement of n iterations gives its chunk about n / 4 back-edges per
     * call, enough for C2 within about 400,000 / n calls, each costing about work(g) ns: with n ≥
     * work / 2048 that is about a second whatever the function, as a cheap function's 600 calls
     * are. What this makes scalar is at most 1/2048 of the work. Every body of one function
     * (forward, vjp, valueAndGrad) uses the forward graph's work, so a node is vectorised in all or
     * none of them and value, valueAndGrad and vjp keep agreeing bit for bit.
     */
    static final long WORK_SHARE = 2048;

    /** Iterations of a statement's loop nest from which it is vector code: MIN_ITERATIONS, or work / WORK_SHARE if more. */
    private final long minIterations;

    /**
     * The elements a graph computes, a rough measure of its time per call: every node's output,
     * a reduction's operand, a product's multiply-adds (output × contracted size).
     */
    static long work(Graph g) {
        long w = 0;
        for (Node nd : g.nodes()) {
            long out = nd.type().size();
            w += switch (nd.prim().family) {
                case LEAF, UNARY, CONVERT, BINARY, COMPARE, SELECT, SHAPE, SCATTER, CONCAT -> out;
                case REDUCE -> g.type(nd.arg(0)).size();
                case MATMUL -> { Type lhs = g.type(nd.arg(0)); yield out * lhs.dim(lhs.rank() - 1); }
                case CONTRACT -> out * contracted(nd.ints(), g.type(nd.arg(0)));
            };
        }
        return w;
    }

    /** The product of the lhs's contracted dimensions; attributes [nb, nc, lhs batch (nb), rhs batch (nb), lhs contract (nc), ...]. */
    private static long contracted(int[] ints, Type lhs) {
        long k = 1;
        for (int i = 0; i < ints[1]; i++) k *= lhs.dim(ints[2 + 2 * ints[0] + i]);
        return k;
    }

    boolean longEnough(LoopNest nest) {
        long n = 1;
        for (int g = 0; g < nest.groups(); g++) n *= nest.ext[g];
        return n >= minIterations;
    }

    /** The last {@link #supports} check met a lanewise transcendental (a call to the JDK's vector math). */
    boolean sawTranscendental;

    private boolean supports(int v, Access acc, LoopNest nest, Num k) {
        Plan p = e.plan();
        if (!p.isLeaf(v)) return supportsOp(v, acc, nest, k);
        if (e.isBool(v) || e.num(v) != k) return false;
        if (p.scalar[v]) return true;
        Node nd = p.node(v);
        if (nd.prim() == Prim.CONST && nd.isUniformConst()) return true;
        if (e.arrayKind(v) != k || acc.hasTables()) return false;   // a gathered read: scalar
        int c = acc.flatForm(p.type(v))[var];
        return c == 0 || c == 1;
    }

    private boolean supportsOp(int v, Access acc, LoopNest nest, Num k) {
        Plan p = e.plan();
        Node nd = p.node(v);
        boolean op = switch (nd.prim()) {
            case NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SQRT, ABS, STOP_GRADIENT, ADD, SUB, MUL, DIV, MAX, MIN,
                 GT, GE, LT, LE, EQ, SELECT, BROADCAST, RESHAPE, TRANSPOSE, EXPM1, SINH, COSH, LOG10 -> true;
            case POW -> nd.exponent() == 0 || nd.exponent() == 1 || nd.exponent() == 2;
            // the scalar F32 rule is log1p(exp(x)) in double, rounded once: in float vectors exp would round first
            case SOFTPLUS -> k == Num.F64;
            // no lanewise form with the scalar path's rule, or not elementwise
            case INPUT, CONST, CONVERT, REDUCE_SUM, REDUCE_MAX, MATMUL, LOG2, ERF, ERFC, FLOOR, ROUND, ATAN2, POWER,
                 SLICE, PAD, GATHER, SCATTER_ADD, CONCAT, DOT_GENERAL -> false;
        };
        if (!op) return false;
        switch (nd.prim()) {
            case EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, EXPM1, SINH, COSH, LOG10 -> sawTranscendental = true;
            case INPUT, CONST, NEG, SQRT, ABS, POW, STOP_GRADIENT, CONVERT, ADD, SUB, MUL, DIV, MAX, MIN, GT, GE, LT, LE, EQ,
                 SELECT, BROADCAST, RESHAPE, TRANSPOSE, REDUCE_SUM, REDUCE_MAX, MATMUL, LOG2, ERF, ERFC, FLOOR, ROUND, ATAN2,
                 POWER, SLICE, PAD, GATHER, SCATTER_ADD, CONCAT, DOT_GENERAL -> { }
        }
        if (nd.prim().family == Prim.Family.COMPARE) {
            if (!e.isBool(v)) return false;
        } else if (e.isBool(v) || e.num(v) != k) {
            return false;
        }
        for (int i = 0; i < nd.arity(); i++) {
            int a = nd.arg(i);
            if (nd.prim() == Prim.SELECT && i == 0) {
                // the condition: a comparison computed here, as a mask
                if (p.isLeaf(a) || p.node(a).prim().family != Prim.Family.COMPARE) return false;
                if (!supportsOp(a, e.argAccess(v, i, acc, nest), nest, k)) return false;
                continue;
            }
            if (!supports(a, e.argAccess(v, i, acc, nest), nest, k)) return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- loops

    /**
     * The vector loop of group g (opened here, from 0): {@code body} runs with the group's index
     * at the first of {@code s.lanes} elements, until fewer than that many are left. The index
     * is left at the first element of the tail; the caller's scalar loop resumes there.
     */
    void loop(LoopNest nest, int g, Shape s, Runnable body) {
        MethodVisitor mv = e.mv();
        int i = nest.local[g];
        int upper = nest.ext[g] - nest.ext[g] % s.lanes();
        Label head = new Label(), end = new Label();
        mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, i);
        mv.visitLabel(head);
        mv.visitVarInsn(ILOAD, i);
        e.iconst(upper);
        mv.visitJumpInsn(IF_ICMPGE, end);
        body.run();
        mv.visitIincInsn(i, s.lanes());
        mv.visitJumpInsn(GOTO, head);
        mv.visitLabel(end);
    }

    /**
     * A block's main loop of a sum in {@link io.jgrad.runtime.Summation}'s order: the four
     * accumulators as the lanes of one vector starting at -0.0, the loop variable {@code i} from
     * its current value (the block's start) while below the local {@code endLocal} (or the
     * constant {@code end} when endLocal < 0), four terms per step; accumulator d = lane d,
     * written to the scalar local acc[d] (which holds -0.0 on entry) in the loop's last step.
     * Returns false when it left the last group of four of the block to the caller's scalar loop.
     *
     * <p>The lanes are read in the last step, from the vector just computed (a call on a vector
     * of an exact class, see {@link #binary}), never after the loop: there the accumulator is a
     * loop phi, which C2 types {@code FloatVector} when it parses the code after the loop, and a
     * call on it could keep a virtual-call branch that boxes it.
     */
    boolean blockSum(int i, int endLocal, int end, Shape s, int[] acc, Term term, boolean wide) {
        MethodVisitor mv = e.mv();
        Num k = s.num();
        if (wide && k == Num.F32 && Simd.BITS >= 256) {
            // Floats with a transcendental in the term: eight terms at a time in a 256-bit vector. A
            // transcendental on 128-bit floats after wider vector code was measured 30-80x slower
            // (the JDK's 128-bit float math stubs pay an AVX/SSE transition), so such terms are
            // computed at 256 bits. The accumulators are lanes 0-3 of a 256-bit vector: + the terms
            // (q..q+3 into lanes 0-3), then + the terms with their halves swapped (q+4..q+7 into
            // lanes 0-3): the same additions in the same order; lanes 4-7 are never read. The
            // last group of four of a block (at most one) is the caller's scalar loop.
            Shape eight = new Shape(k, 8);
            int acc8 = e.newRefLocal();
            negZero(eight);
            mv.visitVarInsn(ASTORE, acc8);
            Label head8 = new Label(), done8 = new Label(), notLast = new Label();
            mv.visitLabel(head8);
            mv.visitVarInsn(ILOAD, i);
            e.iconst(8);
            mv.visitInsn(IADD);
            pushEnd(endLocal, end);
            mv.visitJumpInsn(IF_ICMPGT, done8);
            term.push(eight);
            mv.visitInsn(DUP);                        // t, t
            mv.visitVarInsn(ALOAD, acc8);
            binary(eight, "add");                     // t, t + acc
            mv.visitInsn(SWAP);                       // t + acc, t
            // lane i takes lane (i + 4) % 8: a static final shuffle (built here by VectorShuffle.iota it
            // was boxed, a new object per step, whenever C2 did not eliminate the box: 1.5 kB per MLP call)
            mv.visitFieldInsn(GETSTATIC, CONSTANTS, "SWAP_HALVES_F32X8", SHUFFLE);
            mv.visitMethodInsn(INVOKEVIRTUAL, eight.cls(), "rearrange", "(" + SHUFFLE + ")" + eight.type(), false);
            binary(eight, "add");                     // (t + acc) + t with its halves swapped
            mv.visitVarInsn(ASTORE, acc8);
            lanesIfLast(i, 16, endLocal, end, eight, acc8, acc);   // the last step: i + 16 > end
            mv.visitIincInsn(i, 8);
            mv.visitJumpInsn(GOTO, head8);
            mv.visitLabel(done8);
            return false;
        }
        int accV = e.newRefLocal();
        negZero(s);
        mv.visitVarInsn(ASTORE, accV);
        Label head = new Label(), done = new Label();
        mv.visitLabel(head);
        mv.visitVarInsn(ILOAD, i);
        pushEnd(endLocal, end);
        mv.visitJumpInsn(IF_ICMPGE, done);
        term.push(s);
        mv.visitVarInsn(ALOAD, accV);
        binary(s, "add");                             // term + acc: the term (of an exact class) is the receiver
        mv.visitVarInsn(ASTORE, accV);
        lanesIfLast(i, 5, endLocal, end, s, accV, acc);     // the last step: i + 4 >= end
        mv.visitIincInsn(i, 4);
        mv.visitJumpInsn(GOTO, head);
        mv.visitLabel(done);
        return true;
    }

    private void pushEnd(int endLocal, int end) {
        if (endLocal >= 0) e.mv().visitVarInsn(ILOAD, endLocal);
        else e.iconst(end);
    }

    /** When i + ahead > end (no further step fits): acc[d] = lane d of the vector in {@code local} (just computed: exact class). */
    private void lanesIfLast(int i, int ahead, int endLocal, int end, Shape s, int local, int[] acc) {
        MethodVisitor mv = e.mv();
        Label skip = new Label();
        mv.visitVarInsn(ILOAD, i);
        e.iconst(ahead);
        mv.visitInsn(IADD);
        pushEnd(endLocal, end);
        mv.visitJumpInsn(IF_ICMPLE, skip);
        for (int d = 0; d < 4; d++) {
            mv.visitVarInsn(ALOAD, local);
            e.iconst(d);
            mv.visitMethodInsn(INVOKEVIRTUAL, s.cls(), "lane", "(I)" + s.num().desc, false);
            mv.visitVarInsn(s.num().store, acc[d]);
        }
        mv.visitLabel(skip);
    }

    /** Pushes the vector of v (expanded when {@code expand}) at the current index of {@code loopVar}. */
    void push(int v, boolean expand, Access acc, LoopNest nest, int loopVar, Shape s) {
        var = loopVar;
        if (!(expand ? op(v, acc, nest, s) : value(v, acc, nest, s))) exact(s);
    }

    /** Pushes the vector at the array and index {@code arrayAndIndex} pushes. */
    void load(Shape s, Runnable arrayAndIndex) {
        species(s);
        arrayAndIndex.run();
        e.mv().visitMethodInsn(INVOKESTATIC, s.cls(), "fromArray", "(" + SPECIES + s.num().array + "I)" + s.type(), false);
    }

    /** Pushes the value of local {@code local} (of kind s.num) in every lane. */
    void broadcastLocal(Shape s, int local) {
        zero(s);
        e.mv().visitVarInsn(s.num().load, local);
        broadcast(s);
    }

    /** Stores the vector on the stack into the array pushed by {@code target} at its index. */
    void store(Shape s, Runnable arrayAndIndex) {
        arrayAndIndex.run();
        e.mv().visitMethodInsn(INVOKEVIRTUAL, s.cls(), "intoArray", "(" + s.num().array + "I)V", false);
    }

    // ---------------------------------------------------------------- expressions

    /*
     * Each of these pushes a vector and says whether C2 knows its exact class (Float512Vector...)
     * when it parses the call that uses it: true for what a shape's own method returned
     * (lanewise, blend, broadcast through negZero), false for a load (fromArray's internal
     * fromArray0 returns FloatVector). A call is only made on a vector of an exact class
     * (exact(s) otherwise; for + and × the operands are swapped instead), so it binds statically
     * and no type profile or class check decides whether C2 intrinsifies it (see binary).
     */
    private boolean value(int v, Access acc, LoopNest nest, Shape s) {
        return e.plan().isLeaf(v) ? leaf(v, acc, nest, s) : op(v, acc, nest, s);
    }

    /** [x] -> [-0.0 + x]: the same lanes as a vector of an exact class. */
    private void exact(Shape s) {
        MethodVisitor mv = e.mv();
        negZero(s);
        mv.visitInsn(SWAP);
        binary(s, "add");
    }

    /** Pushes v, of an exact class. */
    private void exactValue(int v, Access acc, LoopNest nest, Shape s) {
        if (!value(v, acc, nest, s)) exact(s);
    }

    private boolean leaf(int v, Access acc, LoopNest nest, Shape s) {
        MethodVisitor mv = e.mv();
        Plan p = e.plan();
        Node nd = p.node(v);
        if (p.scalar[v]) {
            zero(s);
            e.pushScalar(v);
            broadcast(s);
        } else if (nd.prim() == Prim.CONST && nd.isUniformConst()) {
            zero(s);
            s.num().constant(mv, nd.constAt(0));
            broadcast(s);
        } else {
            int[] f = acc.flatForm(p.type(v));
            if (f[var] == 1) {
                species(s);
                e.pushArray(v);
                e.index.pushIndex(e.bufferOffset(v), acc, p.type(v), nest);   // with a slice's constant offset
                mv.visitMethodInsn(INVOKESTATIC, s.cls(), "fromArray", "(" + SPECIES + s.num().array + "I)" + s.type(), false);
            } else { // the same element for every lane: a broadcast along the innermost axis
                zero(s);
                e.pushArray(v);
                e.index.pushIndex(e.bufferOffset(v), acc, p.type(v), nest);
                mv.visitInsn(s.num().aload);
                broadcast(s);
            }
            return f[var] != 1;
        }
        return true;
    }

    private boolean op(int v, Access acc, LoopNest nest, Shape s) {
        MethodVisitor mv = e.mv();
        Node nd = e.plan().node(v);
        Num k = s.num();
        if (nd.prim() == Prim.SELECT) { // else.blend(then, cond)
            exactValue(nd.arg(2), e.argAccess(v, 2, acc, nest), nest, s);
            value(nd.arg(1), e.argAccess(v, 1, acc, nest), nest, s);
            op(nd.arg(0), e.argAccess(v, 0, acc, nest), nest, s);
            mv.visitMethodInsn(INVOKEVIRTUAL, s.cls(), "blend", "(" + VECTOR + MASK + ")" + s.type(), false);
            return true;
        }
        if (nd.prim().family == Prim.Family.COMPARE) { // a mask: NaN compares false, as the scalar branches
            exactValue(nd.arg(0), e.argAccess(v, 0, acc, nest), nest, s);
            mv.visitFieldInsn(GETSTATIC, OPS, nd.prim().name(), COMPARISON);   // GT GE LT LE EQ: the same names
            value(nd.arg(1), e.argAccess(v, 1, acc, nest), nest, s);
            mv.visitMethodInsn(INVOKEVIRTUAL, s.cls(), "compare", "(" + COMPARISON + VECTOR + ")" + MASK, false);
            return true;
        }
        switch (nd.prim()) {
            case STOP_GRADIENT, BROADCAST, RESHAPE, TRANSPOSE -> { // the operand itself
                return value(nd.arg(0), e.argAccess(v, 0, acc, nest), nest, s);
            }
            case POW -> {
                if (nd.exponent() == 1) return value(nd.arg(0), e.argAccess(v, 0, acc, nest), nest, s);
            }
            case ADD, MUL -> { // IEEE + and × commute bit for bit: the operand of an exact class is the receiver
                boolean a = value(nd.arg(0), e.argAccess(v, 0, acc, nest), nest, s);
                boolean b = value(nd.arg(1), e.argAccess(v, 1, acc, nest), nest, s);
                if (!a) {
                    if (!b) exact(s);
                    mv.visitInsn(SWAP);
                }
                binary(s, nd.prim() == Prim.ADD ? "add" : "mul");
                return true;
            }
            case INPUT, CONST, NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, CONVERT, SUB, DIV,
                 MAX, MIN, GT, GE, LT, LE, EQ, SELECT, REDUCE_SUM, REDUCE_MAX, MATMUL, LOG2, ERF, ERFC, FLOOR, ROUND,
                 ATAN2, POWER, SLICE, PAD, GATHER, SCATTER_ADD, CONCAT, DOT_GENERAL, EXPM1, SINH, COSH, LOG10 -> { }
        }
        exactValue(nd.arg(0), e.argAccess(v, 0, acc, nest), nest, s);   // the receiver
        for (int i = 1; i < nd.arity(); i++) value(nd.arg(i), e.argAccess(v, i, acc, nest), nest, s);
        switch (nd.prim()) {
            case NEG -> lanewise(s, "NEG");
            case ABS -> lanewise(s, "ABS");
            case SQRT -> lanewise(s, "SQRT");   // correctly rounded in both dtypes: the scalar path's bits
            case EXP, LOG, LOG1P, SIN, COS, TANH, EXPM1, SINH, COSH, LOG10 -> lanewise(s, nd.prim().name());
            case SIGMOID -> { // 1 / (1 + exp(-x)), the rule of Ops.sigmoid in the value's dtype
                lanewise(s, "NEG");
                lanewise(s, "EXP");
                zero(s);
                k.constant(mv, 1);
                broadcast(s);
                binary(s, "add");
                zero(s);
                k.constant(mv, 1);
                broadcast(s);
                mv.visitInsn(SWAP);
                binary(s, "div");
            }
            case SOFTPLUS -> { // x > 20 ? x : log1p(exp(x)), Ops.softplus
                int x = e.newRefLocal();
                mv.visitVarInsn(ASTORE, x);
                mv.visitVarInsn(ALOAD, x);
                lanewise(s, "EXP");
                lanewise(s, "LOG1P");
                mv.visitVarInsn(ALOAD, x);
                mv.visitVarInsn(ALOAD, x);
                mv.visitFieldInsn(GETSTATIC, OPS, "GT", COMPARISON);
                k.constant(mv, 20);
                mv.visitMethodInsn(INVOKEVIRTUAL, s.cls(), "compare", "(" + COMPARISON + k.desc + ")" + MASK, false);
                mv.visitMethodInsn(INVOKEVIRTUAL, s.cls(), "blend", "(" + VECTOR + MASK + ")" + s.type(), false);
            }
            case POW -> {
                double p = nd.exponent();
                if (p == 0) { // x^0 = 1, NaN included
                    mv.visitInsn(POP);
                    zero(s);
                    k.constant(mv, 1);
                    broadcast(s);
                } else if (p == 2) {
                    mv.visitInsn(DUP);
                    binary(s, "mul");
                } else if (p != 1) {
                    throw new AssertionError("pow " + p + " has no vector form");
                }
            }
            case SUB -> binary(s, "sub");
            case DIV -> binary(s, "div");
            case MAX -> binary(s, "max");   // Math.max's rule lane by lane: NaN wins, -0.0 < +0.0
            case MIN -> binary(s, "min");
            case INPUT, CONST, CONVERT, REDUCE_SUM, REDUCE_MAX, MATMUL, LOG2, ERF, ERFC, FLOOR, ROUND, ATAN2, POWER,
                 GT, GE, LT, LE, EQ, SELECT, SLICE, PAD, GATHER, SCATTER_ADD, CONCAT, DOT_GENERAL, STOP_GRADIENT,
                 BROADCAST, RESHAPE, TRANSPOSE, ADD, MUL ->
                    throw new AssertionError(nd + " has no vector form here");
        }
        return true;
    }

    private void species(Shape s) {
        e.mv().visitFieldInsn(GETSTATIC, s.cls(), s.speciesField(), SPECIES);
    }

    /**
     * Pushes the zero vector of shape s, {@code species.zero()}: C2 folds it to the constant
     * {@code Float512Vector.ZERO} (the species is a constant), of an exact class, so a call on it
     * binds statically; {@link #broadcast} broadcasts through it for that reason. (The static
     * {@code FloatVector.zero(species)} is a broadcast intrinsic, typed FloatVector until late.)
     */
    private void zero(Shape s) {
        MethodVisitor mv = e.mv();
        species(s);
        mv.visitMethodInsn(INVOKEINTERFACE, PKG + "VectorSpecies", "zero", "()" + VECTOR, true);
        mv.visitTypeInsn(CHECKCAST, s.cls());
    }

    /** Pushes the vector of -0.0 in every lane, of an exact class: the start of a sum, and x + -0.0 = x. */
    private void negZero(Shape s) {
        zero(s);
        s.num().constant(e.mv(), -0.0);
        broadcast(s);
    }

    /**
     * [zero(s), x] -> x in every lane, as {@code zero.broadcast(x)}: the shape's own final
     * method, so the result has an exact class. The static {@code FloatVector.broadcast(species, x)}
     * returns a vector C2 types as {@code FloatVector} (its intrinsic is expanded late, after the
     * calls on its result were bound).
     */
    private void broadcast(Shape s) {
        e.mv().visitMethodInsn(INVOKEVIRTUAL, s.cls(), "broadcast", "(" + s.num().desc + ")" + s.type(), false);
    }

    /**
     * a.op(b) for a, b on the stack, as {@code a.lanewise(OP, b)}. Never the convenience methods
     * ({@code add}, {@code neg}, {@code intoArray}'s neighbours...): those are final methods of
     * FloatVector/DoubleVector that dispatch on {@code this} again at a call site shared by every
     * user of the Vector API in the JVM. Once that site's profile has seen two shapes (ours use
     * 128, 256 and 512 bits), C2 inlines both, merges the results into a vector of no exact
     * class, and every later intrinsic on it fails: the vector is boxed (measured: 549 kB per
     * call of the MLP). {@code lanewise} is overridden in each shape's class, so it dispatches
     * here, at the generated call site, whose profile sees only one shape.
     */
    void binary(Shape s, String name) {
        MethodVisitor mv = e.mv();
        String op = name.toUpperCase(java.util.Locale.ROOT);
        boolean associative = op.equals("ADD") || op.equals("MUL") || op.equals("MAX") || op.equals("MIN");
        mv.visitFieldInsn(GETSTATIC, OPS, op, associative ? "L" + OPS + "$Associative;" : BINARY);   // the field's declared type
        mv.visitInsn(SWAP);
        mv.visitMethodInsn(INVOKEVIRTUAL, s.cls(), "lanewise", "(" + BINARY + VECTOR + ")" + s.type(), false);
    }

    private void lanewise(Shape s, String op) {
        e.mv().visitFieldInsn(GETSTATIC, OPS, op, UNARY);
        e.mv().visitMethodInsn(INVOKEVIRTUAL, s.cls(), "lanewise", "(" + UNARY + ")" + s.type(), false);
    }
}
