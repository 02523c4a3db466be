package io.jgrad.bench;

import io.jgrad.bench.data.MlpData;
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
 * The first {@code Grad.compile} in a fresh JVM, what a user waits for at start-up: class loading
 * and the interpreter included. One call per fork, so many forks.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(5)
@State(Scope.Thread)
public class CompileLatencyColdBench {
    private MlpData mlpData;

    /** The MLP's data is made before the shot: only its shape matters to compile, and making it takes a while. */
    @Setup
    public void setup() {
        mlpData = MlpData.of("64x784x128x10");
    }

    @Benchmark
    public Compiled seedNeuron() {
        return Compile.seedNeuron();
    }

    @Benchmark
    public Compiled mlp() {
        return Compile.mlp(mlpData);
    }
}
