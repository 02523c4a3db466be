package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * One case per rewrite that it fires, and cases that the unsafe look-alikes do not. Every case
 * also runs both graphs on all pairs of IEEE special values and compares the bits.
 */
class OptimizerTest {

    private record Case(String name, String before, String after) {}

    private static final String XY = "graph(%0: f32[] x, %1: f32[] y) {\n";
    private static final String RETURN_X = XY + "  return out=%0\n}\n";

    private static Case unchanged(String name, String text) {
        return new Case(name, text, text);
    }

    private static final List<Case> FIRES = List.of(
            new Case("x*1 -> x", XY + "  %2 = const 1.0 : f32[]\n  %3 = mul %0, %2 : f32[]\n  return out=%3\n}\n", RETURN_X),
            new Case("1*x -> x", XY + "  %2 = const 1.0 : f32[]\n  %3 = mul %2, %0 : f32[]\n  return out=%3\n}\n", RETURN_X),
            new Case("x*1 -> x with a broadcast 1",
                    "graph(%0: f32[3] x) {\n  %1 = const 1.0 : f32[]\n  %2 = broadcast %1 : f32[3]\n  %3 = mul %0, %2 : f32[3]\n  return out=%3\n}\n",
                    "graph(%0: f32[3] x) {\n  return out=%0\n}\n"),
            new Case("x*-1 -> neg x", XY + "  %2 = const -1.0 : f32[]\n  %3 = mul %0, %2 : f32[]\n  return out=%3\n}\n",
                    XY + "  %2 = neg %0 : f32[]\n  return out=%2\n}\n"),
            new Case("x/1 -> x", XY + "  %2 = const 1.0 : f32[]\n  %3 = div %0, %2 : f32[]\n  return out=%3\n}\n", RETURN_X),
            new Case("x/-1 -> neg x", XY + "  %2 = const -1.0 : f32[]\n  %3 = div %0, %2 : f32[]\n  return out=%3\n}\n",
                    XY + "  %2 = neg %0 : f32[]\n  return out=%2\n}\n"),
            new Case("x/4 -> x*0.25", XY + "  %2 = const 4.0 : f32[]\n  %3 = div %0, %2 : f32[]\n  return out=%3\n}\n",
                    XY + "  %2 = const 0.25 : f32[]\n  %3 = mul %0, %2 : f32[]\n  return out=%3\n}\n"),
            new Case("x-(+0) -> x", XY + "  %2 = const 0.0 : f32[]\n  %3 = sub %0, %2 : f32[]\n  return out=%3\n}\n", RETURN_X),
            new Case("x+(-0) -> x", XY + "  %2 = const -0.0 : f32[]\n  %3 = add %0, %2 : f32[]\n  return out=%3\n}\n", RETURN_X),
            new Case("(-0)+x -> x", XY + "  %2 = const -0.0 : f32[]\n  %3 = add %2, %0 : f32[]\n  return out=%3\n}\n", RETURN_X),
            new Case("x-(-y) -> x+y", XY + "  %2 = neg %1 : f32[]\n  %3 = sub %0, %2 : f32[]\n  return out=%3\n}\n",
                    XY + "  %2 = add %0, %1 : f32[]\n  return out=%2\n}\n"),
            new Case("x+(-y) -> x-y", XY + "  %2 = neg %1 : f32[]\n  %3 = add %0, %2 : f32[]\n  return out=%3\n}\n",
                    XY + "  %2 = sub %0, %1 : f32[]\n  return out=%2\n}\n"),
            new Case("(-y)+x -> x-y", XY + "  %2 = neg %1 : f32[]\n  %3 = add %2, %0 : f32[]\n  return out=%3\n}\n",
                    XY + "  %2 = sub %0, %1 : f32[]\n  return out=%2\n}\n"),
            new Case("x+x -> x*2", XY + "  %2 = add %0, %0 : f32[]\n  return out=%2\n}\n",
                    XY + "  %2 = const 2.0 : f32[]\n  %3 = mul %0, %2 : f32[]\n  return out=%3\n}\n"),
            new Case("max(x,x) -> x", XY + "  %2 = max %0, %0 : f32[]\n  return out=%2\n}\n", RETURN_X),
            new Case("min(x,x) -> x", XY + "  %2 = min %0, %0 : f32[]\n  return out=%2\n}\n", RETURN_X),
            new Case("neg neg x -> x", XY + "  %2 = neg %0 : f32[]\n  %3 = neg %2 : f32[]\n  return out=%3\n}\n", RETURN_X),
            new Case("abs neg x -> abs x", XY + "  %2 = neg %0 : f32[]\n  %3 = abs %2 : f32[]\n  return out=%3\n}\n",
                    XY + "  %2 = abs %0 : f32[]\n  return out=%2\n}\n"),
            new Case("abs abs x -> abs x", XY + "  %2 = abs %0 : f32[]\n  %3 = abs %2 : f32[]\n  return out=%3\n}\n",
                    XY + "  %2 = abs %0 : f32[]\n  return out=%2\n}\n"),
            new Case("x^1 -> x", XY + "  %2 = pow %0 exponent=1.0 : f32[]\n  return out=%2\n}\n", RETURN_X),
            new Case("stop_gradient twice -> once", XY + "  %2 = stop_gradient %0 : f32[]\n  %3 = stop_gradient %2 : f32[]\n  return out=%3\n}\n",
                    XY + "  %2 = stop_gradient %0 : f32[]\n  return out=%2\n}\n"),
            new Case("select(c,a,a) -> a", XY + "  %2 = gt %0, %1 : bool[]\n  %3 = select %2, %1, %1 : f32[]\n  return out=%3\n}\n",
                    XY + "  return out=%1\n}\n"),
            new Case("select(true,a,b) -> a", XY + "  %2 = const 1.0 : f32[]\n  %3 = const 0.0 : f32[]\n  %4 = gt %2, %3 : bool[]\n  %5 = select %4, %0, %1 : f32[]\n  return out=%5\n}\n",
                    RETURN_X),
            new Case("select(false,a,b) -> b", XY + "  %2 = const 1.0 : f32[]\n  %3 = const 0.0 : f32[]\n  %4 = lt %2, %3 : bool[]\n  %5 = select %4, %0, %1 : f32[]\n  return out=%5\n}\n",
                    XY + "  return out=%1\n}\n"),
            new Case("reshape to the same shape -> x", "graph(%0: f32[2,3] x) {\n  %1 = reshape %0 : f32[2,3]\n  return out=%1\n}\n",
                    "graph(%0: f32[2,3] x) {\n  return out=%0\n}\n"),
            new Case("reshape reshape -> reshape", "graph(%0: f32[2,3] x) {\n  %1 = reshape %0 : f32[6]\n  %2 = reshape %1 : f32[3,2]\n  return out=%2\n}\n",
                    "graph(%0: f32[2,3] x) {\n  %1 = reshape %0 : f32[3,2]\n  return out=%1\n}\n"),
            new Case("reshape there and back -> x", "graph(%0: f32[2,3] x) {\n  %1 = reshape %0 : f32[6]\n  %2 = reshape %1 : f32[2,3]\n  return out=%2\n}\n",
                    "graph(%0: f32[2,3] x) {\n  return out=%0\n}\n"),
            new Case("broadcast to the same shape -> x", "graph(%0: f32[3] x) {\n  %1 = broadcast %0 : f32[3]\n  return out=%1\n}\n",
                    "graph(%0: f32[3] x) {\n  return out=%0\n}\n"),
            new Case("broadcast broadcast -> broadcast", "graph(%0: f32[3] x) {\n  %1 = broadcast %0 : f32[1,3]\n  %2 = broadcast %1 : f32[2,4,3]\n  return out=%2\n}\n",
                    "graph(%0: f32[3] x) {\n  %1 = broadcast %0 : f32[2,4,3]\n  return out=%1\n}\n"),
            new Case("identity transpose -> x", "graph(%0: f32[2,3] x) {\n  %1 = transpose %0 perm=[0,1] : f32[2,3]\n  return out=%1\n}\n",
                    "graph(%0: f32[2,3] x) {\n  return out=%0\n}\n"),
            new Case("transpose transpose -> composed", "graph(%0: f32[2,3,4] x) {\n  %1 = transpose %0 perm=[1,2,0] : f32[3,4,2]\n  %2 = transpose %1 perm=[1,0,2] : f32[4,3,2]\n  return out=%2\n}\n",
                    "graph(%0: f32[2,3,4] x) {\n  %1 = transpose %0 perm=[2,1,0] : f32[4,3,2]\n  return out=%1\n}\n"),
            new Case("transpose twice -> x", "graph(%0: f32[2,3] x) {\n  %1 = transpose %0 perm=[1,0] : f32[3,2]\n  %2 = transpose %1 perm=[1,0] : f32[2,3]\n  return out=%2\n}\n",
                    "graph(%0: f32[2,3] x) {\n  return out=%0\n}\n"),
            new Case("reduce over no axes -> x", "graph(%0: f32[3] x) {\n  %1 = reduce_sum %0 axes=[] : f32[3]\n  %2 = reduce_max %1 axes=[] : f32[3]\n  return out=%2\n}\n",
                    "graph(%0: f32[3] x) {\n  return out=%0\n}\n"),
            new Case("cse, commutative", XY + "  %2 = mul %0, %1 : f32[]\n  %3 = mul %1, %0 : f32[]\n  %4 = sub %2, %3 : f32[]\n  return out=%4\n}\n",
                    XY + "  %2 = mul %0, %1 : f32[]\n  %3 = sub %2, %2 : f32[]\n  return out=%3\n}\n"),
            new Case("dce keeps unused inputs", XY + "  %2 = exp %1 : f32[]\n  %3 = sin %0 : f32[]\n  return out=%3\n}\n",
                    XY + "  %2 = sin %0 : f32[]\n  return out=%2\n}\n"),
            new Case("folding in float32", XY + "  %2 = const 0.1 : f32[]\n  %3 = const 0.2 : f32[]\n  %4 = add %2, %3 : f32[]\n  %5 = mul %0, %4 : f32[]\n  return out=%5\n}\n",
                    XY + "  %2 = const " + (double) ((float) 0.1 + (float) 0.2) + " : f32[]\n  %3 = mul %0, %2 : f32[]\n  return out=%3\n}\n"),
            new Case("folding rounds an f32 constant to float first",
                    XY + "  %2 = const 1.00000005 : f32[]\n  %3 = const 1.0 : f32[]\n  %4 = sub %2, %3 : f32[]\n  %5 = add %0, %4 : f32[]\n  return out=%5\n}\n",
                    XY + "  %2 = const 0.0 : f32[]\n  %3 = add %0, %2 : f32[]\n  return out=%3\n}\n"),
            new Case("folding splats stays a splat",
                    "graph(%0: f32[3] x) {\n  %1 = const 2.0 : f32[]\n  %2 = broadcast %1 : f32[3]\n  %3 = exp %2 : f32[3]\n  %4 = mul %0, %3 : f32[3]\n  return out=%4\n}\n",
                    "graph(%0: f32[3] x) {\n  %1 = const " + (double) (float) Math.exp(2) + " : f32[]\n  %2 = broadcast %1 : f32[3]\n  %3 = mul %0, %2 : f32[3]\n  return out=%3\n}\n"),
            new Case("folding a small tensor",
                    "graph(%0: f32[2] x) {\n  %1 = const [1.0, 2.0] : f32[2]\n  %2 = const [3.0, 5.0] : f32[2]\n  %3 = div %1, %2 : f32[2]\n  %4 = stop_gradient %3 : f32[2]\n  %5 = mul %0, %4 : f32[2]\n  return out=%5\n}\n",
                    "graph(%0: f32[2] x) {\n  %1 = const [" + (double) (1f / 3f) + ", 0.4000000059604645] : f32[2]\n  %2 = mul %0, %1 : f32[2]\n  return out=%2\n}\n"));

    private static final List<Case> DOES_NOT_FIRE = List.of(
            // NaN*0 = NaN, inf*0 = NaN, -1*0 = -0
            unchanged("x*0 stays", XY + "  %2 = const 0.0 : f32[]\n  %3 = mul %0, %2 : f32[]\n  return out=%3\n}\n"),
            // -0 + +0 = +0
            unchanged("x+0 stays", XY + "  %2 = const 0.0 : f32[]\n  %3 = add %0, %2 : f32[]\n  return out=%3\n}\n"),
            unchanged("0+x stays", XY + "  %2 = const 0.0 : f32[]\n  %3 = add %2, %0 : f32[]\n  return out=%3\n}\n"),
            // -0 - (-0) = +0
            unchanged("x-(-0) stays", XY + "  %2 = const -0.0 : f32[]\n  %3 = sub %0, %2 : f32[]\n  return out=%3\n}\n"),
            // NaN - NaN, inf - inf
            unchanged("x-x stays", XY + "  %2 = sub %0, %0 : f32[]\n  return out=%2\n}\n"),
            unchanged("x/x stays", XY + "  %2 = div %0, %0 : f32[]\n  return out=%2\n}\n"),
            // 0/0 = NaN
            unchanged("0/x stays", XY + "  %2 = const 0.0 : f32[]\n  %3 = div %2, %0 : f32[]\n  return out=%3\n}\n"),
            // 1/3 is not exact
            unchanged("x/3 stays", XY + "  %2 = const 3.0 : f32[]\n  %3 = div %0, %2 : f32[]\n  return out=%3\n}\n"),
            // 1/2^-130 = 2^130 overflows float
            unchanged("x/2^-130 stays", XY + "  %2 = const 7.346839692639297E-40 : f32[]\n  %3 = div %0, %2 : f32[]\n  return out=%3\n}\n"),
            // -(a-b) is -0 where b-a is +0
            unchanged("neg(a-b) stays", XY + "  %2 = sub %0, %1 : f32[]\n  %3 = neg %2 : f32[]\n  return out=%3\n}\n"),
            // (x*y)*z vs x*(y*z): rounding
            unchanged("no reassociation", XY + "  %2 = mul %0, %1 : f32[]\n  %3 = mul %2, %1 : f32[]\n  return out=%3\n}\n"),
            new Case("a broadcast constant is not materialised (the reshape folds)",
                    "graph(%0: f32[100] x) {\n  %1 = const [1.0, 2.0] : f32[2]\n  %2 = reshape %1 : f32[2,1]\n  %3 = broadcast %2 : f32[2,100]\n  %4 = reduce_sum %3 axes=[0] : f32[100]\n  %5 = mul %0, %4 : f32[100]\n  return out=%5\n}\n",
                    "graph(%0: f32[100] x) {\n  %1 = const [1.0, 2.0] : f32[2,1]\n  %2 = broadcast %1 : f32[2,100]\n  %3 = reduce_sum %2 axes=[0] : f32[100]\n  %4 = mul %0, %3 : f32[100]\n  return out=%4\n}\n"),
            unchanged("neither are gt and lt of swapped operands merged", XY + "  %2 = gt %0, %1 : bool[]\n  %3 = lt %0, %1 : bool[]\n  %4 = select %2, %0, %1 : f32[]\n  %5 = select %3, %4, %1 : f32[]\n  return out=%5\n}\n"));

    @TestFactory
    Stream<DynamicTest> rewritesFire() {
        return FIRES.stream().map(c -> DynamicTest.dynamicTest(c.name, () -> check(c)));
    }

    @TestFactory
    Stream<DynamicTest> unsafeRewritesDoNotFire() {
        return DOES_NOT_FIRE.stream().map(c -> DynamicTest.dynamicTest(c.name, () -> check(c)));
    }

    private static void check(Case c) {
        Graph before = Verifier.verify(Parser.parse(c.before));
        Graph after = Verifier.verify(Optimizer.optimize(before));
        assertEquals(c.after, Printer.print(after));
        assertSameOnSpecialValues(before, after);
    }

    private static final float[] SPECIALS = {Float.NaN, Float.NEGATIVE_INFINITY, -1.5f, -0f, 0f, 1e-40f, 2.5f, Float.POSITIVE_INFINITY};

    /** Both graphs on every combination of special values (every input filled with one), bit for bit up to NaN payloads. */
    static void assertSameOnSpecialValues(Graph a, Graph b) {
        int n = a.inputs().size();
        int combos = (int) Math.pow(SPECIALS.length, n);
        for (int k = 0; k < combos; k++) {
            float[][] in = new float[n][];
            for (int i = 0, r = k; i < n; i++, r /= SPECIALS.length) {
                in[i] = new float[a.inputs().get(i).type().size()];
                java.util.Arrays.fill(in[i], SPECIALS[r % SPECIALS.length]);
                if (in[i].length > 1) in[i][0] = 0.75f;   // not a splat: a mixed vector
            }
            float[][] x = Interpreter.run(a, in), y = Interpreter.run(b, in);
            for (int o = 0; o < x.length; o++)
                for (int e = 0; e < x[o].length; e++) {
                    boolean same = Float.isNaN(x[o][e]) ? Float.isNaN(y[o][e]) : Float.floatToRawIntBits(x[o][e]) == Float.floatToRawIntBits(y[o][e]);
                    assertTrue(same, "inputs " + java.util.Arrays.deepToString(in) + ": " + x[o][e] + " became " + y[o][e]);
                }
        }
    }

    @Test
    void optimizeIsIdempotentAndDense() {
        Graph g = Optimizer.optimize(Adjoint.of(SeedNeuronTest.forward(), SeedNeuronTest.WRT, false));
        assertEquals(Printer.print(g), Printer.print(Optimizer.optimize(g)));
        for (int i = 0; i < g.size(); i++) assertEquals(i, g.node(i).id());
    }

    /** x + x = x·2 bit for bit also where the special values above do not reach: overflow, the largest and smallest floats. */
    @Test
    void doublingIsExactAtTheEdges() {
        Graph before = Verifier.verify(Parser.parse("graph(%0: f32[8] x) {\n  %1 = add %0, %0 : f32[8]\n  return out=%1\n}\n"));
        Graph after = Verifier.verify(Optimizer.optimize(before));
        assertTrue(Printer.print(after).contains("mul %0"), Printer.print(after));
        float[] x = {Float.MAX_VALUE, -Float.MAX_VALUE, 1.7014118e38f, 1.7014119e38f, Float.MIN_VALUE, -Float.MIN_NORMAL, 1e-45f * 3, 0.1f};
        float[] a = Interpreter.run(before, new float[][] {x})[0], b = Interpreter.run(after, new float[][] {x})[0];
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToRawIntBits(x[i] + x[i]), Float.floatToRawIntBits(a[i]), "x = " + x[i]);
            assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), "x = " + x[i]);
        }
        double[] d = {Double.MAX_VALUE, 8.98846567431158e307, Double.MIN_VALUE, -0.0, 0.1};
        for (double v : d) assertEquals(Double.doubleToRawLongBits(v + v), Double.doubleToRawLongBits(v * 2), "x = " + v);
    }

    @Test
    void theUnsafeRewritesWouldChangeValues() {
        // the reason the rules above are absent, shown with the interpreter itself
        assertTrue(Float.isNaN(Float.NaN * 0f));
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(-0f + 0f));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(-1f * 0f));
    }
}
