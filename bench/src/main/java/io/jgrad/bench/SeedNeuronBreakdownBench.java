package io.jgrad.bench;

import io.jgrad.bench.data.SeedNeuronData;
import io.jgrad.bench.handwritten.ClampedBce;
import io.jgrad.bench.handwritten.SeedNeuron;
import io.jgrad.bench.models.Compile;
import io.jgrad.runtime.Checks;
import io.jgrad.runtime.Compiled;
import io.jgrad.runtime.Ops;
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
 * Where the seed neuron's compiled {@code valueAndGrad} spends its time against the
 * hand-written bar ({@link SeedNeuronBench#handWritten}): each benchmark adds or removes one
 * part. Not part of the README table; run side by side in one JMH run:
 * {@code java -jar bench/target/benchmarks.jar -f 5 SeedNeuronBreakdown}.
 *
 * <ul>
 *   <li>{@code handWritten}, {@code compiled}: the two ends (same calls as the main benchmarks).
 *   <li>{@code checks}: {@code Checks.valueAndGrad} and {@code Checks.workspace} alone.
 *   <li>{@code replica}: a Java transliteration of the generated body (javap of the dumped class,
 *       {@code -Djgrad.dump=DIR}), op for op, over {@code float[][]}, without checks.
 *   <li>{@code replicaChecked}: the checks then the replica: should come close to {@code compiled}.
 *   <li>{@code replicaUnrolledChecks}: the generated inline checks (EntryChecks), in Java, then the replica.
 *   <li>{@code handWrittenArrays}: the hand-written math, reading/writing {@code float[][]}: the
 *       cost of the array call shape alone.
 *   <li>{@code handWrittenDoubleSigmoid}: the hand-written code with {@code Ops.sigmoid} (double).
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class SeedNeuronBreakdownBench {
    private final SeedNeuronData data = new SeedNeuronData();
    private final float[] grad = new float[2];
    private Compiled fn;
    private Workspace ws;
    private float[][] inputs, grads;

    @Setup
    public void setup() {
        fn = Compile.seedNeuron();
        ws = fn.newWorkspace();
        inputs = new float[][] {{data.w}, {data.b}, {data.x}, {data.y}};
        grads = new float[][] {new float[1], new float[1], null, null};
    }

    @Benchmark
    public float handWritten() {
        return SeedNeuron.valueAndGrad(data.w, data.b, data.x, data.y, grad);
    }

    @Benchmark
    public float compiled() {
        return fn.valueAndGrad(ws, inputs, grads);
    }

    @Benchmark
    public float compiledThreadWorkspace() {
        return fn.valueAndGrad(inputs, grads);
    }

    @Benchmark
    public float checks() {
        Checks.valueAndGrad(fn, inputs, grads);
        Checks.workspace(fn, ws);
        return grads[0][0];
    }

    @Benchmark
    public float replica() {
        return replicaBody(inputs, grads);
    }

    @Benchmark
    public float replicaChecked() {
        Checks.valueAndGrad(fn, inputs, grads);
        Checks.workspace(fn, ws);
        return replicaBody(inputs, grads);
    }

    /** The checks that the generated {@code check$valueAndGrad} makes (javap), written in Java, then the replica. */
    @Benchmark
    public float replicaUnrolledChecks() {
        float[][] in = inputs, g = grads;
        if (!unrolledChecks(in, g)) Checks.valueAndGrad(fn, in, g);
        Checks.workspace(fn, ws);
        return replicaBody(in, g);
    }

    @Benchmark
    public float handWrittenArrays() {
        float[][] in = inputs;
        float w = in[0][0], b = in[1][0], x = in[2][0], y = in[3][0];
        float z = w * x + b;
        float p = 1f / (1f + (float) Math.exp(-z));
        float loss = ClampedBce.loss(p, y);
        float dz = ClampedBce.gradZ(p, y, 1f);
        grads[0][0] = dz * x;
        grads[1][0] = dz;
        return loss;
    }

    @Benchmark
    public float handWrittenDoubleSigmoid() {
        float w = data.w, b = data.b, x = data.x, y = data.y;
        float z = w * x + b;
        float p = Ops.sigmoid(z);
        float loss = ClampedBce.loss(p, y);
        float dz = ClampedBce.gradZ(p, y, 1f);
        grad[0] = dz * x;
        grad[1] = dz;
        return loss;
    }

    private static boolean unrolledChecks(float[][] in, float[][] g) {
        if (in == null || in.length != 4) return false;
        float[] a0 = in[0], a1 = in[1], a2 = in[2], a3 = in[3];
        if (a0 == null || a0.length != 1 || a1 == null || a1.length != 1 || a2 == null || a2.length != 1 || a3 == null || a3.length != 1) return false;
        if (g == null || g.length != 4) return false;
        float[] g0 = g[0];
        if (g0 == null || g0.length != 1 || g0 == a0 || g0 == a1 || g0 == a2 || g0 == a3) return false;
        float[] g1 = g[1];
        return g1 != null && g1.length == 1 && g1 != a0 && g1 != a1 && g1 != a2 && g1 != a3 && g1 != g0;
    }

    /** valueAndGrad$$0 of the generated class, op for op (IR values in the comments). */
    private static float replicaBody(float[][] in, float[][] g) {
        float w = in[0][0], x = in[2][0];
        float v4 = w * x;
        float b = in[1][0];
        float v5 = v4 + b;
        float v6 = Ops.sigmoid(v5);
        float v9 = Math.max(v6, 1e-8f);
        float v10 = Math.min(v9, 1f);
        boolean v12 = v6 <= 1f;
        float v13 = v12 ? v6 : v10;
        boolean v14 = v6 >= 1e-8f;
        float v15 = v14 ? v13 : v10;
        float v16 = Ops.log(v15);
        float y = in[3][0];
        float v17 = y * v16;
        float v18 = 1f - y;
        float v19 = 1f - v15;
        float v20 = Ops.log(v19);
        float v21 = v18 * v20;
        float v23 = -(v17 + v21);
        float v25 = -v18 / v19;
        float v27 = -y / v15;
        float v28 = v27 - v25;
        float v30 = v14 ? v28 : 0f;
        float v31 = v12 ? v30 : 0f;
        float v32 = 1f - v6;
        float v34 = v31 * v32 * v6;
        float v35 = v34 * x;
        g[0][0] = v35;
        g[1][0] = v34;
        return v23;
    }
}
