package io.jgrad.ir;

import java.util.Arrays;

/**
 * One SSA value: the primitive that defines it, its operands (ids of earlier nodes), its
 * attributes and its type. Immutable; arrays handed out are copies. The id is the node's
 * index in its {@link Graph}.
 */
public final class Node {
    private static final int[] NO_INTS = new int[0];
    private static final double[] NO_DATA = new double[0];

    private final int id;
    private final Prim prim;
    private final int[] args;
    private final Type type;
    private final int[] ints;
    private final Values values;
    private final String name;

    /**
     * The data and what is known about it, shared by every copy of the node the passes make, so
     * a big constant is hashed and scanned once in the whole pipeline, not once per pass.
     * Computed on first use (racy single-check: any thread computes the same value); 0 = not yet.
     */
    private static final class Values {
        final double[] data;
        int hash;
        byte uniform;   // 1 = every element has the same bits, 2 = not

        Values(double[] data) { this.data = data; }
    }

    private static final Values NO_VALUES = new Values(NO_DATA);

    Node(int id, Prim prim, int[] args, Type type, int[] ints, double[] data, String name) {
        this(id, prim, args, type, ints, data == null || data.length == 0 ? NO_VALUES : new Values(data), name);
    }

    private Node(int id, Prim prim, int[] args, Type type, int[] ints, Values values, String name) {
        this.id = id;
        this.prim = prim;
        this.args = args;
        this.type = type;
        this.ints = ints == null ? NO_INTS : ints;
        this.values = values;
        this.name = name;
    }

    /** This node as node {@code id} with operands {@code args}; attributes and data shared, not copied. */
    Node copy(int id, int[] args, Type type) {
        return new Node(id, prim, args, type, ints, values, name);
    }

    public int id() { return id; }
    public Prim prim() { return prim; }
    public Type type() { return type; }
    public int arity() { return args.length; }
    /** The id of operand i. */
    public int arg(int i) { return args[i]; }
    public int[] args() { return args.clone(); }
    /** Integer attributes: parameter index (INPUT), permutation (TRANSPOSE), axes (REDUCE_*). */
    public int[] ints() { return ints.clone(); }
    /** Float attributes: values (CONST), exponent (POW). */
    public double[] data() { return values.data.clone(); }
    /** The INPUT's name (null for other primitives). */
    public String name() { return name; }

    /** INPUT: which parameter this is. */
    public int inputIndex() { return expect(Prim.INPUT).ints[0]; }
    /** POW: the constant exponent. */
    public double exponent() { return expect(Prim.POW).values.data[0]; }
    /** REDUCE_*: the reduced axes (ascending). */
    public int[] axes() { return ints.clone(); }
    /** CONST: element i without copying the data. */
    public double constAt(int i) { return expect(Prim.CONST).values.data[i]; }
    /** CONST whose every element is the same (a splat): true for scalars. */
    public boolean isUniformConst() {
        if (prim != Prim.CONST) return false;
        Values v = values;
        if (v.uniform == 0) {
            double[] d = v.data;
            boolean same = true;
            for (int i = 1; i < d.length && same; i++) same = Double.doubleToRawLongBits(d[i]) == Double.doubleToRawLongBits(d[0]);
            v.uniform = same ? (byte) 1 : (byte) 2;
        }
        return v.uniform == 1;
    }

    /** A hash of the data's bits (CONST values, POW exponent), computed once per array. */
    public int dataHash() {
        Values v = values;
        int h = v.hash;
        if (h == 0) {
            // four independent lanes: 4x faster than one multiply chain over 10^6 values
            double[] d = v.data;
            int h0 = 1, h1 = 0, h2 = 0, h3 = 0, i = 0;
            for (; i + 3 < d.length; i += 4) {
                h0 = 31 * h0 + bits(d[i]);
                h1 = 31 * h1 + bits(d[i + 1]);
                h2 = 31 * h2 + bits(d[i + 2]);
                h3 = 31 * h3 + bits(d[i + 3]);
            }
            for (; i < d.length; i++) h0 = 31 * h0 + bits(d[i]);
            h = ((h0 * 31 + h1) * 31 + h2) * 31 + h3 + d.length;
            if (h == 0) h = 1;
            v.hash = h;
        }
        return h;
    }

    private static int bits(double x) {
        long b = Double.doubleToRawLongBits(x);
        return (int) (b ^ (b >>> 32));
    }

    /** Same data bit for bit: at once for a shared array, else compared only when the hashes match. */
    public boolean sameData(Node o) {
        double[] a = values.data, b = o.values.data;
        if (a == b) return true;
        if (a.length != b.length || dataHash() != o.dataHash()) return false;
        for (int i = 0; i < a.length; i++)
            if (Double.doubleToRawLongBits(a[i]) != Double.doubleToRawLongBits(b[i])) return false;
        return true;
    }

    // Package-private raw access for passes in this package (no copy).
    int[] rawArgs() { return args; }
    int[] rawInts() { return ints; }
    double[] rawData() { return values.data; }

    private Node expect(Prim p) {
        if (prim != p) throw new IllegalStateException("%" + id + " is " + prim.text + ", not " + p.text);
        return this;
    }

    /** Same primitive, operands, attributes and type: the key of common subexpression elimination. */
    public boolean sameComputation(Node o) {
        return prim == o.prim && Arrays.equals(args, o.args) && type.equals(o.type) && Arrays.equals(ints, o.ints)
                && sameData(o) && java.util.Objects.equals(name, o.name);
    }

    @Override
    public String toString() {
        return "%" + id + " = " + prim.text + " " + Arrays.toString(args) + " : " + type;
    }
}
