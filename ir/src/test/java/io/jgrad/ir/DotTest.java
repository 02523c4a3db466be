package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class DotTest {

    @Test
    void oneNodePerValueEdgesPerOperandAndMarkedOutputs() {
        Graph g = Optimizer.optimize(Adjoint.of(SeedNeuronTest.forward(), SeedNeuronTest.WRT, false));
        String dot = Dot.print(g);
        assertTrue(dot.startsWith("digraph jgrad {"), dot);
        assertTrue(dot.trim().endsWith("}"));
        int edges = 0;
        for (Node n : g.nodes()) {
            assertTrue(dot.contains("  n" + n.id() + " [label=\"%" + n.id() + " "), "node " + n.id());
            edges += n.arity();
        }
        assertEquals(edges + g.outputCount(), dot.split(" -> ", -1).length - 1);
        assertTrue(dot.contains("[label=\"%0 w\\ninput f32[]\", style=filled, fillcolor=lightblue]"), dot);
        assertTrue(dot.contains("[label=\"%12 eq\\nbool[]\"]"), dot);
        assertTrue(dot.contains("out1 [label=\"d_w\", shape=doubleoctagon]"), dot);
        assertTrue(dot.contains("n" + g.output(1) + " -> out1;"), dot);
    }

    @Test
    void labelsAreEscaped() {
        Builder b = new Builder();
        int x = b.input(0, "say \"hi\"", Type.f32());
        String dot = Dot.print(b.build(new int[] {b.pow(x, 2)}, new String[] {"o\"ut"}));
        assertTrue(dot.contains("%0 say \\\"hi\\\"\\ninput f32[]"), dot);
        assertTrue(dot.contains("%1 pow exponent=2.0\\nf32[]"), dot);
        assertTrue(dot.contains("[label=\"o\\\"ut\""), dot);
    }
}
