package io.jgrad.ir;

import io.jgrad.runtime.DType;

/**
 * Where primitives are emitted: the one interface {@link Composites} (the user API's lowering)
 * and the VJP rules ({@link Prim#vjp}) write through. Values are int ids, dense from 0 in the
 * order they were made. Two implementations:
 * <ul>
 *   <li>{@link Builder} records each primitive as a graph node (the tracer, the adjoint pass,
 *       the optimiser's rebuilds);</li>
 *   <li>{@link Eval} applies each primitive's shape rule and kernel at once and keeps the value
 *       (the eager engine).</li>
 * </ul>
 * So every user op and every derivative has one definition, evaluated or recorded (JAX's "one
 * primitive, several interpreters"). An interface of a dozen methods is the simplest mechanism
 * that works: the lowering code is ordinary straight-line Java over ids, with no tracing of
 * lambdas and no intermediate representation that the eager engine would have to build and
 * then walk.
 *
 * <p>Every method checks the primitive's shape rule ({@link Prim#resultType}) before anything
 * is made and throws IllegalArgumentException naming the primitive and the types. The
 * convenience methods are the general {@link #apply} with the attributes filled in;
 * implementations override them only to go faster.
 */
public interface Emitter {

    /** The type of value {@code id}; IllegalArgumentException if there is no such value. */
    Type type(int id);

    /**
     * The general form: primitive {@code p} applied to the values {@code args}, with the
     * declared result type (required for CONST, BROADCAST, RESHAPE, CONVERT; null where the shape
     * rule implies it) and the attributes {@code ints}/{@code data} (null = none), as {@link Node}
     * describes them. INPUT is not emitted this way (each implementation has its own inputs).
     */
    int apply(Prim p, int[] args, Type declared, int[] ints, double[] data);

    /**
     * A constant of the given type, row-major. The values are exact doubles; the constant holds
     * them converted to {@code t}'s dtype (rounded to float for F32, to half via float for F16,
     * as PyTorch converts a Python scalar; 0 is false for BOOL).
     */
    default int constant(Type t, double... values) {
        return apply(Prim.CONST, new int[0], t, null, values);
    }

    /** A plain unary elementwise primitive (not POW: see {@link #pow}). */
    default int unary(Prim p, int x) {
        if (p.family != Prim.Family.UNARY || p == Prim.POW) throw new IllegalArgumentException(p.text + " is not a plain unary primitive");
        return apply(p, new int[] {x}, null, null, null);
    }

    /** x^exponent elementwise (the exponent is an attribute, used as given). */
    default int pow(int x, double exponent) {
        return apply(Prim.POW, new int[] {x}, null, null, new double[] {exponent});
    }

    /** ADD, SUB, MUL, DIV, MAX, MIN, ATAN2, POWER, the comparisons, or MATMUL: operands of one type (no broadcasting here). */
    default int binary(Prim p, int a, int b) {
        if (p.arity() != 2 || p == Prim.DOT_GENERAL) throw new IllegalArgumentException(p.text + " is not a binary primitive without attributes");
        return apply(p, new int[] {a, b}, null, null, null);
    }

    /** c ? a : b elementwise; c is BOOL of a's shape. */
    default int select(int c, int a, int b) {
        return apply(Prim.SELECT, new int[] {c, a, b}, null, null, null);
    }

    /** x broadcast (NumPy rules) to {@code shape}. */
    default int broadcast(int x, int... shape) {
        return apply(Prim.BROADCAST, new int[] {x}, type(x).withShape(shape), null, null);
    }

    /** The same elements, row-major, in a new shape of the same size. */
    default int reshape(int x, int... shape) {
        return apply(Prim.RESHAPE, new int[] {x}, type(x).withShape(shape), null, null);
    }

    /** Result axis i is operand axis perm[i]. */
    default int transpose(int x, int... perm) {
        return apply(Prim.TRANSPOSE, new int[] {x}, null, perm.clone(), null);
    }

    /** REDUCE_SUM or REDUCE_MAX over ascending {@code axes}, which are removed from the shape. */
    default int reduce(Prim p, int x, int... axes) {
        if (p.family != Prim.Family.REDUCE) throw new IllegalArgumentException(p.text + " is not a reduction");
        return apply(p, new int[] {x}, null, axes.clone(), null);
    }

    /** x converted to dtype {@code to} (CONVERT; BOOL → float gives 0/1, float → BOOL is x != 0). */
    default int convert(int x, DType to) {
        return apply(Prim.CONVERT, new int[] {x}, type(x).withDType(to), null, null);
    }

    /** x[..., start:end, ...] along {@code axis} (SLICE; 0 &lt;= start &lt;= end &lt;= that axis' size). */
    default int slice(int x, int axis, int start, int end) {
        return apply(Prim.SLICE, new int[] {x}, null, Indexing.slice(axis, start, end), null);
    }

    /** {@code low} zeros before and {@code high} after x along {@code axis} (PAD). */
    default int pad(int x, int axis, int low, int high) {
        return apply(Prim.PAD, new int[] {x}, null, Indexing.pad(axis, low, high), null);
    }

    /** The rows {@code indices} of x along {@code axis} (GATHER, index_select). */
    default int gather(int x, int axis, int... indices) {
        return apply(Prim.GATHER, new int[] {x}, null, Indexing.gather(axis, indices), null);
    }

    /** A zero tensor of {@code size} rows along {@code axis} with row j of x added into row indices[j] (SCATTER_ADD). */
    default int scatterAdd(int x, int axis, int size, int... indices) {
        return apply(Prim.SCATTER_ADD, new int[] {x}, null, Indexing.scatterAdd(axis, size, indices), null);
    }

    /** The operands joined along {@code axis} (CONCAT; one or more). */
    default int concat(int axis, int... xs) {
        return apply(Prim.CONCAT, xs.clone(), null, new int[] {axis}, null);
    }

    /**
     * XLA's dot_general (DOT_GENERAL): batch axes lhsBatch[i] of x paired with rhsBatch[i] of y,
     * lhsContract[i] contracted with rhsContract[i]; the result's axes are the batch axes, then
     * x's free axes, then y's (see {@link Contraction}).
     */
    default int dotGeneral(int x, int y, int[] lhsBatch, int[] rhsBatch, int[] lhsContract, int[] rhsContract) {
        int[] ints = new Contraction.Dims(lhsBatch.clone(), rhsBatch.clone(), lhsContract.clone(), rhsContract.clone()).encode();
        return apply(Prim.DOT_GENERAL, new int[] {x, y}, null, ints, null);
    }
}
