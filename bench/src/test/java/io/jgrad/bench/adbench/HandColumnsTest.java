package io.jgrad.bench.adbench;

import static org.junit.jupiter.api.Assertions.*;

import io.jgrad.FnN;
import io.jgrad.ForwardGraphs;
import io.jgrad.ir.Derivatives;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Interpreter;
import io.jgrad.ir.Optimizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Hand Jacobian by coloured forward columns (the default of {@code Compiled.jacobian}; the
 * global angles, the translation's three columns in one lane, each finger's angles sharing four
 * lanes with the other fingers') equals the one by dense lanes (one lane per column) on the
 * golden inputs: the same numbers, since a lane's row holds exactly one column's entry. The
 * values themselves are checked against PyTorch and finite differences in JgradGoldenTest.
 */
class HandColumnsTest {

    @ParameterizedTest
    @ValueSource(strings = {"hand_simple_small", "hand_complicated_small"})
    void colouredEqualsDense(String name) {
        HandInput in = (HandInput) AdbenchGolden.load(name).input();
        boolean identity = Hand.globalIdentity(in.theta());
        FnN f = Hand.function(in, identity);
        Graph forward = ForwardGraphs.forward(f, Hand.args(in));
        boolean[] wrt = ForwardGraphs.requiresGrad(f, Hand.args(in));
        double[][] inputs = in.complicated() ? new double[][] {in.theta(), in.points(), in.us(), new double[2]}
                : new double[][] {in.theta(), in.points()};
        Graph dense = Optimizer.optimize(Derivatives.jacobianColumns(forward, wrt, 32, 8, Derivatives.Columns.DENSE));
        Graph coloured = Optimizer.optimize(Derivatives.jacobianColumns(forward, wrt, 32, 8, Derivatives.Columns.COLOURED));
        double[][] want = Interpreter.runF64(dense, inputs), got = Interpreter.runF64(coloured, inputs);
        assertEquals(want.length, got.length);
        int nonzero = 0;
        for (int o = 0; o < want.length; o++) {
            assertEquals(want[o].length, got[o].length, "output " + o);
            for (int k = 0; k < want[o].length; k++) {
                assertTrue(want[o][k] == got[o][k], name + " output " + o + " element " + k + ": dense " + want[o][k] + ", coloured " + got[o][k]);
                if (o > 0 && want[o][k] != 0) nonzero++;
            }
        }
        assertTrue(nonzero > 0, "an all-zero Jacobian proves nothing");
        // the coloured graph carries fewer lanes: much less tangent data
        assertTrue(elements(coloured) * 3 < elements(dense), name + ": coloured " + elements(coloured) + " elements, dense " + elements(dense));
        // and the default (AUTO) picks it
        Graph auto = Optimizer.optimize(Derivatives.jacobianColumns(forward, wrt, 32, 8, Derivatives.Columns.AUTO));
        assertEquals(elements(coloured), elements(auto), name + ": the default did not pick the coloured columns");
    }

    private static long elements(Graph g) {
        long total = 0;
        for (int v = 0; v < g.size(); v++) total += g.type(v).size();
        return total;
    }
}
