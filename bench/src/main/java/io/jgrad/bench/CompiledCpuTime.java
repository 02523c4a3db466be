package io.jgrad.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * The compiled and hand-written benchmarks (F32 and, where they exist, F64) timed by the
 * thread's CPU time instead of the wall clock, for a machine shared with builds (JMH's
 * wall-clock times include the time the thread waits for a core). Calls each benchmark class's
 * own {@code setup()} and benchmark methods (the same inputs as JMH), in batches, round-robin
 * over the variants ({@link CpuTimeRounds}) after 2 s of warm-up each (and the first quarter of
 * the batches); prints the median ns per call and compiled/hand-written. Uses only those public
 * methods, so it runs against an older benchmarks.jar too (this class and CpuTimeRounds's first on
 * the class path), and with or without the vector module:
 *
 * <pre>java [--add-modules jdk.incubator.vector] -cp benchmarks.jar io.jgrad.bench.CompiledCpuTime [batches] [filter[|filter..]]</pre>
 */
public final class CompiledCpuTime {
    private CompiledCpuTime() {}

    private record Variant(String workload, String name, DoubleSupplier call, long callsPerBatch) {}

    private static List<Variant> variants() {
        List<Variant> v = new ArrayList<>();
        SeedNeuronBench nh = new SeedNeuronBench();
        SeedNeuronJgradBench nj = new SeedNeuronJgradBench();
        nj.setup();
        v.add(new Variant("seed_neuron", "handWritten", nh::handWritten, 200_000));
        v.add(new Variant("seed_neuron", "compiled", nj::compiled, 200_000));
        v.add(new Variant("seed_neuron", "handWrittenF64", nh::handWrittenF64, 200_000));
        v.add(new Variant("seed_neuron", "compiledF64", nj::compiledF64, 200_000));
        for (int n : new int[] {3, 1000, 1_000_000}) {
            long calls = Math.max(1, 20_000_000L / (n * 20L + 100));
            SumSinSquareBench sh = new SumSinSquareBench();
            sh.n = n;
            sh.setup();
            SumSinSquareJgradBench sj = new SumSinSquareJgradBench();
            sj.n = n;
            sj.setup();
            v.add(new Variant("sum_sin_square[n=" + n + "]", "handWritten", sh::handWritten, calls));
            v.add(new Variant("sum_sin_square[n=" + n + "]", "compiled", sj::compiled, calls));
            MeanSquareBench mh = new MeanSquareBench();
            mh.n = n;
            mh.setup();
            MeanSquareJgradBench mj = new MeanSquareJgradBench();
            mj.n = n;
            mj.setup();
            v.add(new Variant("mean_square[n=" + n + "]", "handWritten", mh::handWritten, calls * 4));
            v.add(new Variant("mean_square[n=" + n + "]", "compiled", mj::compiled, calls * 4));
        }
        for (String shape : new String[] {"256x32", "4096x64"}) {
            LogisticRegressionBench lh = new LogisticRegressionBench();
            lh.shape = shape;
            lh.setup();
            LogisticRegressionJgradBench lj = new LogisticRegressionJgradBench();
            lj.shape = shape;
            lj.setup();
            long calls = shape.equals("256x32") ? 2000 : 40;
            String w = "logistic_regression[shape=" + shape + "]";
            v.add(new Variant(w, "handWritten", lh::handWritten, calls));
            v.add(new Variant(w, "compiled", lj::compiled, calls));
            v.add(new Variant(w, "handWrittenF64", lh::handWrittenF64, calls));
            v.add(new Variant(w, "compiledF64", lj::compiledF64, calls));
        }
        MlpBench mh = new MlpBench();
        mh.shape = "64x784x128x10";
        mh.setup();
        MlpJgradBench mj = new MlpJgradBench();
        mj.shape = "64x784x128x10";
        mj.setup();
        v.add(new Variant("mlp[shape=64x784x128x10]", "handWritten", mh::handWritten, 10));
        v.add(new Variant("mlp[shape=64x784x128x10]", "compiled", mj::compiled, 10));
        v.add(new Variant("mlp[shape=64x784x128x10]", "handWrittenF64", mh::handWrittenF64, 10));
        v.add(new Variant("mlp[shape=64x784x128x10]", "compiledF64", mj::compiledF64, 10));
        TanhRecurrenceBench th = new TanhRecurrenceBench();
        th.steps = 1000;
        th.setup();
        TanhRecurrenceJgradBench tj = new TanhRecurrenceJgradBench();
        tj.steps = 1000;
        tj.setup();
        v.add(new Variant("tanh_recurrence[steps=1000]", "handWritten", th::handWritten, 400));
        v.add(new Variant("tanh_recurrence[steps=1000]", "compiled", tj::compiled, 400));
        // a = 0.5, b = 0.3: the reverse pass's adjoints round to zero instead of sticking at a subnormal
        v.add(new Variant("tanh_recurrence[steps=1000,no subnormals]", "handWritten", th::handWrittenNoSubnormals, 400));
        v.add(new Variant("tanh_recurrence[steps=1000,no subnormals]", "compiled", tj::compiledNoSubnormals, 400));
        MatmulKernelBench mm = new MatmulKernelBench();
        mm.setup();
        v.add(new Variant("matmul256 (GFLOP/s: 33.55M flops / ns)", "compiledF32", mm::compiledF32, 20));
        v.add(new Variant("matmul256 (GFLOP/s: 33.55M flops / ns)", "compiledF64", mm::compiledF64, 20));
        v.add(new Variant("matmul256 (GFLOP/s: 33.55M flops / ns)", "handWrittenF32", mm::handWrittenF32, 20));
        v.add(new Variant("matmul256 (GFLOP/s: 33.55M flops / ns)", "eagerF32", () -> mm.eagerF32().shape().length, 20));
        v.add(new Variant("matmul256 (GFLOP/s: 33.55M flops / ns)", "eagerF64", () -> mm.eagerF64().shape().length, 20));
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            FmaPeakBench f = new FmaPeakBench();   // needs the module: loaded only with it
            // the 512-bit variants only where the preferred species is 512 bits: on AVX2 they box
            // (about 1 GFLOP/s, minutes of rounds) and are not the peak; f32x8 / f64x4 are then
            if (FmaPeakBench.has512()) v.add(new Variant("fma_peak (GFLOP/s: 384k flops (f32x16) / ns)", "f32x16", f::f32x16, 20_000));
            v.add(new Variant("fma_peak (GFLOP/s: 192k flops (f32x8) / ns)", "f32x8", f::f32x8, 20_000));
            if (FmaPeakBench.has512()) v.add(new Variant("fma_peak (GFLOP/s: 192k flops (f64x8) / ns)", "f64x8", f::f64x8, 20_000));
            v.add(new Variant("fma_peak (GFLOP/s: 96k flops (f64x4) / ns)", "f64x4", f::f64x4, 20_000));
        }
        return v;
    }

    public static void main(String[] args) {
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        String filter = args.length > 1 ? args[1] : "";
        List<Variant> vs = new ArrayList<>();
        for (Variant v : variants()) for (String f : filter.split("\\|", -1)) if (v.workload().contains(f)) { vs.add(v); break; }   // "a|b": either
        // 2 s of warm-up each: C2 must have compiled the vector code (interpreted or C1-compiled
        // Vector API code boxes every vector)
        CpuTimeRounds.Times[] t = CpuTimeRounds.measure(
                vs.stream().map(v -> new CpuTimeRounds.Variant(v.workload() + " " + v.name(), v.callsPerBatch(), v.call())).toList(),
                batches, 2_000_000_000L);
        System.out.println("vector module: " + ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                + ", jgrad.simd=" + System.getProperty("jgrad.simd", "(unset)") + ", " + batches + " batches");
        for (int k = 0; k < vs.size(); k++) {
            Variant v = vs.get(k);
            String ratio = "";
            if (v.name().startsWith("compiled")) {
                String bar = v.name().replace("compiled", "handWritten");
                for (int h = 0; h < vs.size(); h++) {
                    if (vs.get(h).workload().equals(v.workload()) && vs.get(h).name().equals(bar))
                        ratio = String.format("  %s/%s %.2fx", v.name(), bar, t[k].median() / t[h].median());
                }
            }
            System.out.printf("%-36s %-15s %14.1f ns%s%n", v.workload(), v.name(), t[k].median(), ratio);
        }
        System.out.println("(checksum " + CpuTimeRounds.checksum() + ")");
    }
}
