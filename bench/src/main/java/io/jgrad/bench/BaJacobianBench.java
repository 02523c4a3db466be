package io.jgrad.bench;

import io.jgrad.bench.handwritten.BaJacobian;
import io.jgrad.bench.models.BaResidual;
import io.jgrad.bench.peers.HipparchusBa;
import io.jgrad.runtime.Checks;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.Workspace;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The 2 × 15 Jacobian of one bundle-adjustment reprojection residual (angle-axis rotation,
 * projection, radial distortion; float64): jgrad's {@code Compiled.jacobian} (two reverse passes
 * over the value computed once, looping in generated code) against the same Jacobian by hand
 * ({@link BaJacobian}) and Hipparchus's forward-mode {@code DerivativeStructure}. The observation
 * is observation 1 of the ADBench golden {@code ba_small} (camera 1, point 1).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class BaJacobianBench {
    /** r, C, f, u0 v0, k1 k2 of camera 1; point 1; weight 1 (ba_small). */
    public static final double[] PARAMS = {-0.291627, -0.092103, -0.183359, 7.777764, 3.822325, -57.807582, 455.572629,
            -5.405546, -3.04179, 0.081245, 0.000622, 3.854164, 9.98913, -2.607906, 0.904224};
    public static final double FX = -62.914178, FY = 203.975456;

    private Compiled compiled;
    private Workspace ws;
    private double[][] inputs, jacobian;
    private final double[] out = new double[2], jac = new double[2 * BaJacobian.PARAMS];
    private final BaJacobian handWritten = new BaJacobian();

    @Setup
    public void setup() {
        compiled = BaResidual.compile();
        ws = compiled.newWorkspace();
        inputs = new double[17][];
        for (int i = 0; i < 15; i++) inputs[i] = new double[] {PARAMS[i]};
        inputs[15] = new double[] {FX};
        inputs[16] = new double[] {FY};
        jacobian = new double[17][];
        for (int i = 0; i < 15; i++) jacobian[i] = new double[2];
        compiled.jacobian(ws, inputs, out, jacobian);
    }

    @Benchmark
    public double compiled() {
        compiled.jacobian(ws, inputs, out, jacobian);
        return jacobian[0][0] + out[0];
    }

    @Benchmark
    public double handWritten() {
        handWritten.residualAndJacobian(PARAMS, FX, FY, out, jac);
        return jac[0] + out[0];
    }

    /** The generic argument checks alone ({@code Checks.jacobian}), for the breakdown: not a Jacobian. */
    public double genericChecks() {
        Checks.jacobian(compiled, inputs, out, jacobian);
        return out[0];
    }

    @Benchmark
    public double hipparchus() {
        HipparchusBa.residualAndJacobian(PARAMS, FX, FY, out, jac);
        return jac[0] + out[0];
    }
}
