package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every error path: the exception type, the message (PyTorch's own words where PyTorch has an
 * error for it), and that nothing changed — values, gradients, requiresGrad flags, and the
 * graph, which still works afterwards.
 */
class ErrorTest {

    private static String fails(Class<? extends Throwable> type, Executable call) {
        return assertThrows(type, call).getMessage();
    }

    private static void contains(String message, String... parts) {
        for (String p : parts) assertTrue(message.contains(p), "message lacks \"" + p + "\": " + message);
    }

    // ------------------------------------------------------------------ autograd state

    @Test
    void requiresGradFalseOnANonLeaf() {
        Tensor x = Tensor.of(1f, 2f, 3f).requiresGrad(true);
        Tensor y = x.mul(2f);
        contains(fails(IllegalStateException.class, () -> y.requiresGrad(false)),
                "you can only change requires_grad flags of leaf variables");
        assertTrue(y.requiresGrad());
        assertFalse(y.isLeaf());
        assertEquals("tensor([2., 4., 6.], grad_fn=<MulBackward0>)", y.toString());
        y.sum().backward();  // the graph still works
        assertEquals("tensor([2., 2., 2.])", x.grad().toString());
    }

    @Test
    void requiresGradTrueOnANonLeafIsAcceptedAsInPyTorch() {
        Tensor x = Tensor.of(1f, 2f, 3f).requiresGrad(true);
        Tensor y = x.mul(2f);
        assertSame(y, y.requiresGrad(true));
        assertEquals("tensor([2., 4., 6.], grad_fn=<MulBackward0>)", y.toString());  // PyTorch prints the same
    }

    @Test
    void backwardOnATensorThatDoesNotRequireGrad() {
        Tensor c = Tensor.scalar(2f);
        contains(fails(IllegalStateException.class, c::backward), "element 0 of tensors does not require grad and does not have a grad_fn");
        // PyTorch checks requires_grad before the shape when no seed is given
        contains(fails(IllegalStateException.class, () -> Tensor.of(1f, 2f).backward()), "element 0 of tensors does not require grad");
        contains(fails(IllegalStateException.class, () -> Tensor.of(1f, 2f).backward(Tensor.ones(2))), "element 0 of tensors does not require grad");
        assertNull(c.grad());
        assertFalse(c.requiresGrad());
    }

    @Test
    void backwardOnANonScalarWithoutASeed() {
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        Tensor y = x.mul(x);
        contains(fails(IllegalStateException.class, y::backward), "grad can be implicitly created only for scalar outputs");
        assertNull(x.grad());
        y.backward(Tensor.of(1f, 1f));  // nothing was freed by the failed call
        assertEquals("tensor([2., 4.])", x.grad().toString());
    }

    @Test
    void oneElementNonScalarBackwardIsImplicitLikePyTorch() {
        Tensor x = Tensor.of(1f).requiresGrad(true);
        x.mul(2f).backward();
        assertEquals("tensor([2.])", x.grad().toString());
    }

    @Test
    void secondBackwardThroughTheSameGraph() {
        Tensor x = Tensor.scalar(3f).requiresGrad(true);
        Tensor y = x.mul(x).add(x);
        y.backward();
        assertEquals(7f, x.grad().item());
        contains(fails(IllegalStateException.class, y::backward), "Trying to backward through the graph a second time");
        assertEquals(7f, x.grad().item(), "the failed pass added nothing");
    }

    @Test
    void seedOfTheWrongShape() {
        Tensor x = Tensor.of(1f, 2f, 3f).requiresGrad(true);
        Tensor y = x.mul(x);
        contains(fails(IllegalArgumentException.class, () -> y.backward(Tensor.ones(2))), "backward", "[2]", "[3]",
                "Mismatch in shape: grad_output[0] has a shape of torch.Size([2]) and output[0] has a shape of torch.Size([3])");
        contains(fails(IllegalArgumentException.class, () -> x.sum().backward(Tensor.ones(1))), "[1]", "[]");
        contains(fails(IllegalArgumentException.class, () -> y.backward(null)), "backward", "null");
        assertNull(x.grad());
        y.backward(Tensor.of(1f, 1f, 1f));
        assertEquals("tensor([2., 4., 6.])", x.grad().toString());
    }

    @Test
    void savedTensorChangedInPlace() {
        Tensor w = Tensor.of(1f, 1f).requiresGrad(true);
        Tensor c = Tensor.of(1f, 2f);
        Tensor y = w.mul(c).sum();
        c.zero();
        contains(fails(IllegalStateException.class, y::backward),
                "one of the variables needed for gradient computation has been modified by an inplace operation",
                "is at version 1; expected version 0 instead");
        assertNull(w.grad());
    }

    @Test
    void inPlaceChangeOfATensorThatIsNotSavedIsFine() {
        // PyTorch's MulBackward0 saves w only when the other operand needs a gradient
        Tensor w = Tensor.of(1f, 1f).requiresGrad(true);
        Tensor y = w.mul(Tensor.of(3f, 4f)).sum();
        try (var g = Grad.noGrad()) {
            w.zero();
        }
        y.backward();
        assertEquals("tensor([3., 4.])", w.grad().toString());
    }

    @Test
    void zeroOnALeafThatRequiresGrad() {
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        contains(fails(IllegalStateException.class, x::zero), "a leaf Variable that requires grad is being used in an in-place operation");
        assertArrayEquals(new float[] {1f, 2f}, x.toArray());
        try (var g = Grad.noGrad()) {
            assertSame(x, x.zero());  // allowed under noGrad, as in PyTorch
        }
        assertArrayEquals(new float[] {0f, 0f}, x.toArray());
        assertTrue(x.requiresGrad());
    }

    @Test
    void zeroOnAResultWithHistory() {
        Tensor x = Tensor.of(1f, 2f).requiresGrad(true);
        Tensor y = x.mul(2f);
        contains(fails(IllegalStateException.class, y::zero), "zero()", "MulBackward0", "detach()");
        assertArrayEquals(new float[] {2f, 4f}, y.toArray());
    }

    @Test
    void itemOnManyElements() {
        Tensor m = Tensor.zeros(2, 3);
        contains(fails(IllegalArgumentException.class, m::item), "a Tensor with 6 elements cannot be converted to Scalar");
        contains(fails(IllegalArgumentException.class, () -> Tensor.zeros(0).item()), "a Tensor with 0 elements cannot be converted to Scalar");
        assertEquals(5f, Tensor.full(5f, 1, 1).item());
    }

    // ------------------------------------------------------------------ shapes

    @Test
    void broadcastFailuresNameTheOpAndShapes() {
        Tensor a = Tensor.zeros(3, 4).requiresGrad(true), b = Tensor.zeros(5).requiresGrad(true);
        contains(fails(IllegalArgumentException.class, () -> a.add(b)), "add: shapes [3, 4] and [5] cannot be broadcast");
        contains(fails(IllegalArgumentException.class, () -> a.sub(b)), "sub: shapes [3, 4] and [5] cannot be broadcast");
        contains(fails(IllegalArgumentException.class, () -> a.mul(b)), "mul: shapes [3, 4] and [5] cannot be broadcast");
        contains(fails(IllegalArgumentException.class, () -> a.div(b)), "div: shapes [3, 4] and [5] cannot be broadcast");
        contains(fails(IllegalArgumentException.class, () -> a.maximum(b)), "maximum: shapes [3, 4] and [5] cannot be broadcast");
        contains(fails(IllegalArgumentException.class, () -> a.minimum(b)), "minimum: shapes [3, 4] and [5] cannot be broadcast");
        contains(fails(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).add(Tensor.zeros(3, 3))),
                "[2, 3] and [3, 3]", "the size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0");
        assertTrue(a.isLeaf());
        assertTrue(b.isLeaf());
        assertNull(a.grad());
    }

    @Test
    void nullOperands() {
        Tensor a = Tensor.ones(2);
        for (Executable e : new Executable[] {() -> a.add(null), () -> a.sub(null), () -> a.mul(null), () -> a.div(null),
                () -> a.maximum(null), () -> a.minimum(null), () -> a.matmul(null), () -> a.dot(null)}) {
            contains(fails(IllegalArgumentException.class, e), "null");
        }
        contains(fails(IllegalArgumentException.class, () -> a.reshape((int[]) null)), "reshape", "null");
        contains(fails(IllegalArgumentException.class, () -> Tensor.of((float[]) null)), "Tensor.of", "null");
        // Tensor.of(null, 2) no longer compiles: of(float[], int...) and of(double[], int...) both match (API v2)
        contains(fails(IllegalArgumentException.class, () -> Tensor.of((float[]) null, 2)), "Tensor.of", "null");
        contains(fails(IllegalArgumentException.class, () -> Tensor.of((double[]) null, 2)), "Tensor.of", "null");
        contains(fails(IllegalArgumentException.class, () -> Tensor.of((double[]) null)), "Tensor.of", "null");
        contains(fails(IllegalArgumentException.class, () -> Tensor.of(new float[2], (int[]) null)), "Tensor.of", "null");
        contains(fails(IllegalArgumentException.class, () -> Tensor.zeros((int[]) null)), "Tensor.zeros", "null");
    }

    @Test
    void matmulMismatches() {
        contains(fails(IllegalArgumentException.class, () -> Tensor.zeros(3, 4).matmul(Tensor.zeros(5, 6))),
                "matmul: shapes [3, 4] and [5, 6] cannot be multiplied (3x4 and 5x6)");
        contains(fails(IllegalArgumentException.class, () -> Tensor.zeros(3, 4).matmul(Tensor.zeros(5))), "matmul", "[3, 4] and [5]");
        contains(fails(IllegalArgumentException.class, () -> Tensor.zeros(4).matmul(Tensor.zeros(5, 6))), "matmul", "[4] and [5, 6]");
        contains(fails(IllegalArgumentException.class, () -> Tensor.zeros(4).matmul(Tensor.zeros(5))), "matmul", "[4] and [5]");
        contains(fails(IllegalArgumentException.class, () -> Tensor.scalar(1f).matmul(Tensor.zeros(5))),
                "matmul", "both arguments to matmul need to be at least 1D, but they are 0D and 1D");
        // version 2: batched operands are torch.matmul's ([2,2,2] @ [2,2] is [2,2,2]); a batched mismatch still fails
        assertArrayEquals(new int[] {2, 2, 2}, Tensor.zeros(2, 2, 2).matmul(Tensor.zeros(2, 2)).shape());
        contains(fails(IllegalArgumentException.class, () -> Tensor.zeros(2, 2, 3).matmul(Tensor.zeros(4, 2))), "matmul");
        contains(fails(IllegalArgumentException.class, () -> Tensor.zeros(2, 2).dot(Tensor.zeros(2, 2))),
                "dot", "1D tensors expected, but got 2D and 2D tensors");
        contains(fails(IllegalArgumentException.class, () -> Tensor.zeros(3).dot(Tensor.zeros(4))),
                "dot", "[3] and [4]", "inconsistent tensor size");
    }

    @Test
    void badAxes() {
        Tensor m = Tensor.zeros(3, 4);
        contains(fails(IllegalArgumentException.class, () -> m.sum(2)), "sum: axis 2 is out of range for shape [3, 4]",
                "Dimension out of range (expected to be in range of [-2, 1], but got 2)");
        contains(fails(IllegalArgumentException.class, () -> m.mean(-3)), "mean: axis -3", "[3, 4]");
        contains(fails(IllegalArgumentException.class, () -> m.softmax(2)), "softmax: axis 2", "[3, 4]");
        contains(fails(IllegalArgumentException.class, () -> m.logSoftmax(-3)), "logSoftmax: axis -3", "[3, 4]");
        contains(fails(IllegalArgumentException.class, () -> Tensor.scalar(1f).sum(1)), "sum: axis 1", "[-1, 0]");
        assertEquals("tensor(3.)", Tensor.scalar(3f).sum(-1).toString());  // PyTorch accepts axis 0 and -1 on a scalar
        assertEquals("tensor(1.)", Tensor.scalar(3f).softmax(0).toString());
        assertEquals("tensor(0.)", Tensor.scalar(3f).logSoftmax(0).toString());
    }

    @Test
    void transposeOfMoreThanTwoDimensions() {
        contains(fails(IllegalArgumentException.class, () -> Tensor.zeros(2, 3, 4).t()),
                "t: shape [2, 3, 4]", "t() expects a tensor with <= 2 dimensions, but self is 3D");
    }

    @Test
    void badReshapes() {
        Tensor m = Tensor.zeros(3, 4);
        contains(fails(IllegalArgumentException.class, () -> m.reshape(2, 5)), "reshape", "[3, 4]", "[2, 5]",
                "shape '[2, 5]' is invalid for input of size 12");
        contains(fails(IllegalArgumentException.class, () -> m.reshape(-1, -1)), "only one dimension can be inferred");
        contains(fails(IllegalArgumentException.class, () -> m.reshape(-2, 6)), "invalid shape dimension -2");
        contains(fails(IllegalArgumentException.class, () -> m.reshape(-1, 5)), "shape '[-1, 5]' is invalid for input of size 12");
        contains(fails(IllegalArgumentException.class, () -> Tensor.zeros(0, 4).reshape(-1, 0)), "ambiguous");
        assertArrayEquals(new int[] {2, 6}, m.reshape(-1, 6).shape());
    }

    @Test
    void creationWithBadShapesOrData() {
        contains(fails(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3)),
                "Tensor.of: 5 values do not fill shape [2, 3]");
        contains(fails(IllegalArgumentException.class, () -> Tensor.zeros(-1, 2)),
                "Tensor.zeros", "negative", "Trying to create tensor with negative dimension -1: [-1, 2]");
        contains(fails(IllegalArgumentException.class, () -> Tensor.ones(2, -3)), "Tensor.ones", "[2, -3]");
        contains(fails(IllegalArgumentException.class, () -> Tensor.full(1f, -1)), "Tensor.full", "[-1]");
        contains(fails(IllegalArgumentException.class, () -> Tensor.of(new float[0], -1)), "Tensor.of", "negative");
    }

    @Test
    void callerArraysAreNeverShared() {
        float[] data = {1f, 2f, 3f, 4f};
        int[] shape = {2, 2};
        Tensor t = Tensor.of(data, shape);
        data[0] = 99f;
        shape[0] = 7;
        assertArrayEquals(new float[] {1f, 2f, 3f, 4f}, t.toArray());
        assertArrayEquals(new int[] {2, 2}, t.shape());
        t.toArray()[1] = 99f;
        t.shape()[1] = 99;
        assertArrayEquals(new float[] {1f, 2f, 3f, 4f}, t.toArray());
        assertArrayEquals(new int[] {2, 2}, t.shape());
        float[] values = {5f, 6f};
        Tensor v = Tensor.of(values);
        values[0] = 0f;
        assertEquals(5f, v.toArray()[0]);
    }
}
