package io.jgrad.ir;

import io.jgrad.runtime.DType;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verifier accepts what the Builder makes and rejects hand-broken graphs, naming the node. */
class VerifierTest {

    private static final Type S = Type.f32();

    private static Node input(int id, int index, String name) {
        return new Node(id, Prim.INPUT, new int[0], S, new int[] {index}, null, name);
    }

    private static Graph graph(int[] outputs, Node... nodes) {
        String[] names = new String[outputs.length];
        for (int i = 0; i < names.length; i++) names[i] = "out" + i;
        return new Graph(List.of(nodes), outputs, names);
    }

    private static void rejects(Graph g, String... fragments) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Verifier.verify(g));
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' should contain '" + f + "'");
    }

    @Test
    void acceptsBuiltGraphs() {
        Graph g = SeedNeuronTest.forward();
        assertSame(g, Verifier.verify(g));
    }

    @Test
    void operandMustBeDefinedBeforeUse() {
        rejects(graph(new int[] {1}, input(0, 0, "x"), new Node(1, Prim.NEG, new int[] {2}, S, null, null, null),
                        new Node(2, Prim.NEG, new int[] {0}, S, null, null, null)),
                "%1 = neg %2 : f32[]", "not defined before it is used");
    }

    @Test
    void arity() {
        rejects(graph(new int[] {1}, input(0, 0, "x"), new Node(1, Prim.ADD, new int[] {0}, S, null, null, null)),
                "%1 = add %0 : f32[]", "takes 2 operands, has 1");
    }

    @Test
    void attributes() {
        rejects(graph(new int[] {1}, input(0, 0, "x"), new Node(1, Prim.ADD, new int[] {0, 0}, S, new int[] {1}, null, null)),
                "%1 = add %0, %0", "no integer attributes");
        rejects(graph(new int[] {1}, input(0, 0, "x"), new Node(1, Prim.POW, new int[] {0}, S, null, new double[] {1, 2}, null)),
                "%1 = pow %0", "needs one exponent");
        rejects(graph(new int[] {0}, input(0, 0, null)), "%0 = input 0", "needs a name");
        rejects(graph(new int[] {1}, input(0, 0, "x"), new Node(1, Prim.REDUCE_SUM, new int[] {0}, S, new int[] {0}, null, null)),
                "%1 = reduce_sum %0 axes=[0]", "within rank 0");
        rejects(graph(new int[] {1}, input(0, 0, "x"), new Node(1, Prim.CONST, new int[0], Type.f32(2), null, new double[] {1}, null)),
                "%1 = const", "has 1 values for type f32[2]");
    }

    @Test
    void typesFollowTheShapeRule() {
        rejects(graph(new int[] {1}, input(0, 0, "x"), new Node(1, Prim.EXP, new int[] {0}, Type.f32(3), null, null, null)),
                "%1 = exp %0 : f32[3]", "result is f32[], declared f32[3]");
        Node v = new Node(1, Prim.CONST, new int[0], Type.f32(3), null, new double[] {1, 2, 3}, null);
        rejects(graph(new int[] {2}, input(0, 0, "x"), v, new Node(2, Prim.MUL, new int[] {0, 1}, Type.f32(3), null, null, null)),
                "%2 = mul %0, %1 : f32[3]", "operands must have one type");
        Node cond = new Node(1, Prim.GT, new int[] {0, 0}, Type.of(DType.BOOL), null, null, null);
        rejects(graph(new int[] {2}, input(0, 0, "x"), cond, new Node(2, Prim.EXP, new int[] {1}, Type.of(DType.BOOL), null, null, null)),
                "%2 = exp %1", "needs a float operand");
    }

    @Test
    void idsArePositions() {
        rejects(graph(new int[] {0}, input(0, 0, "x"), new Node(5, Prim.NEG, new int[] {0}, S, null, null, null)),
                "%5 = neg %0", "at position 1");
    }

    @Test
    void inputsAreNumberedOnce() {
        rejects(graph(new int[] {0}, input(0, 0, "x"), input(1, 0, "y")), "input indices must be 0..1");
        rejects(graph(new int[] {0}, input(0, 1, "x")), "input indices must be 0..0");
    }

    @Test
    void outputsExistAndHaveDistinctNames() {
        rejects(graph(new int[] {3}, input(0, 0, "x")), "output 0 (out0) is %3, which does not exist");
        List<Node> nodes = new ArrayList<>(List.of(input(0, 0, "x")));
        rejects(new Graph(nodes, new int[] {0, 0}, new String[] {"a", "a"}), "names must be non-empty and distinct");
    }
}
