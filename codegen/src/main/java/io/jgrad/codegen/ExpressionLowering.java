package io.jgrad.codegen;

import io.jgrad.codegen.BodyEmitter.Target;
import io.jgrad.ir.Node;
import io.jgrad.ir.Prim;
import io.jgrad.ir.Type;
import org.objectweb.asm.Label;

import static org.objectweb.asm.Opcodes.*;

/**
 * The fused elementwise expressions of one {@link BodyEmitter} body: one element of a value at
 * a time, operands first, then the primitive's arithmetic in the value's dtype (the IR's rule).
 */
final class ExpressionLowering {
    private final BodyEmitter body;
    private final Plan p;

    ExpressionLowering(BodyEmitter body) {
        this.body = body;
        this.p = body.p;
    }

    /**
     * The elementwise kernel of v into t: one loop nest, v's fused expression (or, when
     * {@code expandRoot} is false, v itself read as a leaf: a copy) per element; on the vector
     * path the innermost loop in vectors while a whole one fits, the scalar loop for the tail.
     */
    void kernel(int v, boolean expandRoot, Target t) {
        Type type = p.type(v);
        int[] ext = type.shape();
        int[] vars = new int[ext.length];
        for (int a = 0; a < vars.length; a++) vars[a] = a;
        Access id = Access.axes(ext.length, vars);
        if (expandRoot) {
            body.collect(v);
        } else {
            body.forms.clear();
            body.leaves.clear();
            body.leaves.add(v);
            if (p.isBuffer(v)) body.forms.add(id.flatForm(type));
        }
        int[] store = type.strides();
        body.forms.add(store);
        body.prepareLeaves();
        t.prepare();
        LoopNest nest = new LoopNest(body, ext, body.forms, true);
        body.sealed = true;
        int inner = Math.max(nest.groups() - 1, 0);
        nest.open(0, inner);
        if (nest.groups() > 0 && body.vector != null && !body.isBool(v) && body.num(v) == t.kind()) {
            // the vector path: the innermost loop in vectors while a whole one fits, the scalar loop for the tail
            int var = nest.last[inner];
            VectorLowering.Shape s = VectorLowering.preferred(t.kind());
            if (store[var] == 1 && nest.ext[inner] >= s.lanes() && body.vector.longEnough(nest) && body.vector.supports(v, expandRoot, id, nest, var, t.kind())) {
                body.vector.loop(nest, inner, s, () -> {
                    body.vector.push(v, expandRoot, id, nest, var, s);
                    body.vector.store(s, () -> {
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
        else body.value(v, id, nest);
        body.toArray(v, t.kind());
        body.mv.visitInsn(t.kind().astore);
        nest.close(0, nest.groups());
        body.sealed = false;
    }

    void expand(int v, Access acc, LoopNest nest) {
        Node nd = p.node(v);
        switch (nd.prim().family) {
            case UNARY, BINARY -> {
                boolean widen = inDouble(nd.prim()) && body.num(v) == Num.F32;
                for (int i = 0; i < nd.arity(); i++) {
                    body.value(nd.arg(i), body.argAccess(v, i, acc, nest), nest);
                    if (widen) body.mv.visitInsn(F2D);   // exact: the rule runs in double, rounded once after
                }
                arithmetic(nd);
            }
            case COMPARE -> {
                Label no = new Label(), done = new Label();
                compare(v, acc, nest, no);
                body.mv.visitInsn(ICONST_1);
                body.mv.visitJumpInsn(GOTO, done);
                body.mv.visitLabel(no);
                body.mv.visitInsn(ICONST_0);
                body.mv.visitLabel(done);
            }
            case SELECT -> {
                Label no = new Label(), done = new Label();
                condition(nd.arg(0), body.argAccess(v, 0, acc, nest), nest, no);
                body.value(nd.arg(1), body.argAccess(v, 1, acc, nest), nest);
                body.mv.visitJumpInsn(GOTO, done);
                body.mv.visitLabel(no);
                body.value(nd.arg(2), body.argAccess(v, 2, acc, nest), nest);
                body.mv.visitLabel(done);
            }
            case SHAPE -> body.index.shape(v, acc, nest);
            case CONCAT -> body.index.concat(v, acc, nest);
            case CONVERT -> {
                body.value(nd.arg(0), body.argAccess(v, 0, acc, nest), nest);
                convert(nd.arg(0), v);
            }
            case LEAF, REDUCE, MATMUL, SCATTER, CONTRACT -> throw new AssertionError(nd + " is always stored, never fused");
        }
    }

    /** Jumps to {@code no} when the bool value c is false; a fused comparison jumps directly. */
    private void condition(int c, Access acc, LoopNest nest, Label no) {
        Node nd = p.node(c);
        if (p.isLeaf(c) || nd.prim().family != Prim.Family.COMPARE) {
            body.value(c, acc, nest);
            body.mv.visitJumpInsn(IFEQ, no);
            return;
        }
        compare(c, acc, nest, no);
    }

    /** Evaluates a comparison's operands and jumps to {@code no} when it is false. */
    private void compare(int c, Access acc, LoopNest nest, Label no) {
        Node nd = p.node(c);
        body.value(nd.arg(0), body.argAccess(c, 0, acc, nest), nest);
        body.value(nd.arg(1), body.argAccess(c, 1, acc, nest), nest);
        // As javac compiles them: NaN makes every comparison false (xcmpl gives -1, xcmpg 1).
        // {compare instruction, jump-if-false}; a switch expression, so a new primitive must be listed
        Num k = body.num(nd.arg(0));
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
        body.mv.visitInsn(insns[0]);
        body.mv.visitJumpInsn(insns[1], no);
    }

    /**
     * The arithmetic of an elementwise primitive whose operands are on the stack, in the
     * result's dtype. Transcendentals are the IR's rule: in float32 {@code Ops} (double, rounded
     * once); in float64 {@code Math} itself, and {@code Ops}' double body.forms where Math has none.
     */
    private void arithmetic(Node nd) {
        Num k = body.num(nd.id());
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
        boolean fromBool = body.isBool(from), toBool = body.isBool(to);
        if (fromBool && toBool) return;
        if (fromBool) {
            body.mv.visitInsn(body.num(to).fromInt);
        } else if (toBool) {
            Num k = body.num(from);
            k.constant(body.mv, 0);
            body.mv.visitInsn(k.cmpl);      // -1, 0 or 1 (-1 for NaN)
            body.mv.visitInsn(ICONST_1);
            body.mv.visitInsn(IAND);        // 0 only for ±0: a bool is the int 0 or 1
        } else {
            body.num(from).convert(body.mv, body.num(to));
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
        body.mv.visitMethodInsn(INVOKESTATIC, owner, fn, arity == 1 ? "(D)D" : "(DD)D", false);
        if (k == Num.F32) body.mv.visitInsn(D2F);
        return true;
    }

    private boolean insn(int opcode) {
        body.mv.visitInsn(opcode);
        return true;
    }

    private boolean ops(String fn, Num k) {
        body.mv.visitMethodInsn(INVOKESTATIC, ClassGen.OPS, fn, k.unary(), false);
        return true;
    }

    /** A function java.lang.Math has in double: called directly in F64, through Ops' float form in F32. */
    private boolean transcendental(String fn, Num k) {
        return k == Num.F64 ? math(fn, k.unary()) : ops(fn, k);
    }

    private boolean math(String fn, String desc) {
        body.mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", fn, desc, false);
        return true;
    }

    /** Exponents with an exactly equal cheaper form; Ops.pow (the IR's pow rule) for the rest. */
    private boolean pow(double e, Num k) {
        if (e == 1) return true; // Math.pow(x, 1) is x
        if (e == 0) { // x^0 is 1 for every x, NaN included
            body.mv.visitInsn(k.pop);
            k.constant(body.mv, 1);
        } else if (e == 2) { // the rule's x*x; in float, (double) x * x rounded equals the float product
            body.mv.visitInsn(k.dup);
            body.mv.visitInsn(k.mul);
        } else {
            body.mv.visitLdcInsn(e);
            body.mv.visitMethodInsn(INVOKESTATIC, ClassGen.OPS, "pow", "(" + k.desc + "D)" + k.desc, false);
        }
        return true;
    }
}
