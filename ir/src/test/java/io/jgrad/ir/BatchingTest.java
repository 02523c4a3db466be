package io.jgrad.ir;

import static org.junit.jupiter.api.Assertions.*;

import io.jgrad.runtime.DType;
import java.util.EnumSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The batching rules (Batching, trailing lanes) and the batched forward-mode Jacobian
 * (Derivatives.jacobianColumns) on the seeded random programs, in float64:
 * <ul>
 *   <li>vmap: lane l of the batched graph equals the graph itself run on lane l's inputs, for
 *       every primitive (each is drawn with lanes on one operand, and on both where it has two);</li>
 *   <li>the Jacobian by batched columns equals the one by reverse rows (jacobianRows) and central
 *       finite differences, with chunks of 32 lanes and of 2 (more columns than a chunk).</li>
 * </ul>
 */
class BatchingTest {
    static final int PROGRAMS = 300;
    static final long FIRST_SEED = 9100;
    static final int LANES = 3;

    @Test
    void vmapAgreesWithEveryLaneRunAlone() {
        EnumSet<Prim> one = EnumSet.noneOf(Prim.class), both = EnumSet.noneOf(Prim.class);
        for (long s = FIRST_SEED; s < FIRST_SEED + PROGRAMS; s++) {
            RandomPrograms.Program p = RandomPrograms.generate(s, DType.F64);
            Random rng = new Random(s);
            checkVmap(s, p.forward(), p.inputs64(), rng, one, both);
            // the adjoint graph too: its rules bring pad and scatter_add (the VJPs of slice and gather)
            checkVmap(s, Adjoint.of(p.forward(), p.wrt(), p.vjpSeed64() != null), p.adjointInputs64(), rng, one, both);
        }
        EnumSet<Prim> all = EnumSet.allOf(Prim.class);
        all.removeAll(EnumSet.of(Prim.INPUT, Prim.CONST));
        EnumSet<Prim> missing = EnumSet.copyOf(all);
        missing.removeAll(one);
        assertTrue(missing.isEmpty(), "never batched: " + missing);
        for (Prim p : new Prim[] {Prim.ADD, Prim.MUL, Prim.MATMUL, Prim.DOT_GENERAL, Prim.CONCAT})
            assertTrue(both.contains(p), p + " never had lanes on two operands");
    }

    /** vmap of f with random inputs batched, each lane against f run alone on that lane's inputs (every output). */
    private static void checkVmap(long s, Graph f, double[][] x, Random rng, EnumSet<Prim> one, EnumSet<Prim> both) {
        int n = f.inputs().size();
        boolean[] batched = new boolean[n];
        for (int i = 0; i < n; i++) batched[i] = rng.nextBoolean();
        batched[rng.nextInt(n)] = true;
        Graph v = Verifier.verify(Batching.vmap(f, batched, LANES));
        record(f, batched, one, both);
        // lane 0 the program's own point, the other lanes the same point scaled a little
        // (each lane is checked against the same program at the same point, kinks or not)
        double[][][] lane = new double[LANES][n][];
        double[][] in = new double[n][];
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < LANES; l++) {
                lane[l][i] = x[i].clone();
                if (batched[i] && l > 0) for (int e = 0; e < x[i].length; e++) lane[l][i][e] *= 1 + 0.01 * l * (rng.nextDouble() - 0.5);
            }
            if (!batched[i]) {
                in[i] = x[i];
                continue;
            }
            in[i] = new double[x[i].length * LANES];
            for (int e = 0; e < x[i].length; e++)
                for (int l = 0; l < LANES; l++) in[i][e * LANES + l] = lane[l][i][e];
        }
        double[][] got = Interpreter.run(v, in);
        for (int l = 0; l < LANES; l++) {
            double[][] want = Interpreter.run(f, lane[l]);
            for (int o = 0; o < want.length; o++) {
                assertEquals(want[o].length * LANES, got[o].length, "seed " + s + " output " + o);
                for (int k = 0; k < want[o].length; k++) {
                    double g = got[o][k * LANES + l], w = want[o][k];
                    if (!(Double.compare(g, w) == 0 || Math.abs(g - w) <= 1e-13 * (1 + Math.abs(w))))
                        fail("seed " + s + ": output " + o + " lane " + l + " element " + k + ": vmap " + g + ", alone " + w + "\n" + Printer.print(f)
                                + "\nbatched inputs " + java.util.Arrays.toString(batched));
                }
            }
        }
    }

    /** Which primitives of f get lanes on some operand (one) and on two operands (both). */
    private static void record(Graph f, boolean[] batched, EnumSet<Prim> one, EnumSet<Prim> both) {
        boolean[] has = new boolean[f.size()];
        for (Node nd : f.nodes()) {
            if (nd.prim() == Prim.INPUT) {
                has[nd.id()] = batched[nd.inputIndex()];
                continue;
            }
            int c = 0;
            for (int a : nd.rawArgs()) if (has[a]) c++;
            has[nd.id()] = c > 0;
            if (c > 0) one.add(nd.prim());
            if (c > 1) both.add(nd.prim());
        }
    }

    @Test
    void columnsMatchReverseRowsAndFiniteDifferences() {
        int checked = 0, chunked = 0;
        EnumSet<Prim> tangentPrims = EnumSet.noneOf(Prim.class);
        for (long s = FIRST_SEED; s < FIRST_SEED + PROGRAMS; s++) {
            RandomPrograms.Program p = RandomPrograms.generate(s, DType.F64);
            int[] counts = checkColumns(s, p.forward(), p.inputs64(), p.wrt(), tangentPrims);
            checked += counts[0];
            chunked += counts[1];
            // the first gradient as a function of the inputs (a Hessian block): its tangents flow
            // through the adjoint's rules, scatter_add among them
            boolean seeded = p.vjpSeed64() != null;
            Graph adjoint = Adjoint.of(p.forward(), p.wrt(), seeded);
            Builder b = new Builder();
            for (Node nd : adjoint.nodes()) b.add(nd.prim(), nd.rawArgs(), nd.type(), nd.rawInts(), nd.rawData(), nd.name());
            Graph gradient = b.build(new int[] {adjoint.output(1)}, new String[] {"g"});
            boolean[] wrt2 = java.util.Arrays.copyOf(p.wrt(), gradient.inputs().size());   // not the seed
            counts = checkColumns(s, gradient, p.adjointInputs64(), wrt2, tangentPrims);
            checked += counts[0];
        }
        assertTrue(checked > PROGRAMS * 4, "checked " + checked);
        assertTrue(chunked > PROGRAMS / 4, "more columns than lanes in only " + chunked + " programs");
        // the tangent part reaches the structural and linear primitives, each under its batching rule
        // (not concat: its tangent is a sum of pads, the transpose of its VJP's slices; not div:
        // its F64 rules multiply ḡ by 1/b, so no tangent passes a quotient; vmap covers both)
        for (Prim p : new Prim[] {Prim.ADD, Prim.SUB, Prim.NEG, Prim.MUL, Prim.SELECT, Prim.CONVERT, Prim.BROADCAST,
                Prim.RESHAPE, Prim.TRANSPOSE, Prim.SLICE, Prim.PAD, Prim.GATHER, Prim.SCATTER_ADD,
                Prim.REDUCE_SUM, Prim.MATMUL, Prim.DOT_GENERAL})
            assertTrue(tangentPrims.contains(p), p + " carries no tangent in any program; seen " + tangentPrims);
    }

    @Test
    void moreColumnsThanOneChunk() {
        // f(x, y) = sin(x) ⊗ y + x·sum(y): 40 + 3 columns, 120 rows, chunks of 32 lanes (two of 22 and 21)
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f64(40)), y = b.input(1, "y", Type.f64(3));
        int outer = b.binary(Prim.MUL, b.broadcast(b.reshape(b.unary(Prim.SIN, x), 40, 1), 40, 3), b.broadcast(y, 40, 3));
        int sumY = b.reduce(Prim.REDUCE_SUM, y, 0);
        int out = b.binary(Prim.ADD, outer, b.broadcast(b.reshape(b.binary(Prim.MUL, x, b.broadcast(sumY, 40)), 40, 1), 40, 3));
        Graph f = b.build(b.reshape(out, 120));
        double[] xs = new double[40], ys = {0.5, -1.25, 2};
        for (int k = 0; k < 40; k++) xs[k] = 0.1 * k - 2;
        double[][] cols = Interpreter.run(Optimizer.optimize(Derivatives.jacobianColumns(f, new boolean[] {true, true}, 32)), new double[][] {xs, ys});
        double sy = 0.5 - 1.25 + 2;
        for (int i = 0; i < 40; i++)
            for (int j = 0; j < 3; j++) {
                int q = 3 * i + j;
                for (int e = 0; e < 40; e++)
                    assertEquals(e == i ? Math.cos(xs[i]) * ys[j] + sy : 0, cols[1][q * 40 + e], 1e-15, "d out[" + q + "] / dx[" + e + "]");
                for (int e = 0; e < 3; e++)
                    assertEquals((e == j ? Math.sin(xs[i]) : 0) + xs[i], cols[2][q * 3 + e], 1e-15, "d out[" + q + "] / dy[" + e + "]");
            }
    }

    @Test
    void padSumsThatTileAnAxisBecomeOneConcatenation() {
        // pad(a, 0, 5) + pad(b, 2, 2) + pad(c, 5, 0) along axis 1 of [2, 6]: a gap at 1 (zeros)
        Builder b = new Builder();
        int a = b.input(0, "a", Type.f64(2, 1)), bb = b.input(1, "b", Type.f64(2, 2)), c = b.input(2, "c", Type.f64(2, 1));
        int sum = b.binary(Prim.ADD, b.binary(Prim.ADD, b.pad(a, 1, 0, 5), b.pad(bb, 1, 2, 2)), b.pad(c, 1, 5, 0));
        // overlapping pads (rows 0..2 and 1..3 of axis 0) stay a sum
        int overlap = b.binary(Prim.ADD, b.pad(bb, 0, 0, 1), b.pad(bb, 0, 1, 0));
        Graph g = b.build(new int[] {sum, overlap}, new String[] {"s", "o"});
        Graph r = Verifier.verify(DeadCodeElimination.run(PadSums.run(g)));
        long concats = r.nodes().stream().filter(nd -> nd.prim() == Prim.CONCAT).count();
        long pads = r.nodes().stream().filter(nd -> nd.prim() == Prim.PAD).count();
        assertEquals(1, concats, Printer.print(r));
        assertEquals(2, pads, "the overlapping pads stay\n" + Printer.print(r));
        double[][] in = {{1, 2}, {3, 4, 5, 6}, {7, 8}};
        double[][] want = Interpreter.run(g, in), got = Interpreter.run(r, in);
        assertArrayEquals(new double[] {1, 0, 3, 4, 0, 7, 2, 0, 5, 6, 0, 8}, want[0]);
        assertArrayEquals(want[0], got[0]);
        assertArrayEquals(want[1], got[1]);
    }

    @Test
    void refusesNonPositiveLanes() {
        Builder b = new Builder();
        Graph f = b.build(b.unary(Prim.SIN, b.input(0, "x", Type.f64(2))));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Derivatives.jacobianColumns(f, new boolean[] {true}, 0));
        assertTrue(e.getMessage().contains("maxLanes"), e.getMessage());
    }

    /** Columns (chunks of 32 and of 2 lanes) against reverse rows and finite differences; [elements checked, 1 if chunked]. */
    private static int[] checkColumns(long s, Graph f, double[][] x, boolean[] wrt, EnumSet<Prim> tangentPrims) {
        int checked = 0, chunked = 0;
        tangentPrims.addAll(tangentPrimitives(Optimizer.optimize(Derivatives.jvp(f, wrt)), f.inputs().size()));
        // every value in double (runF64); a program converting to f32 on the way still has the
        // constants the optimiser folded in f32 inside the columns' graph
        double close = f.nodes().stream().anyMatch(nd -> nd.type().dtype() == DType.F32) ? 1e-5 : 1e-12;
        int m = f.type(f.output(0)).size();
        double[][] rows = Interpreter.runF64(Derivatives.jacobianRows(f, wrt), x);
        int blocks = rows.length == 1 ? 0 : (rows.length - 1) / m;
        int columns = 0;
        for (int i = 0; i < x.length; i++) if (wrt[i]) columns += x[i].length;
        for (int lanes : new int[] {32, 2}) {
            Graph cg = Verifier.verify(Derivatives.jacobianColumns(f, wrt, lanes));
            double[][] cols = Interpreter.runF64(Optimizer.optimize(cg), x);
            if (columns > lanes) chunked++;
            assertArrayEquals(Interpreter.runF64(f, x)[0], cols[0], close, "seed " + s + ": value");
            for (int i = 0, j = 0; i < x.length; i++) {
                if (!wrt[i]) continue;
                int size = x[i].length;
                double[] block = cols[1 + j];
                assertEquals(m * size, block.length, "seed " + s + ": block " + j);
                for (int e = 0; e < size; e++) {
                    double h = 1e-6;
                    double[][] up = copy(x), down = copy(x);
                    up[i][e] += h;
                    down[i][e] -= h;
                    double[] fu = Interpreter.runF64(f, up)[0], fd = Interpreter.runF64(f, down)[0];
                    for (int q = 0; q < m; q++) {
                        double c = block[q * size + e], r = rows[1 + q * blocks + j][e];
                        if (!(Math.abs(c - r) <= close * (1 + Math.abs(r))))
                            fail("seed " + s + " lanes " + lanes + ": d out[" + q + "] / d in" + i + "[" + e + "]: columns " + c + ", rows " + r + "\n" + Printer.print(f));
                        double diff = (fu[q] - fd[q]) / (2 * h);
                        double tol = 1e-5 * (1 + Math.abs(c)) + 1e-13 * (1 + Math.abs(fu[q]) + Math.abs(fd[q])) / h;
                        if (!(Math.abs(diff - c) <= tol))
                            fail("seed " + s + ": d out[" + q + "] / d in" + i + "[" + e + "] = " + c + ", finite differences " + diff + "\n" + Printer.print(f));
                        checked++;
                    }
                }
                j++;
            }
        }
        return new int[] {checked, chunked > 0 ? 1 : 0};
    }

    /** The primitives of an optimised jvp graph that depend on a tangent (inputs from n up). */
    private static EnumSet<Prim> tangentPrimitives(Graph jvp, int n) {
        EnumSet<Prim> seen = EnumSet.noneOf(Prim.class);
        boolean[] t = new boolean[jvp.size()];
        for (Node nd : jvp.nodes()) {
            if (nd.prim() == Prim.INPUT) {
                t[nd.id()] = nd.inputIndex() >= n;
                continue;
            }
            for (int a : nd.rawArgs()) t[nd.id()] |= t[a];
            if (t[nd.id()]) seen.add(nd.prim());
        }
        return seen;
    }

    private static double[][] copy(double[][] x) {
        double[][] c = new double[x.length][];
        for (int i = 0; i < x.length; i++) c[i] = x[i].clone();
        return c;
    }
}
