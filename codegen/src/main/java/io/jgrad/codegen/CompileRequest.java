package io.jgrad.codegen;

import io.jgrad.ir.Graph;

/**
 * What {@link CodeGen#compile} needs (PIPELINE.md): the optimised forward graph (one output),
 * the vjp graph (inputs plus a "seed" INPUT at index n; outputs value then one gradient per
 * differentiable input, in input order), the valueAndGrad graph (no seed; null when the
 * output is not a scalar), and the function's signature. Arrays are copied in.
 */
public final class CompileRequest {
    final Graph forward;
    final Graph vjp;
    final Graph valueAndGrad;
    final String[] inputNames;
    final int[][] inputShapes;
    final boolean[] requiresGrad;
    final int[] outputShape;

    public CompileRequest(Graph forward, Graph vjp, Graph valueAndGrad, String[] inputNames,
                          int[][] inputShapes, boolean[] requiresGrad, int[] outputShape) {
        if (forward == null) throw new IllegalArgumentException("forward graph is null");
        if (vjp == null) throw new IllegalArgumentException("vjp graph is null");
        if (inputNames == null || inputShapes == null || requiresGrad == null || outputShape == null)
            throw new IllegalArgumentException("input names, input shapes, requiresGrad and output shape are required");
        if (inputNames.length != inputShapes.length || inputNames.length != requiresGrad.length)
            throw new IllegalArgumentException("one name, shape and requiresGrad per input: got " + inputNames.length + ", " + inputShapes.length + ", " + requiresGrad.length);
        this.forward = forward;
        this.vjp = vjp;
        this.valueAndGrad = valueAndGrad;
        this.inputNames = inputNames.clone();
        this.inputShapes = new int[inputShapes.length][];
        for (int i = 0; i < inputShapes.length; i++) {
            if (inputShapes[i] == null) throw new IllegalArgumentException("shape of input " + i + " is null");
            this.inputShapes[i] = inputShapes[i].clone();
        }
        this.requiresGrad = requiresGrad.clone();
        this.outputShape = outputShape.clone();
    }

    public Graph forward() { return forward; }
    public Graph vjp() { return vjp; }
    public Graph valueAndGrad() { return valueAndGrad; }
    public int inputCount() { return inputNames.length; }
}
