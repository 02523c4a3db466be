package io.jgrad.codegen;

import io.jgrad.ir.Adjoint;
import io.jgrad.ir.Derivatives;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Optimizer;
import io.jgrad.ir.Printer;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import io.jgrad.runtime.Workspace;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The lazily generated kernels of jvp, jacobian and hvp on random functions through the real
 * pipeline, in F32 and F64, against the IR Interpreter running the same derived graphs
 * (Derivatives.jvp / hvp, Adjoint.of with one-hot seeds): bit-identical, or within the code
 * generator's documented summation tolerance (Harness / F64Harness.compareInterpreter). Every
 * call runs with and without a Workspace and must give the same bits; blocks and arrays that
 * are not requested are left alone. 300 functions per dtype by default ({@code -Djgrad.fuzz=N}).
 */
class DerivedKernelTest {

    @Test
    void f64KernelsMatchTheInterpreter() {
        fuzz(DType.F64, 9_100_000L);
    }

    @Test
    void f32KernelsMatchTheInterpreter() {
        fuzz(DType.F32, 9_200_000L);
    }

    private static void fuzz(DType dtype, long base) {
        int count = Math.min(300, Integer.getInteger("jgrad.fuzz", 300));
        int failures = 0;
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < count; i++) {
            long seed = base + i;
            RandomPrograms rp = new RandomPrograms(seed, dtype);
            CompileRequest req = F64DifferentialTest.pipelineRequest(rp);
            String err;
            try {
                Compiled c = CodeGen.compile(req);
                err = dtype == DType.F64 ? check64(rp, req, c, new Random(seed)) : check32(rp, req, c, new Random(seed));
            } catch (Throwable t) {
                StringBuilder sb = new StringBuilder(t.toString());
                for (StackTraceElement e : Arrays.copyOf(t.getStackTrace(), Math.min(12, t.getStackTrace().length))) sb.append("\n  at ").append(e);
                err = sb.toString();
            }
            if (err != null && ++failures <= 3)
                report.append("\n--- seed ").append(seed).append(": ").append(err).append("\nforward:\n").append(Printer.print(req.forward));
        }
        if (failures > 0) fail(failures + " of " + count + " " + dtype + " functions disagree:" + report);
    }

    // ---------------------------------------------------------------- F64

    private static String check64(RandomPrograms rp, CompileRequest req, Compiled c, Random rnd) {
        int n = req.inputCount();
        double[][] in = rp.inputsF64(false);
        int m = Type.f64(rp.outputShape).size();
        Workspace ws = c.newWorkspace();

        // jvp: some tangents null (zero)
        double[][] tangents = new double[n][];
        for (int i = 0; i < n; i++) if (rnd.nextInt(4) != 0) tangents[i] = gaussian(rnd, in[i].length);
        double[] out = F64Harness.sentinel(m), tan = F64Harness.sentinel(m), out2 = F64Harness.sentinel(m), tan2 = F64Harness.sentinel(m);
        c.jvp(in, tangents, out, tan);
        c.jvp(ws, in, tangents, out2, tan2);
        if (!Arrays.equals(out, out2) || !Arrays.equals(tan, tan2)) return "jvp differs with and without a workspace";
        Graph jvp = Optimizer.optimize(Derivatives.jvp(req.forward, req.requiresGrad));
        double[][] jin = withExtras(in, tangents, req.requiresGrad);
        String e = F64Harness.compareInterpreter("jvp", out, jvp, 0, jin);
        if (e == null) e = F64Harness.compareInterpreter("jvp", tan, jvp, 1, jin);
        if (e != null) return e;

        // jacobian of a random subset of the blocks
        double[][] jac = new double[n][];
        boolean[] blocks = new boolean[n];
        int forwardPasses = 0;
        for (int i = 0; i < n; i++) {
            if (rnd.nextInt(3) == 0) continue;
            jac[i] = F64Harness.sentinel(m * in[i].length);
            if (req.requiresGrad[i]) {
                blocks[i] = true;
                forwardPasses += in[i].length;
            }
        }
        double[][] jac2 = F64Harness.deepCopy(jac);
        double[] jout = F64Harness.sentinel(m), jout2 = F64Harness.sentinel(m);
        c.jacobian(in, jout, jac);
        c.jacobian(ws, in, jout2, jac2);
        if (!Arrays.equals(jout, jout2)) return "jacobian value differs with and without a workspace";
        for (int i = 0; i < n; i++) if (!Arrays.equals(jac[i], jac2[i])) return "jacobian block " + i + " differs with and without a workspace";
        e = F64Harness.compareInterpreter("jacobian value", jout, req.forward, 0, in);
        if (e != null) return e;
        for (int i = 0; i < n; i++)
            if (jac[i] != null && !blocks[i] && !Arrays.equals(jac[i], F64Harness.sentinel(jac[i].length)))
                return "jacobian wrote the block of input " + i + ", which does not require grad";
        if (m <= forwardPasses) {
            Graph vjp = Optimizer.optimize(Adjoint.of(req.forward, blocks, true));
            for (int r = 0; r < m; r++) {
                double[][] vin = Arrays.copyOf(in, n + 1);
                vin[n] = new double[m];
                vin[n][r] = 1;
                for (int i = 0, k = 1; i < n; i++) {
                    if (!blocks[i]) continue;
                    double[] row = Arrays.copyOfRange(jac[i], r * in[i].length, (r + 1) * in[i].length);
                    e = F64Harness.compareInterpreter("jacobian row " + r, row, vjp, k++, vin);
                    if (e != null) return e;
                }
            }
        } else {
            Graph fwd = Optimizer.optimize(Derivatives.jvp(req.forward, blocks));
            for (int i = 0; i < n; i++) {
                if (!blocks[i]) continue;
                for (int col = 0; col < in[i].length; col++) {
                    double[][] t = new double[n][];
                    for (int j = 0; j < n; j++) if (blocks[j]) t[j] = new double[in[j].length];
                    t[i][col] = 1;
                    double[] column = new double[m];
                    for (int q = 0; q < m; q++) column[q] = jac[i][q * in[i].length + col];
                    e = F64Harness.compareInterpreter("jacobian column " + i + "/" + col, column, fwd, 1, withExtras(in, t, blocks));
                    if (e != null) return e;
                }
            }
        }

        // hvp (scalar outputs)
        double[][] v = new double[n][], hv = new double[n][];
        for (int i = 0; i < n; i++) {
            if (rnd.nextInt(5) != 0) v[i] = gaussian(rnd, in[i].length);
            if (req.requiresGrad[i]) hv[i] = F64Harness.sentinel(in[i].length);
        }
        if (rp.outputShape.length != 0) {
            double[][] before = F64Harness.deepCopy(hv);
            IllegalStateException x = assertThrows(IllegalStateException.class, () -> c.hvp(in, v, hv));
            assertTrue(x.getMessage().contains("scalar"), x.getMessage());
            for (int i = 0; i < n; i++) assertArrayEquals(before[i], hv[i]);
            return null;
        }
        double[][] hv2 = F64Harness.deepCopy(hv);
        c.hvp(in, v, hv);
        c.hvp(ws, in, v, hv2);
        for (int i = 0; i < n; i++) if (!Arrays.equals(hv[i], hv2[i])) return "hvp differs with and without a workspace";
        Graph hvp = Optimizer.optimize(Derivatives.hvp(req.forward, req.requiresGrad, DerivedCode.HVP_MODE));
        double[][] hin = withExtras(in, v, req.requiresGrad);
        for (int i = 0, k = 1; i < n; i++) {
            if (!req.requiresGrad[i]) continue;
            e = F64Harness.compareInterpreter("hvp", hv[i], hvp, k++, hin);
            if (e != null) return e;
        }
        return null;
    }

    // ---------------------------------------------------------------- F32

    private static String check32(RandomPrograms rp, CompileRequest req, Compiled c, Random rnd) {
        int n = req.inputCount();
        float[][] in = rp.inputs(false);
        int m = Type.f32(rp.outputShape).size();
        Workspace ws = c.newWorkspace();

        float[][] tangents = new float[n][];
        for (int i = 0; i < n; i++) if (rnd.nextInt(4) != 0) tangents[i] = gaussianF(rnd, in[i].length);
        float[] out = Harness.sentinel(m), tan = Harness.sentinel(m), out2 = Harness.sentinel(m), tan2 = Harness.sentinel(m);
        c.jvp(in, tangents, out, tan);
        c.jvp(ws, in, tangents, out2, tan2);
        if (!Arrays.equals(out, out2) || !Arrays.equals(tan, tan2)) return "jvp differs with and without a workspace";
        Graph jvp = Optimizer.optimize(Derivatives.jvp(req.forward, req.requiresGrad));
        float[][] jin = withExtras(in, tangents, req.requiresGrad);
        String e = Harness.compareInterpreter("jvp", out, jvp, 0, jin);
        if (e == null) e = Harness.compareInterpreter("jvp", tan, jvp, 1, jin);
        if (e != null) return e;

        float[][] jac = new float[n][];
        boolean[] blocks = new boolean[n];
        int forwardPasses = 0;
        for (int i = 0; i < n; i++) {
            if (rnd.nextInt(3) == 0) continue;
            jac[i] = Harness.sentinel(m * in[i].length);
            if (req.requiresGrad[i]) {
                blocks[i] = true;
                forwardPasses += in[i].length;
            }
        }
        float[][] jac2 = Harness.deepCopy(jac);
        float[] jout = Harness.sentinel(m), jout2 = Harness.sentinel(m);
        c.jacobian(in, jout, jac);
        c.jacobian(ws, in, jout2, jac2);
        if (!Arrays.equals(jout, jout2)) return "jacobian value differs with and without a workspace";
        for (int i = 0; i < n; i++) if (!Arrays.equals(jac[i], jac2[i])) return "jacobian block " + i + " differs with and without a workspace";
        e = Harness.compareInterpreter("jacobian value", jout, req.forward, 0, in);
        if (e != null) return e;
        for (int i = 0; i < n; i++)
            if (jac[i] != null && !blocks[i] && !Arrays.equals(jac[i], Harness.sentinel(jac[i].length)))
                return "jacobian wrote the block of input " + i + ", which does not require grad";
        if (m <= forwardPasses) {
            Graph vjp = Optimizer.optimize(Adjoint.of(req.forward, blocks, true));
            for (int r = 0; r < m; r++) {
                float[][] vin = Arrays.copyOf(in, n + 1);
                vin[n] = new float[m];
                vin[n][r] = 1;
                for (int i = 0, k = 1; i < n; i++) {
                    if (!blocks[i]) continue;
                    float[] row = Arrays.copyOfRange(jac[i], r * in[i].length, (r + 1) * in[i].length);
                    e = Harness.compareInterpreter("jacobian row " + r, row, vjp, k++, vin);
                    if (e != null) return e;
                }
            }
        } else {
            Graph fwd = Optimizer.optimize(Derivatives.jvp(req.forward, blocks));
            for (int i = 0; i < n; i++) {
                if (!blocks[i]) continue;
                for (int col = 0; col < in[i].length; col++) {
                    float[][] t = new float[n][];
                    for (int j = 0; j < n; j++) if (blocks[j]) t[j] = new float[in[j].length];
                    t[i][col] = 1;
                    float[] column = new float[m];
                    for (int q = 0; q < m; q++) column[q] = jac[i][q * in[i].length + col];
                    e = Harness.compareInterpreter("jacobian column " + i + "/" + col, column, fwd, 1, withExtras(in, t, blocks));
                    if (e != null) return e;
                }
            }
        }

        if (rp.outputShape.length != 0) return null;
        float[][] v = new float[n][], hv = new float[n][];
        for (int i = 0; i < n; i++) {
            if (rnd.nextInt(5) != 0) v[i] = gaussianF(rnd, in[i].length);
            if (req.requiresGrad[i]) hv[i] = Harness.sentinel(in[i].length);
        }
        float[][] hv2 = Harness.deepCopy(hv);
        c.hvp(in, v, hv);
        c.hvp(ws, in, v, hv2);
        for (int i = 0; i < n; i++) if (!Arrays.equals(hv[i], hv2[i])) return "hvp differs with and without a workspace";
        Graph hvp = Optimizer.optimize(Derivatives.hvp(req.forward, req.requiresGrad, DerivedCode.HVP_MODE));
        float[][] hin = withExtras(in, v, req.requiresGrad);
        for (int i = 0, k = 1; i < n; i++) {
            if (!req.requiresGrad[i]) continue;
            e = Harness.compareInterpreter("hvp", hv[i], hvp, k++, hin);
            if (e != null) return e;
        }
        return null;
    }

    // ---------------------------------------------------------------- helpers

    /** The inputs, then per flagged input its extra array (zeros where null): the derived graphs' inputs. */
    static double[][] withExtras(double[][] in, double[][] extra, boolean[] flags) {
        int k = 0;
        for (boolean f : flags) if (f) k++;
        double[][] all = Arrays.copyOf(in, in.length + k);
        for (int i = 0, j = in.length; i < in.length; i++)
            if (flags[i]) all[j++] = extra[i] != null ? extra[i] : new double[in[i].length];
        return all;
    }

    static float[][] withExtras(float[][] in, float[][] extra, boolean[] flags) {
        int k = 0;
        for (boolean f : flags) if (f) k++;
        float[][] all = Arrays.copyOf(in, in.length + k);
        for (int i = 0, j = in.length; i < in.length; i++)
            if (flags[i]) all[j++] = extra[i] != null ? extra[i] : new float[in[i].length];
        return all;
    }

    static double[] gaussian(Random r, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = r.nextGaussian();
        return a;
    }

    static float[] gaussianF(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }
}
