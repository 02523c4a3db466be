package io.jgrad.codegen;

import io.jgrad.runtime.DType;
import org.objectweb.asm.MethodVisitor;

import static org.objectweb.asm.Opcodes.*;

/**
 * The JVM's view of one float dtype: the opcodes, descriptors and local-slot width the
 * emitters use, so that one emitter writes float32 and float64 code alike. A value of dtype
 * F32 is a {@code float} (one local slot, {@code float[]} arrays), F64 a {@code double} (two
 * slots, {@code double[]}); a BOOL value is an int 0/1 on the stack and is stored in arrays of
 * the surrounding kind as 0/1.
 */
enum Num {
    F32(DType.F32, 'F', 1, FLOAD, FSTORE, FALOAD, FASTORE, FRETURN, FADD, FSUB, FMUL, FDIV, FNEG, FCMPL, FCMPG, I2F, POP, DUP),
    F64(DType.F64, 'D', 2, DLOAD, DSTORE, DALOAD, DASTORE, DRETURN, DADD, DSUB, DMUL, DDIV, DNEG, DCMPL, DCMPG, I2D, POP2, DUP2);

    final DType dtype;
    /** The descriptor letter, 'F' or 'D'. */
    final char desc;
    /** Local variable slots a value takes. */
    final int slots;
    final int load, store, aload, astore, ret, add, sub, mul, div, neg, cmpl, cmpg, fromInt, pop, dup;
    /** {@code [F} / {@code [D}, and {@code [[F} / {@code [[D}. */
    final String array, arrays;

    Num(DType dtype, char desc, int slots, int load, int store, int aload, int astore, int ret, int add, int sub, int mul,
        int div, int neg, int cmpl, int cmpg, int fromInt, int pop, int dup) {
        this.dtype = dtype;
        this.desc = desc;
        this.slots = slots;
        this.load = load;
        this.store = store;
        this.aload = aload;
        this.astore = astore;
        this.ret = ret;
        this.add = add;
        this.sub = sub;
        this.mul = mul;
        this.div = div;
        this.neg = neg;
        this.cmpl = cmpl;
        this.cmpg = cmpg;
        this.fromInt = fromInt;
        this.pop = pop;
        this.dup = dup;
        this.array = "[" + desc;
        this.arrays = "[[" + desc;
    }

    /** The kind of a float dtype; BOOL and F16 have none (callers handle BOOL as int). */
    static Num of(DType d) {
        return switch (d) {
            case F32 -> F32;
            case F64 -> F64;
            case F16, BOOL -> throw new IllegalArgumentException("no JVM number kind for " + d);
        };
    }

    /** {@code (F)F} / {@code (D)D}: a unary function of this kind. */
    String unary() { return "(" + desc + ")" + desc; }

    /** {@code (FF)F} / {@code (DD)D}. */
    String binary() { return "(" + desc + desc + ")" + desc; }

    /** Pushes v as a constant of this kind (rounded to float for F32), bit-exactly: -0.0 is not 0.0. */
    void constant(MethodVisitor mv, double v) {
        if (this == F32) {
            float f = (float) v;
            int bits = Float.floatToRawIntBits(f);
            if (bits == 0) mv.visitInsn(FCONST_0);
            else if (bits == Float.floatToRawIntBits(1f)) mv.visitInsn(FCONST_1);
            else if (bits == Float.floatToRawIntBits(2f)) mv.visitInsn(FCONST_2);
            else mv.visitLdcInsn(f);
        } else {
            long bits = Double.doubleToRawLongBits(v);
            if (bits == 0) mv.visitInsn(DCONST_0);
            else if (bits == Double.doubleToRawLongBits(1.0)) mv.visitInsn(DCONST_1);
            else mv.visitLdcInsn(v);
        }
    }

    /** Converts the value on the stack from this kind to {@code to} (exact from F32 to F64, rounding the other way). */
    void convert(MethodVisitor mv, Num to) {
        if (this == to) return;
        mv.visitInsn(this == F32 ? F2D : D2F);
    }
}
