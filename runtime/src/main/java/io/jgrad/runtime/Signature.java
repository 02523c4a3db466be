package io.jgrad.runtime;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * What a {@link Compiled} tells about itself: its inputs, its output, its workspace size and
 * its printable forms. Made by the code generator, handed to the generated constructor.
 * Immutable: every array is copied in and out.
 */
public final class Signature {
    /** F32 or F64: the element type of every input, the output, the seed and the gradients. */
    final DType dtype;
    final String[] names;
    final int[][] shapes;
    final int[] sizes;
    final boolean[] requiresGrad;
    final int[] outputShape;
    final int outputSize;
    final int workspaceFloats;
    final int workspaceDoubles;
    private final Supplier<String> irText, dotText;
    private String ir, dot;
    final byte[] bytecode;

    /** An F32 function whose workspace holds floats. */
    public Signature(String[] names, int[][] shapes, boolean[] requiresGrad, int[] outputShape,
                     int workspaceFloats, String ir, String dot, byte[] bytecode) {
        this(DType.F32, names, shapes, requiresGrad, outputShape, workspaceFloats, 0, () -> ir, () -> dot, bytecode);
    }

    /**
     * A function of dtype F32 or F64 whose workspace holds {@code workspaceFloats} floats and
     * {@code workspaceDoubles} doubles (the code generator plans one of the two), with the
     * printable forms made on first request: printing a graph costs as much as compiling it (a
     * captured constant of 10^6 values is 10^6 numbers of text), and few callers ask.
     */
    public Signature(DType dtype, String[] names, int[][] shapes, boolean[] requiresGrad, int[] outputShape,
                     int workspaceFloats, int workspaceDoubles, Supplier<String> ir, Supplier<String> dot, byte[] bytecode) {
        if (dtype != DType.F32 && dtype != DType.F64)
            throw new IllegalArgumentException("a compiled function is F32 or F64, got " + dtype);
        if (names.length != shapes.length || names.length != requiresGrad.length)
            throw new IllegalArgumentException("one name, shape and requiresGrad per input: " + names.length + ", " + shapes.length + ", " + requiresGrad.length);
        if (workspaceFloats < 0 || workspaceDoubles < 0)
            throw new IllegalArgumentException("workspace size " + workspaceFloats + " floats, " + workspaceDoubles + " doubles");
        this.dtype = dtype;
        this.names = names.clone();
        this.shapes = new int[shapes.length][];
        this.sizes = new int[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            this.shapes[i] = shapes[i].clone();
            this.sizes[i] = size(shapes[i]);
        }
        this.requiresGrad = requiresGrad.clone();
        this.outputShape = outputShape.clone();
        this.outputSize = size(outputShape);
        this.workspaceFloats = workspaceFloats;
        this.workspaceDoubles = workspaceDoubles;
        this.irText = ir;
        this.dotText = dot;
        this.bytecode = bytecode.clone();
    }

    private static int size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d <= 0) throw new IllegalArgumentException("bad shape " + Arrays.toString(shape));
            n *= d;
        }
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("too many elements: " + Arrays.toString(shape));
        return (int) n;
    }

    public int workspaceFloats() { return workspaceFloats; }

    public int workspaceDoubles() { return workspaceDoubles; }

    public DType dtype() { return dtype; }

    synchronized String ir() {
        if (ir == null) ir = irText.get();
        return ir;
    }

    synchronized String dot() {
        if (dot == null) dot = dotText.get();
        return dot;
    }
}
