package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.runtime.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Bad input to the "More operations" (issue 10's item 5): an IllegalArgumentException naming the
 * op, the argument, its value and the valid range (PyTorch's words in parentheses), thrown before
 * anything changes eagerly (the operand's data, gradient and graph are untouched and still work)
 * and before anything is emitted when traced (Grad.compile throws the same words with the
 * user's source line).
 */
class ErrorV2Test {

    /** A bad call on x (a [2,3] tensor) and the words its message must hold. */
    record Bad(String label, Function<Tensor, Tensor> call, String... words) {}

    private static final List<Bad> BAD = List.of(
            new Bad("slice axis", x -> x.slice(2, 0, 1), "slice", "axis 2", "[-2, 1]"),
            new Bad("select index too large", x -> x.select(1, 3), "select", "index 3", "[-3, 2]", "axis 1"),
            new Bad("select index too small", x -> x.select(1, -4), "select", "index -4", "[-3, 2]"),
            new Bad("select axis", x -> x.select(-3, 0), "select", "axis -3", "[-2, 1]"),
            new Bad("indexSelect index", x -> x.indexSelect(1, new int[] {0, 3}), "indexSelect", "index 3", "position 1", "[0, 2]"),
            new Bad("indexSelect negative index", x -> x.indexSelect(1, new int[] {-1}), "indexSelect", "index -1", "[0, 2]"),
            new Bad("indexSelect axis", x -> x.indexSelect(2, new int[] {0}), "indexSelect", "axis 2", "[-2, 1]"),
            new Bad("indexSelect null", x -> x.indexSelect(0, null), "indexSelect", "indices is null"),
            new Bad("cat empty", x -> Tensor.cat(0), "cat", "at least one tensor"),
            new Bad("cat null tensor", x -> Tensor.cat(0, x, null), "cat", "tensor 1 is null"),
            new Bad("cat shapes", x -> Tensor.cat(0, x, Tensor.zeros(2, 4)), "cat", "tensor 1 has shape [2, 4]", "[2, 3]",
                    "sizes of tensors must match except in dimension 0"),
            new Bad("cat ranks", x -> Tensor.cat(1, x, Tensor.zeros(3)), "cat", "tensor 1 has shape [3]"),
            new Bad("cat dtypes", x -> Tensor.cat(0, x, Tensor.zeros(DType.F64, 2, 3)), "cat", "f64[2,3]", "f32[2,3]", "one dtype"),
            new Bad("cat axis", x -> Tensor.cat(2, x, x), "cat", "axis 2", "[-2, 1]"),
            new Bad("stack empty", x -> Tensor.stack(0), "stack", "at least one tensor"),
            new Bad("stack shapes", x -> Tensor.stack(0, x, Tensor.zeros(3, 2)), "stack", "tensor 1 has shape [3, 2]", "equal size"),
            new Bad("stack dtypes", x -> Tensor.stack(0, x, Tensor.zeros(DType.F16, 2, 3)), "stack", "f16[2,3]", "one dtype"),
            new Bad("stack axis", x -> Tensor.stack(3, x, x), "stack", "axis 3", "[-3, 2]"),
            new Bad("where condition not bool", x -> Tensor.where(x, x, x), "where", "condition", "bool", "f32[2,3]"),
            new Bad("where shapes", x -> Tensor.where(Tensor.zeros(DType.BOOL, 4), x, x), "where", "[4]", "[2, 3]", "broadcast"),
            new Bad("permute repeated", x -> x.permute(1, -1), "permute", "repeated", "[1, -1]"),
            new Bad("permute count", x -> x.permute(0), "permute", "[0]", "[2, 3]"),
            new Bad("permute axis", x -> x.permute(0, 2), "permute", "axis 2", "[-2, 1]"),
            new Bad("transpose axis", x -> x.transpose(0, 2), "transpose", "axis 2", "[-2, 1]"),
            new Bad("expand not a broadcast", x -> x.expand(2, 4), "expand", "[2, 3]", "[2, 4]", "at non-singleton dimension 1"),
            new Bad("expand fewer dims", x -> x.expand(3), "expand", "[3]", "number of sizes"),
            new Bad("expand -1 in a new dim", x -> x.expand(-1, 2, 3), "expand", "[-1, 2, 3]", "non-existing dimension 0"),
            new Bad("unsqueeze axis", x -> x.unsqueeze(3), "unsqueeze", "axis 3", "[-3, 2]"),
            new Bad("squeeze axis", x -> x.squeeze(2), "squeeze", "axis 2", "[-2, 1]"),
            new Bad("sum keepDim axis", x -> x.sum(2, true), "sum", "axis 2", "[-2, 1]"),
            new Bad("mean keepDim axis", x -> x.mean(-3, false), "mean", "axis -3", "[-2, 1]"),
            new Bad("amax axis", x -> x.amax(2), "amax", "axis 2", "[-2, 1]"),
            new Bad("amin axis", x -> x.amin(-3, true), "amin", "axis -3", "[-2, 1]"),
            new Bad("logsumexp axis", x -> x.logsumexp(5), "logsumexp", "axis 5", "[-2, 1]"),
            new Bad("prod axis", x -> x.prod(2), "prod", "axis 2", "[-2, 1]"),
            new Bad("var axis", x -> x.var(2), "var", "axis 2", "[-2, 1]"),
            new Bad("std axis", x -> x.std(-3), "std", "axis -3", "[-2, 1]"),
            new Bad("matmul inner sizes", x -> x.matmul(Tensor.zeros(2, 2, 2)), "matmul", "[2, 3]", "[2, 2, 2]"),
            new Bad("matmul batch dims", x -> x.reshape(1, 2, 3).expand(2, 2, 3).matmul(Tensor.zeros(3, 3, 2)), "matmul", "batch", "[2]", "[3]"),
            new Bad("matmul 0-D", x -> x.matmul(Tensor.scalar(1f)), "matmul", "[]", "at least 1D"),
            new Bad("atan2 shapes", x -> x.atan2(Tensor.zeros(4)), "atan2", "[2, 3]", "[4]", "broadcast"),
            new Bad("pow shapes", x -> x.pow(Tensor.zeros(4)), "pow", "[2, 3]", "[4]", "broadcast"),
            new Bad("gt shapes", x -> x.gt(Tensor.zeros(4)), "gt", "[2, 3]", "[4]"),
            new Bad("logicalOr shapes", x -> x.logicalOr(Tensor.zeros(4)), "logicalOr", "[2, 3]", "[4]"));

    private static Tensor x() {
        return Tensor.of(new float[] {1, -2, 3, 0.5f, 5, -6}, 2, 3).requiresGrad(true);
    }

    private static void contains(String message, String label, String... words) {
        for (String w : words) assertTrue(message.contains(w), label + ": the message lacks \"" + w + "\": " + message);
    }

    @TestFactory
    Stream<DynamicTest> eagerlyBeforeAnythingChanges() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Bad b : BAD) {
            tests.add(DynamicTest.dynamicTest(b.label(), () -> {
                Tensor x = x();
                Tensor y = x.mul(2f);
                String m = assertThrows(IllegalArgumentException.class, () -> b.call().apply(y)).getMessage();
                contains(m, b.label(), b.words());
                assertNull(x.grad());
                assertArrayEquals(new float[] {2, -4, 6, 1, 10, -12}, y.toArray());
                y.sum().backward();   // the graph still works
                assertArrayEquals(new float[] {2, 2, 2, 2, 2, 2}, x.grad().toArray());
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> tracedBeforeAnythingIsEmitted() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Bad b : BAD) {
            tests.add(DynamicTest.dynamicTest(b.label(), () -> {
                String m = assertThrows(IllegalArgumentException.class,
                        () -> Grad.compile(t -> b.call().apply(t).sum(), Arg.of(2, 3))).getMessage();
                contains(m, b.label(), b.words());
                if (!b.label().endsWith("empty") && !b.label().contains("null"))   // checked before the trace is reached
                    contains(m, b.label(), "(at " + ErrorV2Test.class.getName());
            }));
        }
        return tests.stream();
    }

    @Test
    void sliceBoundsClampAsPython() {
        Tensor x = Tensor.of(new float[] {0, 1, 2, 3, 4, 5, 6}, 7);
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 6}, x.slice(0, -20, 20).toArray());
        assertArrayEquals(new float[] {2, 3, 4, 5}, x.slice(-1, -5, -1).toArray());
        assertArrayEquals(new int[] {0}, x.slice(0, 5, 2).shape(), "start past end: empty");
        assertArrayEquals(new int[] {0}, x.slice(0, 9, 12).shape(), "both past the end: empty");
    }

    /** An empty slice is a value like any other: its sum is 0 and it passes no gradient, eagerly and compiled. */
    @Test
    void emptySlicesEagerAndCompiled() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7}, 7).requiresGrad(true);
        Tensor y = x.slice(0, 5, 2).exp().sum().add(x.slice(0, 1, 3).sum());
        assertEquals("tensor(5., grad_fn=<AddBackward0>)", y.toString());
        y.backward();
        assertArrayEquals(new float[] {0, 1, 1, 0, 0, 0, 0}, x.grad().toArray());
        io.jgrad.runtime.Compiled f = Grad.compile(t -> t.slice(0, 5, 2).exp().sum().add(t.slice(0, 1, 3).sum()), Arg.of(7));
        float[][] g = {new float[7]};
        assertEquals(5f, f.valueAndGrad(new float[][] {{1, 2, 3, 4, 5, 6, 7}}, g));
        assertArrayEquals(new float[] {0, 1, 1, 0, 0, 0, 0}, g[0]);
    }

    @Test
    void comparisonsAreBoolAndNeverRequireGrad() {
        Tensor x = x();
        for (Tensor b : new Tensor[] {x.gt(0), x.ge(x), x.lt(0.5), x.le(x.detach()), x.eq(3), x.ne(x), x.gt(0).logicalNot(),
                                      x.logicalAnd(x), x.logicalOr(x.gt(1))}) {
            assertEquals(DType.BOOL, b.dtype());
            assertFalse(b.requiresGrad());
            assertTrue(b.isLeaf());
            contains(assertThrows(IllegalArgumentException.class, () -> b.requiresGrad(true)).getMessage(), "BOOL requiresGrad",
                    "floating point");
        }
        assertEquals("tensor([[ True, False,  True],\n        [ True,  True, False]])", x.gt(0).toString());
    }

    @Test
    void squeezeOfASizeOtherThanOneIsUnchanged() {
        Tensor x = x();
        assertArrayEquals(new int[] {2, 3}, x.squeeze(1).shape());
        assertArrayEquals(new int[] {2, 3}, x.unsqueeze(0).squeeze(0).shape());
    }
}
