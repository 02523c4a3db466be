package io.jgrad.bench;

import io.jgrad.Arg;
import io.jgrad.Grad;
import io.jgrad.Tensor;
import io.jgrad.bench.data.Seeded;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.DType;
import io.jgrad.runtime.Workspace;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * C = A·B at 256 x 256 x 256 in GFLOP/s (the score is flops per ns, 2·256³ per call): the
 * compiled forward (F32 and F64), the eager kernel (no grad; F32 and F64), and a plain i-k-j loop by hand.
 * Divided by {@link FmaPeakBench}'s peak, the matmul kernel's efficiency. {@link
 * MatmulKernelVectorBench} runs the same with jdk.incubator.vector.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class MatmulKernelBench {
    static final int N = 256;
    static final int FLOPS = 2 * N * N * N;

    private Compiled f32, f64;
    private Workspace ws32, ws64;
    private float[][] in32;
    private double[][] in64;
    private float[] out32;
    private double[] out64;
    private Tensor a, b, a64, b64;

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(256);
        float[] x = new float[N * N], y = new float[N * N];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble(-1, 1);
            y[i] = (float) r.nextDouble(-1, 1);
        }
        f32 = Grad.compile((p, q) -> p.matmul(q), Arg.of(N, N).named("a"), Arg.of(N, N).named("b"));
        f64 = Grad.compile((p, q) -> p.matmul(q), Arg.of(N, N).dtype(DType.F64).named("a"), Arg.of(N, N).dtype(DType.F64).named("b"));
        ws32 = f32.newWorkspace();
        ws64 = f64.newWorkspace();
        in32 = new float[][] {x, y};
        in64 = new double[][] {Seeded.doubles(x), Seeded.doubles(y)};
        out32 = new float[N * N];
        out64 = new double[N * N];
        a = Tensor.of(x, N, N);
        b = Tensor.of(y, N, N);
        a64 = Tensor.of(in64[0], N, N);
        b64 = Tensor.of(in64[1], N, N);
    }

    @Benchmark
    @OperationsPerInvocation(FLOPS)
    public float compiledF32() {
        f32.forward(ws32, in32, out32);
        return out32[7];
    }

    @Benchmark
    @OperationsPerInvocation(FLOPS)
    public double compiledF64() {
        f64.forward(ws64, in64, out64);
        return out64[7];
    }

    @Benchmark
    @OperationsPerInvocation(FLOPS)
    public Tensor eagerF32() {
        return a.matmul(b);   // inputs without grad: nothing recorded
    }

    @Benchmark
    @OperationsPerInvocation(FLOPS)
    public Tensor eagerF64() {
        return a64.matmul(b64);
    }

    /** i-k-j, contiguous inner loop (SuperWord vectorises it), one running sum per element. */
    @Benchmark
    @OperationsPerInvocation(FLOPS)
    public float handWrittenF32() {
        float[] x = in32[0], y = in32[1], c = out32;
        java.util.Arrays.fill(c, 0f);
        for (int i = 0; i < N; i++) {
            for (int k = 0; k < N; k++) {
                float aik = x[i * N + k];
                for (int j = 0; j < N; j++) c[i * N + j] += aik * y[k * N + j];
            }
        }
        return c[7];
    }
}
