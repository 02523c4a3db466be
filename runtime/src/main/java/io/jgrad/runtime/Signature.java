package io.jgrad.runtime;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * What a {@link Compiled} tells about itself: its inputs, its output, its workspace size and
 * its printable forms. Made by the code generator, handed to the generated constructor.
 * Immutable: every array is copied in and out.
 */
public final class Signature {
    final String[] names;
    final int[][] shapes;
    final int[] sizes;
    final boolean[] requiresGrad;
    final int[] outputShape;
    final int outputSize;
    final int workspaceFloats;
    private final Supplier<String> irText, dotText;
    private String ir, dot;
    final byte[] bytecode;

    public Signature(String[] names, int[][] shapes, boolean[] requiresGrad, int[] outputShape,
                     int workspaceFloats, String ir, String dot, byte[] bytecode) {
        this(names, shapes, requiresGrad, outputShape, workspaceFloats, () -> ir, () -> dot, bytecode);
    }

    /**
     * With the printable forms made on first request: printing a graph costs as much as
     * compiling it (a captured constant of 10^6 values is 10^6 numbers of text), and few
     * callers ask.
     */
    public Signature(String[] names, int[][] shapes, boolean[] requiresGrad, int[] outputShape,
                     int workspaceFloats, Supplier<String> ir, Supplier<String> dot, byte[] bytecode) {
        if (names.length != shapes.length || names.length != requiresGrad.length)
            throw new IllegalArgumentException("one name, shape and requiresGrad per input: " + names.length + ", " + shapes.length + ", " + requiresGrad.length);
        if (workspaceFloats < 0) throw new IllegalArgumentException("workspace size " + workspaceFloats);
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

    synchronized String ir() {
        if (ir == null) ir = irText.get();
        return ir;
    }

    synchronized String dot() {
        if (dot == null) dot = dotText.get();
        return dot;
    }
}
