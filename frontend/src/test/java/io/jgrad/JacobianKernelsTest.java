package io.jgrad;

import static io.jgrad.GradApiTest.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import io.jgrad.runtime.Workspace;
import org.junit.jupiter.api.Test;

/**
 * The Jacobian's kernels by their shape (codegen DerivedCode): reverse rows fused into one body
 * (up to 16 rows; one-element blocks stored straight into the caller's blocks, larger blocks
 * copied from scratch, one row written directly), reverse passes looping over a split plan (more
 * rows), forward passes (fewer columns than rows). Each against central finite differences in
 * float64 and against Compiled.vjp with one-hot seeds; and the unrolled argument checks with
 * their memo of the last blocks: errors are still caught after a successful call, blocks may
 * change from call to call, and a call with another set of blocks gets its own kernel.
 */
class JacobianKernelsTest {

    /** A function of x[3], y[2] and a scalar s with m outputs, each mixing every input (in x's dtype). */
    private static Tensor f(Tensor x, Tensor y, Tensor s, int m) {
        Tensor outer = x.reshape(3, 1).mul(y.reshape(1, 2)).reshape(6);   // x_i y_j
        Tensor base = outer.sin().add(outer.mul(s)).sum();
        Tensor out = null;
        for (int r = 0; r < m; r++) {
            double[] w = new double[6];
            for (int k = 0; k < 6; k++) w[k] = Math.cos(0.3 * r + 0.7 * k);
            Tensor e = outer.mul(Tensor.of(w).to(x.dtype())).tanh().sum().add(base.mul(0.1 * (r + 1))).mul(s);
            double[] unit = new double[m];
            unit[r] = 1;
            Tensor term = e.mul(Tensor.of(unit).to(x.dtype()));
            out = out == null ? term : out.add(term);
        }
        return out;
    }

    private static Compiled compile(int m) {
        return Grad.compile((x, y, s) -> f(x, y, s, m), Arg.of(3).dtype(DType.F64).named("x"), Arg.of(2).dtype(DType.F64).named("y"),
                Arg.scalar().dtype(DType.F64).named("s"));
    }

    private static final double[][] POINT = {{0.3, -0.8, 1.1}, {0.5, -0.4}, {0.9}};

    /** Every block requested, against finite differences and one-hot vjp rows. */
    private static void checkAll(int m, boolean withWorkspace) {
        Compiled c = compile(m);
        double[][] jac = {new double[m * 3], new double[m * 2], new double[m]};
        double[] out = new double[m];
        Workspace ws = c.newWorkspace();
        for (int call = 0; call < 3; call++) {   // the first call checks in full, the later ones through the memo
            if (withWorkspace) c.jacobian(ws, POINT, out, jac);
            else c.jacobian(POINT, out, jac);
        }
        double[] value = new double[m];
        c.forward(POINT, value);
        for (int q = 0; q < m; q++) assertEquals(value[q], out[q], 0.0, "value " + q);
        for (int i = 0; i < 3; i++) {
            int size = POINT[i].length;
            for (int k = 0; k < size; k++) {
                double h = 1e-6;
                double[][] plus = deepCopy(POINT), minus = deepCopy(POINT);
                plus[i][k] += h;
                minus[i][k] -= h;
                double[] fp = new double[m], fm = new double[m];
                c.forward(plus, fp);
                c.forward(minus, fm);
                for (int q = 0; q < m; q++) {
                    double fd = (fp[q] - fm[q]) / (2 * h);
                    assertEquals(fd, jac[i][q * size + k], 1e-7 * (1 + Math.abs(fd)), "m = " + m + ": d out[" + q + "] / d input " + i + "[" + k + "]");
                }
            }
        }
        for (int q = 0; q < m; q++) {
            double[] seed = new double[m];
            seed[q] = 1;
            double[][] grads = {new double[3], new double[2], new double[1]};
            c.vjp(POINT, seed, new double[m], grads);
            for (int i = 0; i < 3; i++)
                for (int k = 0; k < grads[i].length; k++)
                    assertEquals(grads[i][k], jac[i][q * grads[i].length + k], 1e-14 * (1 + Math.abs(grads[i][k])),
                            "m = " + m + ": row " + q + " of block " + i + " against vjp(e_" + q + ")");
        }
    }

    @Test
    void oneRowIsWrittenStraightIntoTheBlocks() {
        checkAll(1, true);
        checkAll(1, false);
    }

    @Test
    void fusedRowsCopyLargerBlocks() {
        checkAll(2, true);
        checkAll(5, false);
    }

    @Test
    void moreRowsThanColumnsUseForwardPasses() {
        checkAll(17, true);   // 17 rows, 3 + 2 + 1 = 6 columns
    }

    @Test
    void aTieIsReverseRows() {
        checkAll(6, false);
    }

    /** A function with 20 outputs of 30 scalar inputs: 20 reverse rows, past the fused limit, looped. */
    @Test
    void manyRowsOfScalarInputsLoop() {
        int n = 30, m = 20;
        Arg[] args = new Arg[n];
        for (int i = 0; i < n; i++) args[i] = Arg.scalar().dtype(DType.F64).named("p" + i);
        Compiled c = Grad.compile(ps -> {
            Tensor out = null;
            for (int r = 0; r < m; r++) {
                double[] unit = new double[m];
                unit[r] = 1;
                Tensor e = ps[r].mul(ps[r + 10]).sin().add(ps[(r * 7) % n].square());
                out = out == null ? e.mul(Tensor.of(unit)) : out.add(e.mul(Tensor.of(unit)));
            }
            return out;
        }, args);
        double[][] in = new double[n][], jac = new double[n][];
        for (int i = 0; i < n; i++) {
            in[i] = new double[] {0.1 * i - 1};
            jac[i] = new double[m];
        }
        double[] out = new double[m];
        c.jacobian(in, out, jac);
        c.jacobian(in, out, jac);
        for (int r = 0; r < m; r++)
            for (int i = 0; i < n; i++) {
                double want = 0;
                if (i == r) want += Math.cos(in[r][0] * in[r + 10][0]) * in[r + 10][0];
                if (i == r + 10) want += Math.cos(in[r][0] * in[r + 10][0]) * in[r][0];
                if (i == (r * 7) % n) want += 2 * in[i][0];
                assertEquals(want, jac[i][r], 1e-15, "d out[" + r + "] / d p" + i);
            }
    }

    @Test
    void theMemoizedChecksStillRejectBadCallsAfterGoodOnes() {
        Compiled c = compile(2);
        Workspace ws = c.newWorkspace();
        double[][] jac = {new double[6], new double[4], new double[2]};
        double[] out = new double[2];
        c.jacobian(ws, POINT, out, jac);
        c.jacobian(ws, POINT, out, jac);   // now through the memo
        // the same blocks, but the output is one of them
        rejects(() -> c.jacobian(ws, POINT, jac[2], jac), "same array as output");
        double[][] twice = {jac[0], jac[1], jac[2]};
        c.jacobian(ws, POINT, out, twice);   // the same arrays in a new outer array: fine
        double[][] sameBlock = {new double[6], new double[2], new double[2]};
        rejects(() -> c.jacobian(ws, POINT, out, sameBlock), "jacobian[1]", "length");
        double[] shared = new double[2];
        Compiled scalarInputs = Grad.compile((a, b) -> a.mul(b).mul(Tensor.of(1.0, 0.0)).add(a.sub(b).mul(Tensor.of(0.0, 1.0))),
                Arg.scalar().dtype(DType.F64).named("a"), Arg.scalar().dtype(DType.F64).named("b"));
        double[][] ab = {{2.0}, {3.0}}, good = {new double[2], new double[2]};
        scalarInputs.jacobian(ab, out, good);
        scalarInputs.jacobian(ab, out, good);
        rejects(() -> scalarInputs.jacobian(ab, out, new double[][] {shared, shared}), "jacobian[1]", "same array as jacobian[0]");
        rejects(() -> scalarInputs.jacobian(ab, out, new double[][] {good[0], new double[3]}), "jacobian[1]", "expected length 2, got 3");
        rejects(() -> scalarInputs.jacobian(ab, null, good), "output is null");
        rejects(() -> scalarInputs.jacobian(new double[][] {{2.0}, null}, out, good), "input 1 'b' is null");
        rejects(() -> scalarInputs.jacobian(ab, out, new double[][] {good[0], good[1], null}), "expected 2 arrays");
        // after all that, the good call still works and gives d(ab, a-b)/d(a, b) = [[3, 1], [2, -1]]
        scalarInputs.jacobian(ab, out, good);
        assertEquals(3.0, good[0][0]);
        assertEquals(1.0, good[0][1]);
        assertEquals(2.0, good[1][0]);
        assertEquals(-1.0, good[1][1]);
        // another set of blocks (b's not requested) is another kernel, and leaves the null alone
        double[][] onlyA = {new double[2], null};
        scalarInputs.jacobian(ab, out, onlyA);
        assertEquals(3.0, onlyA[0][0]);
        assertEquals(1.0, onlyA[0][1]);
        scalarInputs.jacobian(ab, out, good);
        assertEquals(2.0, good[1][0]);
        // new block arrays each call: checked in full each time, same numbers
        for (int k = 0; k < 3; k++) {
            double[][] fresh = {new double[2], new double[2]};
            scalarInputs.jacobian(ab, out, fresh);
            assertTrue(fresh[0][0] == 3.0 && fresh[1][1] == -1.0);
        }
    }

    /** The F32 kernels and their checks: the same Jacobian as F64 to float precision, through the memo, and its errors. */
    @Test
    void float32FusedRowsAndTheirChecks() {
        Compiled c = Grad.compile((x, y, s) -> f(x, y, s, 2), Arg.of(3).named("x"), Arg.of(2).named("y"), Arg.scalar().named("s"));
        Compiled d = compile(2);
        float[][] in = new float[3][];
        for (int i = 0; i < 3; i++) {
            in[i] = new float[POINT[i].length];
            for (int k = 0; k < in[i].length; k++) in[i][k] = (float) POINT[i][k];
        }
        double[][] exact = {new double[6], new double[4], new double[2]}, point = new double[3][];
        for (int i = 0; i < 3; i++) {
            point[i] = new double[in[i].length];
            for (int k = 0; k < in[i].length; k++) point[i][k] = in[i][k];   // the float point, in double
        }
        d.jacobian(point, new double[2], exact);
        float[][] jac = {new float[6], new float[4], new float[2]};
        float[] out = new float[2];
        Workspace ws = c.newWorkspace();
        for (int call = 0; call < 3; call++) {
            c.jacobian(ws, in, out, jac);
            for (int i = 0; i < 3; i++)
                for (int k = 0; k < jac[i].length; k++)
                    assertEquals(exact[i][k], jac[i][k], 1e-5 * (1 + Math.abs(exact[i][k])), "F32 block " + i + "[" + k + "], call " + call);
        }
        rejects(() -> c.jacobian(ws, in, jac[2], jac), "same array as output");
        rejects(() -> c.jacobian(ws, in, out, new float[][] {jac[0], jac[0], jac[2]}), "jacobian[1]", "expected length 4, got 6");
        rejects(() -> c.jacobian(ws, new float[][] {in[0], jac[2], in[2]}, out, jac), "jacobian[2]", "same array as input 1");
    }

    private static double[][] deepCopy(double[][] a) {
        double[][] b = new double[a.length][];
        for (int i = 0; i < a.length; i++) b[i] = a[i].clone();
        return b;
    }
}
