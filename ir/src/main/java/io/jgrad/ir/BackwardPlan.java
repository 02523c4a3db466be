package io.jgrad.ir;

import java.util.Arrays;

/**
 * A recorded {@link Eval#backward}: the records the reverse walk appended to an Eval of one
 * structure, kept so that the next Eval of the same structure gets them by running only the
 * kernels. The eager engine makes one small Eval per user op, and most ops repeat (the same op
 * on operands of the same types, a training loop's every step): for those the walk, the VJP
 * rules and the shape rules gave the same records last time, and only the values differ.
 *
 * <p>Why a replay gives exactly what the walk would: the records the walk appends (primitives,
 * operand ids, types, attributes, constants) depend only on the tape's records 0..size-1, never
 * on its values (the rules and the shape rules read types and attributes; {@link Eval#constant}'s
 * reuse of a recent scalar reads the recent constants' values, which are part of the structure
 * here). So the structure is: every record's primitive, operands, type and attributes, every
 * CONST's value, the output, wrt and the recent-constant ring. A replay computes each appended
 * value with the same kernel call {@link Eval#apply} makes ({@link Kernels#apply}), so the bits
 * are the same. Tapes with a CONCAT or a non-scalar constant, or longer than {@link #MAX_SIZE}
 * values, are not recorded (the walk runs as before).
 *
 * <p>The cache is a direct-mapped table shared by all threads: plans are immutable (final
 * fields, safely published) and a lost or overwritten entry only means the walk runs again.
 */
final class BackwardPlan {
    /** Tapes of at most this many values before the backward get a plan. */
    static final int MAX_SIZE = 32;
    private static final int TABLE = 1 << 10;
    private static final BackwardPlan[] PLANS = new BackwardPlan[TABLE];

    private final int hash;
    /** The structure: the tape's size, output, wrt, the ring of recent constants before the walk. */
    private final int size, output, nextConstBefore;
    private final boolean[] wrt;
    private final int[] ringBefore;
    /** args[0, 4·size) of the tape, and per record its type, attribute and (CONST only) value. */
    private final int[] args;
    private final Object[] slots;
    /** What the walk appended: args and slots of records size..end-1 (values only for CONSTs; the seed's null). */
    private final int end;
    private final int[] stepArgs;
    private final Object[] stepSlots;
    /** Eval.backward's result and the ring after the walk. */
    private final int[] grads;
    private final int[] ringAfter;
    private final int nextConstAfter;

    private BackwardPlan(int hash, Eval e, int output, boolean[] wrt, int[] ringBefore, int nextConstBefore, int size, int[] grads) {
        this.hash = hash;
        this.size = size;
        this.output = output;
        this.wrt = wrt.clone();
        this.ringBefore = ringBefore;
        this.nextConstBefore = nextConstBefore;
        this.args = Arrays.copyOf(e.args, 4 * size);
        this.slots = new Object[3 * size];
        for (int id = 0; id < size; id++) {
            slots[3 * id] = e.slots[3 * id];
            slots[3 * id + 1] = e.slots[3 * id + 1];
            if (e.args[4 * id] == Eval.CONST_ORDINAL) slots[3 * id + 2] = e.slots[3 * id + 2];
        }
        this.end = e.size;
        this.stepArgs = Arrays.copyOfRange(e.args, 4 * size, 4 * end);
        this.stepSlots = new Object[3 * (end - size)];
        for (int id = size; id < end; id++) {
            int k = 3 * (id - size);
            stepSlots[k] = e.slots[3 * id];
            stepSlots[k + 1] = e.slots[3 * id + 1];
            if (e.args[4 * id] == Eval.CONST_ORDINAL) stepSlots[k + 2] = e.slots[3 * id + 2];
        }
        this.grads = grads.clone();
        this.ringAfter = e.recentConsts == null ? null : e.recentConsts.clone();
        this.nextConstAfter = e.nextConst;
    }

    /** The structure's hash, or 0 when this tape is not to be planned (0 is never a plan's hash). */
    static int hash(Eval e, int output, boolean[] wrt) {
        if (e.size > MAX_SIZE || e.structure == 0) return 0;
        int h = 31 * (31 * e.structure + e.size) + output;
        for (boolean w : wrt) h = 31 * h + (w ? 1 : 0);
        h ^= h >>> 16;   // murmur3's finaliser: every bit reaches the table index (the low bits);
        h *= 0x85EBCA6B;  // a constant's value is in its double's high bits
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h == 0 ? 1 : h;
    }

    /** The plan for this structure, or null. */
    static BackwardPlan find(int hash, Eval e, int output, boolean[] wrt) {
        BackwardPlan p = PLANS[hash & (TABLE - 1)];
        return p != null && p.hash == hash && p.matches(e, output, wrt) ? p : null;
    }

    /** Records the walk that just ran on e (records size.. appended; ring* the constants' ring before it). */
    static void record(int hash, Eval e, int output, boolean[] wrt, int[] ringBefore, int nextConstBefore, int size, int[] grads) {
        PLANS[hash & (TABLE - 1)] = new BackwardPlan(hash, e, output, wrt, ringBefore, nextConstBefore, size, grads);
    }

    /** Whether this plan is for this output and wrt (the rest of its structure checked by the caller). */
    boolean accepts(int output, boolean[] wrt) {
        if (this.output != output || wrt.length != this.wrt.length) return false;
        for (int i = 0; i < wrt.length; i++) if (wrt[i] != this.wrt[i]) return false;
        return true;
    }

    private boolean matches(Eval e, int output, boolean[] wrt) {
        if (e.size != size || this.output != output || e.nextConst != nextConstBefore || wrt.length != this.wrt.length) return false;
        for (int i = 0; i < wrt.length; i++) if (wrt[i] != this.wrt[i]) return false;
        // plain loops: these arrays are a few dozen ints, below what Arrays.equals's vectorised path pays off for
        int[] a = e.args;
        for (int i = 0; i < 4 * size; i++) if (a[i] != args[i]) return false;
        int[] ring = e.recentConsts;
        if ((ring == null) != (ringBefore == null)) return false;
        if (ring != null) for (int i = 0; i < ring.length; i++) if (ring[i] != ringBefore[i]) return false;
        Object[] s = e.slots;
        for (int k = 0; k < 3 * size; k += 3) {
            Object t = s[k];
            if (t != slots[k] && !t.equals(slots[k])) return false;
            if (!sameAttribute(s[k + 1], slots[k + 1])) return false;
            if (slots[k + 2] != null && !sameScalar(s[k + 2], slots[k + 2])) return false;
        }
        return true;
    }

    private static boolean sameAttribute(Object a, Object b) {
        if (a == b) return true;   // INPUT's shared [index] arrays
        if (a instanceof int[] x && b instanceof int[] y) return Arrays.equals(x, y);
        if (a instanceof double[] x && b instanceof double[] y) return Arrays.equals(x, y);   // bits, as Double.equals
        return false;
    }

    private static boolean sameScalar(Object a, Object b) {
        if (a instanceof float[] x) return b instanceof float[] y && Float.floatToRawIntBits(x[0]) == Float.floatToRawIntBits(y[0]);
        if (a instanceof double[] x) return b instanceof double[] y && Double.doubleToRawLongBits(x[0]) == Double.doubleToRawLongBits(y[0]);
        return b instanceof boolean[] y && ((boolean[]) a)[0] == y[0];
    }

    /**
     * The gradients' values for e (which matches this plan) without appending anything to e:
     * the recorded records' values computed into a scratch array (ids from size on).
     */
    Object[] values(Eval e, Object seed, int n) {
        Object[] v = new Object[end - size];
        v[0] = seed;
        for (int id = size + 1; id < end; id++) {
            int k = id - size;
            Object c = stepSlots[3 * k + 2];
            v[k] = c != null ? c : e.compute(stepArgs, 4 * k, (Type) stepSlots[3 * k], stepSlots[3 * k + 1], v, stepSlots, size);
        }
        Object[] out = new Object[n];
        for (int i = 0; i < n; i++) {
            int d = grads[i];
            if (d >= 0) out[i] = d < size ? e.slots[3 * d + 2] : v[d - size];
        }
        return out;
    }

    /**
     * Appends the recorded records to e (which matches this plan), the seed as the first, and
     * computes their values; returns what Eval.backward returns.
     */
    int[] replay(Eval e, Object seed) {
        e.ensureCapacity(end);
        System.arraycopy(stepArgs, 0, e.args, 4 * size, stepArgs.length);
        System.arraycopy(stepSlots, 0, e.slots, 3 * size, stepSlots.length);
        e.slots[3 * size + 2] = seed;   // the seed is the walk's first record, an INPUT
        e.inputCount++;
        e.size = end;
        for (int id = size + 1; id < end; id++) if (e.slots[3 * id + 2] == null) e.slots[3 * id + 2] = e.compute(id);
        if (ringAfter != null) e.recentConsts = ringAfter.clone();
        e.nextConst = nextConstAfter;
        return grads.clone();
    }
}
