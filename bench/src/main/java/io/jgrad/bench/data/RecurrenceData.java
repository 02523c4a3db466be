package io.jgrad.bench.data;

/**
 * The scalar recurrence h ← tanh(a·h + b) from h = 0. With a = 0.9 the state keeps a long memory
 * of a, so the gradient depends on many steps rather than only the last few.
 */
public final class RecurrenceData {
    public float a = 0.9f;
    public float b = 0.2f;
    public final int steps;

    public RecurrenceData(int steps) {
        if (steps < 1) throw new IllegalArgumentException("steps must be positive, got " + steps);
        this.steps = steps;
    }
}
