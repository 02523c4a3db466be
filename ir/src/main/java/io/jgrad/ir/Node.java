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
    private final double[] data;
    private final String name;

    Node(int id, Prim prim, int[] args, Type type, int[] ints, double[] data, String name) {
        this.id = id;
        this.prim = prim;
        this.args = args;
        this.type = type;
        this.ints = ints == null ? NO_INTS : ints;
        this.data = data == null ? NO_DATA : data;
        this.name = name;
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
    public double[] data() { return data.clone(); }
    /** The INPUT's name (null for other primitives). */
    public String name() { return name; }

    /** INPUT: which parameter this is. */
    public int inputIndex() { return expect(Prim.INPUT).ints[0]; }
    /** POW: the constant exponent. */
    public double exponent() { return expect(Prim.POW).data[0]; }
    /** REDUCE_*: the reduced axes (ascending). */
    public int[] axes() { return ints.clone(); }
    /** CONST: element i without copying the data. */
    public double constAt(int i) { return expect(Prim.CONST).data[i]; }
    /** CONST whose every element is the same (a splat): true for scalars. */
    public boolean isUniformConst() {
        if (prim != Prim.CONST) return false;
        for (double d : data) if (Double.doubleToRawLongBits(d) != Double.doubleToRawLongBits(data[0])) return false;
        return true;
    }

    // Package-private raw access for passes in this package (no copy).
    int[] rawArgs() { return args; }
    int[] rawInts() { return ints; }
    double[] rawData() { return data; }

    private Node expect(Prim p) {
        if (prim != p) throw new IllegalStateException("%" + id + " is " + prim.text + ", not " + p.text);
        return this;
    }

    /** Same primitive, operands, attributes and type: the key of common subexpression elimination. */
    public boolean sameComputation(Node o) {
        return prim == o.prim && Arrays.equals(args, o.args) && type.equals(o.type) && Arrays.equals(ints, o.ints)
                && Arrays.equals(Arrays.stream(data).mapToLong(Double::doubleToRawLongBits).toArray(),
                                 Arrays.stream(o.data).mapToLong(Double::doubleToRawLongBits).toArray())
                && java.util.Objects.equals(name, o.name);
    }

    @Override
    public String toString() {
        return "%" + id + " = " + prim.text + " " + Arrays.toString(args) + " : " + type;
    }
}
