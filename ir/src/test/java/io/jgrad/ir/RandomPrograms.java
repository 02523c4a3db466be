package io.jgrad.ir;

import io.jgrad.runtime.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A seeded generator of random forward programs over every Composites op and every primitive,
 * with broadcasting shapes. Values are tracked (in double) while the program grows, and an op
 * is only applied where its operands are inside its domain and clear of its kinks by a margin
 * (log of positive values, relu/abs away from 0, maximum/minimum and comparisons away from
 * ties, clamp away from its bounds, no overflow): so central finite differences in double are a
 * valid check of the adjoint on the generated inputs.
 *
 * <p>Self-contained on purpose (it only needs the ir module): copy and adapt it freely.
 */
final class RandomPrograms {

    /**
     * A generated program: the forward graph (one output), its inputs (exact in the program's
     * dtype), which are differentiated, and the seed (null: scalar output, no seed).
     */
    record Program(long seed, Graph forward, double[][] inputs64, boolean[] wrt, double[] vjpSeed64, DType dtype) {
        /** A float32 program from float data. */
        Program(long seed, Graph forward, float[][] inputs, boolean[] wrt, float[] vjpSeed) {
            this(seed, forward, FiniteDifferences.toDouble(inputs), wrt, vjpSeed == null ? null : FiniteDifferences.toDouble(new float[][] {vjpSeed})[0], DType.F32);
        }

        /** The inputs as floats: exact for an F32 program. */
        float[][] inputs() {
            float[][] f = new float[inputs64.length][];
            for (int i = 0; i < f.length; i++) f[i] = toFloats(inputs64[i]);
            return f;
        }

        float[] vjpSeed() {
            return vjpSeed64 == null ? null : toFloats(vjpSeed64);
        }

        /** Inputs of Adjoint.of(forward, wrt, vjpSeed != null): the forward's, then the seed. */
        float[][] adjointInputs() {
            float[][] in = inputs();
            if (vjpSeed64 == null) return in;
            in = Arrays.copyOf(in, in.length + 1);
            in[in.length - 1] = vjpSeed();
            return in;
        }

        /** The same in double (exact for every program). */
        double[][] adjointInputs64() {
            if (vjpSeed64 == null) return inputs64.clone();
            double[][] in = Arrays.copyOf(inputs64, inputs64.length + 1);
            in[in.length - 1] = vjpSeed64;
            return in;
        }

        private static float[] toFloats(double[] d) {
            float[] f = new float[d.length];
            for (int k = 0; k < d.length; k++) f[k] = (float) d[k];
            return f;
        }
    }

    private static final int[][] SHAPES = {{}, {4}, {3}, {1}, {2, 3}, {3, 1}, {1, 3}, {3, 3}, {3, 4}, {2, 3, 4}, {2, 1, 3}};
    private static final double MARGIN = 0.05;   // distance kept from kinks and domain edges
    private static final double LIMIT = 1e3;     // largest magnitude a value may reach

    private final Random rng;
    private final DType dtype;   // of the inputs and constants: F32 (float data and constants) or F64 (any double)
    private final Builder b = new Builder();
    private final List<double[]> values = new ArrayList<>();   // by id, evaluated in double as we go
    private final List<Integer> usable = new ArrayList<>();    // ids that later ops may use
    private final List<Boolean> differentiable = new ArrayList<>();   // by id: reached from a differentiated input

    private RandomPrograms(long seed, DType dtype) {
        rng = new Random(seed);
        this.dtype = dtype;
    }

    static Program generate(long seed) {
        return generate(seed, DType.F32);
    }

    /** A program over inputs of {@code dtype} (F32 or F64); TO_OTHER converts values to the other one on the way. */
    static Program generate(long seed, DType dtype) {
        return new RandomPrograms(seed, dtype).program(seed);
    }

    /** A random number in the program's dtype: a float for F32, any double for F64. */
    private double number(double v) {
        return dtype == DType.F32 ? (float) v : v;
    }

    private Program program(long seed) {
        int n = 1 + rng.nextInt(4);
        double[][] inputs = new double[n][];
        boolean[] wrt = new boolean[n];
        for (int i = 0; i < n; i++) {
            Type t = Type.of(dtype, SHAPES[rng.nextInt(SHAPES.length)]);
            inputs[i] = new double[t.size()];
            for (int k = 0; k < inputs[i].length; k++) inputs[i][k] = number(rng.nextDouble() * 3 - 1.5);
            wrt[i] = rng.nextDouble() < 0.8;
            b.input(i, "in" + i, t);
            values.add(inputs[i].clone());
            differentiable.add(wrt[i]);
            usable.add(i);
        }
        if (!anyTrue(wrt)) {
            wrt[0] = true;
            differentiable.set(0, true);
        }
        int statements = 3 + rng.nextInt(12);
        for (int s = 0; s < statements; s++) {
            for (int attempt = 0; attempt < 50; attempt++) {
                int before = b.size();
                int r = statement();
                evaluateNew(before);   // every node made, used or not, keeps ids and values in step
                if (r < 0) continue;
                if (inRange(values.get(r))) {
                    usable.add(r);
                    break;
                }
            }
        }
        int last = usable.get(usable.size() - 1);
        double[] vjpSeed = null;
        if (!b.type(last).isScalar()) {
            if (rng.nextBoolean()) {
                vjpSeed = new double[b.type(last).size()];
                // exact in the output's dtype (it may differ from the inputs' after TO_OTHER)
                for (int k = 0; k < vjpSeed.length; k++) vjpSeed[k] = Kernels.toDType(number(rng.nextDouble() * 2 - 1), b.type(last).dtype());
            } else {
                last = rng.nextBoolean() ? Composites.sum(b, last) : Composites.mean(b, last);
            }
        }
        return new Program(seed, b.build(new int[] {last}, new String[] {"out"}), inputs, wrt, vjpSeed, dtype);
    }

    // ------------------------------------------------------------------ one statement

    private enum Op {
        ADD, SUB, MUL, DIV, ADD_C, SUB_C, MUL_C, DIV_C, RSUB, RDIV, POW, NEG, EXP, LOG, LOG1P, SIN, COS, TANH,
        SIGMOID, RELU, SOFTPLUS, SQRT, ABS, SQUARE, CLAMP, MAXIMUM, MINIMUM, SUM, MEAN, SUM_AXIS, MEAN_AXIS,
        MATMUL, DOT, T, RESHAPE, SOFTMAX, LOG_SOFTMAX, DETACH, TO_OTHER,
        // version 2 (issue 10)
        SLICE, SELECT, INDEX_SELECT, CAT, STACK, UNSQUEEZE, SQUEEZE, PERMUTE, TRANSPOSE, EXPAND, FLATTEN, BATCHED_MATMUL,
        COMPARE_WHERE, LOGICAL_WHERE, SUM_KEEP, AMAX, AMIN, AMAX_AXIS, AMIN_AXIS, LOGSUMEXP, PROD, PROD_AXIS, VAR, STD,
        TAN, ASIN, ACOS, ATAN, SINH, COSH, EXPM1, LOG2, LOG10, RECIPROCAL, RSQRT, ERF, ERFC, SIGN, FLOOR, CEIL, ROUND,
        ATAN2, POW_TENSOR, LOG_SIGMOID, SILU, GELU, LEAKY_RELU, ELU,
        // primitives the Composites do not reach directly
        RAW_SELECT, RAW_REDUCE_MAX, RAW_TRANSPOSE, RAW_BROADCAST
    }

    /** Emits one random op on usable values and returns its id, or -1 if the chosen op does not fit. */
    private int statement() {
        int x = pick();
        double[] vx = values.get(x);
        Type tx = b.type(x);
        Op op = Op.values()[rng.nextInt(Op.values().length)];
        double c = number((0.5 + rng.nextDouble() * 1.5) * (rng.nextBoolean() ? 1 : -1));
        return switch (op) {
            case ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM -> {
                int y = pickBroadcastable(tx.shape());
                if (y < 0) yield -1;
                int[] shape = Composites.broadcastShapes("gen", tx.shape(), b.type(y).shape());
                double[] bx = broadcastValues(x, shape), by = broadcastValues(y, shape);
                if (op == Op.DIV && !all(by, v -> Math.abs(v) > 0.2)) yield -1;
                if ((op == Op.MAXIMUM || op == Op.MINIMUM) && !apart(bx, by)) yield -1;
                yield switch (op) {
                    case ADD -> Composites.add(b, x, y);
                    case SUB -> Composites.sub(b, x, y);
                    case MUL -> Composites.mul(b, x, y);
                    case DIV -> Composites.div(b, x, y);
                    case MAXIMUM -> Composites.maximum(b, x, y);
                    default -> Composites.minimum(b, x, y);
                };
            }
            case ADD_C -> Composites.add(b, x, c);
            case SUB_C -> Composites.sub(b, x, c);
            case MUL_C -> Composites.mul(b, x, c);
            case DIV_C -> Composites.div(b, x, c);
            case RSUB -> Composites.rsub(b, x, c);
            case RDIV -> all(vx, v -> Math.abs(v) > 0.2) ? Composites.rdiv(b, x, c) : -1;
            case POW -> {
                float p = new float[] {2, 3, 0.5f, -1, 1.5f, 0, 1, -0.5f}[rng.nextInt(8)];
                boolean integral = p == Math.rint(p);
                if (!integral && !all(vx, v -> v > MARGIN)) yield -1;
                if (p < 0 && !all(vx, v -> Math.abs(v) > 0.2)) yield -1;
                yield Composites.pow(b, x, p);
            }
            case NEG -> Composites.neg(b, x);
            case EXP -> all(vx, v -> v < 4) ? Composites.exp(b, x) : -1;
            case LOG -> all(vx, v -> v > MARGIN) ? Composites.log(b, x) : -1;
            case LOG1P -> all(vx, v -> v > -1 + MARGIN) ? Composites.log1p(b, x) : -1;
            case SIN -> Composites.sin(b, x);
            case COS -> Composites.cos(b, x);
            case TANH -> Composites.tanh(b, x);
            case SIGMOID -> Composites.sigmoid(b, x);
            case RELU -> all(vx, v -> Math.abs(v) > MARGIN) ? Composites.relu(b, x) : -1;
            case SOFTPLUS -> Composites.softplus(b, x);
            case SQRT -> all(vx, v -> v > MARGIN) ? Composites.sqrt(b, x) : -1;
            case ABS -> all(vx, v -> Math.abs(v) > MARGIN) ? Composites.abs(b, x) : -1;
            case SQUARE -> Composites.square(b, x);
            case CLAMP -> {
                double lo = number(-rng.nextDouble()), hi = number(rng.nextDouble());
                yield all(vx, v -> Math.abs(v - lo) > MARGIN && Math.abs(v - hi) > MARGIN) ? Composites.clamp(b, x, lo, hi) : -1;
            }
            case SUM -> Composites.sum(b, x);
            case MEAN -> Composites.mean(b, x);
            case SUM_AXIS, MEAN_AXIS, SOFTMAX, LOG_SOFTMAX -> {
                if (tx.isScalar()) yield -1;
                int axis = rng.nextInt(tx.rank()) - (rng.nextBoolean() ? tx.rank() : 0);   // negative axes too
                yield switch (op) {
                    case SUM_AXIS -> Composites.sum(b, x, axis);
                    case MEAN_AXIS -> Composites.mean(b, x, axis);
                    case SOFTMAX -> Composites.softmax(b, x, axis);
                    default -> Composites.logSoftmax(b, x, axis);
                };
            }
            case MATMUL -> {
                if (tx.rank() < 1 || tx.rank() > 2) yield -1;
                int k = tx.dim(tx.rank() - 1);
                int y = pickWhere(t -> t.rank() >= 1 && t.rank() <= 2 && t.dim(0) == k && t.dtype() == tx.dtype());
                yield y < 0 ? -1 : Composites.matmul(b, x, y);
            }
            case DOT -> {
                if (tx.rank() != 1) yield -1;
                int y = pickWhere(t -> t.equals(tx));   // one dtype too: matmul does not promote
                yield y < 0 ? -1 : Composites.dot(b, x, y);
            }
            case T -> tx.rank() == 2 ? Composites.t(b, x) : -1;
            case RESHAPE -> {
                int n = tx.size();
                int[][] options = n == 1 ? new int[][] {{}, {1}, {1, 1}} : new int[][] {{n}, {1, n}, {n, 1}, {-1}, {-1, 1}};
                yield Composites.reshape(b, x, options[rng.nextInt(options.length)]);
            }
            // finite differences see through a detach, the adjoint does not: detach only what no
            // differentiated input reaches (softmax's internal detach is exact either way)
            case DETACH -> differentiable.get(x) ? -1 : Composites.detach(b, x);
            // to the other float dtype: later binary ops then promote (f32[3] + f64[] stays f32, f32[3] + f64[3] is f64)
            case TO_OTHER -> Composites.to(b, x, tx.dtype() == DType.F64 ? DType.F32 : DType.F64);
            case SLICE -> {
                if (tx.isScalar()) yield -1;
                int axis = axis(tx), n = tx.dim(Math.floorMod(axis, tx.rank()));
                if (n < 2) yield -1;
                int start = rng.nextInt(n), end = start + 1 + rng.nextInt(n - start);   // never empty; bounds written as users do
                if (rng.nextInt(3) == 0) start -= n;
                if (end < n && rng.nextInt(3) == 0) end -= n;
                else if (end == n && rng.nextInt(4) == 0) end = n + 5;   // past the end: clamps
                yield Composites.slice(b, x, axis, start, end);
            }
            case SELECT -> {
                if (tx.isScalar()) yield -1;
                int axis = axis(tx), n = tx.dim(Math.floorMod(axis, tx.rank()));
                yield Composites.select(b, x, axis, rng.nextInt(2 * n) - n);
            }
            case INDEX_SELECT -> {
                int axis = tx.isScalar() ? 0 : axis(tx), n = tx.isScalar() ? 1 : tx.dim(Math.floorMod(axis, tx.rank()));
                int[] idx = new int[1 + rng.nextInt(4)];
                for (int j = 0; j < idx.length; j++) idx[j] = rng.nextInt(n);
                yield Composites.indexSelect(b, x, axis, idx);
            }
            case CAT -> {
                if (tx.isScalar()) yield -1;
                int axis = axis(tx), a = Math.floorMod(axis, tx.rank());
                int y = pickWhere(t -> t.rank() == tx.rank() && t.dtype() == tx.dtype() && sameExcept(t.shape(), tx.shape(), a));
                if (y < 0) yield -1;
                yield rng.nextBoolean() ? Composites.cat(b, axis, x, y) : Composites.cat(b, axis, y, x, x);
            }
            case STACK -> {
                if (tx.rank() > 2) yield -1;
                int y = pickWhere(t -> t.equals(tx));
                yield Composites.stack(b, rng.nextInt(2 * tx.rank() + 2) - tx.rank() - 1, x, y < 0 ? x : y);
            }
            case UNSQUEEZE -> tx.rank() > 2 ? -1 : Composites.unsqueeze(b, x, rng.nextInt(2 * tx.rank() + 2) - tx.rank() - 1);
            case SQUEEZE -> tx.isScalar() ? -1 : Composites.squeeze(b, x, axis(tx));
            case PERMUTE -> {
                if (tx.rank() < 2) yield -1;
                int[] perm = shuffled(tx.rank());
                for (int i = 0; i < perm.length; i++) if (rng.nextBoolean()) perm[i] -= tx.rank();
                yield Composites.permute(b, x, perm);
            }
            case TRANSPOSE -> tx.rank() < 2 ? -1 : Composites.transpose(b, x, axis(tx), axis(tx));
            case EXPAND -> {
                if (tx.rank() > 2) yield -1;
                int[] to = prepend(2, tx.shape());
                for (int i = 1; i < to.length; i++) to[i] = to[i] == 1 ? 1 + rng.nextInt(3) : (rng.nextBoolean() ? -1 : to[i]);
                yield Composites.expand(b, x, to);
            }
            case FLATTEN -> Composites.flatten(b, x);
            case BATCHED_MATMUL -> {
                if (tx.rank() < 1) yield -1;
                int k = tx.dim(tx.rank() - 1);
                int y = pickWhere(t -> t.dtype() == tx.dtype() && t.rank() >= 1 && (t.rank() >= 3 || tx.rank() >= 3)
                        && (t.rank() == 1 ? t.dim(0) : t.dim(t.rank() - 2)) == k && batchesFit(tx, t));
                yield y < 0 ? -1 : Composites.matmul(b, x, y);
            }
            case COMPARE_WHERE, LOGICAL_WHERE -> {
                int y = pickBroadcastable(tx.shape());
                if (y < 0) yield -1;
                int[] shape = Composites.broadcastShapes("gen", tx.shape(), b.type(y).shape());
                double[] bx = broadcastValues(x, shape), by = broadcastValues(y, shape);
                boolean constant = rng.nextInt(3) == 0;
                double cst = rng.nextDouble() - 0.5;
                if (constant ? !all(bx, v -> Math.abs(v - cst) > MARGIN) : !apart(bx, by)) yield -1;
                int cond = switch (rng.nextInt(6)) {
                    case 0 -> constant ? Composites.gt(b, x, cst) : Composites.gt(b, x, y);
                    case 1 -> constant ? Composites.ge(b, x, cst) : Composites.ge(b, x, y);
                    case 2 -> constant ? Composites.lt(b, x, cst) : Composites.lt(b, x, y);
                    case 3 -> constant ? Composites.le(b, x, cst) : Composites.le(b, x, y);
                    case 4 -> constant ? Composites.eq(b, x, cst) : Composites.eq(b, x, y);
                    default -> constant ? Composites.ne(b, x, cst) : Composites.ne(b, x, y);
                };
                if (op == Op.LOGICAL_WHERE) {
                    if (!all(values.get(y), v -> Math.abs(v) > MARGIN)) yield -1;   // a second mask, clear of its edge
                    int other = Composites.gt(b, y, 0.0);
                    cond = switch (rng.nextInt(3)) {
                        case 0 -> Composites.logicalAnd(b, cond, other);
                        case 1 -> Composites.logicalOr(b, cond, other);
                        default -> Composites.logicalNot(b, cond);
                    };
                }
                int u = pickBroadcastable(b.type(cond).shape());
                if (u < 0) yield -1;
                int w = rng.nextBoolean() ? x : y;
                int[] cu = Composites.broadcastShapes("gen", b.type(cond).shape(), b.type(u).shape());
                if (!broadcasts(cu, b.type(w).shape())) yield -1;
                yield Composites.where(b, cond, u, w);
            }
            case SUM_KEEP -> tx.isScalar() ? -1 : (rng.nextBoolean() ? Composites.sum(b, x, axis(tx), rng.nextBoolean())
                    : Composites.mean(b, x, axis(tx), rng.nextBoolean()));
            case AMAX, AMIN -> {
                if (!maxIsClear(op == Op.AMAX ? vx : negated(vx), Type.f32(vx.length), 0)) yield -1;
                yield op == Op.AMAX ? Composites.amax(b, x) : Composites.amin(b, x);
            }
            case AMAX_AXIS, AMIN_AXIS -> {
                if (tx.isScalar()) yield -1;
                int axis = axis(tx);
                if (!maxIsClear(op == Op.AMAX_AXIS ? vx : negated(vx), tx, Math.floorMod(axis, tx.rank()))) yield -1;
                boolean keep = rng.nextBoolean();
                yield op == Op.AMAX_AXIS ? Composites.amax(b, x, axis, keep) : Composites.amin(b, x, axis, keep);
            }
            case LOGSUMEXP -> tx.isScalar() ? -1 : Composites.logsumexp(b, x, axis(tx), rng.nextBoolean());
            case PROD -> tx.size() > 8 ? -1 : Composites.prod(b, x);
            case PROD_AXIS -> tx.isScalar() ? -1 : Composites.prod(b, x, axis(tx));
            case VAR, STD -> {
                if (tx.isScalar()) yield -1;
                int axis = axis(tx);
                if (tx.dim(Math.floorMod(axis, tx.rank())) < 2) yield -1;
                if (op == Op.STD && !varianceClear(vx, tx, Math.floorMod(axis, tx.rank()))) yield -1;
                yield op == Op.VAR ? Composites.var(b, x, axis) : Composites.std(b, x, axis);
            }
            case TAN -> all(vx, v -> Math.abs(v) < 1.3) ? Composites.tan(b, x) : -1;
            case ASIN -> all(vx, v -> Math.abs(v) < 0.95) ? Composites.asin(b, x) : -1;
            case ACOS -> all(vx, v -> Math.abs(v) < 0.95) ? Composites.acos(b, x) : -1;
            case ATAN -> Composites.atan(b, x);
            case SINH -> all(vx, v -> Math.abs(v) < 4) ? Composites.sinh(b, x) : -1;
            case COSH -> all(vx, v -> Math.abs(v) < 4) ? Composites.cosh(b, x) : -1;
            case EXPM1 -> all(vx, v -> v < 4) ? Composites.expm1(b, x) : -1;
            case LOG2 -> all(vx, v -> v > MARGIN) ? Composites.log2(b, x) : -1;
            case LOG10 -> all(vx, v -> v > MARGIN) ? Composites.log10(b, x) : -1;
            case RECIPROCAL -> all(vx, v -> Math.abs(v) > 0.2) ? Composites.reciprocal(b, x) : -1;
            case RSQRT -> all(vx, v -> v > 0.2) ? Composites.rsqrt(b, x) : -1;
            case ERF -> Composites.erf(b, x);
            case ERFC -> Composites.erfc(b, x);
            case SIGN -> all(vx, v -> Math.abs(v) > MARGIN) ? Composites.sign(b, x) : -1;
            case FLOOR, CEIL -> all(vx, v -> Math.abs(v - Math.rint(v)) > MARGIN) ? (op == Op.FLOOR ? Composites.floor(b, x) : Composites.ceil(b, x)) : -1;
            case ROUND -> all(vx, v -> Math.abs(v - Math.floor(v) - 0.5) > MARGIN) ? Composites.round(b, x) : -1;
            case ATAN2, POW_TENSOR -> {
                int y = pickBroadcastable(tx.shape());
                if (y < 0) yield -1;
                int[] shape = Composites.broadcastShapes("gen", tx.shape(), b.type(y).shape());
                double[] bx = broadcastValues(x, shape), by = broadcastValues(y, shape);
                if (op == Op.ATAN2) {
                    for (int i = 0; i < bx.length; i++)   // clear of the origin and of the cut along the negative x axis
                        if (bx[i] * bx[i] + by[i] * by[i] < 0.01 || (by[i] < 0 && Math.abs(bx[i]) < MARGIN)) yield -1;
                    yield Composites.atan2(b, x, y);
                }
                if (!all(bx, v -> v > MARGIN) || !all(by, v -> Math.abs(v) < 3)) yield -1;
                yield Composites.powTensor(b, x, y);
            }
            case LOG_SIGMOID -> Composites.logSigmoid(b, x);
            case SILU -> Composites.silu(b, x);
            case GELU -> Composites.gelu(b, x);
            case LEAKY_RELU, ELU -> {
                if (!all(vx, v -> Math.abs(v) > MARGIN)) yield -1;
                double p = 0.05 + rng.nextDouble();
                yield op == Op.LEAKY_RELU ? Composites.leakyRelu(b, x, p) : Composites.elu(b, x, p);
            }
            case RAW_SELECT -> {
                int y = pickBroadcastable(tx.shape());
                if (y >= 0 && b.type(y).dtype() != tx.dtype()) yield -1;   // the primitives take one dtype
                if (y < 0) yield -1;
                int[] shape = Composites.broadcastShapes("gen", tx.shape(), b.type(y).shape());
                if (!apart(broadcastValues(x, shape), broadcastValues(y, shape))) yield -1;
                int u = pickBroadcastable(shape), w = pickBroadcastable(shape);
                if (u < 0 || w < 0 || b.type(u).dtype() != b.type(w).dtype() || !Arrays.equals(Composites.broadcastShapes("gen", shape, b.type(u).shape()), shape)
                        || !Arrays.equals(Composites.broadcastShapes("gen", shape, b.type(w).shape()), shape)) yield -1;
                Prim cmp = new Prim[] {Prim.GT, Prim.GE, Prim.LT, Prim.LE, Prim.EQ}[rng.nextInt(5)];
                int cond = b.binary(cmp, Composites.broadcastTo(b, x, shape), Composites.broadcastTo(b, y, shape));
                yield b.select(cond, Composites.broadcastTo(b, u, shape), Composites.broadcastTo(b, w, shape));
            }
            case RAW_REDUCE_MAX -> {
                if (tx.isScalar()) yield -1;
                int axis = rng.nextInt(tx.rank());
                if (!maxIsClear(vx, tx, axis)) yield -1;
                yield b.reduce(Prim.REDUCE_MAX, x, axis);
            }
            case RAW_TRANSPOSE -> {
                if (tx.rank() < 2) yield -1;
                int[] perm = new int[tx.rank()];
                for (int i = 0; i < perm.length; i++) perm[i] = i;
                for (int i = perm.length - 1; i > 0; i--) {
                    int j = rng.nextInt(i + 1), tmp = perm[i];
                    perm[i] = perm[j];
                    perm[j] = tmp;
                }
                yield b.transpose(x, perm);
            }
            case RAW_BROADCAST -> {
                int[] to = tx.isScalar() ? new int[] {2} : prepend(2, tx.shape());
                yield b.broadcast(x, to);
            }
        };
    }

    // ------------------------------------------------------------------ helpers

    /** A random axis of t (rank >= 1), negative half the time. */
    private int axis(Type t) {
        int a = rng.nextInt(t.rank());
        return rng.nextBoolean() ? a - t.rank() : a;
    }

    private int[] shuffled(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1), tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }

    private static boolean broadcasts(int[] a, int[] c) {
        try {
            Composites.broadcastShapes("gen", a, c);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean sameExcept(int[] a, int[] c, int axis) {
        for (int i = 0; i < a.length; i++) if (i != axis && a[i] != c[i]) return false;
        return true;
    }

    /** The batch dimensions of two matmul operands broadcast. */
    private static boolean batchesFit(Type a, Type c) {
        int[] ba = a.rank() > 2 ? Arrays.copyOf(a.shape(), a.rank() - 2) : new int[0];
        int[] bc = c.rank() > 2 ? Arrays.copyOf(c.shape(), c.rank() - 2) : new int[0];
        try {
            Composites.broadcastShapes("gen", ba, bc);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static double[] negated(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) r[i] = -v[i];
        return r;
    }

    /** True when along `axis` every line's variance is clearly positive (std's derivative stays moderate). */
    private static boolean varianceClear(double[] v, Type t, int axis) {
        int[] shape = t.shape(), strides = t.strides();
        int len = shape[axis], stride = strides[axis];
        for (int k = 0; k < v.length; k++) {
            if ((k / stride) % len != 0) continue;
            double mean = 0, ss = 0;
            for (int i = 0; i < len; i++) mean += v[k + i * stride] / len;
            for (int i = 0; i < len; i++) ss += (v[k + i * stride] - mean) * (v[k + i * stride] - mean);
            if (!(ss / (len - 1) > 0.01)) return false;
        }
        return true;
    }

    private int pick() {
        // prefer recent values, so programs grow deep rather than wide
        int back = Math.min((int) (-Math.log(1 - rng.nextDouble()) / 0.7), usable.size() - 1);
        return usable.get(usable.size() - 1 - back);
    }

    private int pickWhere(java.util.function.Predicate<Type> ok) {
        List<Integer> c = new ArrayList<>();
        for (int id : usable) if (ok.test(b.type(id))) c.add(id);
        return c.isEmpty() ? -1 : c.get(rng.nextInt(c.size()));
    }

    private int pickBroadcastable(int[] shape) {
        return pickWhere(t -> {
            try {
                Composites.broadcastShapes("gen", shape, t.shape());
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        });
    }

    private double[] broadcastValues(int id, int[] shape) {
        Type from = b.type(id);
        if (Arrays.equals(from.shape(), shape)) return values.get(id);
        Node n = new Node(-1, Prim.BROADCAST, new int[] {id}, from.withShape(shape), null, null, null);
        return evalF64(n, new double[][] {values.get(id)}, new Type[] {from});
    }

    private void evaluateNew(int from) {
        for (int id = from; id < b.size(); id++) {
            Node n = b.node(id);
            double[][] args = new double[n.arity()][];
            Type[] types = new Type[n.arity()];
            for (int i = 0; i < n.arity(); i++) {
                args[i] = values.get(n.arg(i));
                types[i] = b.type(n.arg(i));
            }
            values.add(evalF64(n, args, types));
            boolean d = false;
            for (int a : n.rawArgs()) d |= differentiable.get(a);
            differentiable.add(d);
        }
    }

    /** Node n evaluated as if every float dtype were F64 (the interpreter's runF64 semantics), operands and result as doubles. */
    static double[] evalF64(Node n, double[][] args, Type[] types) {
        Object[] a = new Object[args.length];
        Type[] wide = new Type[args.length];
        for (int i = 0; i < args.length; i++) {
            wide[i] = types[i].dtype().isFloat() ? types[i].withDType(DType.F64) : types[i];
            a[i] = Kernels.constant(wide[i], args[i]);
        }
        Type t = n.type().dtype().isFloat() ? n.type().withDType(DType.F64) : n.type();
        return Kernels.toDoubles(Kernels.apply(n.prim(), t, n.rawInts(), n.rawData(), a, wide));
    }

    private static boolean inRange(double[] v) {
        return all(v, x -> Double.isFinite(x) && Math.abs(x) < LIMIT);
    }

    private static boolean apart(double[] a, double[] c) {
        for (int i = 0; i < a.length; i++) if (!(Math.abs(a[i] - c[i]) > MARGIN)) return false;
        return true;
    }

    /** True when along `axis` every maximum is unique by the margin. */
    private static boolean maxIsClear(double[] v, Type t, int axis) {
        int[] shape = t.shape(), strides = t.strides();
        int len = shape[axis], stride = strides[axis];
        for (int k = 0; k < v.length; k++) {
            if ((k / stride) % len != 0) continue;   // k is the first element of its line along axis
            double best = Double.NEGATIVE_INFINITY, second = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < len; i++) {
                double x = v[k + i * stride];
                if (x > best) { second = best; best = x; } else if (x > second) second = x;
            }
            if (len > 1 && !(best - second > MARGIN)) return false;
        }
        return true;
    }

    private static boolean all(double[] v, java.util.function.DoublePredicate p) {
        for (double x : v) if (!p.test(x)) return false;
        return true;
    }

    private static boolean anyTrue(boolean[] v) {
        for (boolean x : v) if (x) return true;
        return false;
    }

    private static int[] prepend(int d, int[] shape) {
        int[] r = new int[shape.length + 1];
        r[0] = d;
        System.arraycopy(shape, 0, r, 1, shape.length);
        return r;
    }
}
