package io.jgrad.bench.handwritten;

/** The scalar recurrence {@code h ← tanh(a·h + b)} from h = 0; loss = the last h; d loss/d(a, b). */
public final class TanhRecurrence {
    private TanhRecurrence() {}

    /** Returns h after {@code steps} steps and writes {@code grad[0] = dh/da}, {@code grad[1] = dh/db}. */
    public static float valueAndGrad(float a, float b, int steps, float[] grad) {
        // Forward mode: with two parameters, carrying dh/da and dh/db along costs two
        // multiply-adds per step and stores nothing; reverse mode would keep every state
        // and walk them back. Both are exact; this is the cheaper one to write by hand.
        float h = 0f, dhda = 0f, dhdb = 0f;
        for (int t = 0; t < steps; t++) {
            float next = (float) Math.tanh(a * h + b);
            float dTanh = 1f - next * next;
            dhda = dTanh * (a * dhda + h);
            dhdb = dTanh * (a * dhdb + 1f);
            h = next;
        }
        grad[0] = dhda;
        grad[1] = dhdb;
        return h;
    }
}
