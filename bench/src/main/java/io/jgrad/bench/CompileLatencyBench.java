package io.jgrad.bench;

import io.jgrad.bench.data.MlpData;
import io.jgrad.bench.data.Seeded;
import io.jgrad.bench.models.Compile;
import io.jgrad.runtime.Compiled;
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
 * What {@code Grad.compile} costs once the compiler itself is warm (JIT-compiled): trace +
 * adjoint + optimise + codegen + define a hidden class, end to end. Every call defines a new
 * hidden class; they are unreferenced and unloadable, so metaspace stays flat. The first compile
 * in a fresh JVM is {@link CompileLatencyColdBench}.
 *
 * <p>Not yet measured: one benchmark per stage (trace; {@code Adjoint.of}; {@code Optimizer.optimize};
 * {@code CodeGen.compile}, which plans, emits and defines the class with
 * {@code defineHiddenClassWithClassData}), each fed the previous stage's output prepared in
 * {@code @Setup}. The adjoint, optimiser and backend entry points are public; the tracer is
 * package-private in {@code io.jgrad}, so the trace stage needs an entry point first.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class CompileLatencyBench {
    private MlpData mlpData;
    private float[] scatter;
    private io.jgrad.Tensor scatterTensor;

    @Setup
    public void setup() {
        mlpData = MlpData.of("64x784x128x10");
        scatter = Seeded.oneHotRows(81, Compile.SCATTER_ROWS, Compile.SCATTER_COLS);
        scatterTensor = io.jgrad.Tensor.of(scatter, Compile.SCATTER_ROWS, Compile.SCATTER_COLS);
    }

    @Benchmark
    public Compiled seedNeuron() {
        return Compile.seedNeuron();
    }

    @Benchmark
    public Compiled mlp() {
        return Compile.mlp(mlpData);
    }

    /** 1,000 unrolled steps: the largest straight-line graph, which codegen must split into chunk methods. */
    @Benchmark
    public Compiled tanhRecurrence() {
        return Compile.tanhRecurrence(1000);
    }

    /**
     * The ADBench LSTM (two layers, hidden 14) unrolled over 256 and 1,024 steps: 13,600 and
     * 54,000 traced nodes, 44,000 and 150,000 in each adjoint graph. Compile time should grow
     * about linearly (4x the steps, ~4x the time); it was quadratic in the workspace planner.
     */
    @Benchmark
    public Compiled lstmL2C256() {
        return io.jgrad.bench.adbench.Lstm.compile(2, 256, 14);
    }

    @Benchmark
    public Compiled lstmL2C1024() {
        return io.jgrad.bench.adbench.Lstm.compile(2, 1024, 14);
    }

    /**
     * A captured 256x4096 constant (issue 8, part 2): compare with {@link #constantAsInput}. The
     * tensor is made once in setup: the compile is timed, not Tensor.of's copy of the 4 MB.
     */
    @Benchmark
    public Compiled capturedConstant() {
        return Compile.scatterCaptured(scatterTensor);
    }

    /** The same making the tensor too (Tensor.of copies the 4 MB; how capturedConstant was timed before). */
    @Benchmark
    public Compiled capturedConstantWithTensorOf() {
        return Compile.scatterCaptured(scatter);
    }

    /** The same objective taking the 256x4096 matrix as an input. */
    @Benchmark
    public Compiled constantAsInput() {
        return Compile.scatterInput();
    }
}
