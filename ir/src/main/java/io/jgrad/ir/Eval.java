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
 * before changing it. The applied nodes are kept too ({@link #nodes}), as a graph would keep
 * them; an Eval is not thread-safe.
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
public final class Eval implements Emitter {
    private static final int[] NO_INTS = new int[0];
    private static final double[] NO_DATA = new double[0];

    private Node[] nodes = new Node[8];
    private Object[] values = new Object[8];
    private int size;
    private int inputCount;

    private final List<Node> view = new AbstractList<>() {
        @Override public Node get(int i) { return node(i); }
        @Override public int size() { return size; }
    };

    // ------------------------------------------------------------------ values in and out

    /**
     * A value given from outside: an INPUT node with the next parameter index (0, 1, ...), whose
     * value is {@code value} itself (not copied): a float[] for F32/F16, double[] for F64,
     * boolean[] for BOOL, of t's size. An F16 array must hold binary16 values (not checked).
     */
    public int input(Type t, Object value) {
        if (t == null) throw new IllegalArgumentException("input: type is null");
        Kernels.check("input " + inputCount, t, value);
        return add(new Node(size, Prim.INPUT, NO_INTS, t, new int[] {inputCount++}, NO_DATA, "in"), value);
    }

    public int input(Type t, float[] value) { return input(t, (Object) value); }
    public int input(Type t, double[] value) { return input(t, (Object) value); }
    public int input(Type t, boolean[] value) { return input(t, (Object) value); }

    /** The value of {@code id}: float[], double[] or boolean[] by its dtype (shared, do not change it). */
    public Object value(int id) {
        check(id);
        return values[id];
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

    /** The node that made value id. */
    public Node node(int id) {
        check(id);
        return nodes[id];
    }

    /** The nodes applied so far, in id order (a read-only view that grows with this Eval). */
    public List<Node> nodes() {
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
     * here ({@link Adjoint#backward}, the walk {@link Adjoint#of} uses too): {@code seed} (the
     * adjoint of output: an array of output's type, used as given) is put as a new value, and
     * the result has, per parameter index i &lt; wrt.length, the id of d output / d input i
     * against the seed, or -1 where it is zero (wrt[i] false, or the output does not depend on
     * input i through differentiable operands). Values made before stay valid; this may be
     * called again (each call appends).
     */
    public int[] backward(int output, Object seed, boolean[] wrt) {
        Type t = type(output);
        if (wrt == null) throw new IllegalArgumentException("backward: wrt is null");
        Kernels.check("backward seed", t, seed);
        int s = add(new Node(size, Prim.INPUT, NO_INTS, t, new int[] {inputCount++}, NO_DATA, "seed"), seed);
        int[] adjoint = Adjoint.backward(this, view, output, s, wrt);
        int[] grads = new int[wrt.length];
        Arrays.fill(grads, -1);
        for (int id = 0; id < adjoint.length; id++) {
            Node n = nodes[id];
            if (n.prim() == Prim.INPUT && adjoint[id] >= 0 && n.inputIndex() < grads.length) grads[n.inputIndex()] = adjoint[id];
        }
        return grads;
    }

    // ------------------------------------------------------------------ Emitter

    @Override
    public Type type(int id) {
        check(id);
        return nodes[id].type();
    }

    @Override
    public int apply(Prim p, int[] args, Type declared, int[] ints, double[] data) {
        if (p == Prim.INPUT) throw new IllegalArgumentException("input: use Eval.input(type, value)");
        int[] a = args.clone();
        int[] in = ints == null ? NO_INTS : ints.clone();
        double[] d = data == null ? NO_DATA : data.clone();
        Type[] argTypes = new Type[a.length];
        Object[] argValues = new Object[a.length];
        for (int i = 0; i < a.length; i++) {
            argTypes[i] = type(a[i]);
            argValues[i] = values[a[i]];
        }
        Type t = p.resultType(argTypes, in, d, declared);
        Object v = Kernels.apply(p, t, in, d, argValues, argTypes);
        return add(new Node(size, p, a, t, in, d, null), v);
    }

    // The common cases below skip apply's copies: the arrays they pass are their own.

    @Override
    public int unary(Prim p, int x) {
        if (p.family != Prim.Family.UNARY || p == Prim.POW) throw new IllegalArgumentException(p.text + " is not a plain unary primitive");
        Type tx = type(x);
        Type t = p.resultType(new Type[] {tx}, NO_INTS, NO_DATA, null);
        return add(new Node(size, p, new int[] {x}, t, NO_INTS, NO_DATA, null), Kernels.unary(p, t.dtype(), values[x], 0));
    }

    @Override
    public int pow(int x, double exponent) {
        double[] d = {exponent};
        Type t = Prim.POW.resultType(new Type[] {type(x)}, NO_INTS, d, null);
        return add(new Node(size, Prim.POW, new int[] {x}, t, NO_INTS, d, null), Kernels.unary(Prim.POW, t.dtype(), values[x], exponent));
    }

    @Override
    public int binary(Prim p, int a, int b) {
        if (p.arity() != 2 || p == Prim.DOT_GENERAL) throw new IllegalArgumentException(p.text + " is not a binary primitive without attributes");
        Type ta = type(a), tb = type(b);
        Type t = p.resultType(new Type[] {ta, tb}, NO_INTS, NO_DATA, null);
        Object v = p == Prim.MATMUL
                ? Kernels.matmul(values[a], values[b], t.dtype(), ta.dim(0), ta.dim(1), tb.dim(1))
                : Kernels.binary(p, ta.dtype(), values[a], values[b]);
        return add(new Node(size, p, new int[] {a, b}, t, NO_INTS, NO_DATA, null), v);
    }

    @Override
    public int constant(Type t, double... data) {
        double[] d = data.clone();
        Type r = Prim.CONST.resultType(new Type[0], NO_INTS, d, t);
        return add(new Node(size, Prim.CONST, NO_INTS, r, NO_INTS, d, null), Kernels.constant(r, d));
    }

    // ------------------------------------------------------------------ storage

    private int add(Node n, Object value) {
        if (size == nodes.length) {
            nodes = Arrays.copyOf(nodes, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        nodes[size] = n;
        values[size] = value;
        return size++;
    }

    private void check(int id) {
        if (id < 0 || id >= size) throw new IllegalArgumentException("no value %" + id + " in this Eval (it has " + size + ")");
    }

    /** The dtype of value id (a shortcut for type(id).dtype()). */
    public DType dtype(int id) {
        return type(id).dtype();
    }
}
