package io.jgrad.bench;

import io.jgrad.bench.adbench.AdbenchSize;
import io.jgrad.bench.adbench.Ba;
import io.jgrad.bench.adbench.BaInput;
import io.jgrad.bench.adbench.Gmm;
import io.jgrad.bench.adbench.GmmInput;
import io.jgrad.bench.adbench.Hand;
import io.jgrad.bench.adbench.HandInput;
import io.jgrad.bench.adbench.Lstm;
import io.jgrad.bench.adbench.LstmInput;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * ADBench's four problems (io.jgrad.bench.adbench) on one representative generated input each:
 * objective and derivative per call, through the same evaluators as {@code adbench.Run}; with
 * {@code -prof gc} every call shows 0 B/op (the compiled calls take a Workspace and write into
 * buffers made at setup).
 *
 * <pre>java -jar bench/target/benchmarks.jar AdbenchJgradBench -f 3 -prof gc</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class AdbenchJgradBench {

    @State(Scope.Thread)
    public static class GmmState {
        @Param({"GMM_1K_D10_K25"})
        public String size;
        Gmm.Evaluator e;
        double[] gradient;

        @Setup
        public void setup() {
            GmmInput in = (GmmInput) AdbenchSize.valueOf(size).generate();
            e = new Gmm.Evaluator(in);
            gradient = new double[in.parameterCount()];
        }
    }

    @State(Scope.Thread)
    public static class LstmState {
        @Param({"LSTM_L2_C1024"})
        public String size;
        Lstm.Evaluator e;
        double[] gradient;

        @Setup
        public void setup() {
            LstmInput in = (LstmInput) AdbenchSize.valueOf(size).generate();
            e = new Lstm.Evaluator(in);
            gradient = new double[in.parameterCount()];
        }
    }

    @State(Scope.Thread)
    public static class BaState {
        @Param({"BA1"})
        public String size;
        Ba.Evaluator e;
        double[] residuals;
        Ba.Csr jacobian;

        @Setup
        public void setup() {
            BaInput in = (BaInput) AdbenchSize.valueOf(size).generate();
            e = new Ba.Evaluator(in);
            residuals = new double[3 * in.p()];
            jacobian = e.newJacobian();
        }
    }

    @State(Scope.Thread)
    public static class HandState {
        @Param({"HAND_SIMPLE_SMALL", "HAND_COMPLICATED_SMALL"})
        public String size;
        Hand.Evaluator e;
        double[] residuals, jacobian;

        @Setup
        public void setup() {
            HandInput in = (HandInput) AdbenchSize.valueOf(size).generate();
            e = new Hand.Evaluator(in);
            residuals = new double[e.rows()];
            jacobian = new double[e.rows() * in.jacobianColumns()];
        }
    }

    @Benchmark
    public double gmmObjective(GmmState s) {
        return s.e.objective();
    }

    @Benchmark
    public double gmmGradient(GmmState s) {
        return s.e.gradient(s.gradient);
    }

    @Benchmark
    public double lstmObjective(LstmState s) {
        return s.e.objective();
    }

    @Benchmark
    public double lstmGradient(LstmState s) {
        return s.e.gradient(s.gradient);
    }

    @Benchmark
    public double baObjective(BaState s) {
        s.e.objective(s.residuals);
        return s.residuals[0];
    }

    @Benchmark
    public double baJacobian(BaState s) {
        s.e.jacobian(s.jacobian);
        return s.jacobian.values()[0];
    }

    @Benchmark
    public double handObjective(HandState s) {
        s.e.objective(s.residuals);
        return s.residuals[0];
    }

    @Benchmark
    public double handJacobian(HandState s) {
        s.e.jacobian(s.residuals, s.jacobian);
        return s.jacobian[0];
    }
}
