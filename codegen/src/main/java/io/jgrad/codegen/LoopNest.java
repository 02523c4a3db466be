package io.jgrad.codegen;

import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

import java.util.Arrays;
import java.util.List;

import static org.objectweb.asm.Opcodes.*;

/**
 * The loops of one kernel, written into the body's open chunk method ({@link BodyEmitter#mv});
 * each loop's index is a new int local of the body. Loop variables of extent 1 get no loop (their index is 0);
 * adjacent variables are merged into one loop when every array access is contiguous
 * across them, so a plain elementwise chain is a single flat counted loop.
 */
final class LoopNest {
    private final BodyEmitter body;
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

    LoopNest(BodyEmitter body, int[] varExt, List<int[]> forms, boolean merge) {
        this(body, varExt, forms, merge, null, new boolean[varExt.length]);
    }

    /**
     * {@code order}: the loop order of the variables, outermost first (null: their own order);
     * {@code barrier[l]}: variable l never merges into the loop before it (nor, when l has
     * extent 1 and no loop, does the next variable that has one). A sum uses barriers so
     * that its loop structure, and so its order, follows the reduced shape alone.
     */
    LoopNest(BodyEmitter body, int[] varExt, List<int[]> forms, boolean merge, int[] order, boolean[] barrier) {
        this.body = body;
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
        for (int g = 0; g < count; g++) local[g] = body.nextLocal++;
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
        MethodVisitor mv = body.mv;
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
        Insns.iconst(mv, ext[g]);
        mv.visitJumpInsn(IF_ICMPGE, end[g]);
    }

    private void closeGroup(int g) {
        MethodVisitor mv = body.mv;
        mv.visitIincInsn(local[g], 1);
        mv.visitJumpInsn(GOTO, head[g]);
        mv.visitLabel(end[g]);
    }

    /**
     * Pushes off + sum(coefficient * loop index) for a flat form: the constant first, the
     * innermost index last, so the loop-invariant part is one subexpression the JIT hoists.
     */
    void index(int off, int[] form) {
        MethodVisitor mv = body.mv;
        long c = off;
        if (delta != 0 && inner >= 0) c += (long) form[last[inner]] * delta;
        boolean pushed = false;
        if (c != 0) {
            Insns.iconst(mv, (int) c);
            pushed = true;
        }
        for (int g = 0; g < last.length; g++) {
            int coef = form[last[g]];
            if (coef == 0) continue;
            mv.visitVarInsn(ILOAD, local[g]);
            if (coef != 1) {
                Insns.iconst(mv, coef);
                mv.visitInsn(IMUL);
            }
            if (pushed) mv.visitInsn(IADD);
            pushed = true;
        }
        if (!pushed) mv.visitInsn(ICONST_0);
    }
}
