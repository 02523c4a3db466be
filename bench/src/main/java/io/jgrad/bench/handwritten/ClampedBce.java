package io.jgrad.bench.handwritten;

/**
 * The seeds' binary cross-entropy: {@code -(y·log(p') + (1-y)·log(1-p'))} with
 * {@code p' = clamp(p, 1e-8, 1-1e-8)}, exactly as golden case seed_bce_scalar writes it.
 */
public final class ClampedBce {
    private ClampedBce() {}

    public static final float LO = 1e-8f;
    /**
     * {@code 1 - 1e-8} as the program writes it. In float32 it rounds to exactly 1.0f (float32
     * cannot represent 0.99999999), so the upper clamp does not keep {@code log(1 - p')} finite
     * once sigmoid saturates to 1; PyTorch's float32 clamp behaves the same way.
     */
    public static final float HI = (float) (1 - 1e-8);

    /** The loss of one prediction p against label y. */
    public static float loss(float p, float y) {
        float pc = Math.min(Math.max(p, LO), HI);
        return -(y * (float) Math.log(pc) + (1f - y) * (float) Math.log(1f - pc));
    }

    /**
     * d loss / d z for p = sigmoid(z), scaled by {@code upstream} (1 for a single loss, 1/n for a
     * mean). The clamp passes the gradient on [LO, HI] inclusive, as PyTorch's clamp does, and
     * blocks it outside.
     */
    public static float gradZ(float p, float y, float upstream) {
        if (!(p >= LO && p <= HI)) return 0f; // also 0 for NaN, like PyTorch's mask
        // Inside the bounds p' = p. d/dp' of -(y·log p' + (1-y)·log(1-p')) = (1-y)/(1-p') - y/p'
        float dp = ((1f - y) / (1f - p) - y / p) * upstream;
        return dp * p * (1f - p); // sigmoid' = p(1-p)
    }
}
