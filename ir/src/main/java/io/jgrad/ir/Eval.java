package io.jgrad.ir;

import io.jgrad.runtime.DType;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;

/**
 * The evaluating {@link Emitter}: every primitive is checked by its shape rule and computed by
 * its kernel ({@link Kernels}) the moment it is emitted, and its value kept under its id. This
 * is the eager engine's backend: a user op puts its operands with {@link #input}, runs its
 * lowering ({@link Composites}) over this Eval and reads the result; its backward appends the
 * VJP rules to the same Eval with {@link #backward}, so the rules reuse the forward values by id
 * (PyTorch's saved tensors are simply the values this Eval holds).
 *
 * <p>Values are typed arrays, row-major: F32 and F16 {@code float[]} (F16 elements are binary16
 * values), F64 {@code double[]}, BOOL {@code boolean[]}. Arrays are shared, never copied: an
 * input array is used as given, and a result may be an operand's own array (RESHAPE,
 * STOP_GRADIENT, a same-dtype CONVERT, an ADD's adjoint is the seed itself). So the caller must
 * not change an array it put in while this Eval may still read it, and must copy a result
 * before changing it. The applied nodes are kept too ({@link #nodes}, made on request: an Eval
 * records each node as a few array entries, not as a Node object). A scalar constant equal (bit
 * for bit, same dtype) to one of the last few made is not made again: {@link #constant} may
 * return an existing id. An Eval is not thread-safe.
 *
 * <p>Typical use (one eager op and its backward):
 * <pre>
 * Eval e = new Eval();
 * int a = e.input(Type.f32(3), xData), b = e.input(Type.f32(), yData);
 * int out = Composites.mul(e, a, b);           // broadcasts b, evaluates
 * float[] result = e.floats(out);
 * ...
 * int[] d = e.backward(out, seedData, new boolean[] {true, true});
 * float[] da = d[0] &lt; 0 ? null : e.floats(d[0]);  // -1: a zero gradient
 * </pre>
 */
public final class Eval implements Emitter, Adjoint.Tape {
    private static final int[] NO_INTS = new int[0];
    private static final double[] NO_DATA = new double[0];
    /** INPUT attributes [i] for small parameter indices, shared (attributes are never changed). */
    private static final int[][] INDEX = new int[16][];
    static {
        for (int i = 0; i < INDEX.length; i++) INDEX[i] = new int[] {i};
    }

    // value id: slots[3id] its Type, slots[3id+1] its attributes (a Variadic for CONCAT, int[]
    // for INPUT/TRANSPOSE/REDUCE_*, double[] for POW, else null), slots[3id+2] its value; args[4id] its Prim's
    // ordinal, args[4id+1+i] operand i or -1. Two arrays, so that an Eval of a few values is cheap
    // to make, and the primitive is an int: fewer reference stores (each pays a GC barrier).
    // (package-private for BackwardPlan, which copies and replays them)
    Object[] slots;
    int[] args;
    private static final Prim[] PRIMS = Prim.values();
    static final int INPUT_ORDINAL = Prim.INPUT.ordinal(), CONST_ORDINAL = Prim.CONST.ordinal(), CONCAT_ORDINAL = Prim.CONCAT.ordinal();
    // values an Eval makes room for at first: small, because the eager engine makes one Eval per user op
    // and allocation volume is what costs (measured: 4 beats 8 and 12 on the seed neuron)
    private static final int CAPACITY = 4;
    int size;
    int inputCount;
    // the last few scalar constants (ids, a ring; made on first use)
    int[] recentConsts;
    int nextConst;
    // a hash of the records' structure so far (BackwardPlan), 0 once the tape cannot have a plan
    int structure = 1;
    private List<Node> view;   // made on first use
    // the reverse walk's arrays, kept from one backward to the next (made on first use)
    private int[] adjoint, into;
    private boolean[] want;
    // the ForwardPlan this tape was replayed from (its structure is the plan's while size is its end), or null
    ForwardPlan forward;

    public Eval() {
        slots = new Object[3 * CAPACITY];
        args = new int[4 * CAPACITY];
    }

    /**
     * An Eval of n records whose args are {@code args} (a plan's, of length 4n, shared: read
     * only). Every write of args is an append past record n-1, and slots has room for exactly n
     * records, so an append first copies args into a new array ({@link #add}, {@link
     * #ensureCapacity}); {@link #reset} copies them too.
     */
    Eval(int n, int[] args) {
        slots = new Object[3 * n];
        this.args = args;
    }

    /**
     * Empties this Eval for reuse, keeping its storage: as new, with no values. Values read from
     * it before stay valid (they are never changed); ids and nodes from before mean nothing after.
     */
    public void reset() {
        if (forward != null) args = args.clone();   // a plan's, shared
        java.util.Arrays.fill(slots, 0, 3 * size, null);
        size = 0;
        inputCount = 0;
        if (recentConsts != null) recentConsts = new int[] {-1, -1, -1, -1};   // it may be a plan's (shared)
        nextConst = 0;
        view = null;
        structure = 1;
        forward = null;
    }

    // ------------------------------------------------------------------ forward plans

    /**
     * A new Eval holding what {@code lowering} emitted last time over fresh inputs of these
     * types (t1 null for one input), with these values as its inputs and every other value
     * computed by its kernel (the same bits as running the lowering: {@link ForwardPlan});
     * null when no such run was recorded by {@link #plan}. The caller vouches that
     * {@code lowering} is a lowering whose class captures nothing and that reads no constant
     * but c0 and c1 (see {@link #plan}). The values must fit their types (not checked).
     */
    public static Eval replay(Object lowering, double c0, double c1, Type t0, Object v0, Type t1, Object v1) {
        ForwardPlan p = ForwardPlan.find(lowering.getClass(), Double.doubleToRawLongBits(c0), Double.doubleToRawLongBits(c1), t0, t1);
        return p == null ? null : p.replay(v0, v1);
    }

    /**
     * Records this Eval, made fresh with inputs of types t0 (and t1 if not null) and then
     * {@code lowering}'s records with result {@code output}, for {@link #replay}. Nothing is
     * recorded when the lowering's class has instance fields (a capturing lambda: what it
     * computes is not known from its class), or when the tape cannot be replayed.
     */
    public void plan(Object lowering, double c0, double c1, Type t0, Type t1, int output) {
        check(output);
        if (!ForwardPlan.fixed(lowering)) return;
        ForwardPlan.record(lowering.getClass(), Double.doubleToRawLongBits(c0), Double.doubleToRawLongBits(c1), t0, t1, this, output);
    }

    /** The result id of the lowering this Eval was replayed from ({@link #replay}), or -1. */
    public int plannedOutput() {
        return forward == null ? -1 : forward.output;
    }

    // ------------------------------------------------------------------ values in and out

    /**
     * A value given from outside: an INPUT node with the next parameter index (0, 1, ...), whose
     * value is {@code value} itself (not copied): a float[] for F32/F16, double[] for F64,
     * boolean[] for BOOL, of t's size. An F16 array must hold binary16 values (not checked).
     */
    public int input(Type t, Object value) {
        if (t == null) throw new IllegalArgumentException("input: type is null");
        if (!Kernels.fits(t, value)) Kernels.check("input " + inputCount, t, value);   // the message only when it fails
        return add(Prim.INPUT, t, index(inputCount++), -1, -1, -1, value);
    }

    public int input(Type t, float[] value) { return input(t, (Object) value); }
    public int input(Type t, double[] value) { return input(t, (Object) value); }
    public int input(Type t, boolean[] value) { return input(t, (Object) value); }

    /** The value of {@code id}: float[], double[] or boolean[] by its dtype (shared, do not change it). */
    public Object value(int id) {
        check(id);
        return slots[3 * id + 2];
    }

    /** The value of an F32 or F16 value (shared, do not change it). */
    public float[] floats(int id) {
        if (!(value(id) instanceof float[] f)) throw new IllegalArgumentException("%" + id + " is " + type(id) + ", not f32 or f16: use doubles() or bools()");
        return f;
    }

    /** The value of an F64 value (shared, do not change it). */
    public double[] doubles(int id) {
        if (!(value(id) instanceof double[] d)) throw new IllegalArgumentException("%" + id + " is " + type(id) + ", not f64: use floats() or bools()");
        return d;
    }

    /** The value of a BOOL value (shared, do not change it). */
    public boolean[] bools(int id) {
        if (!(value(id) instanceof boolean[] b)) throw new IllegalArgumentException("%" + id + " is " + type(id) + ", not bool");
        return b;
    }

    /** Element i of value id as a double (BOOL as 0/1). */
    public double doubleAt(int id, int i) {
        return Kernels.get(value(id), i);
    }

    /** The dtype of value id (a shortcut for type(id).dtype()). */
    public DType dtype(int id) {
        return type(id).dtype();
    }

    /** The node that made value id (a new Node object describing it; INPUTs are named in0, in1, ...). */
    public Node node(int id) {
        check(id);
        Prim p = prim(id);
        int[] a = new int[arity(id)];
        for (int i = 0; i < a.length; i++) a[i] = arg(id, i);
        int[] in = ints(id);
        return new Node(id, p, a, type(id), in, data(id), p == Prim.INPUT ? "in" + in[0] : null);
    }

    /** The nodes applied so far, in id order (a read-only view that grows with this Eval; each get makes a Node). */
    public List<Node> nodes() {
        if (view == null) {
            view = new AbstractList<>() {
                @Override public Node get(int i) { return node(i); }
                @Override public int size() { return size; }
            };
        }
        return view;
    }

    /** How many values this Eval holds. */
    public int size() {
        return size;
    }

    /** How many inputs were put (the next input's parameter index). */
    public int inputCount() {
        return inputCount;
    }

    // ------------------------------------------------------------------ reverse mode

    /**
     * Applies the VJP rules of every node from {@code output} back to the inputs, evaluated
     * here (the walk {@link Adjoint#of} uses too): {@code seed} (the adjoint of output: an array
     * of output's type, used as given) is put as a new input, and the result has, per parameter
     * index i &lt; wrt.length, the id of d output / d input i against the seed, or -1 where it is
     * zero (wrt[i] false, or the output does not depend on input i through differentiable
     * operands). Values made before stay valid; this may be called again (each call appends).
     */
    public int[] backward(int output, Object seed, boolean[] wrt) {
        Type t = type(output);
        if (wrt == null) throw new IllegalArgumentException("backward: wrt is null");
        if (!Kernels.fits(t, seed)) Kernels.check("backward: the seed", t, seed);
        // the same structure as a tape before: replay its records (BackwardPlan says why that is exact)
        int hash = BackwardPlan.hash(this, output, wrt);
        if (hash != 0) {
            BackwardPlan plan = BackwardPlan.find(hash, this, output, wrt);
            if (plan != null) return plan.replay(this, seed);
        }
        return walk(output, seed, wrt, hash);
    }

    /** backward's reverse walk; records a plan when hash is not 0. */
    private int[] walk(int output, Object seed, boolean[] wrt, int hash) {
        Type t = type(output);
        int before = size, nextBefore = nextConst;
        int[] ringBefore = hash != 0 && recentConsts != null ? recentConsts.clone() : null;
        int s = add(Prim.INPUT, t, index(inputCount++), -1, -1, -1, seed);
        if (adjoint == null || adjoint.length <= output) {
            adjoint = new int[Math.max(output + 1, 8)];
            if (want == null) {
                want = new boolean[3];
                into = new int[3];
            }
        }
        Adjoint.backward(this, this, output, s, wrt, adjoint, want, into);   // the rules append; records 0..output stay
        int[] grads = new int[wrt.length];
        Arrays.fill(grads, -1);
        for (int id = 0; id <= output; id++) {
            if (adjoint[id] >= 0 && args[4 * id] == INPUT_ORDINAL) {
                int index = ((int[]) slots[3 * id + 1])[0];
                if (index < grads.length) grads[index] = adjoint[id];
            }
        }
        if (hash != 0) BackwardPlan.record(hash, this, output, wrt, ringBefore, nextBefore, before, grads);
        return grads;
    }

    /**
     * The values of {@link #backward}'s gradients: per parameter index i &lt; wrt.length the
     * array of d output / d input i against the seed, or null where it is zero. Where a tape of
     * this structure was differentiated before ({@link BackwardPlan}), only the kernels run and
     * nothing is appended to this Eval; otherwise this is {@link #backward}. The arrays may be
     * shared (with this Eval, the seed, an operand, or another Eval's constants): never change them.
     */
    public Object[] backwardValues(int output, Object seed, boolean[] wrt) {
        Type t = type(output);
        if (wrt == null) throw new IllegalArgumentException("backward: wrt is null");
        if (!Kernels.fits(t, seed)) Kernels.check("backward: the seed", t, seed);
        ForwardPlan f = forward != null && size == forward.end ? forward : null;   // nothing appended since the replay
        if (f != null) {
            BackwardPlan plan = f.backward(output, wrt);
            if (plan != null) return plan.values(this, seed, wrt.length);
        }
        int hash = BackwardPlan.hash(this, output, wrt);
        if (hash != 0) {
            BackwardPlan plan = BackwardPlan.find(hash, this, output, wrt);
            if (plan != null) {
                if (f != null) f.keep(plan);
                return plan.values(this, seed, wrt.length);
            }
        }
        int[] d = walk(output, seed, wrt, hash);
        Object[] values = new Object[wrt.length];
        for (int i = 0; i < d.length; i++) if (d[i] >= 0) values[i] = slots[3 * d[i] + 2];
        return values;
    }

    // ------------------------------------------------------------------ Emitter

    @Override
    public Type type(int id) {
        check(id);
        return (Type) slots[3 * id];
    }

    @Override
    public int apply(Prim p, int[] args, Type declared, int[] ints, double[] data) {
        if (p == Prim.INPUT) throw new IllegalArgumentException("input: use Eval.input(type, value)");
        if (args.length > 3 && p != Prim.CONCAT) throw new IllegalArgumentException(p.text + ": takes " + p.arity() + " operands, got " + args.length);
        int[] in = ints == null ? NO_INTS : ints.clone();
        double[] d = data == null ? NO_DATA : data.clone();
        Type[] argTypes = new Type[args.length];
        Object[] argValues = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            argTypes[i] = type(args[i]);
            argValues[i] = slots[3 * args[i] + 2];
        }
        Type t = p.resultType(argTypes, in, d, declared);
        Object v = Kernels.apply(p, t, in, d, argValues, argTypes);
        Object attr = p == Prim.CONCAT ? new Variadic(in, args.clone()) : in.length > 0 ? in : d.length > 0 ? d : null;
        return add(p, t, attr, args.length > 0 ? args[0] : -1, args.length > 1 ? args[1] : -1, args.length > 2 ? args[2] : -1, v);
    }

    // The common cases below skip apply's copies and arrays.

    @Override
    public int unary(Prim p, int x) {
        if (p.family != Prim.Family.UNARY || p == Prim.POW) throw new IllegalArgumentException(p.text + " is not a plain unary primitive");
        Type t = p.resultType(type(x), null, null, NO_INTS, NO_DATA, null);
        return add(p, t, null, x, -1, -1, Kernels.unary(p, t.dtype(), value0(x), 0));
    }

    @Override
    public int pow(int x, double exponent) {
        double[] d = {exponent};
        Type t = Prim.POW.resultType(type(x), null, null, NO_INTS, d, null);
        return add(Prim.POW, t, d, x, -1, -1, Kernels.unary(Prim.POW, t.dtype(), value0(x), exponent));
    }

    @Override
    public int binary(Prim p, int a, int b) {
        if (p.arity() != 2 || p == Prim.DOT_GENERAL) throw new IllegalArgumentException(p.text + " is not a binary primitive without attributes");
        Type ta = type(a), tb = type(b);
        Type t = p.resultType(ta, tb, null, NO_INTS, NO_DATA, null);
        Object v = p == Prim.MATMUL
                ? ReductionKernels.matmul(value0(a), value0(b), t.dtype(), ta.dim(0), ta.dim(1), tb.dim(1))
                : Kernels.binary(p, ta.dtype(), value0(a), value0(b));
        return add(p, t, null, a, b, -1, v);
    }

    // the shape and reduction primitives the eager ops use most, without apply's arrays: the
    // same type rule, kernel call and record as apply makes

    @Override
    public int broadcast(int x, int... shape) {
        Type tx = type(x);
        Type t = Prim.BROADCAST.resultType(tx, null, null, NO_INTS, NO_DATA, tx.withShape(shape));
        return add(Prim.BROADCAST, t, null, x, -1, -1, Kernels.broadcast(value0(x), tx, t));
    }

    @Override
    public int reshape(int x, int... shape) {
        Type tx = type(x);
        Type t = Prim.RESHAPE.resultType(tx, null, null, NO_INTS, NO_DATA, tx.withShape(shape));
        return add(Prim.RESHAPE, t, null, x, -1, -1, value0(x));
    }

    @Override
    public int reduce(Prim p, int x, int... axes) {
        if (p.family != Prim.Family.REDUCE) throw new IllegalArgumentException(p.text + " is not a reduction");
        Type tx = type(x);
        int[] in = axes.length == 0 ? NO_INTS : axes.clone();
        Type t = p.resultType(tx, null, null, in, NO_DATA, null);
        Object v = p == Prim.REDUCE_SUM ? ReductionKernels.reduceSum(value0(x), tx, in, t) : ReductionKernels.reduceMax(value0(x), tx, in, t);
        return add(p, t, in.length > 0 ? in : null, x, -1, -1, v);
    }

    @Override
    public int select(int c, int a, int b) {
        Type t = Prim.SELECT.resultType(type(c), type(a), type(b), NO_INTS, NO_DATA, null);
        return add(Prim.SELECT, t, null, c, a, b, Kernels.select((boolean[]) value0(c), value0(a), value0(b)));
    }

    /**
     * A constant: its value is computed from {@code data} at once (rounded to t's dtype) and the
     * array is not kept; {@link #node} reports a CONST's data as the exact doubles of its value.
     * A scalar equal (same dtype, same value bits) to one of the last few made is not made again.
     */
    @Override
    public int constant(Type t, double... data) {
        Type r = Prim.CONST.resultType(null, null, null, NO_INTS, data, t);
        Object v = Kernels.constant(r, data);
        boolean scalar = r.isScalar();
        if (scalar && recentConsts != null) {   // values are immutable, so an equal one can be shared
            for (int id : recentConsts)
                if (id >= 0 && slots[3 * id] == r && sameScalar(v, slots[3 * id + 2])) return id;
        }
        int id = add(Prim.CONST, r, null, -1, -1, -1, v);
        if (structure != 0) structure = scalar ? 31 * structure + bitsHash(Kernels.get(v, 0)) : 0;
        if (scalar) {
            if (recentConsts == null) recentConsts = new int[] {-1, -1, -1, -1};
            else if (forward != null && recentConsts == forward.ring) recentConsts = recentConsts.clone();   // a replay shares its plan's
            recentConsts[nextConst] = id;
            nextConst = (nextConst + 1) & 3;
        }
        return id;
    }

    private static boolean sameScalar(Object a, Object b) {
        if (a instanceof float[] fa) return Float.floatToRawIntBits(fa[0]) == Float.floatToRawIntBits(((float[]) b)[0]);
        if (a instanceof double[] da) return Double.doubleToRawLongBits(da[0]) == Double.doubleToRawLongBits(((double[]) b)[0]);
        return ((boolean[]) a)[0] == ((boolean[]) b)[0];
    }

    // ------------------------------------------------------------------ Adjoint.Tape (package-private use)

    @Override
    public Prim prim(int id) {
        return PRIMS[args[4 * id]];
    }

    @Override
    public int arity(int id) {
        int a = prim(id).arity();
        return a >= 0 ? a : ((Variadic) slots[3 * id + 1]).args.length;
    }

    @Override
    public int arg(int id, int i) {
        if (i < 3) return args[4 * id + 1 + i];
        return slots[3 * id + 1] instanceof Variadic v && i < v.args.length ? v.args[i] : -1;
    }

    @Override
    public int[] ints(int id) {
        Object a = slots[3 * id + 1];
        return a instanceof int[] in ? in : a instanceof Variadic v ? v.ints : NO_INTS;
    }

    /** The attributes and every operand of a CONCAT (args[] keeps room for three). */
    private record Variadic(int[] ints, int[] args) {}

    @Override
    public double[] data(int id) {
        if (args[4 * id] == CONST_ORDINAL) return Kernels.toDoubles(slots[3 * id + 2]);   // made on request: Eval keeps the value only
        return slots[3 * id + 1] instanceof double[] d ? d : NO_DATA;
    }

    // ------------------------------------------------------------------ storage

    private int add(Prim p, Type t, Object attr, int a0, int a1, int a2, Object value) {
        if (3 * size == slots.length) {   // x3: an op of 5-12 primitives (clamp: 9) grows once, not twice
            slots = Arrays.copyOf(slots, 9 * size);
            args = Arrays.copyOf(args, 12 * size);
        }
        int k = 3 * size;
        slots[k] = t;
        if (attr != null) slots[k + 1] = attr;   // a fresh slot is null already
        slots[k + 2] = value;
        int j = 4 * size;
        int ordinal = p.ordinal();
        args[j] = ordinal;
        args[j + 1] = a0;
        args[j + 2] = a1;
        args[j + 3] = a2;
        if (structure != 0) {
            int h = 31 * structure + (ordinal ^ (a0 << 7) ^ (a1 << 15) ^ (a2 << 23)) + 17 * t.hashCode();
            if (attr instanceof double[] d) h = 31 * h + bitsHash(d[0]);   // POW's exponent
            else if (attr instanceof int[] in) h = 31 * h + (in.length == 1 ? in[0] : Arrays.hashCode(in));   // INPUT's [index]: one int
            structure = p == Prim.CONCAT ? 0 : h;
        }
        return size++;
    }

    private static int bitsHash(double v) {
        long b = Double.doubleToRawLongBits(v);
        return (int) (b ^ (b >>> 32));
    }

    /** Room for n records. */
    void ensureCapacity(int n) {
        if (3 * n > slots.length) {
            slots = Arrays.copyOf(slots, 3 * n);
            args = Arrays.copyOf(args, 4 * n);
        }
    }

    /** The value of record id from its operands' values (BackwardPlan's replay into this Eval). */
    Object compute(int id) {
        return compute(args, 4 * id, (Type) slots[3 * id], slots[3 * id + 1], null, null, Integer.MAX_VALUE);
    }

    /**
     * The value of a record given by its parts (its primitive and operands at {@code a[j..j+3]},
     * its type and attribute) by the kernel call the Emitter methods above make for it, so with
     * the same bits. Operand ids below {@code base} are this Eval's values; from base on they are
     * {@code values[id - base]}, of type {@code slotsAfter[3(id - base)]} (BackwardPlan's replay
     * into a scratch array).
     */
    Object compute(int[] a, int j, Type t, Object attr, Object[] values, Object[] slotsAfter, int base) {
        Prim p = PRIMS[a[j]];
        int a0 = a[j + 1], a1 = a[j + 2], a2 = a[j + 3];
        return switch (p.family) {
            case UNARY -> Kernels.unary(p, t.dtype(), val(a0, values, base), p == Prim.POW ? ((double[]) attr)[0] : 0);
            case BINARY, COMPARE -> Kernels.binary(p, typ(a0, slotsAfter, base).dtype(), val(a0, values, base), val(a1, values, base));
            case SELECT -> Kernels.select((boolean[]) val(a0, values, base), val(a1, values, base), val(a2, values, base));
            case MATMUL -> {
                Type ta = typ(a0, slotsAfter, base);
                yield ReductionKernels.matmul(val(a0, values, base), val(a1, values, base), t.dtype(), ta.dim(0), ta.dim(1), typ(a1, slotsAfter, base).dim(1));
            }
            case SHAPE, REDUCE, CONVERT -> {   // the common ones by Kernels.apply's calls, without its arrays
                if (p == Prim.RESHAPE) yield val(a0, values, base);
                if (p == Prim.BROADCAST) yield Kernels.broadcast(val(a0, values, base), typ(a0, slotsAfter, base), t);
                if (p == Prim.REDUCE_SUM) yield ReductionKernels.reduceSum(val(a0, values, base), typ(a0, slotsAfter, base), attr == null ? NO_INTS : (int[]) attr, t);
                if (p == Prim.CONVERT) yield Kernels.convert(val(a0, values, base), typ(a0, slotsAfter, base).dtype(), t.dtype());
                yield general(p, a, j, t, attr, values, slotsAfter, base);
            }
            case LEAF, SCATTER, CONCAT, CONTRACT -> general(p, a, j, t, attr, values, slotsAfter, base);
        };
    }

    /** Any record by Kernels.apply (CONCAT is never replayed: BackwardPlan leaves its tapes alone). */
    private Object general(Prim p, int[] a, int j, Type t, Object attr, Object[] values, Object[] slotsAfter, int base) {
        int n = p.arity();
        Object[] vs = new Object[n];
        Type[] ts = new Type[n];
        for (int i = 0; i < n; i++) {
            vs[i] = val(a[j + 1 + i], values, base);
            ts[i] = typ(a[j + 1 + i], slotsAfter, base);
        }
        return Kernels.apply(p, t, attr instanceof int[] in ? in : NO_INTS, attr instanceof double[] d ? d : NO_DATA, vs, ts);
    }

    private Object val(int id, Object[] values, int base) {
        return id < base ? slots[3 * id + 2] : values[id - base];
    }

    private Type typ(int id, Object[] slotsAfter, int base) {
        return (Type) (id < base ? slots[3 * id] : slotsAfter[3 * (id - base)]);
    }

    /** The value of an id already checked by type(id). */
    private Object value0(int id) {
        return slots[3 * id + 2];
    }

    private static int[] index(int i) {
        return i < INDEX.length ? INDEX[i] : new int[] {i};
    }

    private void check(int id) {
        if (id < 0 || id >= size) throw new IllegalArgumentException("no value %" + id + " in this Eval (it has " + size + ")");
    }
}
