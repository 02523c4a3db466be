package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * grad_fn names, and whether a second backward through the same graph fails, as PyTorch 1.13
 * reported them for the same op (y.grad_fn.name(); then y.sum().backward() twice). PyTorch
 * frees a node's saved tensors after backward; nodes that save none (add, sub, neg, sum,
 * t, reshape, ...) can run again.
 */
class GradFnTest {
    private static final Random RNG = new Random(3);

    private static Tensor mk(int... shape) {
        int n = 1;
        for (int d : shape) n *= d;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = 0.5f + RNG.nextFloat();
        return Tensor.of(v, shape).requiresGrad(true);
    }

    private record Row(String label, Supplier<Tensor> op, String name, boolean secondBackwardFails) {}

    private static final List<Row> ROWS = List.of(
            new Row("add", () -> mk(3).add(mk(3)), "AddBackward0", false),
            new Row("add_c", () -> mk(3).add(2f), "AddBackward0", false),
            new Row("sub", () -> mk(3).sub(mk(3)), "SubBackward0", false),
            new Row("sub_c", () -> mk(3).sub(2f), "SubBackward0", false),
            new Row("rsub", () -> mk(3).rsub(2f), "RsubBackward1", false),
            new Row("mul", () -> mk(3).mul(mk(3)), "MulBackward0", true),
            new Row("mul_c", () -> mk(3).mul(2f), "MulBackward0", true),
            new Row("div", () -> mk(3).div(mk(3)), "DivBackward0", true),
            new Row("div_c", () -> mk(3).div(2f), "DivBackward0", true),
            new Row("rdiv", () -> mk(3).rdiv(2f), "MulBackward0", true),
            new Row("pow", () -> mk(3).pow(2f), "PowBackward0", true),
            new Row("pow0", () -> mk(3).pow(0f), "PowBackward0", true),
            new Row("pow1", () -> mk(3).pow(1f), "PowBackward0", true),
            new Row("neg", () -> mk(3).neg(), "NegBackward0", false),
            new Row("exp", () -> mk(3).exp(), "ExpBackward0", true),
            new Row("log", () -> mk(3).log(), "LogBackward0", true),
            new Row("log1p", () -> mk(3).log1p(), "Log1PBackward0", true),
            new Row("sin", () -> mk(3).sin(), "SinBackward0", true),
            new Row("cos", () -> mk(3).cos(), "CosBackward0", true),
            new Row("tanh", () -> mk(3).tanh(), "TanhBackward0", true),
            new Row("sigmoid", () -> mk(3).sigmoid(), "SigmoidBackward0", true),
            new Row("relu", () -> mk(3).relu(), "ReluBackward0", true),
            new Row("softplus", () -> mk(3).softplus(), "SoftplusBackward0", true),
            new Row("sqrt", () -> mk(3).sqrt(), "SqrtBackward0", true),
            new Row("abs", () -> mk(3).abs(), "AbsBackward0", true),
            new Row("square", () -> mk(3).square(), "PowBackward0", true),
            new Row("clamp", () -> mk(3).clamp(0.2f, 0.8f), "ClampBackward1", true),
            new Row("maximum", () -> mk(3).maximum(mk(3)), "MaximumBackward0", true),
            new Row("minimum", () -> mk(3).minimum(mk(3)), "MinimumBackward0", true),
            new Row("sum", () -> mk(3).sum(), "SumBackward0", false),
            new Row("mean", () -> mk(3).mean(), "MeanBackward0", false),
            new Row("sumAxis", () -> mk(2, 3).sum(1), "SumBackward1", false),
            new Row("meanAxis", () -> mk(2, 3).mean(1), "MeanBackward1", true),
            new Row("mm", () -> mk(2, 3).matmul(mk(3, 4)), "MmBackward0", true),
            new Row("mv", () -> mk(2, 3).matmul(mk(3)), "MvBackward0", true),
            new Row("vm", () -> mk(3).matmul(mk(3, 4)), "SqueezeBackward3", true),
            new Row("vv", () -> mk(3).matmul(mk(3)), "DotBackward0", true),
            new Row("dot", () -> mk(3).dot(mk(3)), "DotBackward0", true),
            new Row("t", () -> mk(2, 3).t(), "TBackward0", false),
            new Row("t1", () -> mk(3).t(), "TBackward0", false),
            new Row("reshape", () -> mk(2, 3).reshape(3, 2), "ReshapeAliasBackward0", false),
            new Row("reshape_t", () -> mk(2, 3).t().reshape(6), "UnsafeViewBackward0", false),
            new Row("softmax", () -> mk(2, 3).softmax(1), "SoftmaxBackward0", true),
            new Row("logSoftmax", () -> mk(2, 3).logSoftmax(1), "LogSoftmaxBackward0", true),
            new Row("mul_bc", () -> mk(2, 3).mul(mk(3)), "MulBackward0", true),
            new Row("sumAxis_scalar", () -> mk().sum(0), "SumBackward1", false),
            new Row("softmax_scalar", () -> mk().softmax(0), "SoftmaxBackward0", true),
            // dtypes (PyTorch: x.to(torch.float64).sum().backward() twice works; ops on float64 name their nodes alike)
            new Row("to_f64", () -> mk(3).to(io.jgrad.runtime.DType.F64), "ToCopyBackward0", false),
            new Row("to_f16", () -> mk(3).to(io.jgrad.runtime.DType.F16), "ToCopyBackward0", false),
            new Row("mul_f64", () -> mk(3).to(io.jgrad.runtime.DType.F64).mul(2.0), "MulBackward0", true),
            new Row("add_f32_f64", () -> mk(3).add(mk(3).to(io.jgrad.runtime.DType.F64)), "AddBackward0", false));

    @TestFactory
    Stream<DynamicTest> namesAndSecondBackward() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Row r : ROWS) {
            tests.add(DynamicTest.dynamicTest(r.label(), () -> {
                Tensor y = r.op().get();
                assertEquals(r.name(), y.gradFnName());
                assertTrue(y.toString().endsWith("grad_fn=<" + r.name() + ">)"), y.toString());
                Tensor loss = y.dim() == 0 ? y : y.sum();
                loss.backward();
                if (r.secondBackwardFails()) {
                    IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
                    assertTrue(e.getMessage().contains("Trying to backward through the graph a second time"), e.getMessage());
                } else {
                    loss.backward();
                }
            }));
        }
        return tests.stream();
    }

    /**
     * reshape is ReshapeAliasBackward0 where PyTorch can make a view, UnsafeViewBackward0
     * where it must copy a non-contiguous (transposed) layout. PyTorch's answers:
     */
    @TestFactory
    Stream<DynamicTest> reshapeFollowsPyTorchsLayout() {
        Supplier<Tensor> at = () -> mk(2, 3).t();
        Supplier<Tensor> a = () -> mk(3, 2);
        List<Object[]> rows = List.of(
                new Object[] {"at.reshape(-1)", (Supplier<Tensor>) () -> at.get().reshape(-1), "UnsafeViewBackward0"},
                new Object[] {"at.exp().reshape(6)", (Supplier<Tensor>) () -> at.get().exp().reshape(6), "UnsafeViewBackward0"},
                new Object[] {"a.add(at).reshape(6)", (Supplier<Tensor>) () -> a.get().add(at.get()).reshape(6), "ReshapeAliasBackward0"},
                new Object[] {"at.add(a).reshape(6)", (Supplier<Tensor>) () -> at.get().add(a.get()).reshape(6), "UnsafeViewBackward0"},
                new Object[] {"row.add(at).reshape(6)", (Supplier<Tensor>) () -> mk(2).add(at.get()).reshape(6), "UnsafeViewBackward0"},
                new Object[] {"at.softmax(1).reshape(6)", (Supplier<Tensor>) () -> at.get().softmax(1).reshape(6), "ReshapeAliasBackward0"},
                new Object[] {"at.t().reshape(6)", (Supplier<Tensor>) () -> at.get().t().reshape(6), "ReshapeAliasBackward0"},
                new Object[] {"at.reshape(3,1,2)", (Supplier<Tensor>) () -> at.get().reshape(3, 1, 2), "ReshapeAliasBackward0"},
                new Object[] {"at.reshape(3,1,2).reshape(6)", (Supplier<Tensor>) () -> at.get().reshape(3, 1, 2).reshape(6), "UnsafeViewBackward0"},
                new Object[] {"mk(1,3).t().reshape(3)", (Supplier<Tensor>) () -> mk(1, 3).t().reshape(3), "ReshapeAliasBackward0"},
                new Object[] {"at.mul(2).reshape(6)", (Supplier<Tensor>) () -> at.get().mul(2f).reshape(6), "UnsafeViewBackward0"},
                new Object[] {"at.matmul(m).reshape(6)", (Supplier<Tensor>) () -> at.get().matmul(mk(2, 2)).reshape(6), "ReshapeAliasBackward0"},
                new Object[] {"at.detach().requiresGrad(true).reshape(6)",
                        (Supplier<Tensor>) () -> at.get().detach().requiresGrad(true).reshape(6), "UnsafeViewBackward0"});
        List<DynamicTest> tests = new ArrayList<>();
        for (Object[] r : rows) {
            @SuppressWarnings("unchecked")
            Supplier<Tensor> op = (Supplier<Tensor>) r[1];
            tests.add(DynamicTest.dynamicTest((String) r[0], () -> assertEquals(r[2], op.get().gradFnName())));
        }
        return tests.stream();
    }
}
