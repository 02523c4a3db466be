package io.jgrad.runtime;

import java.util.Arrays;

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
    final String ir;
    final String dot;
    final byte[] bytecode;

    public Signature(String[] names, int[][] shapes, boolean[] requiresGrad, int[] outputShape,
                     int workspaceFloats, String ir, String dot, byte[] bytecode) {
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
        this.ir = ir;
        this.dot = dot;
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
}
