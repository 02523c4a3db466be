package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The seed notebook's logistic neuron (golden case seed_bce_scalar): w*x+b → sigmoid → clamped
 * binary cross-entropy, w and b differentiable, x and y data. The IR text before and after
 * optimisation is pinned here; each line was checked by hand against the VJP rules.
 */
class SeedNeuronTest {

    /** The forward graph exactly as the golden case's program, lowered through Composites. */
    static Graph forward() {
        Builder b = new Builder();
        int w = b.input(0, "w", Type.f32()), bias = b.input(1, "b", Type.f32());
        int x = b.input(2, "x", Type.f32()), y = b.input(3, "y", Type.f32());
        int z = Composites.add(b, Composites.mul(b, w, x), bias);
        int yp = Composites.sigmoid(b, z);
        int p = Composites.clamp(b, yp, 1e-8f, (float) (1 - 1e-8));
        int a = Composites.mul(b, y, Composites.log(b, p));
        int l2 = Composites.log(b, Composites.rsub(b, p, 1f));
        int bb = Composites.mul(b, Composites.rsub(b, y, 1f), l2);
        int loss = Composites.neg(b, Composites.add(b, a, bb));
        return b.build(new int[] {loss}, new String[] {"out"});
    }

    static final boolean[] WRT = {true, true, false, false};

    static final String BEFORE = """
            graph(%0: f32[] w, %1: f32[] b, %2: f32[] x, %3: f32[] y) {
              %4 = mul %0, %2 : f32[]
              %5 = add %4, %1 : f32[]
              %6 = sigmoid %5 : f32[]
              %7 = const 9.99999993922529E-9 : f32[]
              %8 = const 1.0 : f32[]
              %9 = max %6, %7 : f32[]
              %10 = min %9, %8 : f32[]
              %11 = stop_gradient %10 : f32[]
              %12 = eq %6, %11 : bool[]
              %13 = select %12, %6, %11 : f32[]
              %14 = log %13 : f32[]
              %15 = mul %3, %14 : f32[]
              %16 = const 1.0 : f32[]
              %17 = sub %16, %13 : f32[]
              %18 = log %17 : f32[]
              %19 = const 1.0 : f32[]
              %20 = sub %19, %3 : f32[]
              %21 = mul %20, %18 : f32[]
              %22 = add %15, %21 : f32[]
              %23 = neg %22 : f32[]
              %24 = const 1.0 : f32[]
              %25 = neg %24 : f32[]
              %26 = mul %25, %20 : f32[]
              %27 = div %26, %17 : f32[]
              %28 = neg %27 : f32[]
              %29 = mul %25, %3 : f32[]
              %30 = div %29, %13 : f32[]
              %31 = add %28, %30 : f32[]
              %32 = const 0.0 : f32[]
              %33 = select %12, %31, %32 : f32[]
              %34 = const 1.0 : f32[]
              %35 = sub %34, %6 : f32[]
              %36 = mul %33, %35 : f32[]
              %37 = mul %36, %6 : f32[]
              %38 = mul %37, %2 : f32[]
              return out=%23, d_w=%38, d_b=%37
            }
            """;

    static final String AFTER = """
            graph(%0: f32[] w, %1: f32[] b, %2: f32[] x, %3: f32[] y) {
              %4 = mul %0, %2 : f32[]
              %5 = add %4, %1 : f32[]
              %6 = sigmoid %5 : f32[]
              %7 = const 9.99999993922529E-9 : f32[]
              %8 = const 1.0 : f32[]
              %9 = max %6, %7 : f32[]
              %10 = min %9, %8 : f32[]
              %11 = stop_gradient %10 : f32[]
              %12 = eq %6, %11 : bool[]
              %13 = select %12, %6, %11 : f32[]
              %14 = log %13 : f32[]
              %15 = mul %3, %14 : f32[]
              %16 = sub %8, %13 : f32[]
              %17 = log %16 : f32[]
              %18 = sub %8, %3 : f32[]
              %19 = mul %18, %17 : f32[]
              %20 = add %15, %19 : f32[]
              %21 = neg %20 : f32[]
              %22 = neg %18 : f32[]
              %23 = div %22, %16 : f32[]
              %24 = neg %3 : f32[]
              %25 = div %24, %13 : f32[]
              %26 = sub %25, %23 : f32[]
              %27 = const 0.0 : f32[]
              %28 = select %12, %26, %27 : f32[]
              %29 = sub %8, %6 : f32[]
              %30 = mul %28, %29 : f32[]
              %31 = mul %30, %6 : f32[]
              %32 = mul %31, %2 : f32[]
              return out=%21, d_w=%32, d_b=%31
            }
            """;

    @Test
    void forwardMatchesTheGoldenCaseProgram() {
        assertEquals(Printer.print(GoldenCase.load("seed_bce_scalar").forward()), Printer.print(forward()));
    }

    @Test
    void adjointText() {
        assertEquals(BEFORE, Printer.print(Verifier.verify(Adjoint.of(forward(), WRT, false))));
    }

    @Test
    void optimisedText() {
        Graph optimised = Verifier.verify(Optimizer.optimize(Adjoint.of(forward(), WRT, false)));
        assertEquals(AFTER, Printer.print(optimised));
        assertEquals(28, Parser.parse(BEFORE).opCount());
        assertEquals(26, optimised.opCount());
    }

    @Test
    void optimisedHasNoDeadAndNoDuplicateValues() {
        Graph g = Optimizer.optimize(Adjoint.of(forward(), WRT, false));
        int[] uses = g.useCounts();
        Set<String> computations = new HashSet<>();
        for (Node n : g.nodes()) {
            if (n.prim() == Prim.INPUT) continue;
            assertTrue(uses[n.id()] > 0, "dead: " + Printer.line(n));
            String line = Printer.line(n);
            assertTrue(computations.add(line.substring(line.indexOf(" = "))), "duplicate: " + line);
        }
    }

    @Test
    void valuesAreTheSeedNotebooks() {
        // loss 6.7012, dw 6.6918, db 0.9988 (PyTorch, seed_bce_scalar)
        for (Graph g : new Graph[] {Parser.parse(BEFORE), Parser.parse(AFTER)}) {
            float[][] out = Interpreter.run(g, new float[][] {{1}, {0}, {6.7f}, {0}});
            assertEquals(6.7012, out[0][0], 1e-4);
            assertEquals(6.6918, out[1][0], 1e-4);
            assertEquals(0.9988, out[2][0], 1e-4);
        }
    }
}
