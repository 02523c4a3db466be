package io.jgrad.codegen;

import io.jgrad.ir.Builder;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Prim;
import io.jgrad.ir.Type;
import io.jgrad.runtime.DType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Seeded random programs over every primitive: small shapes of rank 0..3 (dims 1..5 so
 * extent-1 axes and broadcasting are common), broadcasting, reshapes, transposes, matmuls,
 * reductions, comparisons and selects, uniform and non-uniform constants, shared values.
 * Each program is a full {@link CompileRequest}: three graphs with the outputs PIPELINE.md
 * prescribes (value, then one gradient-shaped output per differentiable input). The graphs
 * need not be real derivatives: they exercise the code generator, which only sees graphs.
 * Every value has the program's dtype (F32 or F64; constants and data are doubles in F64),
 * except the bools of comparisons.
 */
final class RandomPrograms {
    static final Prim[] UNARY = {Prim.NEG, Prim.EXP, Prim.LOG, Prim.LOG1P, Prim.SIN, Prim.COS, Prim.TANH, Prim.SIGMOID,
            Prim.SOFTPLUS, Prim.SQRT, Prim.ABS, Prim.EXPM1, Prim.SINH, Prim.COSH, Prim.LOG2, Prim.LOG10, Prim.ERF, Prim.ERFC,
            Prim.FLOOR, Prim.ROUND, Prim.POW, Prim.STOP_GRADIENT};   // POW, STOP_GRADIENT last (see conversion())
    static final Prim[] BINARY = {Prim.ADD, Prim.SUB, Prim.MUL, Prim.DIV, Prim.MAX, Prim.MIN, Prim.ATAN2, Prim.POWER};
    static final Prim[] COMPARE = {Prim.GT, Prim.GE, Prim.LT, Prim.LE, Prim.EQ};
    static final double[] EXPONENTS = {2, 3, 0.5, -1, 0, 1, 1.5, -2};

    final Random rnd;
    final DType dtype;
    final int[][] inputShapes;
    final boolean[] requiresGrad;
    final int[] outputShape;

    RandomPrograms(long seed) {
        this(seed, DType.F32);
    }

    RandomPrograms(long seed, DType dtype) {
        this.dtype = dtype;
        rnd = new Random(seed);
        int n = 1 + rnd.nextInt(4);
        inputShapes = new int[n][];
        requiresGrad = new boolean[n];
        for (int i = 0; i < n; i++) {
            inputShapes[i] = shape();
            requiresGrad[i] = rnd.nextInt(4) != 0;
        }
        outputShape = rnd.nextInt(2) == 0 ? new int[0] : shape();
    }

    int[] shape() {
        int rank = rnd.nextInt(4);
        int[] s = new int[rank];
        for (int a = 0; a < rank; a++) s[a] = 1 + rnd.nextInt(rnd.nextInt(3) == 0 ? 2 : 5);
        return s;
    }

    CompileRequest request() {
        Graph fwd = graph(false, 1);
        int d = 0;
        for (boolean b : requiresGrad) if (b) d++;
        Graph vjp = graph(true, 1 + d);
        Graph vag = outputShape.length == 0 ? graph(false, 1 + d) : null;
        String[] names = new String[inputShapes.length];
        for (int i = 0; i < names.length; i++) names[i] = "x" + i;
        return new CompileRequest(fwd, vjp, vag, names, inputShapes, requiresGrad, outputShape);
    }

    float[][] inputs(boolean withSeed) {
        float[][] in = new float[inputShapes.length + (withSeed ? 1 : 0)][];
        for (int i = 0; i < inputShapes.length; i++) in[i] = data(Type.f32(inputShapes[i]).size());
        if (withSeed) in[inputShapes.length] = data(Type.f32(outputShape).size());
        return in;
    }

    float[] data(int n) {
        double[] d = doubles(n);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) d[i];
        return a;
    }

    /** Inputs (and the seed) of an F64 program: doubles that are not floats, with ±0 and 1 among them. */
    double[][] inputsF64(boolean withSeed) {
        double[][] in = new double[inputShapes.length + (withSeed ? 1 : 0)][];
        for (int i = 0; i < inputShapes.length; i++) in[i] = doubles(Type.f32(inputShapes[i]).size());
        if (withSeed) in[inputShapes.length] = doubles(Type.f32(outputShape).size());
        return in;
    }

    private double[] doubles(int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            int k = rnd.nextInt(40);
            a[i] = k == 0 ? 0.0 : k == 1 ? -0.0 : k == 2 ? 1.0 : rnd.nextGaussian() * 1.5;
        }
        return a;
    }

    /** A value of this program's dtype: rounded to float in F32. */
    private double exact(double v) {
        return dtype == DType.F32 ? (float) v : v;
    }

    private Type type(int... shape) {
        return Type.of(dtype, shape);
    }

    /** Every input appears in every graph (the interpreter and the adjoint pass need 0..n-1). */
    boolean allInputs;

    /** A random forward graph with every input, for the real pipeline (adjoint, optimiser). */
    Graph forward() {
        allInputs = true;
        return graph(false, 1);
    }

    private Builder b;
    private List<Integer> pool;

    private Graph graph(boolean withSeed, int outputs) {
        b = new Builder();
        pool = new ArrayList<>();
        int n = inputShapes.length;
        for (int i = 0; i < n; i++) {
            if (!allInputs && rnd.nextInt(8) == 0) continue; // an unused input
            pool.add(b.input(i, "x" + i, type(inputShapes[i])));
        }
        if (withSeed) pool.add(b.input(n, "seed", type(outputShape)));
        if (pool.isEmpty() || rnd.nextInt(4) == 0) pool.add(constant(shape()));
        int ops = 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 40 : 14);
        for (int i = 0; i < ops; i++) step();
        int[] out = new int[outputs];
        out[0] = coerce(pick(), outputShape);
        int k = 1;
        for (int i = 0; i < n && outputs > 1; i++) if (requiresGrad[i]) out[k++] = coerce(pick(), inputShapes[i]);
        return b.build(out);
    }

    private int pick() {
        // Favour recent values so programs are deep, not just wide.
        int s = pool.size();
        int i = rnd.nextInt(3) == 0 ? rnd.nextInt(s) : s - 1 - rnd.nextInt(Math.min(s, 3));
        return pool.get(i);
    }

    private int constant(int[] shape) {
        Type t = type(shape);
        double[] d = new double[t.size()];
        if (rnd.nextBoolean()) Arrays.fill(d, exact(rnd.nextGaussian() * 2));
        else for (int i = 0; i < d.length; i++) d[i] = exact(rnd.nextGaussian() * 2);
        return b.constant(t, d);
    }

    private void step() {
        if (rnd.nextInt(12) == 0) {
            pool.add(conversion());
            return;
        }
        if (rnd.nextInt(5) == 0) {
            int v = indexing();
            if (v >= 0) pool.add(v);
            return;
        }
        int r = rnd.nextInt(100);
        int v;
        if (r < 22) {
            Prim p = UNARY[rnd.nextInt(UNARY.length)];
            int x = pick();
            if ((p == Prim.LOG || p == Prim.LOG2 || p == Prim.LOG10 || p == Prim.SQRT || p == Prim.POW) && rnd.nextInt(3) != 0) {
                // mostly keep to the domain, so that NaN does not swallow everything downstream
                x = b.binary(Prim.ADD, b.unary(Prim.ABS, x), splat(0.25, b.type(x)));
            }
            v = p == Prim.POW ? b.pow(x, EXPONENTS[rnd.nextInt(EXPONENTS.length)]) : b.unary(p, x);
        } else if (r < 50) {
            Prim p = BINARY[rnd.nextInt(BINARY.length)];
            int[] ab = compatible(pick(), pick());
            if (p == Prim.POWER && rnd.nextInt(3) != 0) // mostly a positive base, so that NaN does not swallow everything
                ab[0] = b.binary(Prim.ADD, b.unary(Prim.ABS, ab[0]), splat(0.25, b.type(ab[0])));
            v = b.binary(p, ab[0], ab[1]);
        } else if (r < 57) {
            int[] ab = compatible(pick(), pick());
            int c = b.binary(COMPARE[rnd.nextInt(COMPARE.length)], ab[0], ab[1]);
            int[] shape = b.type(c).shape();
            v = b.select(c, coerce(pick(), shape), coerce(pick(), shape));
            if (rnd.nextBoolean()) { // a condition used twice is stored as a bool buffer
                pool.add(v);
                v = b.select(c, coerce(pick(), shape), v);
            }
        } else if (r < 67) {
            int x = pick();
            Type t = b.type(x);
            if (t.rank() == 0) return;
            List<Integer> axes = new ArrayList<>();
            for (int a = 0; a < t.rank(); a++) if (rnd.nextBoolean()) axes.add(a);
            if (axes.isEmpty()) axes.add(rnd.nextInt(t.rank()));
            v = b.reduce(rnd.nextInt(4) == 0 ? Prim.REDUCE_MAX : Prim.REDUCE_SUM, x, axes.stream().mapToInt(Integer::intValue).toArray());
        } else if (r < 77) {
            v = matmul();
        } else if (r < 84) {
            int x = pick();
            Type t = b.type(x);
            if (t.rank() < 2) return;
            int[] perm = new int[t.rank()];
            for (int i = 0; i < perm.length; i++) perm[i] = i;
            for (int i = perm.length - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int tmp = perm[i]; perm[i] = perm[j]; perm[j] = tmp;
            }
            v = b.transpose(x, perm);
        } else if (r < 91) {
            int x = pick();
            v = b.reshape(x, factor(b.type(x).size()));
        } else if (r < 96) {
            int x = pick();
            int[] s = b.type(x).shape();
            int[] to = new int[s.length + rnd.nextInt(2)];
            for (int a = 0; a < to.length; a++) {
                int sa = a - (to.length - s.length);
                to[a] = sa < 0 ? 1 + rnd.nextInt(4) : s[sa] == 1 ? 1 + rnd.nextInt(4) : s[sa];
            }
            v = b.broadcast(x, to);
        } else {
            v = constant(shape());
        }
        pool.add(v);
    }

    /**
     * A value of the program's dtype made through CONVERT: a trip through the other float dtype
     * (an op or a sum computed there), a comparison's bools as 0/1, or a value through bool.
     */
    private int conversion() {
        DType other = dtype == DType.F32 ? DType.F64 : DType.F32;
        int kind = rnd.nextInt(5);
        int x = pick();
        if (kind < 3) {
            int y = b.convert(x, other);
            Type t = b.type(y);
            y = switch (rnd.nextInt(4)) {
                case 0 -> b.unary(UNARY[rnd.nextInt(UNARY.length - 2)], y);   // NEG .. ROUND (not POW, STOP_GRADIENT)
                case 1 -> b.binary(Prim.MUL, y, broadcastTo(b.constant(t.withShape(), 0.1), t.shape()));
                case 2 -> t.rank() == 0 ? b.binary(Prim.ADD, y, y) : b.reduce(Prim.REDUCE_SUM, y, all(t.rank()));
                default -> { // divided by the sum of another value, taken in the other dtype
                    int z = b.convert(pick(), other);
                    int s = b.type(z).rank() == 0 ? z : b.reduce(Prim.REDUCE_SUM, z, all(b.type(z).rank()));
                    yield b.binary(Prim.DIV, y, broadcastTo(s, t.shape()));
                }
            };
            return b.convert(y, dtype);
        }
        if (kind == 3) {
            int[] ab = compatible(x, pick());
            return b.convert(b.binary(COMPARE[rnd.nextInt(COMPARE.length)], ab[0], ab[1]), dtype);
        }
        int c = b.convert(x, DType.BOOL);   // x != 0, NaN true
        return rnd.nextBoolean() ? b.convert(c, dtype) : b.select(c, x, b.unary(Prim.NEG, x));
    }

    /**
     * The issue-10 structure primitives: slice, pad, gather, scatter_add, concat (of 1 to 5
     * operands, the same value twice among them at times), dot_general (batch and contracted
     * axes in random orders on both sides). -1 when x has rank 0 (nothing to index).
     */
    private int indexing() {
        int x = pick();
        Type t = b.type(x);
        if (t.rank() == 0) return -1;
        int axis = rnd.nextInt(t.rank()), n = t.dim(axis);
        switch (rnd.nextInt(6)) {
            case 0 -> {
                int start = rnd.nextInt(n), end = start + 1 + rnd.nextInt(n - start);
                return b.slice(x, axis, start, end);
            }
            case 1 -> {
                return b.pad(x, axis, rnd.nextInt(3), rnd.nextInt(3));
            }
            case 2 -> {
                int[] idx = new int[1 + rnd.nextInt(5)];
                for (int i = 0; i < idx.length; i++) idx[i] = rnd.nextInt(n);
                return b.gather(x, axis, idx);
            }
            case 3 -> {
                int size = 1 + rnd.nextInt(4);
                int[] idx = new int[n];
                for (int i = 0; i < n; i++) idx[i] = rnd.nextInt(size);
                return b.scatterAdd(x, axis, size, idx);
            }
            case 4 -> {
                int[] xs = new int[1 + rnd.nextInt(5)];
                for (int i = 0; i < xs.length; i++) {
                    if (i == 0 || rnd.nextInt(3) == 0) { xs[i] = x; continue; }
                    int[] s = t.shape();
                    s[axis] = 1 + rnd.nextInt(3);
                    xs[i] = coerce(pick(), s);
                }
                return b.concat(axis, xs);
            }
            default -> {
                return dotGeneral(x);
            }
        }
    }

    private int dotGeneral(int x) {
        Type t = b.type(x);
        List<Integer> batch = new ArrayList<>(), contract = new ArrayList<>();
        for (int a = 0; a < t.rank(); a++) {
            int role = rnd.nextInt(3);
            if (role == 0) batch.add(a);
            else if (role == 1) contract.add(a);
        }
        java.util.Collections.shuffle(batch, rnd);
        java.util.Collections.shuffle(contract, rnd);
        int fy = rnd.nextInt(3);
        int rank = batch.size() + contract.size() + fy;
        List<Integer> pos = new ArrayList<>();
        for (int a = 0; a < rank; a++) pos.add(a);
        java.util.Collections.shuffle(pos, rnd);
        int[] ys = new int[rank];
        int[] lb = new int[batch.size()], rb = new int[batch.size()], lc = new int[contract.size()], rc = new int[contract.size()];
        int k = 0;
        for (int i = 0; i < lb.length; i++) { lb[i] = batch.get(i); rb[i] = pos.get(k++); ys[rb[i]] = t.dim(lb[i]); }
        for (int i = 0; i < lc.length; i++) { lc[i] = contract.get(i); rc[i] = pos.get(k++); ys[rc[i]] = t.dim(lc[i]); }
        while (k < rank) ys[pos.get(k++)] = 1 + rnd.nextInt(4);
        int y = rnd.nextInt(4) == 0 ? constant(ys) : coerce(pick(), ys);
        return rnd.nextBoolean() ? b.dotGeneral(x, y, lb, rb, lc, rc) : b.dotGeneral(y, x, rb, lb, rc, lc);
    }

    private int matmul() {
        int a = pick();
        Type at = b.type(a);
        if (at.rank() != 2) a = b.reshape(a, at.size() == 1 ? new int[] {1, 1} : rnd.nextBoolean() ? new int[] {1, at.size()} : new int[] {at.size(), 1});
        int k = b.type(a).dim(1);
        int n = 1 + rnd.nextInt(4);
        int x = pick();
        Type xt = b.type(x);
        int bb;
        if (xt.size() == k * n) bb = b.reshape(x, k, n);
        else if (xt.rank() == 2 && xt.dim(1) == k) bb = b.transpose(x, 1, 0);
        else bb = rnd.nextBoolean() ? constant(new int[] {k, n}) : b.broadcast(b.reduce(Prim.REDUCE_SUM, x, all(xt.rank())), k, n);
        return b.binary(Prim.MATMUL, a, bb);
    }

    private static int[] all(int rank) {
        int[] a = new int[rank];
        for (int i = 0; i < rank; i++) a[i] = i;
        return a;
    }

    private int[] factor(int size) {
        List<Integer> dims = new ArrayList<>();
        int s = size;
        for (int f = 2; f <= s; f++) while (s % f == 0 && rnd.nextInt(3) != 0) { dims.add(f); s /= f; }
        if (s > 1) dims.add(s);
        if (rnd.nextInt(3) == 0) dims.add(rnd.nextInt(dims.size() + 1), 1);
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    private int splat(double value, Type t) {
        double[] d = new double[t.size()];
        Arrays.fill(d, value);
        return b.constant(t, d);
    }

    /** Broadcasts the two to their common shape; if there is none, reduces the second to a scalar first. */
    private int[] compatible(int x, int y) {
        int[] sx = b.type(x).shape(), sy = b.type(y).shape();
        int[] common = common(sx, sy);
        if (common == null) {
            y = b.reduce(Prim.REDUCE_SUM, y, all(sy.length));
            common = sx;
        }
        return new int[] {broadcastTo(x, common), broadcastTo(y, common)};
    }

    private int broadcastTo(int x, int[] shape) {
        return Arrays.equals(b.type(x).shape(), shape) ? x : b.broadcast(x, shape);
    }

    static int[] common(int[] a, int[] c) {
        int r = Math.max(a.length, c.length);
        int[] s = new int[r];
        for (int i = 1; i <= r; i++) {
            int da = i <= a.length ? a[a.length - i] : 1, dc = i <= c.length ? c[c.length - i] : 1;
            if (da != dc && da != 1 && dc != 1) return null;
            s[r - i] = Math.max(da, dc);
        }
        return s;
    }

    /** Makes x have exactly the shape: a reshape, a broadcast, or a sum then a broadcast. */
    private int coerce(int x, int[] shape) {
        Type t = b.type(x);
        if (Arrays.equals(t.shape(), shape)) return x;
        int size = Type.f32(shape).size();
        if (t.size() == size) return b.reshape(x, shape);
        if (common(t.shape(), shape) != null && Arrays.equals(common(t.shape(), shape), shape)) return b.broadcast(x, shape);
        int s = b.reduce(Prim.REDUCE_SUM, x, all(t.rank()));
        return shape.length == 0 ? s : b.broadcast(s, shape);
    }
}
