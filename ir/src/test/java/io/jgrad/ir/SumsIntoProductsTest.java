package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The rule reduce_sum(dot_general(x, y), free axes) → dot_general(sums of x and y): the text
 * form it produces (written by hand), where it must not fire, and on random shapes and layouts
 * the interpreter's values before and after agree in F64 to 1e-12 of Σ|x||y| (the same graph run
 * on the operands' magnitudes), which no reordering of exact-in-reals sums can exceed.
 */
class SumsIntoProductsTest {

    private record Case(String name, String before, String after) {}

    private static final String AB = "graph(%0: f64[3,4,5] a, %1: f64[3,5,6] b) {\n";
    /** a·b per batch: [3,4,5]·[3,5,6] = [3,4,6]. */
    private static final String PRODUCT = AB + "  %2 = dot_general %0, %1 lhs_batch=[0] rhs_batch=[0] lhs_contract=[2] rhs_contract=[1] : f64[3,4,6]\n";

    private static Case unchanged(String name, String text) {
        return new Case(name, text, text);
    }

    private static final List<Case> FIRES = List.of(
            // Σ_j Σ_k a[b,i,k] b[b,k,j] = Σ_k a[b,i,k] (Σ_j b[b,k,j])
            new Case("sum over y's free axis", PRODUCT + "  %3 = reduce_sum %2 axes=[2] : f64[3,4]\n  return out=%3\n}\n",
                    AB + "  %2 = reduce_sum %1 axes=[2] : f64[3,5]\n"
                       + "  %3 = dot_general %0, %2 lhs_batch=[0] rhs_batch=[0] lhs_contract=[2] rhs_contract=[1] : f64[3,4]\n  return out=%3\n}\n"),
            // Σ_i Σ_k a[b,i,k] b[b,k,j] = Σ_k (Σ_i a[b,i,k]) b[b,k,j]: a's contracted axis 2 becomes 1
            new Case("sum over x's free axis", PRODUCT + "  %3 = reduce_sum %2 axes=[1] : f64[3,6]\n  return out=%3\n}\n",
                    AB + "  %2 = reduce_sum %0 axes=[1] : f64[3,5]\n"
                       + "  %3 = dot_general %2, %1 lhs_batch=[0] rhs_batch=[0] lhs_contract=[1] rhs_contract=[1] : f64[3,6]\n  return out=%3\n}\n"),
            // Σ_i Σ_j: both operands summed first, then one dot product per batch
            new Case("sum over both operands' free axes", PRODUCT + "  %3 = reduce_sum %2 axes=[1,2] : f64[3]\n  return out=%3\n}\n",
                    AB + "  %2 = reduce_sum %0 axes=[1] : f64[3,5]\n  %3 = reduce_sum %1 axes=[2] : f64[3,5]\n"
                       + "  %4 = dot_general %2, %3 lhs_batch=[0] rhs_batch=[0] lhs_contract=[1] rhs_contract=[1] : f64[3]\n  return out=%4\n}\n"),
            // the GMM gradient's d_μ: reduce_sum(neg(Qᵀ·G), n) = neg(Qᵀ·(Σ_n G))
            new Case("a neg between sum and product is carried out",
                    "graph(%0: f64[2,3,3] q, %1: f64[2,3,7] g) {\n"
                    + "  %2 = dot_general %0, %1 lhs_batch=[0] rhs_batch=[0] lhs_contract=[1] rhs_contract=[1] : f64[2,3,7]\n"
                    + "  %3 = neg %2 : f64[2,3,7]\n  %4 = reduce_sum %3 axes=[2] : f64[2,3]\n  return out=%4\n}\n",
                    "graph(%0: f64[2,3,3] q, %1: f64[2,3,7] g) {\n"
                    + "  %2 = reduce_sum %1 axes=[2] : f64[2,3]\n"
                    + "  %3 = dot_general %0, %2 lhs_batch=[0] rhs_batch=[0] lhs_contract=[1] rhs_contract=[1] : f64[2,3]\n"
                    + "  %4 = neg %3 : f64[2,3]\n  return out=%4\n}\n"),
            // no batch axes, y's free axes 0 and 2 around the contracted 1; the sum over result axis 2 is y's axis 2
            new Case("free axes on both sides of the contracted one",
                    "graph(%0: f64[4,5] a, %1: f64[6,5,7] b) {\n"
                    + "  %2 = dot_general %0, %1 lhs_batch=[] rhs_batch=[] lhs_contract=[1] rhs_contract=[1] : f64[4,6,7]\n"
                    + "  %3 = reduce_sum %2 axes=[2] : f64[4,6]\n  return out=%3\n}\n",
                    "graph(%0: f64[4,5] a, %1: f64[6,5,7] b) {\n"
                    + "  %2 = reduce_sum %1 axes=[2] : f64[6,5]\n"
                    + "  %3 = dot_general %0, %2 lhs_batch=[] rhs_batch=[] lhs_contract=[1] rhs_contract=[1] : f64[4,6]\n  return out=%3\n}\n"));

    private static final List<Case> DOES_NOT_FIRE = List.of(
            // summing a batch axis is contracting it: the same multiply-adds
            unchanged("sum over a batch axis", PRODUCT + "  %3 = reduce_sum %2 axes=[0] : f64[4,6]\n  return out=%3\n}\n"),
            unchanged("a batch axis among free ones", PRODUCT + "  %3 = reduce_sum %2 axes=[0,2] : f64[4]\n  return out=%3\n}\n"),
            // a vector times a matrix summed over the matrix's columns: summing the matrix first is no cheaper
            unchanged("no work saved",
                    "graph(%0: f64[5] a, %1: f64[5,2] b) {\n"
                    + "  %2 = dot_general %0, %1 lhs_batch=[] rhs_batch=[] lhs_contract=[0] rhs_contract=[0] : f64[2]\n"
                    + "  %3 = reduce_sum %2 axes=[0] : f64[]\n  return out=%3\n}\n"),
            // a summed axis of one element shrinks nothing
            unchanged("a summed axis of size 1",
                    "graph(%0: f64[4,5] a, %1: f64[5,1] b) {\n"
                    + "  %2 = dot_general %0, %1 lhs_batch=[] rhs_batch=[] lhs_contract=[1] rhs_contract=[0] : f64[4,1]\n"
                    + "  %3 = reduce_sum %2 axes=[1] : f64[4]\n  return out=%3\n}\n"),
            // the sum of a function of the product is not linear in it
            unchanged("something other than neg in between", PRODUCT
                    + "  %3 = mul %2, %2 : f64[3,4,6]\n  %4 = reduce_sum %3 axes=[2] : f64[3,4]\n  return out=%4\n}\n"));

    @TestFactory
    Stream<DynamicTest> fires() {
        return FIRES.stream().map(c -> DynamicTest.dynamicTest(c.name, () -> check(c)));
    }

    @TestFactory
    Stream<DynamicTest> doesNotFire() {
        return DOES_NOT_FIRE.stream().map(c -> DynamicTest.dynamicTest(c.name, () -> check(c)));
    }

    private static void check(Case c) {
        Graph before = Verifier.verify(Parser.parse(c.before));
        Graph after = Verifier.verify(Optimizer.optimize(before));
        assertEquals(c.after, Printer.print(after));
        assertClose(before, after, randomInputs(before, new Random(c.name.hashCode())), c.name);
    }

    /**
     * Random dot_generals (0-2 batch, 0-2 contracted, 0-2 free axes per operand, each operand's
     * axes in a random order) summed over a random non-empty set of result axes, some through a
     * neg: the optimised graph verifies, has the reduction's type, and agrees with the original.
     */
    @Test
    void randomShapesAgreeWithTheUnrewrittenGraph() {
        Random r = new Random(20261202);
        int fired = 0;
        for (int trial = 0; trial < 400; trial++) {
            int nb = r.nextInt(3), nc = r.nextInt(3), fx = r.nextInt(3), fy = r.nextInt(3);
            int[] batch = sizes(r, nb), contract = sizes(r, nc), freeX = sizes(r, fx), freeY = sizes(r, fy);
            // x's axes: batch, free, contracted, then permuted; y's: batch, contracted, free, permuted
            int[] px = permutation(r, nb + fx + nc), py = permutation(r, nb + nc + fy);
            int[] xLogical = concat(batch, freeX, contract), yLogical = concat(batch, contract, freeY);
            int[] xShape = new int[px.length], yShape = new int[py.length];
            for (int i = 0; i < px.length; i++) xShape[px[i]] = xLogical[i];   // logical axis i sits at px[i]
            for (int i = 0; i < py.length; i++) yShape[py[i]] = yLogical[i];
            int[] lb = Arrays.copyOfRange(px, 0, nb), lc = Arrays.copyOfRange(px, nb + fx, nb + fx + nc);
            int[] rb = Arrays.copyOfRange(py, 0, nb), rc = Arrays.copyOfRange(py, nb, nb + nc);
            int resultRank = nb + fx + fy;
            if (resultRank == 0) continue;
            List<Integer> summed = new ArrayList<>();
            for (int a = 0; a < resultRank; a++) if (r.nextInt(3) == 0) summed.add(a);
            if (summed.isEmpty()) summed.add(r.nextInt(resultRank));
            int[] axes = summed.stream().mapToInt(Integer::intValue).toArray();

            Builder b = new Builder();
            int x = b.input(0, "x", Type.f64(xShape)), y = b.input(1, "y", Type.f64(yShape));
            int p = b.dotGeneral(x, y, lb, rb, lc, rc);
            if (r.nextBoolean()) p = b.unary(Prim.NEG, p);
            Graph before = Verifier.verify(b.build(b.reduce(Prim.REDUCE_SUM, p, axes)));
            Graph after = Verifier.verify(Optimizer.optimize(before));
            assertEquals(before.type(before.output(0)), after.type(after.output(0)));
            String what = "x " + Arrays.toString(xShape) + " y " + Arrays.toString(yShape) + " lb " + Arrays.toString(lb)
                    + " rb " + Arrays.toString(rb) + " lc " + Arrays.toString(lc) + " rc " + Arrays.toString(rc) + " axes " + Arrays.toString(axes);
            assertClose(before, after, randomInputs(before, r), what);
            if (!Printer.print(after).equals(Printer.print(Optimizer.optimize(Verifier.verify(before))))) fail("not deterministic: " + what);
            if (productElements(after) < productElements(before)) fired++;
        }
        assertTrue(fired > 100, "the rule fired in " + fired + " of the trials");
    }

    /** The elements of the graph's dot_general results (the product shrinks when the rule fires). */
    private static long productElements(Graph g) {
        long n = 0;
        for (Node node : g.nodes()) if (node.prim() == Prim.DOT_GENERAL) n += node.type().size();
        return n;
    }

    /** |after − before| ≤ 1e-12 · (the same graph on |x|, |y|, i.e. Σ|x||y| per element) + 1e-300. */
    private static void assertClose(Graph before, Graph after, double[][] in, String what) {
        double[][] abs = new double[in.length][];
        for (int i = 0; i < in.length; i++) abs[i] = Arrays.stream(in[i]).map(Math::abs).toArray();
        double[] want = Interpreter.run(before, in)[0], got = Interpreter.run(after, in)[0], scale = Interpreter.run(before, abs)[0];
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            double tol = 1e-12 * Math.abs(scale[i]) + 1e-300;
            assertTrue(Math.abs(want[i] - got[i]) <= tol, what + " element " + i + ": " + want[i] + " became " + got[i] + " (tolerance " + tol + ")");
        }
    }

    private static double[][] randomInputs(Graph g, Random r) {
        double[][] in = new double[g.inputs().size()][];
        for (int i = 0; i < in.length; i++) {
            in[i] = new double[g.inputs().get(i).type().size()];
            for (int j = 0; j < in[i].length; j++) in[i][j] = r.nextDouble() * 2 - 1;
        }
        return in;
    }

    private static int[] sizes(Random r, int count) {
        int[] s = new int[count];
        for (int i = 0; i < count; i++) s[i] = 1 + r.nextInt(5);
        return s;
    }

    private static int[] permutation(Random r, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1), t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static int[] concat(int[] a, int[] b, int[] c) {
        int[] r = Arrays.copyOf(a, a.length + b.length + c.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        System.arraycopy(c, 0, r, a.length + b.length, c.length);
        return r;
    }
}
