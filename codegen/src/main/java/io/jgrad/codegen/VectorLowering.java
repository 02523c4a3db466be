package io.jgrad.codegen;

import io.jgrad.ir.Node;
import io.jgrad.ir.Prim;
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
 *   <li>a sum's block loop ({@code BodyEmitter.innerSum}): {@link io.jgrad.runtime.Summation}'s
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
    private static final String COMPARISON = "L" + OPS + "$Comparison;";

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

    VectorLowering(BodyEmitter e) { this.e = e; }

    // ---------------------------------------------------------------- what can be vectorised

    /**
     * v (expanded when {@code expand}, else read as a leaf) can be computed as a vector of kind k
     * along loop variable {@code loopVar}: every operation supported, every value of kind k (or a
     * comparison feeding a select), every buffer read with coefficient 0 or 1 on the variable.
     */
    boolean supports(int v, boolean expand, Access acc, BodyEmitter.Nest nest, int loopVar, Num k) {
        var = loopVar;
        sawTranscendental = false;
        return expand ? supportsOp(v, acc, nest, k) : supports(v, acc, nest, k);
    }

    /** The last {@link #supports} check met a lanewise transcendental (a call to the JDK's vector math). */
    boolean sawTranscendental;

    private boolean supports(int v, Access acc, BodyEmitter.Nest nest, Num k) {
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

    private boolean supportsOp(int v, Access acc, BodyEmitter.Nest nest, Num k) {
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
    void loop(BodyEmitter.Nest nest, int g, Shape s, Runnable body) {
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
     * constant {@code end} when endLocal < 0), four terms per step; then accumulator d = lane d.
     */
    void blockSum(int i, int endLocal, int end, Shape s, int[] acc, Term term, boolean wide) {
        MethodVisitor mv = e.mv();
        Num k = s.num();
        int accV = e.newRefLocal();
        species(s);
        k.constant(mv, -0.0);
        broadcast(s);
        mv.visitVarInsn(ASTORE, accV);
        if (wide && k == Num.F32 && Simd.BITS >= 256) {
            // Floats with a transcendental in the term: eight terms at a time in a 256-bit vector,
            // added as its two 128-bit halves (terms q..q+3, then q+4..q+7: the same order). A
            // transcendental on 128-bit floats after wider vector code was measured 30-80x slower
            // (the JDK's 128-bit float math stubs pay an AVX/SSE transition), so such terms are
            // computed at 256 bits. Plain arithmetic stays at 128 bits (no stub, no penalty).
            Shape eight = new Shape(k, 8);
            int t = e.newRefLocal();
            Label head8 = new Label(), done8 = new Label();
            mv.visitLabel(head8);
            mv.visitVarInsn(ILOAD, i);
            e.iconst(8);
            mv.visitInsn(IADD);
            if (endLocal >= 0) mv.visitVarInsn(ILOAD, endLocal);
            else e.iconst(end);
            mv.visitJumpInsn(IF_ICMPGT, done8);
            term.push(eight);
            mv.visitVarInsn(ASTORE, t);
            mv.visitVarInsn(ALOAD, accV);
            for (int part = 0; part < 2; part++) {
                mv.visitVarInsn(ALOAD, t);
                species(s);
                e.iconst(part);
                mv.visitMethodInsn(INVOKEVIRTUAL, eight.cls(), "reinterpretShape", "(" + SPECIES + "I)" + VECTOR, false);
                binary(s, "add");
            }
            mv.visitVarInsn(ASTORE, accV);
            mv.visitIincInsn(i, 8);
            mv.visitJumpInsn(GOTO, head8);
            mv.visitLabel(done8);
        }
        // four terms at a time (for floats: at most once, the last four of a block)
        Label head = new Label(), done = new Label();
        mv.visitLabel(head);
        mv.visitVarInsn(ILOAD, i);
        if (endLocal >= 0) mv.visitVarInsn(ILOAD, endLocal);
        else e.iconst(end);
        mv.visitJumpInsn(IF_ICMPGE, done);
        mv.visitVarInsn(ALOAD, accV);
        term.push(s);
        binary(s, "add");
        mv.visitVarInsn(ASTORE, accV);
        mv.visitIincInsn(i, 4);
        mv.visitJumpInsn(GOTO, head);
        mv.visitLabel(done);
        for (int d = 0; d < 4; d++) {
            mv.visitVarInsn(ALOAD, accV);
            e.iconst(d);
            mv.visitMethodInsn(INVOKEVIRTUAL, s.cls(), "lane", "(I)" + k.desc, false);
            mv.visitVarInsn(k.store, acc[d]);
        }
    }

    /** Pushes the vector of v (expanded when {@code expand}) at the current index of {@code loopVar}. */
    void push(int v, boolean expand, Access acc, BodyEmitter.Nest nest, int loopVar, Shape s) {
        var = loopVar;
        if (expand) op(v, acc, nest, s);
        else value(v, acc, nest, s);
    }

    /** Pushes the vector at the array and index {@code arrayAndIndex} pushes. */
    void load(Shape s, Runnable arrayAndIndex) {
        species(s);
        arrayAndIndex.run();
        e.mv().visitMethodInsn(INVOKESTATIC, s.cls(), "fromArray", "(" + SPECIES + s.num().array + "I)" + s.type(), false);
    }

    /** Pushes the value of local {@code local} (of kind s.num) in every lane. */
    void broadcastLocal(Shape s, int local) {
        species(s);
        e.mv().visitVarInsn(s.num().load, local);
        broadcast(s);
    }

    /** Stores the vector on the stack into the array pushed by {@code target} at its index. */
    void store(Shape s, Runnable arrayAndIndex) {
        arrayAndIndex.run();
        e.mv().visitMethodInsn(INVOKEVIRTUAL, s.cls(), "intoArray", "(" + s.num().array + "I)V", false);
    }

    // ---------------------------------------------------------------- expressions

    private void value(int v, Access acc, BodyEmitter.Nest nest, Shape s) {
        if (e.plan().isLeaf(v)) leaf(v, acc, nest, s);
        else op(v, acc, nest, s);
    }

    private void leaf(int v, Access acc, BodyEmitter.Nest nest, Shape s) {
        MethodVisitor mv = e.mv();
        Plan p = e.plan();
        Node nd = p.node(v);
        species(s);
        if (p.scalar[v]) {
            e.pushScalar(v);
            broadcast(s);
        } else if (nd.prim() == Prim.CONST && nd.isUniformConst()) {
            s.num().constant(mv, nd.constAt(0));
            broadcast(s);
        } else {
            int[] f = acc.flatForm(p.type(v));
            e.pushArray(v);
            e.index.pushIndex(e.bufferOffset(v), acc, p.type(v), nest);   // with a slice's constant offset
            if (f[var] == 1) {
                mv.visitMethodInsn(INVOKESTATIC, s.cls(), "fromArray", "(" + SPECIES + s.num().array + "I)" + s.type(), false);
            } else { // the same element for every lane: a broadcast along the innermost axis
                mv.visitInsn(s.num().aload);
                broadcast(s);
            }
        }
    }

    private void op(int v, Access acc, BodyEmitter.Nest nest, Shape s) {
        MethodVisitor mv = e.mv();
        Node nd = e.plan().node(v);
        Num k = s.num();
        if (nd.prim() == Prim.SELECT) { // else.blend(then, cond)
            value(nd.arg(2), e.argAccess(v, 2, acc, nest), nest, s);
            value(nd.arg(1), e.argAccess(v, 1, acc, nest), nest, s);
            op(nd.arg(0), e.argAccess(v, 0, acc, nest), nest, s);
            mv.visitMethodInsn(INVOKEVIRTUAL, s.cls(), "blend", "(" + VECTOR + MASK + ")" + s.type(), false);
            return;
        }
        if (nd.prim().family == Prim.Family.COMPARE) { // a mask: NaN compares false, as the scalar branches
            value(nd.arg(0), e.argAccess(v, 0, acc, nest), nest, s);
            mv.visitFieldInsn(GETSTATIC, OPS, nd.prim().name(), COMPARISON);   // GT GE LT LE EQ: the same names
            value(nd.arg(1), e.argAccess(v, 1, acc, nest), nest, s);
            mv.visitMethodInsn(INVOKEVIRTUAL, s.cls(), "compare", "(" + COMPARISON + VECTOR + ")" + MASK, false);
            return;
        }
        for (int i = 0; i < nd.arity(); i++) value(nd.arg(i), e.argAccess(v, i, acc, nest), nest, s);
        switch (nd.prim()) {
            case NEG -> unaryMethod(s, "neg");
            case ABS -> unaryMethod(s, "abs");
            case SQRT -> unaryMethod(s, "sqrt");   // correctly rounded in both dtypes: the scalar path's bits
            case EXP, LOG, LOG1P, SIN, COS, TANH, EXPM1, SINH, COSH, LOG10 -> lanewise(s, nd.prim().name());
            case SIGMOID -> { // 1 / (1 + exp(-x)), the rule of Ops.sigmoid in the value's dtype
                unaryMethod(s, "neg");
                lanewise(s, "EXP");
                k.constant(mv, 1);
                mv.visitMethodInsn(INVOKEVIRTUAL, s.cls(), "add", "(" + k.desc + ")" + s.type(), false);
                species(s);
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
                    species(s);
                    k.constant(mv, 1);
                    broadcast(s);
                } else if (p == 2) {
                    mv.visitInsn(DUP);
                    binary(s, "mul");
                } else if (p != 1) {
                    throw new AssertionError("pow " + p + " has no vector form");
                }
            }
            case STOP_GRADIENT, BROADCAST, RESHAPE, TRANSPOSE -> { }
            case ADD -> binary(s, "add");
            case SUB -> binary(s, "sub");
            case MUL -> binary(s, "mul");
            case DIV -> binary(s, "div");
            case MAX -> binary(s, "max");   // Math.max's rule lane by lane: NaN wins, -0.0 < +0.0
            case MIN -> binary(s, "min");
            case INPUT, CONST, CONVERT, REDUCE_SUM, REDUCE_MAX, MATMUL, LOG2, ERF, ERFC, FLOOR, ROUND, ATAN2, POWER,
                 GT, GE, LT, LE, EQ, SELECT, SLICE, PAD, GATHER, SCATTER_ADD, CONCAT, DOT_GENERAL ->
                    throw new AssertionError(nd + " has no vector form");
        }
    }

    private void species(Shape s) {
        e.mv().visitFieldInsn(GETSTATIC, s.cls(), s.speciesField(), SPECIES);
    }

    private void broadcast(Shape s) {
        e.mv().visitMethodInsn(INVOKESTATIC, s.cls(), "broadcast", "(" + SPECIES + s.num().desc + ")" + s.type(), false);
    }

    private void unaryMethod(Shape s, String name) {
        e.mv().visitMethodInsn(INVOKEVIRTUAL, s.cls(), name, "()" + s.type(), false);
    }

    void binary(Shape s, String name) {
        e.mv().visitMethodInsn(INVOKEVIRTUAL, s.cls(), name, "(" + VECTOR + ")" + s.type(), false);
    }

    private void lanewise(Shape s, String op) {
        e.mv().visitFieldInsn(GETSTATIC, OPS, op, UNARY);
        e.mv().visitMethodInsn(INVOKEVIRTUAL, s.cls(), "lanewise", "(" + UNARY + ")" + s.type(), false);
    }
}
