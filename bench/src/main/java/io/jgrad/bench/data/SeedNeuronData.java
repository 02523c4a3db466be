package io.jgrad.bench.data;

/**
 * The seed notebook's logistic neuron: x = 6.7, y = 0, w = 1, b = 0 (golden case seed_bce_scalar:
 * loss 6.7012, dw 6.6918, db 0.9988).
 */
public final class SeedNeuronData {
    public float w = 1f;
    public float b = 0f;
    public float x = 6.7f;
    public float y = 0f;
}
