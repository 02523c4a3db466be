package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Hundreds of seeded random programs (RandomPrograms): the verifier accepts every pass's
 * output, the text form round-trips, no pass changes an interpreted bit, and the adjoint's
 * gradients (and the adjoint of the adjoint: Hessian-vector products) agree with central finite
 * differences in double.
 */
class RandomProgramTest {
    static final int PROGRAMS = Integer.getInteger("jgrad.irfuzz", 400);
    static final long FIRST_SEED = Long.getLong("jgrad.irfuzz.seed", 1000);

    private record Pass(String name, UnaryOperator<Graph> run) {}

    private static final List<Pass> PASSES = List.of(
            new Pass("simplify", AlgebraicSimplifier::run), new Pass("fold", ConstantFolding::run),
            new Pass("cse", CommonSubexpressionElimination::run), new Pass("dce", DeadCodeElimination::run),
            new Pass("optimize", Optimizer::optimize));

    @Test
    void passesVerifyRoundTripAndPreserveEveryBit() {
        for (long s = FIRST_SEED; s < FIRST_SEED + PROGRAMS; s++) {
            RandomPrograms.Program p = RandomPrograms.generate(s);
            Graph adjoint = Adjoint.of(Verifier.verify(p.forward()), p.wrt(), p.vjpSeed() != null);
            checked(p, adjoint, "adjoint");
            float[][] reference = Interpreter.run(adjoint, p.adjointInputs());
            for (Pass pass : PASSES) {
                Graph g = checked(p, pass.run().apply(adjoint), pass.name());
                assertSameBits(p, reference, Interpreter.run(g, p.adjointInputs()));
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

    private static void assertSameBits(RandomPrograms.Program p, float[][] expected, float[][] actual) {
        assertEquals(expected.length, actual.length);
        for (int o = 0; o < expected.length; o++)
            for (int k = 0; k < expected[o].length; k++) {
                float e = expected[o][k], a = actual[o][k];
                boolean same = Float.isNaN(e) ? Float.isNaN(a) : Float.floatToRawIntBits(e) == Float.floatToRawIntBits(a);
                if (!same) fail("seed " + p.seed() + ": output " + o + "[" + k + "] was " + e + ", optimised " + a);
            }
    }

    @Test
    void gradientsMatchFiniteDifferencesInDouble() {
        int checked = 0;
        for (long s = FIRST_SEED; s < FIRST_SEED + PROGRAMS; s++) {
            RandomPrograms.Program p = RandomPrograms.generate(s);
            Graph adjoint = Adjoint.of(p.forward(), p.wrt(), p.vjpSeed() != null);
            checked += FiniteDifferences.checkGradients(p, adjoint);
            checked += FiniteDifferences.checkGradients(p, Optimizer.optimize(adjoint));
        }
        assertTrue(checked > PROGRAMS, "checked " + checked + " gradient elements");
    }

    @Test
    void secondDerivativesMatchFiniteDifferencesOfTheGradient() {
        int checked = 0;
        for (long s = FIRST_SEED; s < FIRST_SEED + PROGRAMS / 2; s++) checked += FiniteDifferences.checkHessianVector(RandomPrograms.generate(s));
        assertTrue(checked > PROGRAMS / 4, "checked " + checked + " Hessian-vector elements");
    }

    @Test
    void generatorCoversEveryPrimitive() {
        java.util.EnumSet<Prim> seen = java.util.EnumSet.noneOf(Prim.class);
        for (long s = FIRST_SEED; s < FIRST_SEED + PROGRAMS; s++) {
            RandomPrograms.Program p = RandomPrograms.generate(s);
            for (Node n : Adjoint.of(p.forward(), p.wrt(), p.vjpSeed() != null).nodes()) seen.add(n.prim());
        }
        assertEquals(java.util.EnumSet.allOf(Prim.class), seen);
    }
}
