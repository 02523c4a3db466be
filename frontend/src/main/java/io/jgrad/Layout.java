package io.jgrad;

/**
 * How an op's result's layout follows PyTorch's: it only decides the name of a later
 * {@code reshape}'s node (see {@link Tensor#strides}).
 */
enum Layout {
    /** A new contiguous tensor (reductions, matmul, softmax). */
    FRESH,
    /** A view: the operand's data itself, same elements in the same order (reshape, t of a vector); the op sets the strides. */
    VIEW,
    /** Elementwise over one operand: dense in the order of its strides (TensorIterator). */
    KEEP,
    /** Elementwise over two: dense in the order TensorIterator picks from both operands' strides. */
    OPERANDS
}
