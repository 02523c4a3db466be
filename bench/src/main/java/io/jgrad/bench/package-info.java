/**
 * JMH benchmarks: one class per workload, with the variants as methods named {@code handWritten}
 * (plain Java, the bar), {@code eager} and {@code compiled} (jgrad; in the classes named
 * {@code *JgradBench}) and the JVM peers ({@code finmath}, {@code hipparchus}). A workload's name
 * is its class name without the {@code Bench}, {@code JgradBench} or {@code PeersBench} suffix,
 * plus its {@code @Param} values; {@code bench/table.py} and {@code bench/pytorch/bench.py} use the
 * same names. See {@code bench/README-bench.md}.
 */
package io.jgrad.bench;
