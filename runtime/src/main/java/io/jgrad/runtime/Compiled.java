package io.jgrad.runtime;

/**
 * A compiled function: value and gradient over primitive arrays. Placeholder until the
 * bytecode backend (issue 4) lands; the signatures are the contract of API.md.
 */
public abstract class Compiled {
    protected Compiled() {}

    public abstract int inputCount();
    public abstract int[] inputShape(int i);
    public abstract String inputName(int i);
    public abstract boolean inputRequiresGrad(int i);
    public abstract int[] outputShape();

    public abstract void forward(float[][] inputs, float[] output);
    public abstract float value(float[][] inputs);
    public abstract float valueAndGrad(float[][] inputs, float[][] grads);
    public abstract void vjp(float[][] inputs, float[] seed, float[] output, float[][] grads);

    public abstract Workspace newWorkspace();
    public abstract void forward(Workspace ws, float[][] inputs, float[] output);
    public abstract float valueAndGrad(Workspace ws, float[][] inputs, float[][] grads);
    public abstract void vjp(Workspace ws, float[][] inputs, float[] seed, float[] output, float[][] grads);

    public abstract String ir();
    public abstract byte[] bytecode();
    public abstract String dot();
}
