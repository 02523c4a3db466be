package io.jgrad.bench.adbench;

import io.jgrad.runtime.Compiled;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ADBench's four problems with jgrad, timed as ADBench times them: for each input the objective
 * and the derivative, each the minimum per call over timed batches of at least {@code --min-batch}
 * seconds (ADBench: 0.1 s); their ratio; compile time and generated-class size; the objective
 * value with all digits and checksums of the derivative (the sum and the sum of magnitudes of
 * its values, as adbench.py prints them).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.jgrad.bench.adbench.Run [--data DIR] [--only gmm|lstm|ba|hand]
 *      [--sizes NAME,...] [--all] [--min-batch S] [--time-limit S] [--max-batches N] [--warmup S] [--jit-idle S] [--pytorch PYTHON]
 * </pre>
 * Generated inputs (fixed seed) by default; ADBench's files with {@code --data}. {@code --sizes}
 * picks sizes by {@link AdbenchSize} name; {@code --all} adds the paper's two d=64 K=200 GMMs the
 * shared data lacks. {@code --pytorch /usr/bin/python3} runs bench/pytorch/adbench.py on the same
 * input right after jgrad, so both columns of the table come from one run.
 */
public final class Run {
    private Run() {}

    /** One prepared input: the calls compute into buffers made beforehand. */
    interface Case {
        void objective();

        void derivative();

        /** The objective after {@link #objective()}: one number, or the residual vector. */
        double[] objectiveValues();

        /** The derivative's values after {@link #derivative()} (BA: the CSR values). */
        double[] derivativeValues();

        Compiled compiled();
    }

    static Case prepare(Record input) {
        if (input instanceof GmmInput in) {
            Gmm.Evaluator e = new Gmm.Evaluator(in);
            double[] value = new double[1], gradient = new double[in.parameterCount()];
            return new Simple(e.compiled(), () -> value[0] = e.objective(), () -> e.gradient(gradient), value, gradient);
        }
        if (input instanceof LstmInput in) {
            Lstm.Evaluator e = new Lstm.Evaluator(in);
            double[] value = new double[1], gradient = new double[in.parameterCount()];
            return new Simple(e.compiled(), () -> value[0] = e.objective(), () -> e.gradient(gradient), value, gradient);
        }
        if (input instanceof BaInput in) {
            Ba.Evaluator e = new Ba.Evaluator(in);
            double[] residuals = new double[3 * in.p()];
            Ba.Csr j = e.newJacobian();
            return new Simple(e.compiled(), () -> e.objective(residuals), () -> e.jacobian(j), residuals, j.values());
        }
        if (input instanceof HandInput in) {
            Hand.Evaluator e = new Hand.Evaluator(in);
            double[] residuals = new double[e.rows()], again = new double[e.rows()];
            double[] jacobian = new double[e.rows() * in.jacobianColumns()];
            return new Simple(e.compiled(), () -> e.objective(residuals), () -> e.jacobian(again, jacobian), residuals, jacobian);
        }
        throw new IllegalArgumentException("not an ADBench input: " + input);
    }

    private record Simple(Compiled compiled, Runnable objectiveCall, Runnable derivativeCall, double[] objectiveValues,
                          double[] derivativeValues) implements Case {
        public void objective() { objectiveCall.run(); }

        public void derivative() { derivativeCall.run(); }
    }

    /** Seconds per call: the minimum over batches of wall-clock time (ADBench's measure) and of this thread's CPU time. */
    record Timing(double seconds, double cpuSeconds) {}

    /** A timing and how long its warm-up ran. */
    record Measurement(Timing time, double warmupSeconds) {}

    /** The warm-up's cap: a JIT that never goes quiet (a machine busy compiling other work) cannot stall the run. */
    static final double MAX_WARMUP_SECONDS = 30;

    private static long totalCompilationMillis() {
        var jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Bytes this thread allocates per call, over a few calls after the timing (HotSpot's counter; -1 elsewhere). */
    static double allocatedPerCall(Runnable call, double secondsPerCall) {
        if (!(THREADS instanceof com.sun.management.ThreadMXBean counting)) return -1;
        int calls = (int) Math.max(1, Math.min(20, 0.3 / secondsPerCall));
        long id = Thread.currentThread().getId(), before = counting.getThreadAllocatedBytes(id);
        for (int i = 0; i < calls; i++) call.run();
        return (counting.getThreadAllocatedBytes(id) - before) / (double) calls;
    }

    /**
     * ADBench's methodology: untimed calls first, then batches each repeating the call for at least
     * minBatch seconds, until timeLimit seconds or maxBatches batches; the minimum per call. Also
     * the thread's CPU time per call (on a machine shared with other work, wall time also counts
     * waiting for a core), as adbench.py reports its process time.
     *
     * <p>The untimed calls are the JVM's warm-up (ADBench leaves only the first call untimed: its
     * C++ needs no JIT): at least {@code warmup} seconds, then on until HotSpot has finished no
     * compilation for {@code jitIdle} seconds, at most {@link #MAX_WARMUP_SECONDS}. An unrolled
     * LSTM's derivative is hundreds of methods that C2 compiles one after another over several
     * seconds; a fixed second measured some of them in C1's code (twice the time at l4 c4096).
     */
    static Measurement measure(Runnable call, double minBatch, double timeLimit, int maxBatches, double warmup, double jitIdle) {
        long warm = System.nanoTime(), lastCompile = warm;
        long compiled = totalCompilationMillis();
        while (true) {
            call.run();
            long now = System.nanoTime(), total = totalCompilationMillis();
            if (total != compiled) {
                compiled = total;
                lastCompile = now;
            }
            boolean minimumDone = now - warm >= warmup * 1e9, idle = now - lastCompile >= jitIdle * 1e9;
            if (minimumDone && idle || now - warm >= MAX_WARMUP_SECONDS * 1e9) break;
        }
        double warmedSeconds = (System.nanoTime() - warm) * 1e-9;
        double best = Double.POSITIVE_INFINITY, bestCpu = Double.POSITIVE_INFINITY;
        long begin = System.nanoTime();
        for (int batches = 1; ; batches++) {
            long t0 = System.nanoTime(), c0 = THREADS.getCurrentThreadCpuTime(), elapsed;
            int calls = 0;
            do {
                call.run();
                calls++;
                elapsed = System.nanoTime() - t0;
            } while (elapsed < minBatch * 1e9);
            best = Math.min(best, elapsed * 1e-9 / calls);
            bestCpu = Math.min(bestCpu, (THREADS.getCurrentThreadCpuTime() - c0) * 1e-9 / calls);
            if (batches >= maxBatches || System.nanoTime() - begin >= timeLimit * 1e9)
                return new Measurement(new Timing(best, bestCpu), warmedSeconds);
        }
    }

    /** One line of the table. */
    record Row(AdbenchSize size, String source, Timing objective, Timing derivative, Timing compile,
               double firstDerivativeSeconds, int classBytes, double bytesPerCall, String value, double sum, double absSum,
               Timing torchObjective, Timing torchDerivative) {}

    public static void main(String[] args) throws Exception {
        Path data = null;
        String only = null;
        List<String> sizes = null;
        boolean all = false;
        double minBatch = 0.1, timeLimit = 2.0, warmup = 1.0, jitIdle = 1.0;
        int maxBatches = 5;
        String python = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(value(args, ++i, "--data"));
                case "--only" -> only = value(args, ++i, "--only").toUpperCase(Locale.ROOT);
                case "--sizes" -> sizes = List.of(value(args, ++i, "--sizes").toUpperCase(Locale.ROOT).split(","));
                case "--all" -> all = true;
                case "--min-batch" -> minBatch = Double.parseDouble(value(args, ++i, "--min-batch"));
                case "--time-limit" -> timeLimit = Double.parseDouble(value(args, ++i, "--time-limit"));
                case "--max-batches" -> maxBatches = Integer.parseInt(value(args, ++i, "--max-batches"));
                case "--warmup" -> warmup = Double.parseDouble(value(args, ++i, "--warmup"));
                case "--jit-idle" -> jitIdle = Double.parseDouble(value(args, ++i, "--jit-idle"));
                case "--pytorch" -> python = value(args, ++i, "--pytorch");
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: Run [--data DIR] [--only gmm|lstm|ba|hand] [--sizes NAME,...] [--all] [--min-batch S] [--time-limit S] [--max-batches N] [--warmup S] [--jit-idle S] [--pytorch PYTHON]");
            }
        }
        if (only != null && !List.of("GMM", "LSTM", "BA", "HAND").contains(only))
            throw new IllegalArgumentException("--only takes gmm, lstm, ba or hand, got " + only.toLowerCase(Locale.ROOT));
        if (data != null && !Files.isDirectory(data)) throw new IllegalArgumentException("--data " + data + " is not a folder");

        List<Row> rows = new ArrayList<>();
        for (AdbenchSize size : AdbenchSize.values()) {
            if (only != null && !size.problem().name().equals(only)) continue;
            if (sizes != null && !sizes.contains(size.name())) continue;
            boolean paperOnly = size == AdbenchSize.GMM_1K_D64_K200 || size == AdbenchSize.GMM_10K_D64_K200;
            if (paperOnly && !all && sizes == null) continue;
            Record input;
            String source;
            if (data != null) {
                if (!size.availableIn(data)) {
                    System.out.println(size + ": " + size.relativePath() + " is not in " + data + ", skipped");
                    continue;
                }
                input = size.read(data);
                source = data.resolve(size.relativePath()).toString();
            } else {
                input = size.generate();
                source = "generated, seed " + AdbenchGenerator.DEFAULT_SEED;
            }
            rows.add(run(size, input, source, minBatch, timeLimit, maxBatches, warmup, jitIdle, python));
        }
        printTable(rows, python != null);
    }

    private static Row run(AdbenchSize size, Record input, String source, double minBatch, double timeLimit, int maxBatches,
                           double warmup, double jitIdle, String python) throws IOException, InterruptedException {
        System.out.println(size + " " + size.sizes() + "  (" + source + ")");
        long t0 = System.nanoTime(), cpu0 = THREADS.getCurrentThreadCpuTime(), process0 = processCpuNanos();
        Case c = prepare(input);
        // wall clock, and the compiling thread's CPU time (what a loaded machine does not inflate);
        // the process's CPU time adds the JVM's JIT compiling jgrad itself and the GC threads
        Timing compile = new Timing((System.nanoTime() - t0) * 1e-9, (THREADS.getCurrentThreadCpuTime() - cpu0) * 1e-9);
        double compileProcess = (processCpuNanos() - process0) * 1e-9;
        t0 = System.nanoTime();
        c.derivative();
        double firstDerivative = (System.nanoTime() - t0) * 1e-9;
        c.objective();
        double[] objective = c.objectiveValues();
        String value = objective.length == 1 ? Double.toString(objective[0])
                : objective.length + " residuals, sum " + sum(objective) + ", first " + objective[0];
        double[] derivative = c.derivativeValues();
        double sum = sum(derivative), absSum = 0;
        for (double v : derivative) absSum += Math.abs(v);
        int classBytes = c.compiled().bytecode().length;
        System.out.printf(Locale.ROOT, "  compile %s (thread cpu %s, process cpu %s) (first derivative call, making its kernel: %s), class %,d bytes%n",
                time(compile.seconds()), time(compile.cpuSeconds()), time(compileProcess), time(firstDerivative), classBytes);
        System.out.println("  objective          " + value);
        System.out.println("  derivative         " + derivative.length + " values, sum " + sum + ", sum |.| " + absSum);

        Measurement objectiveRun = measure(c::objective, minBatch, timeLimit, maxBatches, warmup, jitIdle);
        Measurement derivativeRun = measure(c::derivative, minBatch, timeLimit, maxBatches, warmup, jitIdle);
        Timing objectiveTime = objectiveRun.time(), derivativeTime = derivativeRun.time();
        System.out.printf(Locale.ROOT, "  warm-up            %.1f s objective, %.1f s derivative (until the JIT was idle %.1f s)%n",
                objectiveRun.warmupSeconds(), derivativeRun.warmupSeconds(), jitIdle);
        System.out.printf(Locale.ROOT, "  objective time     %s  (cpu %s)%n  derivative time    %s  (cpu %s)%n  derivative/objective %.3g  (cpu %.3g)%n",
                time(objectiveTime.seconds()), time(objectiveTime.cpuSeconds()), time(derivativeTime.seconds()), time(derivativeTime.cpuSeconds()),
                derivativeTime.seconds() / objectiveTime.seconds(), derivativeTime.cpuSeconds() / objectiveTime.cpuSeconds());

        double bytes = Math.max(allocatedPerCall(c::objective, objectiveTime.seconds()), allocatedPerCall(c::derivative, derivativeTime.seconds()));
        System.out.printf(Locale.ROOT, "  allocated          %.0f B per call (the larger of objective and derivative)%n", bytes);

        Timing torchObjective = null, torchDerivative = null;
        if (python != null) {
            Path file = source.startsWith("generated") ? Files.createTempFile("adbench-" + size, ".json") : Path.of(source);
            if (source.startsWith("generated")) Files.writeString(file, InputJson.toJson(input));
            List<String> command = List.of(python, pytorchScript().toString(), file.toString(), "--time",
                    "--min-batch", Double.toString(minBatch), "--time-limit", Double.toString(timeLimit),
                    "--max-batches", Integer.toString(maxBatches));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            if (source.startsWith("generated")) Files.deleteIfExists(file);
            System.out.print(out.lines().map(l -> "  | " + l + "\n").reduce("", String::concat));
            torchObjective = seconds(out, "objective time");
            torchDerivative = seconds(out, "derivative time");
        }
        System.out.println();
        return new Row(size, source, objectiveTime, derivativeTime, compile, firstDerivative, classBytes, bytes, value, sum, absSum,
                torchObjective, torchDerivative);
    }

    /** bench/pytorch/adbench.py, found from the working directory (the repository root or bench/). */
    private static Path pytorchScript() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            for (Path candidate : List.of(dir.resolve("bench/pytorch/adbench.py"), dir.resolve("pytorch/adbench.py")))
                if (Files.isRegularFile(candidate)) return candidate;
        }
        throw new UncheckedIOException(new IOException("bench/pytorch/adbench.py not found from " + Path.of("").toAbsolutePath()));
    }

    /** CPU time of the whole JVM (every thread), or -1 where the platform does not say. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
    }

    /** A time adbench.py printed ("  objective time     1.234 ms  (cpu 1.1 ms; ...") in seconds, wall and CPU. */
    private static Timing seconds(String out, String label) {
        Matcher m = Pattern.compile(label + "\\s+([0-9.e+-]+) (s|ms|us|ns)\\s+\\(cpu ([0-9.e+-]+) (s|ms|us|ns)").matcher(out);
        if (!m.find()) return new Timing(Double.NaN, Double.NaN);
        return new Timing(Double.parseDouble(m.group(1)) * unit(m.group(2)), Double.parseDouble(m.group(3)) * unit(m.group(4)));
    }

    private static double unit(String unit) {
        return switch (unit) {
            case "s" -> 1;
            case "ms" -> 1e-3;
            case "us" -> 1e-6;
            default -> 1e-9;
        };
    }

    private static void printTable(List<Row> rows, boolean torch) {
        System.out.println("Times: minimum per call over batches of >= the min-batch; wall clock, thread CPU time in brackets.");
        System.out.println("| input | objective | derivative | derivative/objective | compile (+ first derivative call) | class bytes | B/call |"
                + (torch ? " PyTorch objective | PyTorch derivative | PyTorch ÷ jgrad, derivative |" : "") + " objective value | derivative sum |");
        System.out.println("|---|---|---|---|---|---|---|" + (torch ? "---|---|---|" : "") + "---|---|");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "| %s %s | %s | %s | %.3g (%.3g) | %s (+ %s) | %,d | %.0f |", r.size, r.size.sizes(), both(r.objective),
                    both(r.derivative), r.derivative.seconds() / r.objective.seconds(), r.derivative.cpuSeconds() / r.objective.cpuSeconds(),
                    both(r.compile), time(r.firstDerivativeSeconds), r.classBytes, r.bytesPerCall);
            if (torch) System.out.printf(Locale.ROOT, " %s | %s | %.3g (%.3g) |", both(r.torchObjective), both(r.torchDerivative),
                    r.torchDerivative.seconds() / r.derivative.seconds(), r.torchDerivative.cpuSeconds() / r.derivative.cpuSeconds());
            System.out.printf(Locale.ROOT, " %s | %s |%n", r.value, r.sum);
        }
    }

    private static String both(Timing t) {
        return time(t.seconds()) + " (" + time(t.cpuSeconds()) + ")";
    }

    static String time(double seconds) {
        if (Double.isNaN(seconds)) return "-";
        if (seconds >= 1) return String.format(Locale.ROOT, "%.4g s", seconds);
        if (seconds >= 1e-3) return String.format(Locale.ROOT, "%.4g ms", seconds * 1e3);
        if (seconds >= 1e-6) return String.format(Locale.ROOT, "%.4g µs", seconds * 1e6);
        return String.format(Locale.ROOT, "%.4g ns", seconds * 1e9);
    }

    private static double sum(double[] values) {
        double s = 0;
        for (double v : values) s += v;
        return s;
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) throw new IllegalArgumentException(flag + " needs a value");
        return args[i];
    }
}
