package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import io.jgrad.runtime.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every version-2 PyTorch golden case (541: every op of API.md "More operations" in f32 and f64,
 * the kinks, f16, promotion, tensor outputs), each by two routes, within the README's rule of
 * each array's dtype:
 * <ul>
 *   <li>eager: Composites over an {@link Eval}, then {@link Eval#backward} (what the eager engine runs);</li>
 *   <li>compiled: Composites over a {@link Builder}, {@link Adjoint#of}, {@link Optimizer#optimize},
 *       the {@link Verifier} after each, and the {@link Interpreter} (what the bytecode is tested against).</li>
 * </ul>
 * (The f16 and mixed-dtype cases run by both routes too: the IR takes any dtypes; only
 * Grad.compile refuses them.) This covers the IR-core engineer's first 120 cases (version-1 ops
 * in f64, f16, promotion, to, tensor outputs) with the same rules, and every other case.
 */
class GoldenV2Test {

    @Test
    void allCasesArePresent() {
        assertEquals(541, GoldenV2Case.all().size());
    }

    @TestFactory
    Stream<DynamicTest> eager() {
        return GoldenV2Case.all().stream().map(n -> DynamicTest.dynamicTest(n, () -> eager(GoldenV2Case.load(n))));
    }

    @TestFactory
    Stream<DynamicTest> compiled() {
        return GoldenV2Case.all().stream().map(n -> DynamicTest.dynamicTest(n, () -> compiled(GoldenV2Case.load(n))));
    }

    static void eager(GoldenV2Case c) {
        Eval e = new Eval();
        int[] in = new int[c.inputNames.size()];
        for (int i = 0; i < in.length; i++) in[i] = e.input(c.inputTypes.get(i), c.inputValue(i));
        int out = c.run(e, in);
        Type t = e.type(out);
        int[] d = e.backward(out, c.seedValue(t), c.wrt());
        List<String> failures = new ArrayList<>();
        check(failures, c, "eager", t, Kernels.toDoubles(e.value(out)), i -> d[i] < 0 ? new double[c.inputTypes.get(i).size()] : Kernels.toDoubles(e.value(d[i])),
                i -> d[i] < 0 ? c.inputTypes.get(i).dtype() : e.type(d[i]).dtype());
        if (!failures.isEmpty()) fail(c.name + ":\n  " + String.join("\n  ", failures));
    }

    static void compiled(GoldenV2Case c) {
        Builder b = new Builder();
        int[] in = new int[c.inputNames.size()];
        for (int i = 0; i < in.length; i++) in[i] = b.input(i, c.inputNames.get(i), c.inputTypes.get(i));
        int out = c.run(b, in);
        Type t = b.type(out);
        Graph forward = Verifier.verify(b.build(new int[] {out}, new String[] {"out"}));
        boolean seeded = !t.isScalar() || c.seed != null;
        Graph adjoint = Verifier.verify(Adjoint.of(forward, c.wrt(), seeded));
        Graph optimized = Verifier.verify(Optimizer.optimize(adjoint));
        Object[] inputs = new Object[in.length + (seeded ? 1 : 0)];
        for (int i = 0; i < in.length; i++) inputs[i] = c.inputValue(i);
        if (seeded) inputs[in.length] = c.seedValue(t);
        List<String> failures = new ArrayList<>();
        for (Graph g : List.of(adjoint, optimized)) {
            Object[] r = Interpreter.evaluate(g, inputs);
            int[] slot = new int[in.length];
            for (int i = 0, k = 1; i < in.length; i++) slot[i] = c.requiresGrad.get(i) ? k++ : -1;
            check(failures, c, g == adjoint ? "compiled, unoptimised" : "compiled, optimised", t, Kernels.toDoubles(r[0]),
                    i -> Kernels.toDoubles(r[slot[i]]), i -> g.type(g.output(slot[i])).dtype());
        }
        if (!failures.isEmpty()) fail(c.name + ":\n  " + String.join("\n  ", failures) + "\n" + Printer.print(optimized));
    }

    /**
     * The derivs_* cases (f64, smooth): PyTorch's Hessian-vector product against the adjoint of
     * the adjoint (G = Σ_i ⟨d out/d x_i, v_i⟩ differentiated again), its Jacobian of the named
     * tensor against one vector-Jacobian product per row, and its JVP against that Jacobian
     * times the tangents; each array by the f64 rule.
     */
    @TestFactory
    Stream<DynamicTest> higherDerivatives() {
        List<String> names = GoldenV2Case.all().stream().filter(n -> GoldenV2Case.load(n).derivs != null).toList();
        assertEquals(12, names.size());
        return names.stream().map(n -> DynamicTest.dynamicTest(n, () -> higherDerivatives(GoldenV2Case.load(n))));
    }

    static void higherDerivatives(GoldenV2Case c) {
        GoldenV2Case.Derivs d = c.derivs;
        int n = c.inputNames.size();
        Object[] inputs = new Object[n];
        for (int i = 0; i < n; i++) inputs[i] = c.inputValue(i);
        List<String> failures = new ArrayList<>();
        // Hessian-vector product: the adjoint graph extended by G = Σ ⟨d_i, v_i⟩, differentiated again
        Builder b = new Builder();
        int[] in = new int[n];
        for (int i = 0; i < n; i++) in[i] = b.input(i, c.inputNames.get(i), c.inputTypes.get(i));
        Graph adjoint = Adjoint.of(Verifier.verify(b.build(new int[] {c.run(b, in)}, new String[] {"out"})), c.wrt(), false);
        Builder h = new Builder();
        for (Node nd : adjoint.nodes()) h.add(nd.prim(), nd.rawArgs(), nd.type(), nd.rawInts(), nd.rawData(), nd.name());
        int g = -1;
        for (int i = 0, k = 1; i < n; i++) {
            if (!c.requiresGrad.get(i)) continue;
            int di = adjoint.output(k++);
            int term = Composites.sum(h, h.binary(Prim.MUL, di, h.constant(h.type(di), d.v().get(c.inputNames.get(i)))));
            g = g < 0 ? term : h.binary(Prim.ADD, g, term);
        }
        Graph second = Verifier.verify(Optimizer.optimize(Adjoint.of(h.build(new int[] {g}, new String[] {"g"}), c.wrt(), false)));
        Object[] hv = Interpreter.evaluate(second, inputs);
        for (int i = 0, k = 1; i < n; i++)
            if (c.requiresGrad.get(i))
                add(failures, GoldenV2Case.compare("hvp d_" + c.inputNames.get(i), io.jgrad.runtime.DType.F64, Kernels.toDoubles(hv[k++]),
                        d.hvp().get(c.inputNames.get(i)), null));
        // Jacobian of the named tensor, one vjp per row; the JVP from it
        Builder j = new Builder();
        for (int i = 0; i < n; i++) in[i] = j.input(i, c.inputNames.get(i), c.inputTypes.get(i));
        int tensor = c.runAll(j, in).get(d.tensor());
        Type tt = j.type(tensor);
        Graph vjp = Verifier.verify(Optimizer.optimize(Adjoint.of(j.build(new int[] {tensor}, new String[] {"t"}), c.wrt(), true)));
        int rows = tt.size();
        Object[] withSeed = java.util.Arrays.copyOf(inputs, n + 1);
        double[] jvp = new double[rows];
        java.util.Map<String, double[]> jac = new java.util.LinkedHashMap<>();
        for (int r = 0; r < rows; r++) {
            double[] seed = new double[rows];
            seed[r] = 1;
            withSeed[n] = seed;
            Object[] res = Interpreter.evaluate(vjp, withSeed);
            if (r == 0) add(failures, GoldenV2Case.compare("tensor value", io.jgrad.runtime.DType.F64, Kernels.toDoubles(res[0]), d.tensorValue(), null));
            for (int i = 0, k = 1; i < n; i++) {
                if (!c.requiresGrad.get(i)) continue;
                String name = c.inputNames.get(i);
                double[] row = Kernels.toDoubles(res[k++]);
                double[] block = jac.computeIfAbsent(name, x -> new double[rows * row.length]);
                System.arraycopy(row, 0, block, r * row.length, row.length);
                double[] t = d.tangents().get(name);
                for (int q = 0; q < row.length; q++) jvp[r] += row[q] * t[q];
            }
        }
        for (var e : jac.entrySet())
            add(failures, GoldenV2Case.compare("jacobian d_" + e.getKey(), io.jgrad.runtime.DType.F64, e.getValue(), d.jacobian().get(e.getKey()), null));
        add(failures, GoldenV2Case.compare("jvp", io.jgrad.runtime.DType.F64, jvp, d.jvp(), null));
        if (!failures.isEmpty()) fail(c.name + ":\n  " + String.join("\n  ", failures));
    }

    private interface Grad { double[] of(int input); }
    private interface GradType { DType of(int input); }

    private static void check(List<String> failures, GoldenV2Case c, String route, Type out, double[] value, Grad grad, GradType gradType) {
        if (out.dtype() != c.outputDType) failures.add(route + ": the output is " + out + ", PyTorch's is " + c.outputDType.text);
        add(failures, GoldenV2Case.compare(route + " value", c.outputDType, value, c.value, c.valueLow));
        for (int i = 0; i < c.inputNames.size(); i++) {
            if (!c.requiresGrad.get(i)) continue;
            String n = c.inputNames.get(i);
            DType d = c.inputTypes.get(i).dtype();
            if (gradType.of(i) != d) failures.add(route + " d_" + n + " is " + gradType.of(i).text + ", its input " + d.text);
            add(failures, GoldenV2Case.compare(route + " d_" + n, d, grad.of(i), c.grads.get(n), c.gradsLow.get(n)));
        }
    }

    private static void add(List<String> failures, String f) {
        if (f != null) failures.add(f);
    }
}
