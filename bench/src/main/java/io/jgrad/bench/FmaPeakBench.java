package io.jgrad.bench;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * This machine's single-core peak: fused multiply-adds on independent vector accumulators
 * (12 of them: more than FMA latency x units, so throughput-bound), in GFLOP/s (the score is
 * flops per ns). The 512-bit variants need AVX-512 (else the JIT emulates them, slowly), the
 * 256-bit ones AVX2; the peak is the best of them. The matmul kernel's efficiency
 * ({@link MatmulKernelBench}) is its GFLOP/s over this.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class FmaPeakBench {
    static final int ITER = 1000;

    /**
     * Whether the 512-bit variants mean anything here: the preferred species is 512 bits (AVX-512).
     * Below (AVX2) C2 cannot compile them and boxes every vector, so the peak is the 256-bit ones'.
     */
    static boolean has512() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512;
    }

    public float floatX = 1.0000001f, floatY = 1e-7f;
    public double doubleX = 1.0000000001, doubleY = 1e-12;

    /** 16 lanes x 12 independent accumulators x ITER steps, one fma each: 2 flops per lane. */
    @Benchmark
    @OperationsPerInvocation(2 * 16 * 12 * ITER)
    public float f32x16() {
        FloatVector x = FloatVector.broadcast(FloatVector.SPECIES_512, this.floatX), y = FloatVector.broadcast(FloatVector.SPECIES_512, this.floatY);
        FloatVector a0 = FloatVector.broadcast(FloatVector.SPECIES_512, (float) 0);
        FloatVector a1 = FloatVector.broadcast(FloatVector.SPECIES_512, (float) 1);
        FloatVector a2 = FloatVector.broadcast(FloatVector.SPECIES_512, (float) 2);
        FloatVector a3 = FloatVector.broadcast(FloatVector.SPECIES_512, (float) 3);
        FloatVector a4 = FloatVector.broadcast(FloatVector.SPECIES_512, (float) 4);
        FloatVector a5 = FloatVector.broadcast(FloatVector.SPECIES_512, (float) 5);
        FloatVector a6 = FloatVector.broadcast(FloatVector.SPECIES_512, (float) 6);
        FloatVector a7 = FloatVector.broadcast(FloatVector.SPECIES_512, (float) 7);
        FloatVector a8 = FloatVector.broadcast(FloatVector.SPECIES_512, (float) 8);
        FloatVector a9 = FloatVector.broadcast(FloatVector.SPECIES_512, (float) 9);
        FloatVector a10 = FloatVector.broadcast(FloatVector.SPECIES_512, (float) 10);
        FloatVector a11 = FloatVector.broadcast(FloatVector.SPECIES_512, (float) 11);
        for (int i = 0; i < ITER; i++) {
            a0 = x.fma(y, a0);
            a1 = x.fma(y, a1);
            a2 = x.fma(y, a2);
            a3 = x.fma(y, a3);
            a4 = x.fma(y, a4);
            a5 = x.fma(y, a5);
            a6 = x.fma(y, a6);
            a7 = x.fma(y, a7);
            a8 = x.fma(y, a8);
            a9 = x.fma(y, a9);
            a10 = x.fma(y, a10);
            a11 = x.fma(y, a11);
        }
        return a0.reduceLanes(VectorOperators.ADD) + a1.reduceLanes(VectorOperators.ADD) + a2.reduceLanes(VectorOperators.ADD) + a3.reduceLanes(VectorOperators.ADD) + a4.reduceLanes(VectorOperators.ADD) + a5.reduceLanes(VectorOperators.ADD) + a6.reduceLanes(VectorOperators.ADD) + a7.reduceLanes(VectorOperators.ADD) + a8.reduceLanes(VectorOperators.ADD) + a9.reduceLanes(VectorOperators.ADD) + a10.reduceLanes(VectorOperators.ADD) + a11.reduceLanes(VectorOperators.ADD);
    }

    /** 8 lanes x 12 independent accumulators x ITER steps, one fma each: 2 flops per lane. */
    @Benchmark
    @OperationsPerInvocation(2 * 8 * 12 * ITER)
    public float f32x8() {
        FloatVector x = FloatVector.broadcast(FloatVector.SPECIES_256, this.floatX), y = FloatVector.broadcast(FloatVector.SPECIES_256, this.floatY);
        FloatVector a0 = FloatVector.broadcast(FloatVector.SPECIES_256, (float) 0);
        FloatVector a1 = FloatVector.broadcast(FloatVector.SPECIES_256, (float) 1);
        FloatVector a2 = FloatVector.broadcast(FloatVector.SPECIES_256, (float) 2);
        FloatVector a3 = FloatVector.broadcast(FloatVector.SPECIES_256, (float) 3);
        FloatVector a4 = FloatVector.broadcast(FloatVector.SPECIES_256, (float) 4);
        FloatVector a5 = FloatVector.broadcast(FloatVector.SPECIES_256, (float) 5);
        FloatVector a6 = FloatVector.broadcast(FloatVector.SPECIES_256, (float) 6);
        FloatVector a7 = FloatVector.broadcast(FloatVector.SPECIES_256, (float) 7);
        FloatVector a8 = FloatVector.broadcast(FloatVector.SPECIES_256, (float) 8);
        FloatVector a9 = FloatVector.broadcast(FloatVector.SPECIES_256, (float) 9);
        FloatVector a10 = FloatVector.broadcast(FloatVector.SPECIES_256, (float) 10);
        FloatVector a11 = FloatVector.broadcast(FloatVector.SPECIES_256, (float) 11);
        for (int i = 0; i < ITER; i++) {
            a0 = x.fma(y, a0);
            a1 = x.fma(y, a1);
            a2 = x.fma(y, a2);
            a3 = x.fma(y, a3);
            a4 = x.fma(y, a4);
            a5 = x.fma(y, a5);
            a6 = x.fma(y, a6);
            a7 = x.fma(y, a7);
            a8 = x.fma(y, a8);
            a9 = x.fma(y, a9);
            a10 = x.fma(y, a10);
            a11 = x.fma(y, a11);
        }
        return a0.reduceLanes(VectorOperators.ADD) + a1.reduceLanes(VectorOperators.ADD) + a2.reduceLanes(VectorOperators.ADD) + a3.reduceLanes(VectorOperators.ADD) + a4.reduceLanes(VectorOperators.ADD) + a5.reduceLanes(VectorOperators.ADD) + a6.reduceLanes(VectorOperators.ADD) + a7.reduceLanes(VectorOperators.ADD) + a8.reduceLanes(VectorOperators.ADD) + a9.reduceLanes(VectorOperators.ADD) + a10.reduceLanes(VectorOperators.ADD) + a11.reduceLanes(VectorOperators.ADD);
    }

    /** 8 lanes x 12 independent accumulators x ITER steps, one fma each: 2 flops per lane. */
    @Benchmark
    @OperationsPerInvocation(2 * 8 * 12 * ITER)
    public double f64x8() {
        DoubleVector x = DoubleVector.broadcast(DoubleVector.SPECIES_512, this.doubleX), y = DoubleVector.broadcast(DoubleVector.SPECIES_512, this.doubleY);
        DoubleVector a0 = DoubleVector.broadcast(DoubleVector.SPECIES_512, (double) 0);
        DoubleVector a1 = DoubleVector.broadcast(DoubleVector.SPECIES_512, (double) 1);
        DoubleVector a2 = DoubleVector.broadcast(DoubleVector.SPECIES_512, (double) 2);
        DoubleVector a3 = DoubleVector.broadcast(DoubleVector.SPECIES_512, (double) 3);
        DoubleVector a4 = DoubleVector.broadcast(DoubleVector.SPECIES_512, (double) 4);
        DoubleVector a5 = DoubleVector.broadcast(DoubleVector.SPECIES_512, (double) 5);
        DoubleVector a6 = DoubleVector.broadcast(DoubleVector.SPECIES_512, (double) 6);
        DoubleVector a7 = DoubleVector.broadcast(DoubleVector.SPECIES_512, (double) 7);
        DoubleVector a8 = DoubleVector.broadcast(DoubleVector.SPECIES_512, (double) 8);
        DoubleVector a9 = DoubleVector.broadcast(DoubleVector.SPECIES_512, (double) 9);
        DoubleVector a10 = DoubleVector.broadcast(DoubleVector.SPECIES_512, (double) 10);
        DoubleVector a11 = DoubleVector.broadcast(DoubleVector.SPECIES_512, (double) 11);
        for (int i = 0; i < ITER; i++) {
            a0 = x.fma(y, a0);
            a1 = x.fma(y, a1);
            a2 = x.fma(y, a2);
            a3 = x.fma(y, a3);
            a4 = x.fma(y, a4);
            a5 = x.fma(y, a5);
            a6 = x.fma(y, a6);
            a7 = x.fma(y, a7);
            a8 = x.fma(y, a8);
            a9 = x.fma(y, a9);
            a10 = x.fma(y, a10);
            a11 = x.fma(y, a11);
        }
        return a0.reduceLanes(VectorOperators.ADD) + a1.reduceLanes(VectorOperators.ADD) + a2.reduceLanes(VectorOperators.ADD) + a3.reduceLanes(VectorOperators.ADD) + a4.reduceLanes(VectorOperators.ADD) + a5.reduceLanes(VectorOperators.ADD) + a6.reduceLanes(VectorOperators.ADD) + a7.reduceLanes(VectorOperators.ADD) + a8.reduceLanes(VectorOperators.ADD) + a9.reduceLanes(VectorOperators.ADD) + a10.reduceLanes(VectorOperators.ADD) + a11.reduceLanes(VectorOperators.ADD);
    }

    /** 4 lanes x 12 independent accumulators x ITER steps, one fma each: 2 flops per lane. */
    @Benchmark
    @OperationsPerInvocation(2 * 4 * 12 * ITER)
    public double f64x4() {
        DoubleVector x = DoubleVector.broadcast(DoubleVector.SPECIES_256, this.doubleX), y = DoubleVector.broadcast(DoubleVector.SPECIES_256, this.doubleY);
        DoubleVector a0 = DoubleVector.broadcast(DoubleVector.SPECIES_256, (double) 0);
        DoubleVector a1 = DoubleVector.broadcast(DoubleVector.SPECIES_256, (double) 1);
        DoubleVector a2 = DoubleVector.broadcast(DoubleVector.SPECIES_256, (double) 2);
        DoubleVector a3 = DoubleVector.broadcast(DoubleVector.SPECIES_256, (double) 3);
        DoubleVector a4 = DoubleVector.broadcast(DoubleVector.SPECIES_256, (double) 4);
        DoubleVector a5 = DoubleVector.broadcast(DoubleVector.SPECIES_256, (double) 5);
        DoubleVector a6 = DoubleVector.broadcast(DoubleVector.SPECIES_256, (double) 6);
        DoubleVector a7 = DoubleVector.broadcast(DoubleVector.SPECIES_256, (double) 7);
        DoubleVector a8 = DoubleVector.broadcast(DoubleVector.SPECIES_256, (double) 8);
        DoubleVector a9 = DoubleVector.broadcast(DoubleVector.SPECIES_256, (double) 9);
        DoubleVector a10 = DoubleVector.broadcast(DoubleVector.SPECIES_256, (double) 10);
        DoubleVector a11 = DoubleVector.broadcast(DoubleVector.SPECIES_256, (double) 11);
        for (int i = 0; i < ITER; i++) {
            a0 = x.fma(y, a0);
            a1 = x.fma(y, a1);
            a2 = x.fma(y, a2);
            a3 = x.fma(y, a3);
            a4 = x.fma(y, a4);
            a5 = x.fma(y, a5);
            a6 = x.fma(y, a6);
            a7 = x.fma(y, a7);
            a8 = x.fma(y, a8);
            a9 = x.fma(y, a9);
            a10 = x.fma(y, a10);
            a11 = x.fma(y, a11);
        }
        return a0.reduceLanes(VectorOperators.ADD) + a1.reduceLanes(VectorOperators.ADD) + a2.reduceLanes(VectorOperators.ADD) + a3.reduceLanes(VectorOperators.ADD) + a4.reduceLanes(VectorOperators.ADD) + a5.reduceLanes(VectorOperators.ADD) + a6.reduceLanes(VectorOperators.ADD) + a7.reduceLanes(VectorOperators.ADD) + a8.reduceLanes(VectorOperators.ADD) + a9.reduceLanes(VectorOperators.ADD) + a10.reduceLanes(VectorOperators.ADD) + a11.reduceLanes(VectorOperators.ADD);
    }
}
