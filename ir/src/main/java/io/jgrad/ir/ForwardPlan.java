package io.jgrad.ir;

import java.util.Arrays;

/**
 * A recorded user-op lowering: the records a lowering appended to a fresh Eval over inputs of
 * given types, kept so that the next run of the same lowering over inputs of the same types
 * gets them by running only the kernels ({@link Eval#replay}); the forward half of what
 * {@link BackwardPlan} does for the backward. A training loop's every step runs the same ops on
 * operands of the same types, and for those the lowering, the shape rules and the dtype rules
 * gave the same records last time; only the values differ.
 *
 * <p>Why a replay gives exactly what the lowering would: a lowering ({@code Composites}) reads
 * its operands' types and its own constants, never their values (it runs over the graph builder
 * too, which has none), so its records (primitives, operand ids, types, attributes, constants)
 * are a function of the key: the lowering's code, its constants and the inputs' types. The
 * caller vouches that the key's {@code code} identifies the lowering with every constant it
 * reads other than {@code c0, c1} (the eager engine passes the class of a lambda that captures
 * nothing, see {@link #fixed}). A replay computes each value with the kernel call
 * {@link Eval#compute} makes, the same as the Emitter methods', so the bits are the same
 * ({@code ForwardPlanTest}). A tape with a CONCAT, a non-scalar constant, more than
 * {@link BackwardPlan#MAX_SIZE} values, or whose result is a constant's own array is not
 * recorded (the replay shares constants between Evals; a result is handed out to be owned).
 *
 * <p>Since a replayed tape has the plan's structure, the {@link BackwardPlan}s found for it are
 * kept here by wrt and used for the next replays without matching the tape again.
 *
 * <p>The cache is a direct-mapped table shared by all threads: plans hold final fields (safely
 * published) and a lost or overwritten entry only means the lowering runs again.
 */
final class ForwardPlan {
    private static final int TABLE = 1 << 12;
    private static final ForwardPlan[] PLANS = new ForwardPlan[TABLE];

    private final int hash;
    private final Object code;
    private final long c0, c1;
    private final Type t0, t1;   // t1 null for one input
    /** The tape: its size, output, records (args, and per record its type, attribute and CONST value). */
    final int end, output;
    private final int[] args;
    private final Object[] slots;
    /** Eval's state after the lowering: the structure hash and the ring of recent constants. */
    private final int structure, nextConst;
    final int[] ring;
    /**
     * BackwardPlans found for tapes of this structure (any output and wrt; each checks its own).
     * Not final, so a thread that got this plan through the table's race may see null: read it
     * once, null meaning none.
     */
    private BackwardPlan[] backward;

    private ForwardPlan(int hash, Object code, long c0, long c1, Type t0, Type t1, Eval e, int output) {
        this.hash = hash;
        this.code = code;
        this.c0 = c0;
        this.c1 = c1;
        this.t0 = t0;
        this.t1 = t1;
        this.end = e.size;
        this.output = output;
        this.args = Arrays.copyOf(e.args, 4 * end);
        this.slots = new Object[3 * end];
        for (int id = 0; id < end; id++) {
            slots[3 * id] = e.slots[3 * id];
            slots[3 * id + 1] = e.slots[3 * id + 1];
            if (e.args[4 * id] == Eval.CONST_ORDINAL) slots[3 * id + 2] = e.slots[3 * id + 2];
        }
        this.structure = e.structure;
        this.nextConst = e.nextConst;
        this.ring = e.recentConsts == null ? null : e.recentConsts.clone();
    }

    private static final ClassValue<Boolean> FIXED = new ClassValue<>() {
        @Override protected Boolean computeValue(Class<?> c) {
            for (java.lang.reflect.Field f : c.getDeclaredFields())
                if (!java.lang.reflect.Modifier.isStatic(f.getModifiers())) return false;
            return true;
        }
    };

    /**
     * Whether {@code lowering}'s class identifies what it computes: it has no instance fields (a
     * lambda that captures nothing, a method reference to a static method). Only then may its
     * class be a plan's code.
     */
    static boolean fixed(Object lowering) {
        return FIXED.get(lowering.getClass());
    }

    static int hash(Object code, long c0, long c1, Type t0, Type t1) {
        int h = System.identityHashCode(code);
        h = 31 * h + t0.hashCode();
        if (t1 != null) h = 31 * h + t1.hashCode();
        long c = c0 ^ Long.rotateLeft(c1, 29);   // a double's bits vary most at the top: mix them down (murmur3's fmix64)
        c = (c ^ (c >>> 33)) * 0xFF51AFD7ED558CCDL;
        c = (c ^ (c >>> 33)) * 0xC4CEB9FE1A85EC53L;
        h = 31 * h + (int) (c ^ (c >>> 32));
        h ^= h >>> 16;   // fmix32: every bit reaches the table index (the low bits)
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        return h ^ (h >>> 16);
    }

    /** The plan for this key, or null. */
    static ForwardPlan find(Object code, long c0, long c1, Type t0, Type t1) {
        int h = hash(code, c0, c1, t0, t1);
        ForwardPlan p = PLANS[h & (TABLE - 1)];
        if (p == null || p.hash != h || p.code != code || p.c0 != c0 || p.c1 != c1) return null;
        if (p.t0 != t0 && !p.t0.equals(t0)) return null;
        if (p.t1 != t1 && (t1 == null || p.t1 == null || !p.t1.equals(t1))) return null;
        return p;
    }

    /**
     * Records e (the lowering just run over a fresh Eval whose inputs are t0 and, if not null,
     * t1, in that order, and nothing else) as the plan for this key, when it can be replayed.
     */
    static void record(Object code, long c0, long c1, Type t0, Type t1, Eval e, int output) {
        if (e.structure == 0 || e.size > BackwardPlan.MAX_SIZE || e.inputCount != (t1 == null ? 1 : 2)) return;
        if (e.args[0] != Eval.INPUT_ORDINAL || !t0.equals(e.slots[0])) return;
        if (t1 != null && (e.args[4] != Eval.INPUT_ORDINAL || !t1.equals(e.slots[3]))) return;
        Object v = e.slots[3 * output + 2];
        for (int id = 0; id < e.size; id++) if (e.args[4 * id] == Eval.CONST_ORDINAL && e.slots[3 * id + 2] == v) return;
        int h = hash(code, c0, c1, t0, t1);
        PLANS[h & (TABLE - 1)] = new ForwardPlan(h, code, c0, c1, t0, t1, e, output);
    }

    /** A new Eval holding this plan's tape over these input values (of the plan's types), computed. */
    Eval replay(Object v0, Object v1) {
        Eval e = new Eval(end, args);   // shared: e copies them before it appends
        Object[] s = e.slots;
        System.arraycopy(slots, 0, s, 0, 3 * end);
        s[2] = v0;
        int inputs = 1;
        if (t1 != null) {
            s[5] = v1;
            inputs = 2;
        }
        e.size = end;
        e.inputCount = inputs;
        for (int id = inputs; id < end; id++) if (s[3 * id + 2] == null) s[3 * id + 2] = e.compute(id);
        e.structure = structure;
        e.nextConst = nextConst;
        e.recentConsts = ring;   // shared: Eval.constant copies it before it writes
        e.forward = this;
        return e;
    }

    /** A BackwardPlan kept for this structure, output and wrt, or null. */
    BackwardPlan backward(int output, boolean[] wrt) {
        BackwardPlan[] b = backward;
        if (b != null) for (BackwardPlan p : b) if (p != null && p.accepts(output, wrt)) return p;
        return null;
    }

    /** Keeps p (a plan that matched a tape of this structure) for the next replays. */
    void keep(BackwardPlan p) {
        BackwardPlan[] b = backward;
        if (b == null) b = new BackwardPlan[0];
        if (b.length >= 4) return;   // wrt patterns of one or two operands: at most three
        b = Arrays.copyOf(b, b.length + 1);
        b[b.length - 1] = p;
        backward = b;   // a racing reader sees the old array or the new one (a null element: none)
    }
}
