package io.jgrad;

/**
 * What PyTorch saves for an op's backward (its {@code SavedVariable}s): decides the version
 * checks and whether backward frees the node (a second backward through it then fails).
 */
enum Saves {
    /** Nothing: the node can run again (AddBackward0, SumBackward0, TBackward0, ...). */
    NOTHING,
    /** Only constants (x·c, x/c, c/x, mean(axis)): nothing to check, freed all the same. */
    CONSTANTS,
    /** The operand (x for log, sin, pow, clamp, ...). */
    SELF,
    /** The result (exp, tanh, sigmoid, relu, sqrt, softmax: their VJPs are in terms of it). */
    RESULT,
    /** Both operands (maximum, minimum, atan2, pow of a tensor exponent; where: its condition and a). */
    BOTH,
    /** The operand and the result (amax, amin, logsumexp, prod, std: their VJPs read both). */
    SELF_RESULT,
    /** Each operand only if the other needs a gradient (mul, matmul: d(a·b)/da = b). */
    CROSS,
    /** a if b needs a gradient, and b always (div: PyTorch's DivBackward0 saves self only for other's gradient). */
    DIVISOR;

    /** The first saved tensor (null if none). */
    Tensor first(Tensor a, Tensor b, Tensor out) {
        return switch (this) {
            case NOTHING, CONSTANTS -> null;
            case SELF, BOTH, SELF_RESULT -> a;
            case RESULT -> out;
            case CROSS, DIVISOR -> b.requiresGrad ? a : null;
        };
    }

    /** The second saved tensor (null if none). */
    Tensor second(Tensor a, Tensor b, Tensor out) {
        return switch (this) {
            case NOTHING, CONSTANTS, SELF, RESULT -> null;
            case SELF_RESULT -> out;
            case BOTH, DIVISOR -> b;
            case CROSS -> a.requiresGrad ? b : null;
        };
    }
}
