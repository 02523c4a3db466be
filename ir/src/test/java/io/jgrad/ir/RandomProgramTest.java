package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import io.jgrad.runtime.DType;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Hundreds of seeded random programs (RandomPrograms), over float32 inputs and over float64
 * inputs: the verifier accepts every pass's output, the text form round-trips, no pass changes an
 * interpreted bit, and the adjoint's gradients (and the adjoint of the adjoint: Hessian-vector
 * products) agree with central finite differences in double.
 */
class RandomProgramTest {
    static final int PROGRAMS = Integer.getInteger("jgrad.irfuzz", 400);
    static final long FIRST_SEED = Long.getLong("jgrad.irfuzz.seed", 1000);

    private record Pass(String name, UnaryOperator<Graph> run) {}

    private static final List<Pass> PASSES = List.of(
            new Pass("simplify", AlgebraicSimplifier::run), new Pass("fold", ConstantFolding::run),
            new Pass("cse", CommonSubexpressionElimination::run), new Pass("dce", DeadCodeElimination::run),
            new Pass("optimize", Optimizer::optimize));

    static final DType[] DTYPES = {DType.F32, DType.F64};

    @Test
    void passesVerifyRoundTripAndPreserveEveryBit() {
        for (DType d : DTYPES)
            for (long s = FIRST_SEED; s < FIRST_SEED + PROGRAMS; s++) {
                RandomPrograms.Program p = RandomPrograms.generate(s, d);
                Graph adjoint = Adjoint.of(Verifier.verify(p.forward()), p.wrt(), p.vjpSeed64() != null);
                checked(p, adjoint, "adjoint");
                double[][] reference = Interpreter.run(adjoint, p.adjointInputs64());   // each value exact in its dtype
                for (Pass pass : PASSES) {
                    Graph g = checked(p, pass.run().apply(adjoint), pass.name());
                    assertSameBits(p, reference, Interpreter.run(g, p.adjointInputs64()));
                }
            }
    }

    /** Verifies g and that print → parse → print is the identity; returns g. */
    private static Graph checked(RandomPrograms.Program p, Graph g, String what) {
        try {
            Verifier.verify(g);
            String text = Printer.print(g);
            assertEquals(text, Printer.print(Parser.parse(text)), "round trip");
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError("seed " + p.seed() + ", " + what + ": " + e.getMessage() + "\n" + Printer.print(g), e);
        }
        return g;
    }

    static void assertSameBits(RandomPrograms.Program p, double[][] expected, double[][] actual) {
        assertEquals(expected.length, actual.length);
        for (int o = 0; o < expected.length; o++)
            for (int k = 0; k < expected[o].length; k++) {
                double e = expected[o][k], a = actual[o][k];
                boolean same = Double.isNaN(e) ? Double.isNaN(a) : Double.doubleToRawLongBits(e) == Double.doubleToRawLongBits(a);
                if (!same) fail(p.dtype() + " seed " + p.seed() + ": output " + o + "[" + k + "] was " + e + ", optimised " + a);
            }
    }

    @Test
    void gradientsMatchFiniteDifferencesInDouble() {
        for (DType d : DTYPES) {
            int checked = 0;
            for (long s = FIRST_SEED; s < FIRST_SEED + PROGRAMS; s++) {
                RandomPrograms.Program p = RandomPrograms.generate(s, d);
                Graph adjoint = Adjoint.of(p.forward(), p.wrt(), p.vjpSeed64() != null);
                checked += FiniteDifferences.checkGradients(p, adjoint);
                checked += FiniteDifferences.checkGradients(p, Optimizer.optimize(adjoint));
            }
            assertTrue(checked > PROGRAMS, d + ": checked " + checked + " gradient elements");
        }
    }

    @Test
    void secondDerivativesMatchFiniteDifferencesOfTheGradient() {
        for (DType d : DTYPES) {
            int checked = 0;
            for (long s = FIRST_SEED; s < FIRST_SEED + PROGRAMS / 2; s++) checked += FiniteDifferences.checkHessianVector(RandomPrograms.generate(s, d));
            assertTrue(checked > PROGRAMS / 4, d + ": checked " + checked + " Hessian-vector elements");
        }
    }

    @Test
    void generatorCoversEveryPrimitive() {
        for (DType d : DTYPES) {
            java.util.EnumSet<Prim> seen = java.util.EnumSet.noneOf(Prim.class);
            for (long s = FIRST_SEED; s < FIRST_SEED + PROGRAMS; s++) {
                RandomPrograms.Program p = RandomPrograms.generate(s, d);
                for (Node n : Adjoint.of(p.forward(), p.wrt(), p.vjpSeed64() != null).nodes()) seen.add(n.prim());
            }
            assertEquals(java.util.EnumSet.allOf(Prim.class), seen, d.toString());
        }
    }
}
