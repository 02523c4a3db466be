package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import io.jgrad.runtime.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The structural Jacobian pattern (Sparsity) and the coloured forward columns
 * (ColumnColouring, Derivatives.jacobianColumns with Columns.COLOURED):
 * <ul>
 *   <li>the pattern of small functions against patterns derived by hand (a chain with a zero
 *       factor, broadcasting, matmul with a constant holding zeros, two differentiated matmul
 *       operands, a batched dot_general, gather, slice and concat, a reduction, scatter_add);</li>
 *   <li>on the seeded random programs and on random sparse functions: every entry of the true
 *       Jacobian (reverse rows) that is not zero is in the pattern, the colouring is valid (no
 *       row can depend on two columns of one colour), and the coloured columns equal the dense
 *       ones (one lane per column) exactly;</li>
 *   <li>colouring compresses where it should: the sparse functions use fewer lanes than columns.</li>
 * </ul>
 */
class SparsityTest {

    /** The analysis of f's forward-mode graph as jacobianColumns makes it; rows × columns as booleans. */
    private static boolean[][] pattern(Graph f, boolean[] wrt) {
        Sparsity s = analyse(f, wrt);
        assertNotNull(s, "the analysis refused\n" + Printer.print(f));
        int columns = columns(f, wrt);
        boolean[][] p = new boolean[s.rows()][columns];
        for (int r = 0; r < s.rows(); r++) for (int c = 0; c < columns; c++) p[r][c] = s.at(r, c);
        return p;
    }

    private static Sparsity analyse(Graph f, boolean[] wrt) {
        Graph jvp = DeadCodeElimination.run(PadSums.run(Optimizer.optimize(Derivatives.jvp(f, wrt))));
        return Sparsity.of(jvp, f.inputs().size(), offsets(f, wrt), jvp.output(1));
    }

    private static int[] offsets(Graph f, boolean[] wrt) {
        List<Integer> sizes = new ArrayList<>();
        for (Node in : f.inputs()) if (wrt[in.inputIndex()]) sizes.add(in.type().size());
        int[] offset = new int[sizes.size() + 1];
        for (int j = 0; j < sizes.size(); j++) offset[j + 1] = offset[j] + sizes.get(j);
        return offset;
    }

    private static int columns(Graph f, boolean[] wrt) {
        int[] o = offsets(f, wrt);
        return o[o.length - 1];
    }

    /** A pattern from rows of column lists. */
    private static boolean[][] expected(int columns, int[]... rows) {
        boolean[][] p = new boolean[rows.length][columns];
        for (int r = 0; r < rows.length; r++) for (int c : rows[r]) p[r][c] = true;
        return p;
    }

    private static void assertPattern(boolean[][] want, boolean[][] got) {
        assertEquals(want.length, got.length, "rows");
        for (int r = 0; r < want.length; r++)
            assertArrayEquals(want[r], got[r], "row " + r + ": want " + Arrays.toString(want[r]) + ", got " + Arrays.toString(got[r]));
    }

    @Test
    void chainWithAZeroFactor() {
        // y = exp(sin(x)) · [1, 0, 2]: diagonal, row 1 structurally zero
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f64(3));
        Graph f = b.build(b.binary(Prim.MUL, b.unary(Prim.EXP, b.unary(Prim.SIN, x)), b.constant(Type.f64(3), 1, 0, 2)));
        assertPattern(expected(3, new int[] {0}, new int[] {}, new int[] {2}), pattern(f, new boolean[] {true}));
    }

    @Test
    void broadcasting() {
        // z[i, j] = x[j] + y[0]·x[j]: row (i, j) depends on x_j and y_0 (columns 0..2 x, 3 y)
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f64(3)), y = b.input(1, "y", Type.f64(1));
        int xb = b.broadcast(x, 2, 3), yb = b.broadcast(y, 2, 3);
        Graph f = b.build(b.reshape(b.binary(Prim.ADD, xb, b.binary(Prim.MUL, yb, xb)), 6));
        int[] j0 = {0, 3}, j1 = {1, 3}, j2 = {2, 3};
        assertPattern(expected(4, j0, j1, j2, j0, j1, j2), pattern(f, new boolean[] {true, true}));
        // only x differentiated: y is data
        assertPattern(expected(3, new int[] {0}, new int[] {1}, new int[] {2}, new int[] {0}, new int[] {1}, new int[] {2}),
                pattern(f, new boolean[] {true, false}));
    }

    @Test
    void matmulWithAConstantHoldingZeros() {
        // out = A[2, 3] · B, B = [[1, 0], [0, 0], [2, 3]]: out[i, 0] reads A[i, 0] and A[i, 2], out[i, 1] only A[i, 2]
        Builder b = new Builder();
        int a = b.input(0, "a", Type.f64(2, 3));
        Graph f = b.build(b.reshape(b.binary(Prim.MATMUL, b.unary(Prim.SIN, a), b.constant(Type.f64(3, 2), 1, 0, 0, 0, 2, 3)), 4));
        assertPattern(expected(6, new int[] {0, 2}, new int[] {2}, new int[] {3, 5}, new int[] {5}), pattern(f, new boolean[] {true}));
    }

    @Test
    void matmulOfTwoDifferentiatedOperands() {
        // out[i, j] = Σ_k A[i, k]·B[k, j]: row (i, j) depends on A's row i (columns 2i, 2i+1) and B's column j (4 + j, 6 + j)
        Builder b = new Builder();
        int a = b.input(0, "a", Type.f64(2, 2)), c = b.input(1, "b", Type.f64(2, 2));
        Graph f = b.build(b.reshape(b.binary(Prim.MATMUL, a, c), 4));
        assertPattern(expected(8, new int[] {0, 1, 4, 6}, new int[] {0, 1, 5, 7}, new int[] {2, 3, 4, 6}, new int[] {2, 3, 5, 7}),
                pattern(f, new boolean[] {true, true}));
    }

    @Test
    void batchedDotGeneral() {
        // out[b, i, j] = Σ_k x[b, i, k]·y[b, k, j], x [2, 1, 2], y [2, 2, 1]: row b depends on x[b, 0, :] and y[b, :, 0]
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f64(2, 1, 2)), y = b.input(1, "y", Type.f64(2, 2, 1));
        Graph f = b.build(b.reshape(b.dotGeneral(x, y, new int[] {0}, new int[] {0}, new int[] {2}, new int[] {1}), 2));
        assertPattern(expected(8, new int[] {0, 1, 4, 5}, new int[] {2, 3, 6, 7}), pattern(f, new boolean[] {true, true}));
    }

    @Test
    void gatherSliceConcatAndReduce() {
        // out = concat(gather(x, [4, 0, 4]), slice(x, 1, 3), sum(x[0:2]) ) · cos: [x4, x0, x4, x1, x2, x0 + x1]
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f64(5));
        int s = b.reshape(b.reduce(Prim.REDUCE_SUM, b.slice(x, 0, 0, 2), 0), 1);
        int cat = b.concat(0, b.gather(x, 0, 4, 0, 4), b.slice(x, 0, 1, 3), s);
        Graph f = b.build(b.binary(Prim.MUL, cat, b.unary(Prim.COS, cat)));
        assertPattern(expected(5, new int[] {4}, new int[] {0}, new int[] {4}, new int[] {1}, new int[] {2}, new int[] {0, 1}),
                pattern(f, new boolean[] {true}));
    }

    @Test
    void scatterAddAndPad() {
        // scatter_add(x, size 4, [2, 0, 2]) = [x1, 0, x0 + x2, 0], then padded with a zero on each side
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f64(3));
        int sc = b.apply(Prim.SCATTER_ADD, new int[] {b.unary(Prim.SIN, x)}, null, new int[] {0, 4, 2, 0, 2}, null);
        Graph f = b.build(b.pad(sc, 0, 1, 1));
        assertPattern(expected(3, new int[] {}, new int[] {1}, new int[] {}, new int[] {0, 2}, new int[] {}, new int[] {}),
                pattern(f, new boolean[] {true}));
    }

    @Test
    void refusesATangentTimesATangent() {
        // the analysis covers linear tangents only; a graph it cannot read gives null (dense lanes stay)
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f64(2)), t = b.input(1, "t", Type.f64(2));
        Graph jvp = b.build(new int[] {x, b.binary(Prim.MUL, t, t)}, new String[] {"v", "jvp"});
        assertNull(Sparsity.of(jvp, 1, new int[] {0, 2}, jvp.output(1)));
    }

    // ------------------------------------------------------------------ random functions

    @Test
    void randomProgramsPatternHoldsTheJacobianAndColouredEqualsDense() {
        int analysed = 0;
        for (long s = 9100; s < 9400; s++) {
            RandomPrograms.Program p = RandomPrograms.generate(s, DType.F64);
            if (check(s, p.forward(), p.inputs64(), p.wrt())) analysed++;
        }
        assertTrue(analysed > 250, "the analysis covered only " + analysed + " of 300 programs");
    }

    @Test
    void randomSparseFunctionsCompress() {
        int compressed = 0;
        for (long s = 1; s <= 200; s++) {
            Random rng = new Random(s);
            int n = 4 + rng.nextInt(30);
            Graph f = sparse(rng, n);
            double[][] x = {gaussian(rng, n), gaussian(rng, 3)};
            boolean[] wrt = {true, rng.nextBoolean()};
            assertTrue(check(s, f, x, wrt), "seed " + s + ": the analysis refused\n" + Printer.print(f));
            ColumnColouring c = ColumnColouring.of(analyse(f, wrt), columns(f, wrt), 32, 8);
            if (c != null && c.colours() < columns(f, wrt)) compressed++;
        }
        assertTrue(compressed > 150, "only " + compressed + " of 200 sparse functions took fewer lanes than columns");
    }

    /**
     * A random function of x [n] (and a small dense y [3]) built from few-input pieces: gathers
     * of random elements, products with constants holding zeros, a sparse constant matmul,
     * elementwise functions, sums of two pieces; every output element reads few of x's.
     */
    private static Graph sparse(Random rng, int n) {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f64(n)), y = b.input(1, "y", Type.f64(3));
        List<Integer> values = new ArrayList<>(List.of(x));
        int steps = 3 + rng.nextInt(5);
        for (int k = 0; k < steps; k++) {
            int v = values.get(rng.nextInt(values.size()));
            int size = b.type(v).size();
            int r = switch (rng.nextInt(6)) {
                case 0 -> {
                    int[] idx = new int[1 + rng.nextInt(2 * n)];
                    for (int i = 0; i < idx.length; i++) idx[i] = rng.nextInt(size);
                    yield b.gather(v, 0, idx);
                }
                case 1 -> {
                    double[] c = new double[size];
                    for (int i = 0; i < size; i++) c[i] = rng.nextInt(3) == 0 ? 0 : rng.nextGaussian();
                    yield b.binary(Prim.MUL, v, b.constant(Type.f64(size), c));
                }
                case 2 -> {
                    int out = 1 + rng.nextInt(n);
                    double[] c = new double[size * out];
                    for (int i = 0; i < c.length; i++) c[i] = rng.nextInt(5) == 0 ? rng.nextGaussian() : 0;
                    yield b.reshape(b.binary(Prim.MATMUL, b.reshape(v, 1, size), b.constant(Type.f64(size, out), c)), out);
                }
                case 3 -> b.unary(rng.nextBoolean() ? Prim.SIN : Prim.TANH, v);
                case 4 -> {
                    int w = values.get(rng.nextInt(values.size()));
                    int[] idx = new int[size];
                    for (int i = 0; i < size; i++) idx[i] = rng.nextInt(b.type(w).size());
                    yield b.binary(Prim.ADD, v, b.binary(Prim.MUL, b.gather(w, 0, idx), b.gather(w, 0, idx)));
                }
                default -> {
                    // a few elements scaled by the dense y
                    int[] idx = new int[size];
                    for (int i = 0; i < size; i++) idx[i] = rng.nextInt(3);
                    yield b.binary(Prim.MUL, v, b.gather(y, 0, idx));
                }
            };
            values.add(r);
        }
        return b.build(values.get(values.size() - 1));
    }

    /**
     * For f at x: the pattern holds every nonzero entry of the reverse-rows Jacobian, the
     * colouring is valid, and coloured columns (chunks of 32 and of 2 lanes) equal dense ones
     * exactly (-0.0 and 0.0 alike). False when the analysis refused (nothing else checked).
     */
    private static boolean check(long seed, Graph f, double[][] x, boolean[] wrt) {
        Sparsity s = analyse(f, wrt);
        if (s == null) return false;
        int m = f.type(f.output(0)).size(), columns = columns(f, wrt);
        double[][] rows = Interpreter.runF64(Derivatives.jacobianRows(f, wrt), x);
        int blocks = (rows.length - 1) / m;
        int[] offset = offsets(f, wrt);
        for (int r = 0; r < m; r++)
            for (int j = 0; j < blocks; j++)
                for (int e = 0; e < offset[j + 1] - offset[j]; e++) {
                    double v = rows[1 + r * blocks + j][e];
                    if (v != 0 && !Double.isNaN(v) && !s.at(r, offset[j] + e))
                        fail("seed " + seed + ": d out[" + r + "] / column " + (offset[j] + e) + " = " + v + " is outside the pattern\n" + Printer.print(f));
                }
        int[] colour = ColumnColouring.colour(s, columns);
        for (int r = 0; r < m; r++) {
            int[] seen = new int[columns + 1];
            Arrays.fill(seen, -1);
            for (int c = 0; c < columns; c++) {
                if (!s.at(r, c)) continue;
                if (seen[colour[c]] >= 0) fail("seed " + seed + ": row " + r + " depends on columns " + seen[colour[c]] + " and " + c + " of one colour");
                seen[colour[c]] = c;
            }
        }
        for (int lanes : new int[] {32, 2}) {
            double[][] dense = Interpreter.runF64(Optimizer.optimize(Derivatives.jacobianColumns(f, wrt, lanes, Integer.MAX_VALUE, Derivatives.Columns.DENSE)), x);
            double[][] coloured = Interpreter.runF64(Optimizer.optimize(Derivatives.jacobianColumns(f, wrt, lanes, Integer.MAX_VALUE, Derivatives.Columns.COLOURED)), x);
            assertEquals(dense.length, coloured.length);
            for (int o = 0; o < dense.length; o++)
                for (int k = 0; k < dense[o].length; k++)
                    if (!(dense[o][k] == coloured[o][k] || Double.isNaN(dense[o][k]) && Double.isNaN(coloured[o][k])))
                        fail("seed " + seed + " lanes " + lanes + ": output " + o + " element " + k + ": dense " + dense[o][k] + ", coloured " + coloured[o][k]
                                + "\n" + Printer.print(f));
        }
        return true;
    }

    private static double[] gaussian(Random rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextGaussian();
        return v;
    }
}
