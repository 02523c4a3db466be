package io.jgrad.ir;

import io.jgrad.runtime.DType;
import io.jgrad.runtime.Half;
import io.jgrad.runtime.SpecialFunctions;
import io.jgrad.runtime.Summation;
import java.util.Arrays;

/**
 * The evaluation kernel of every primitive, per dtype: the one definition of what a primitive
 * computes, used by the eager engine ({@link Eval}), the {@link Interpreter} and constant folding.
 *
 * <p>The public entry points compute one primitive on values directly, for callers that need a
 * kernel without recording anything (the eager engine adding a gradient into a leaf's): the
 * same code an {@link Eval} runs.
 *
 * <p>Values are typed arrays, row-major: F32 and F16 a {@code float[]} (an F16 array holds
 * only binary16 values), F64 a {@code double[]}, BOOL a {@code boolean[]}. A kernel never writes
 * into its operands, and may return an operand itself where the result has the same elements
 * (RESHAPE, STOP_GRADIENT, CONVERT to the same dtype): values are immutable once made.
 *
 * <p>The rules, per dtype:
 * <ul>
 *   <li>F64: the scalar rule in double, no other rounding ({@link #unaryRule}, {@link #binaryRule},
 *       {@link #pow}).</li>
 *   <li>F32: the float nearest the double rule applied to the float operands. For + - * / that
 *       is the float operation itself (double has more than 2·24+2 bits, so rounding the exact
 *       double result to float is the correctly rounded float result); for the others the loop
 *       computes the double rule and rounds once, except SIGMOID, computed in float as PyTorch's
 *       float kernel does (its last bit, and its 0 below about -88; runtime.Ops.sigmoid too).</li>
 *   <li>F16: the F32 kernel, then each result rounded to the nearest half ({@link Half#round}),
 *       as PyTorch's CPU half computes in float32 and rounds once per op.</li>
 *   <li>REDUCE_SUM and MATMUL add in {@link Summation}'s documented order, in the element type
 *       (the compiled code's order, so every engine gives the same bits; the error grows like
 *       log n); a sum of no elements is +0.0 as PyTorch's. REDUCE_MAX starts from -inf and
 *       propagates NaN ({@code Math.max}, as torch.amax): their kernels are
 *       {@link ReductionKernels}'. MAX/MIN are Math.max/Math.min; comparisons with NaN are false.</li>
 *   <li>ERF, ERFC and LOG2 are {@link SpecialFunctions}' (shared with the generated code); EXPM1,
 *       SINH, COSH, LOG10, ATAN2 and POWER are Java's Math; FLOOR is Math.floor and ROUND Math.rint
 *       (half to even, as torch.round).</li>
 *   <li>SLICE, PAD, GATHER and CONCAT copy elements exactly, any dtype; SCATTER_ADD adds in index
 *       order into +0.0, each addition rounded to the dtype; DOT_GENERAL transposes its operands to
 *       [batch, free, contracted] and runs the MATMUL kernel per batch (so its bits are MATMUL's).</li>
 * </ul>
 */
public final class Kernels {
    private Kernels() {}

    // ======================================================================== scalar rules (double)

    /** The scalar rule of a unary elementwise primitive in double (POW: {@link #pow}). */
    public static double unaryRule(Prim p, double x) {
        return switch (p) {
            case NEG -> -x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case LOG1P -> Math.log1p(x);
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> sigmoid(x);
            case SOFTPLUS -> softplus(x);
            case SQRT -> Math.sqrt(x);
            case ABS -> Math.abs(x);
            case STOP_GRADIENT -> x;
            case EXPM1 -> Math.expm1(x);
            case SINH -> Math.sinh(x);
            case COSH -> Math.cosh(x);
            case LOG2 -> SpecialFunctions.log2(x);
            case LOG10 -> Math.log10(x);
            case ERF -> SpecialFunctions.erf(x);
            case ERFC -> SpecialFunctions.erfc(x);
            case FLOOR -> Math.floor(x);
            case ROUND -> Math.rint(x);   // half to even, as torch.round
            case POW -> throw new IllegalArgumentException("pow: needs its exponent, use Kernels.pow(x, p)");
            case INPUT, CONST, CONVERT, ADD, SUB, MUL, DIV, MAX, MIN, ATAN2, POWER, GT, GE, LT, LE, EQ, SELECT,
                 BROADCAST, RESHAPE, TRANSPOSE, SLICE, PAD, GATHER, SCATTER_ADD, REDUCE_SUM, REDUCE_MAX, MATMUL, CONCAT, DOT_GENERAL ->
                    throw new IllegalArgumentException(p.text + " is not a unary elementwise primitive");
        };
    }

    /** 1/(1+e^-x): exp(-x) overflows to inf for x below -709, and 1/(1+inf) = 0 is the right limit. */
    public static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    /** log(1+e^x); PyTorch's threshold: x > 20 gives x itself (log1p(e^x) - x < 2e-9 there). */
    public static double softplus(double x) {
        return x > 20 ? x : Math.log1p(Math.exp(x));
    }

    /**
     * x^p as PyTorch computes it: p = 0.5 and -0.5 are sqrt and 1/sqrt (they differ from
     * Math.pow at -0.0 and -inf), p = 2 is x*x; every other p is Math.pow. x^0 = 1 even for NaN.
     */
    public static double pow(double x, double p) {
        if (p == 0.5) return Math.sqrt(x);
        if (p == -0.5) return 1.0 / Math.sqrt(x);
        if (p == 2.0) return x * x;
        return Math.pow(x, p);
    }

    /** The scalar rule of a binary elementwise primitive or comparison in double (true = 1, false = 0). */
    public static double binaryRule(Prim p, double a, double b) {
        return switch (p) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            // Math.max/min: NaN if either is NaN (as torch.maximum), and -0.0 < +0.0
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case ATAN2 -> Math.atan2(a, b);   // a is y, b is x (torch.atan2)
            case POWER -> Math.pow(a, b);
            // IEEE comparisons: false whenever a NaN is involved
            case GT -> a > b ? 1 : 0;
            case GE -> a >= b ? 1 : 0;
            case LT -> a < b ? 1 : 0;
            case LE -> a <= b ? 1 : 0;
            case EQ -> a == b ? 1 : 0;
            case INPUT, CONST, NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, POW,
                 STOP_GRADIENT, EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC, FLOOR, ROUND, CONVERT, SELECT, BROADCAST, RESHAPE, TRANSPOSE,
                 SLICE, PAD, GATHER, SCATTER_ADD, REDUCE_SUM, REDUCE_MAX, MATMUL, CONCAT, DOT_GENERAL ->
                    throw new IllegalArgumentException(p.text + " is not a binary elementwise primitive");
        };
    }

    /** The double v held in dtype d: rounded to float (F32), to half via float (F16, as PyTorch's c10::Half(float)), v != 0 (BOOL, as 0/1). */
    public static double toDType(double v, DType d) {
        return switch (d) {
            case F64 -> v;
            case F32 -> (float) v;
            case F16 -> Half.round((float) v);
            case BOOL -> v != 0 ? 1 : 0;
        };
    }

    // ======================================================================== dispatch

    /**
     * The value of primitive p (result type t, attributes ints/data) applied to the operand
     * values {@code args} of types {@code argTypes}. Not for INPUT (its value is given).
     */
    public static Object apply(Prim p, Type t, int[] ints, double[] data, Object[] args, Type[] argTypes) {
        return switch (p) {
            case INPUT -> throw new IllegalArgumentException("input: has no kernel, its value is given");
            case CONST -> constant(t, data);
            case NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, STOP_GRADIENT,
                 EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC, FLOOR, ROUND -> unary(p, t.dtype(), args[0], 0);
            case POW -> unary(p, t.dtype(), args[0], data[0]);
            case CONVERT -> convert(args[0], argTypes[0].dtype(), t.dtype());
            case ADD, SUB, MUL, DIV, MAX, MIN, ATAN2, POWER, GT, GE, LT, LE, EQ -> binary(p, argTypes[0].dtype(), args[0], args[1]);
            case SELECT -> select((boolean[]) args[0], args[1], args[2]);
            case BROADCAST -> broadcast(args[0], argTypes[0], t);
            case RESHAPE -> args[0];
            case TRANSPOSE -> transpose(args[0], argTypes[0], ints, t);
            case REDUCE_SUM -> ReductionKernels.reduceSum(args[0], argTypes[0], ints, t);
            case REDUCE_MAX -> ReductionKernels.reduceMax(args[0], argTypes[0], ints, t);
            case MATMUL -> ReductionKernels.matmul(args[0], args[1], t.dtype(), argTypes[0].dim(0), argTypes[0].dim(1), argTypes[1].dim(1));
            case SLICE -> Indexing.slice(args[0], argTypes[0], ints, t);
            case PAD -> Indexing.pad(args[0], argTypes[0], ints, t);
            case GATHER -> Indexing.gather(args[0], argTypes[0], ints, t);
            case SCATTER_ADD -> Indexing.scatterAdd(args[0], ints, t);
            case CONCAT -> Indexing.concat(args, argTypes, ints, t);
            case DOT_GENERAL -> Contraction.apply(args[0], args[1], argTypes[0], argTypes[1], ints, t);
        };
    }

    /** A new zeroed array for n elements of dtype d. */
    static Object newArray(DType d, int n) {
        return switch (d) {
            case F16, F32 -> new float[n];
            case F64 -> new double[n];
            case BOOL -> new boolean[n];
        };
    }

    /** The length of a value array. */
    static int length(Object v) {
        if (v instanceof float[] f) return f.length;
        if (v instanceof double[] d) return d.length;
        return ((boolean[]) v).length;
    }

    /** Element i of a value as a double (BOOL as 0/1). */
    static double get(Object v, int i) {
        if (v instanceof float[] f) return f[i];
        if (v instanceof double[] d) return d[i];
        return ((boolean[]) v)[i] ? 1 : 0;
    }

    /** A value's elements as doubles (a new array). */
    public static double[] toDoubles(Object v) {
        if (v instanceof double[] d) return d.clone();
        int n = length(v);
        double[] r = new double[n];
        for (int i = 0; i < n; i++) r[i] = get(v, i);
        return r;
    }

    /** True when v is an array of t's dtype and size. */
    public static boolean fits(Type t, Object v) {
        return switch (t.dtype()) {
            case F16, F32 -> v instanceof float[] f && f.length == t.size();
            case F64 -> v instanceof double[] d && d.length == t.size();
            case BOOL -> v instanceof boolean[] b && b.length == t.size();
        };
    }

    /** Checks that a value array fits type t (array class and length); the message names {@code what}. */
    static void check(String what, Type t, Object v) {
        if (!fits(t, v)) {
            String want = switch (t.dtype()) { case F16, F32 -> "float[]"; case F64 -> "double[]"; case BOOL -> "boolean[]"; };
            String got = v == null ? "null" : v.getClass().getSimpleName() + " of length " + length(v);
            throw new IllegalArgumentException(what + ": " + t + " needs a " + want + " of length " + t.size() + ", got " + got);
        }
    }

    // ======================================================================== leaves and conversion

    /** CONST: the doubles {@code data} held in t's dtype (a new typed array). */
    public static Object constant(Type t, double[] data) {
        int n = data.length;
        return switch (t.dtype()) {
            case F64 -> data.clone();
            case F32 -> { float[] y = new float[n]; for (int i = 0; i < n; i++) y[i] = (float) data[i]; yield y; }
            case F16 -> { float[] y = new float[n]; for (int i = 0; i < n; i++) y[i] = Half.round((float) data[i]); yield y; }
            case BOOL -> { boolean[] y = new boolean[n]; for (int i = 0; i < n; i++) y[i] = data[i] != 0; yield y; }
        };
    }

    /** CONVERT: float widening is exact; narrowing rounds (F64 → F16 through float, as PyTorch); BOOL ↔ float is 0/1 and x != 0 (NaN is true). */
    public static Object convert(Object x, DType from, DType to) {
        if (from == to) return x;
        int n = length(x);
        switch (to) {
            case F64 -> {
                double[] y = new double[n];
                if (x instanceof float[] f) for (int i = 0; i < n; i++) y[i] = f[i];
                else { boolean[] b = (boolean[]) x; for (int i = 0; i < n; i++) y[i] = b[i] ? 1 : 0; }
                return y;
            }
            case F32, F16 -> {
                float[] y = new float[n];
                if (x instanceof double[] d) for (int i = 0; i < n; i++) y[i] = (float) d[i];
                else if (x instanceof float[] f) System.arraycopy(f, 0, y, 0, n);
                else { boolean[] b = (boolean[]) x; for (int i = 0; i < n; i++) y[i] = b[i] ? 1 : 0; }
                return to == DType.F16 ? Half.roundAll(y) : y;   // F16 → F32 is exact: the copy above
            }
            case BOOL -> {
                boolean[] y = new boolean[n];
                if (x instanceof double[] d) for (int i = 0; i < n; i++) y[i] = d[i] != 0;
                else { float[] f = (float[]) x; for (int i = 0; i < n; i++) y[i] = f[i] != 0; }
                return y;
            }
        }
        throw new AssertionError(to);
    }

    // ======================================================================== elementwise

    /** A unary elementwise primitive (POW with {@code exponent}) on a value of dtype d. */
    public static Object unary(Prim p, DType d, Object x, double exponent) {
        if (p == Prim.STOP_GRADIENT) return x;
        return switch (d) {
            case F64 -> unaryF64(p, (double[]) x, exponent);
            case F32 -> unaryF32(p, (float[]) x, exponent);
            // NEG and ABS of a half are halves: no rounding needed
            case F16 -> p == Prim.NEG || p == Prim.ABS ? unaryF32(p, (float[]) x, exponent) : Half.roundAll(unaryF32(p, (float[]) x, exponent));
            case BOOL -> throw new IllegalArgumentException(p.text + ": needs a float operand, got bool");
        };
    }

    static double[] unaryF64(Prim p, double[] x, double e) {
        int n = x.length;
        double[] y = new double[n];
        switch (p) {
            case NEG -> { for (int i = 0; i < n; i++) y[i] = -x[i]; }
            case EXP -> { for (int i = 0; i < n; i++) y[i] = Math.exp(x[i]); }
            case LOG -> { for (int i = 0; i < n; i++) y[i] = Math.log(x[i]); }
            case LOG1P -> { for (int i = 0; i < n; i++) y[i] = Math.log1p(x[i]); }
            case SIN -> { for (int i = 0; i < n; i++) y[i] = Math.sin(x[i]); }
            case COS -> { for (int i = 0; i < n; i++) y[i] = Math.cos(x[i]); }
            case TANH -> { for (int i = 0; i < n; i++) y[i] = Math.tanh(x[i]); }
            case SIGMOID -> { for (int i = 0; i < n; i++) y[i] = sigmoid(x[i]); }
            case SOFTPLUS -> { for (int i = 0; i < n; i++) y[i] = softplus(x[i]); }
            case SQRT -> { for (int i = 0; i < n; i++) y[i] = Math.sqrt(x[i]); }
            case ABS -> { for (int i = 0; i < n; i++) y[i] = Math.abs(x[i]); }
            case POW -> { for (int i = 0; i < n; i++) y[i] = pow(x[i], e); }
            case STOP_GRADIENT -> System.arraycopy(x, 0, y, 0, n);
            case EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC, FLOOR, ROUND -> { for (int i = 0; i < n; i++) y[i] = unaryRule(p, x[i]); }
            case INPUT, CONST, CONVERT, ADD, SUB, MUL, DIV, MAX, MIN, ATAN2, POWER, GT, GE, LT, LE, EQ, SELECT,
                 BROADCAST, RESHAPE, TRANSPOSE, SLICE, PAD, GATHER, SCATTER_ADD, REDUCE_SUM, REDUCE_MAX, MATMUL, CONCAT, DOT_GENERAL ->
                    unaryRule(p, 0);   // throws, naming p
        }
        return y;
    }

    static float[] unaryF32(Prim p, float[] x, double e) {
        int n = x.length;
        float[] y = new float[n];
        switch (p) {
            case NEG -> { for (int i = 0; i < n; i++) y[i] = -x[i]; }
            case EXP -> { for (int i = 0; i < n; i++) y[i] = (float) Math.exp(x[i]); }
            case LOG -> { for (int i = 0; i < n; i++) y[i] = (float) Math.log(x[i]); }
            case LOG1P -> { for (int i = 0; i < n; i++) y[i] = (float) Math.log1p(x[i]); }
            case SIN -> { for (int i = 0; i < n; i++) y[i] = (float) Math.sin(x[i]); }
            case COS -> { for (int i = 0; i < n; i++) y[i] = (float) Math.cos(x[i]); }
            case TANH -> { for (int i = 0; i < n; i++) y[i] = (float) Math.tanh(x[i]); }
            // in float, as PyTorch's float kernel ((1 + exp(-x)).reciprocal()): its last bit, and 0 below about -88
            case SIGMOID -> { for (int i = 0; i < n; i++) y[i] = 1f / (1f + (float) Math.exp(-x[i])); }
            case SOFTPLUS -> { for (int i = 0; i < n; i++) y[i] = (float) softplus(x[i]); }
            case SQRT -> { for (int i = 0; i < n; i++) y[i] = (float) Math.sqrt(x[i]); }
            case ABS -> { for (int i = 0; i < n; i++) y[i] = Math.abs(x[i]); }
            case POW -> { for (int i = 0; i < n; i++) y[i] = (float) pow(x[i], e); }
            case STOP_GRADIENT -> System.arraycopy(x, 0, y, 0, n);
            case EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC, FLOOR, ROUND -> { for (int i = 0; i < n; i++) y[i] = (float) unaryRule(p, x[i]); }
            case INPUT, CONST, CONVERT, ADD, SUB, MUL, DIV, MAX, MIN, ATAN2, POWER, GT, GE, LT, LE, EQ, SELECT,
                 BROADCAST, RESHAPE, TRANSPOSE, SLICE, PAD, GATHER, SCATTER_ADD, REDUCE_SUM, REDUCE_MAX, MATMUL, CONCAT, DOT_GENERAL ->
                    unaryRule(p, 0);   // throws, naming p
        }
        return y;
    }

    /** A binary elementwise primitive or comparison on two values of dtype d and one shape. */
    public static Object binary(Prim p, DType d, Object a, Object b) {
        if (p.family == Prim.Family.COMPARE) {
            return switch (d) {
                case F64 -> compareF64(p, (double[]) a, (double[]) b);
                case F32, F16 -> compareF32(p, (float[]) a, (float[]) b);   // halves compare as the floats they are
                case BOOL -> throw new IllegalArgumentException(p.text + ": needs float operands, got bool");
            };
        }
        return switch (d) {
            case F64 -> binaryF64(p, (double[]) a, (double[]) b);
            case F32 -> binaryF32(p, (float[]) a, (float[]) b);
            // MAX and MIN of halves are halves
            case F16 -> p == Prim.MAX || p == Prim.MIN ? binaryF32(p, (float[]) a, (float[]) b) : Half.roundAll(binaryF32(p, (float[]) a, (float[]) b));
            case BOOL -> throw new IllegalArgumentException(p.text + ": needs float operands, got bool");
        };
    }

    static double[] binaryF64(Prim p, double[] a, double[] b) {
        int n = a.length;
        double[] y = new double[n];
        switch (p) {
            case ADD -> { for (int i = 0; i < n; i++) y[i] = a[i] + b[i]; }
            case SUB -> { for (int i = 0; i < n; i++) y[i] = a[i] - b[i]; }
            case MUL -> { for (int i = 0; i < n; i++) y[i] = a[i] * b[i]; }
            case DIV -> { for (int i = 0; i < n; i++) y[i] = a[i] / b[i]; }
            case MAX -> { for (int i = 0; i < n; i++) y[i] = Math.max(a[i], b[i]); }
            case MIN -> { for (int i = 0; i < n; i++) y[i] = Math.min(a[i], b[i]); }
            case ATAN2, POWER -> { for (int i = 0; i < n; i++) y[i] = binaryRule(p, a[i], b[i]); }
            case INPUT, CONST, NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, POW, STOP_GRADIENT,
                 EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC, FLOOR, ROUND, CONVERT, GT, GE, LT, LE, EQ, SELECT, BROADCAST, RESHAPE,
                 TRANSPOSE, SLICE, PAD, GATHER, SCATTER_ADD, REDUCE_SUM, REDUCE_MAX, MATMUL, CONCAT, DOT_GENERAL ->
                    binaryRule(p, 0, 0);   // throws for non-elementwise p (comparisons go to compareF64)
        }
        return y;
    }

    static float[] binaryF32(Prim p, float[] a, float[] b) {
        int n = a.length;
        float[] y = new float[n];
        switch (p) {
            // float + - * / are the correctly rounded results of the double rule (see the class comment)
            case ADD -> { for (int i = 0; i < n; i++) y[i] = a[i] + b[i]; }
            case SUB -> { for (int i = 0; i < n; i++) y[i] = a[i] - b[i]; }
            case MUL -> { for (int i = 0; i < n; i++) y[i] = a[i] * b[i]; }
            case DIV -> { for (int i = 0; i < n; i++) y[i] = a[i] / b[i]; }
            case MAX -> { for (int i = 0; i < n; i++) y[i] = Math.max(a[i], b[i]); }
            case MIN -> { for (int i = 0; i < n; i++) y[i] = Math.min(a[i], b[i]); }
            // the others: the double rule rounded once
            case ATAN2, POWER -> { for (int i = 0; i < n; i++) y[i] = (float) binaryRule(p, a[i], b[i]); }
            case INPUT, CONST, NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, POW, STOP_GRADIENT,
                 EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC, FLOOR, ROUND, CONVERT, GT, GE, LT, LE, EQ, SELECT, BROADCAST, RESHAPE,
                 TRANSPOSE, SLICE, PAD, GATHER, SCATTER_ADD, REDUCE_SUM, REDUCE_MAX, MATMUL, CONCAT, DOT_GENERAL ->
                    binaryRule(p, 0, 0);
        }
        return y;
    }

    static boolean[] compareF64(Prim p, double[] a, double[] b) {
        int n = a.length;
        boolean[] y = new boolean[n];
        switch (p) {
            case GT -> { for (int i = 0; i < n; i++) y[i] = a[i] > b[i]; }
            case GE -> { for (int i = 0; i < n; i++) y[i] = a[i] >= b[i]; }
            case LT -> { for (int i = 0; i < n; i++) y[i] = a[i] < b[i]; }
            case LE -> { for (int i = 0; i < n; i++) y[i] = a[i] <= b[i]; }
            case EQ -> { for (int i = 0; i < n; i++) y[i] = a[i] == b[i]; }
            case INPUT, CONST, NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, POW, STOP_GRADIENT,
                 EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC, FLOOR, ROUND, CONVERT, ADD, SUB, MUL, DIV, MAX, MIN, ATAN2, POWER,
                 SELECT, BROADCAST, RESHAPE, TRANSPOSE, SLICE, PAD, GATHER, SCATTER_ADD, REDUCE_SUM, REDUCE_MAX, MATMUL, CONCAT, DOT_GENERAL ->
                    throw new IllegalArgumentException(p.text + " is not a comparison");
        }
        return y;
    }

    static boolean[] compareF32(Prim p, float[] a, float[] b) {
        int n = a.length;
        boolean[] y = new boolean[n];
        switch (p) {
            case GT -> { for (int i = 0; i < n; i++) y[i] = a[i] > b[i]; }
            case GE -> { for (int i = 0; i < n; i++) y[i] = a[i] >= b[i]; }
            case LT -> { for (int i = 0; i < n; i++) y[i] = a[i] < b[i]; }
            case LE -> { for (int i = 0; i < n; i++) y[i] = a[i] <= b[i]; }
            case EQ -> { for (int i = 0; i < n; i++) y[i] = a[i] == b[i]; }
            case INPUT, CONST, NEG, EXP, LOG, LOG1P, SIN, COS, TANH, SIGMOID, SOFTPLUS, SQRT, ABS, POW, STOP_GRADIENT,
                 EXPM1, SINH, COSH, LOG2, LOG10, ERF, ERFC, FLOOR, ROUND, CONVERT, ADD, SUB, MUL, DIV, MAX, MIN, ATAN2, POWER,
                 SELECT, BROADCAST, RESHAPE, TRANSPOSE, SLICE, PAD, GATHER, SCATTER_ADD, REDUCE_SUM, REDUCE_MAX, MATMUL, CONCAT, DOT_GENERAL ->
                    throw new IllegalArgumentException(p.text + " is not a comparison");
        }
        return y;
    }

    /** select(c, a, b) = c ? a : b elementwise, for branches of any dtype (no rounding: a pick is exact). */
    static Object select(boolean[] c, Object a, Object b) {
        int n = c.length;
        if (a instanceof float[] fa) {
            float[] fb = (float[]) b, y = new float[n];
            for (int i = 0; i < n; i++) y[i] = c[i] ? fa[i] : fb[i];
            return y;
        }
        if (a instanceof double[] da) {
            double[] db = (double[]) b, y = new double[n];
            for (int i = 0; i < n; i++) y[i] = c[i] ? da[i] : db[i];
            return y;
        }
        boolean[] ba = (boolean[]) a, bb = (boolean[]) b, y = new boolean[n];
        for (int i = 0; i < n; i++) y[i] = c[i] ? ba[i] : bb[i];
        return y;
    }

    // ======================================================================== structure (exact copies, any dtype)

    /** NumPy broadcasting of x (type from) to type to. */
    static Object broadcast(Object x, Type from, Type to) {
        int n = to.size(), m = from.size();
        Object y = newArray(to.dtype(), n);
        if (n == 0) return y;
        if (m == 1) return fill(x, y);
        int[] fs = from.rawShape(), ts = to.rawShape();
        if (isTrailingBlock(fs, ts)) {   // a bias row: the operand repeats as one block
            for (int off = 0; off < n; off += m) System.arraycopy(x, 0, y, off, m);
            return y;
        }
        // general case: the source offset of each result element, by an odometer over the result
        int rank = ts.length, lead = rank - fs.length;
        int[] strides = new int[rank];   // operand strides in the result's index space, 0 along broadcast axes
        for (int i = rank - 1, s = 1; i >= lead; i--) {
            int d = fs[i - lead];
            strides[i] = d == 1 ? 0 : s;
            s *= d;
        }
        return gather(x, y, ts, strides);
    }

    /** Transposition: result axis d is operand axis perm[d]. */
    static Object transpose(Object x, Type from, int[] perm, Type to) {
        Object y = newArray(to.dtype(), to.size());
        if (to.size() == 0) return y;
        int[] fst = from.strides(), strides = new int[perm.length];
        for (int d = 0; d < perm.length; d++) strides[d] = fst[perm[d]];
        return gather(x, y, to.rawShape(), strides);
    }

    /** y[k] = x[offset(k)] for k in row-major order over {@code shape}, where offset advances by {@code strides}. */
    private static Object gather(Object x, Object y, int[] shape, int[] strides) {
        int n = length(y), rank = shape.length;
        int[] idx = new int[rank];
        int last = rank - 1, inner = shape[last], innerStride = strides[last];
        int off = 0;
        // the innermost axis in a tight loop, the outer axes by an odometer
        for (int k = 0; k < n; k += inner) {
            if (x instanceof float[] fx) { float[] fy = (float[]) y; for (int j = 0; j < inner; j++) fy[k + j] = fx[off + j * innerStride]; }
            else if (x instanceof double[] dx) { double[] dy = (double[]) y; for (int j = 0; j < inner; j++) dy[k + j] = dx[off + j * innerStride]; }
            else { boolean[] bx = (boolean[]) x, by = (boolean[]) y; for (int j = 0; j < inner; j++) by[k + j] = bx[off + j * innerStride]; }
            for (int d = last - 1; d >= 0; d--) {
                off += strides[d];
                if (++idx[d] < shape[d]) break;
                off -= strides[d] * shape[d];
                idx[d] = 0;
            }
        }
        return y;
    }

    private static Object fill(Object x, Object y) {
        if (x instanceof float[] fx) Arrays.fill((float[]) y, fx[0]);
        else if (x instanceof double[] dx) Arrays.fill((double[]) y, dx[0]);
        else Arrays.fill((boolean[]) y, ((boolean[]) x)[0]);
        return y;
    }

    /** True when {@code from}, leading 1s aside, is the trailing part of {@code to}: it repeats as one block. */
    private static boolean isTrailingBlock(int[] from, int[] to) {
        int lead = 0;
        while (lead < from.length && from[lead] == 1) lead++;
        int k = from.length - lead;
        if (k == 0 || k > to.length) return false;
        for (int i = 0; i < k; i++) if (from[lead + i] != to[to.length - k + i]) return false;
        return true;
    }
}
