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
     * A captured f32 constant keeps its float32 values ({@code floats}) as the tracer copied
     * them, so nothing widens them to doubles unless something asks for doubles (the
     * interpreter, the printer, each time): the backend's class data is that same array.
     * Computed on first use (racy single-check: any thread computes the same value); 0 = not yet.
     */
    private static final class Values {
        final float[] floats;   // null unless the values were given as float32
        final double[] data;    // null for floats: widened afresh by doubles(), never cached
                                // (a lazily published array could be seen half-filled by another thread)
        final int length;
        int hash;       // of every element (contentHash)
        int sample;     // of at most SAMPLES elements (dataHash)
        byte uniform;   // 1 = every element has the same bits, 2 = not

        Values(double[] data) { this.data = data; this.floats = null; this.length = data.length; }
        Values(float[] floats) { this.floats = floats; this.data = null; this.length = floats.length; }

        double at(int i) { return floats != null ? floats[i] : data[i]; }

        /** The values as doubles: the array itself, or a widened copy of the floats (printing, interpreting). */
        double[] doubles() {
            if (data != null) return data;
            double[] d = new double[floats.length];
            for (int i = 0; i < d.length; i++) d[i] = floats[i];
            return d;
        }
    }

    private static final Values NO_VALUES = new Values(NO_DATA);

    Node(int id, Prim prim, int[] args, Type type, int[] ints, double[] data, String name) {
        this(id, prim, args, type, ints, data == null || data.length == 0 ? NO_VALUES : new Values(data), name);
    }

    /** A CONST holding {@code floats} themselves (float32 values, never written again). */
    Node(int id, Type type, float[] floats) {
        this(id, Prim.CONST, NO_INTS, type, NO_INTS, new Values(floats), null);
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
    public double[] data() { return values.doubles().clone(); }
    /** The INPUT's name (null for other primitives). */
    public String name() { return name; }

    /** INPUT: which parameter this is. */
    public int inputIndex() { return expect(Prim.INPUT).ints[0]; }
    /** POW: the constant exponent. */
    public double exponent() { return expect(Prim.POW).values.at(0); }
    /** REDUCE_*: the reduced axes (ascending). */
    public int[] axes() { return ints.clone(); }
    /** CONST: element i without copying the data. */
    public double constAt(int i) { return expect(Prim.CONST).values.at(i); }

    /**
     * CONST given as float32 values (a captured tensor): that array itself, not a copy, so the
     * backend hands it to the generated class without another pass; null for any other node.
     * Nodes are immutable: the caller must never write to it.
     */
    public float[] sharedF32Values() { return prim == Prim.CONST ? values.floats : null; }
    /** CONST whose every element is the same (a splat): true for scalars. */
    public boolean isUniformConst() {
        if (prim != Prim.CONST) return false;
        Values v = values;
        if (v.uniform == 0) {
            boolean same = true;
            if (v.floats != null) {
                // widening is exact, so equal float bits are equal double bits (NaNs aside, which it may quiet)
                float[] f = v.floats;
                for (int i = 1; i < f.length && same; i++) same = Float.floatToRawIntBits(f[i]) == Float.floatToRawIntBits(f[0]);
            } else {
                double[] d = v.data;
                for (int i = 1; i < d.length && same; i++) same = Double.doubleToRawLongBits(d[i]) == Double.doubleToRawLongBits(d[0]);
            }
            v.uniform = same ? (byte) 1 : (byte) 2;
        }
        return v.uniform == 1;
    }

    /** Elements read by {@link #dataHash}. */
    private static final int SAMPLES = 64;

    /**
     * A hash of the data's bits (CONST values, POW exponent) for hash tables: the length and at
     * most {@value #SAMPLES} evenly spaced elements, so O(1) for a constant of any size (a
     * captured 10^6-value matrix is not read by the passes at all). Equal data hashes alike;
     * data that differs only elsewhere is told apart by {@link #sameData}, through the full
     * content hash, computed (once per array) only for such a pair.
     */
    public int dataHash() {
        Values v = values;
        int h = v.sample;
        if (h == 0) {
            int n = v.length;
            h = n;
            if (n <= SAMPLES) for (int i = 0; i < n; i++) h = 31 * h + bits(v.at(i));
            else for (int k = 0; k < SAMPLES; k++) h = 31 * h + bits(v.at((int) ((long) k * (n - 1) / (SAMPLES - 1))));
            if (h == 0) h = 1;
            v.sample = h;
        }
        return h;
    }

    /** A hash of every element's bits, computed once per array, and only for {@link #sameData}. */
    private int contentHash() {
        Values v = values;
        int h = v.hash;
        if (h == 0) {
            // eight independent lanes (a multiply chain per lane): 10^6 values in about half a
            // millisecond. An element hashes as its float32 bits when it is a float32 value, so
            // equal data hashes alike whether it is held as floats (captured) or doubles (folded).
            int[] hl = new int[8];
            hl[0] = 1;
            int n = v.length, i = 0;
            if (v.floats != null) {
                float[] f = v.floats;
                int h0 = 1, h1 = 0, h2 = 0, h3 = 0, h4 = 0, h5 = 0, h6 = 0, h7 = 0;
                for (; i + 7 < n; i += 8) {
                    h0 = 31 * h0 + Float.floatToRawIntBits(f[i]);
                    h1 = 31 * h1 + Float.floatToRawIntBits(f[i + 1]);
                    h2 = 31 * h2 + Float.floatToRawIntBits(f[i + 2]);
                    h3 = 31 * h3 + Float.floatToRawIntBits(f[i + 3]);
                    h4 = 31 * h4 + Float.floatToRawIntBits(f[i + 4]);
                    h5 = 31 * h5 + Float.floatToRawIntBits(f[i + 5]);
                    h6 = 31 * h6 + Float.floatToRawIntBits(f[i + 6]);
                    h7 = 31 * h7 + Float.floatToRawIntBits(f[i + 7]);
                }
                hl = new int[] {h0, h1, h2, h3, h4, h5, h6, h7};
                for (; i < n; i++) hl[0] = 31 * hl[0] + Float.floatToRawIntBits(f[i]);
            } else {
                double[] d = v.data;
                for (; i + 7 < n; i += 8)
                    for (int k = 0; k < 8; k++) hl[k] = 31 * hl[k] + bits(d[i + k]);
                for (; i < n; i++) hl[0] = 31 * hl[0] + bits(d[i]);
            }
            h = n;
            for (int k = 0; k < 8; k++) h = 31 * h + hl[k];
            if (h == 0) h = 1;
            v.hash = h;
        }
        return h;
    }

    /** An element's hash: its float32 bits if it is a float32 value (as in a captured constant), else its double bits folded. */
    private static int bits(double x) {
        float f = (float) x;
        if (f == x) return Float.floatToRawIntBits(f);   // -0.0 and 0.0 too: (float) keeps the sign
        long b = Double.doubleToRawLongBits(x);
        return (int) (b ^ (b >>> 32));
    }

    /** Same data bit for bit: at once for a shared array, else compared only when the sampled and the full hashes match. */
    public boolean sameData(Node o) {
        Values a = values, b = o.values;
        if (a == b) return true;
        if (a.floats != null && a.floats == b.floats) return true;
        if (a.length != b.length || dataHash() != o.dataHash()) return false;
        if (a.length > SAMPLES && contentHash() != o.contentHash()) return false;
        for (int i = 0; i < a.length; i++)
            if (Double.doubleToRawLongBits(a.at(i)) != Double.doubleToRawLongBits(b.at(i))) return false;
        return true;
    }

    // Package-private raw access for passes in this package (no copy).
    int[] rawArgs() { return args; }
    int[] rawInts() { return ints; }
    /** The data as doubles (for a float32 constant, widened on each call: the passes use constAt and dataLength). */
    double[] rawData() { return values.doubles(); }
    /** How many data values (without widening a float32 constant). */
    int dataLength() { return values.length; }

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
