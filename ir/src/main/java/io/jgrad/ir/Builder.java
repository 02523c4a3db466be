package io.jgrad.ir;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link Graph} one node at a time: the recording {@link Emitter}. Every method returns
 * the new value's id and checks the primitive's shape rule at once (so an error points at the
 * op that caused it). {@link #build} freezes the graph; the builder cannot be used after it.
 */
public final class Builder implements Emitter {
    private final List<Node> nodes = new ArrayList<>();
    /** Operand-type arrays by arity for {@link #copy}, which the passes call once per node. */
    private final Type[][] copyTypes = {new Type[0], new Type[1], new Type[2], new Type[3]};
    private boolean built;

    public int input(int index, String name, Type type) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("input: a name is required");
        return add(Prim.INPUT, new int[0], type, new int[] {index}, null, name);
    }

    /** A scalar f32 constant. */
    public int scalar(double value) {
        return constant(Type.f32(), value);
    }

    @Override
    public int apply(Prim p, int[] args, Type declared, int[] ints, double[] data) {
        if (p == Prim.INPUT) throw new IllegalArgumentException("input: use Builder.input(index, name, type)");
        return add(p, args, declared, ints, data, null);
    }

    /**
     * The general form every other method uses, and the parser and the passes: applies the
     * shape rule (with {@code declared} as the stated result type, may be null where it is
     * implied); {@code name} is an INPUT's name (null otherwise).
     */
    public int add(Prim p, int[] args, Type declared, int[] ints, double[] data, String name) {
        if (built) throw new IllegalStateException("this Builder has built its graph already");
        Type[] argTypes = new Type[args.length];
        for (int i = 0; i < args.length; i++) argTypes[i] = type(args[i]);
        return addOwned(p, args.clone(), argTypes, declared, ints == null ? new int[0] : ints.clone(), data == null ? new double[0] : data.clone(), name);
    }

    /**
     * A constant holding {@code values} itself, not a copy: for constants this package made
     * and lets go of (a folded or captured tensor of 10^6 values is not copied again).
     */
    int constantOwned(Type type, double[] values) {
        if (built) throw new IllegalStateException("this Builder has built its graph already");
        return addOwned(Prim.CONST, new int[0], new Type[0], type, new int[0], values, null);
    }

    /**
     * An f32 constant holding {@code values} itself: float32 values stay float32 (no widened
     * copy), and the backend's class data is this array. The caller lets go of it.
     */
    int constantOwnedF32(Type type, float[] values) {
        if (built) throw new IllegalStateException("this Builder has built its graph already");
        if (type.dtype() != io.jgrad.runtime.DType.F32) throw new IllegalArgumentException("const: float32 values for a " + type + " constant");
        if (values.length != type.size()) throw new IllegalArgumentException("const has " + values.length + " values for type " + type);
        Node n = new Node(nodes.size(), type, values);
        nodes.add(n);
        return n.id();
    }

    private int addOwned(Prim p, int[] args, Type[] argTypes, Type declared, int[] in, double[] d, String name) {
        Type t = p.resultType(argTypes, in, d, declared);
        Node n = new Node(nodes.size(), p, args, t, in, d, p == Prim.INPUT ? name : null);
        nodes.add(n);
        return n.id();
    }

    /**
     * Node n again with operands {@code args} (ids in this builder, array kept): the passes' copy.
     * Attributes and data are shared, not cloned (nodes are immutable), so a big constant costs
     * nothing per pass; the shape rule is checked as in {@link #add}.
     */
    int copy(Node n, int[] args) {
        if (built) throw new IllegalStateException("this Builder has built its graph already");
        // reused: resultType keeps no reference to it (a CONCAT of more than three operands gets its own)
        Type[] argTypes = args.length < copyTypes.length ? copyTypes[args.length] : new Type[args.length];
        for (int i = 0; i < args.length; i++) argTypes[i] = type(args[i]);
        // a leaf's type was checked when it was made (and a constant's data is not touched again)
        Type t = n.prim().family == Prim.Family.LEAF ? n.type() : n.prim().resultType(argTypes, n.rawInts(), n.rawData(), n.type());
        Node c = n.copy(nodes.size(), args, t);
        nodes.add(c);
        return c.id();
    }

    /** The type of a value made so far. */
    @Override
    public Type type(int id) {
        if (id < 0 || id >= nodes.size()) throw new IllegalArgumentException("no value %" + id + " in this graph (it has " + nodes.size() + ")");
        return nodes.get(id).type();
    }

    public Node node(int id) {
        type(id);
        return nodes.get(id);
    }

    /** The nodes made so far, in id order (a read-only view that grows as the builder does). */
    public List<Node> nodes() {
        return java.util.Collections.unmodifiableList(nodes);
    }

    public int size() { return nodes.size(); }

    /** Freezes the graph with outputs named out0, out1, ... */
    public Graph build(int... outputs) {
        String[] names = new String[outputs.length];
        for (int i = 0; i < names.length; i++) names[i] = "out" + i;
        return build(outputs, names);
    }

    public Graph build(int[] outputs, String[] names) {
        if (built) throw new IllegalStateException("this Builder has built its graph already");
        if (outputs.length != names.length) throw new IllegalArgumentException("one name per output: " + outputs.length + " outputs, " + names.length + " names");
        for (int o : outputs) type(o);
        built = true;
        return new Graph(nodes, outputs, names);
    }
}
