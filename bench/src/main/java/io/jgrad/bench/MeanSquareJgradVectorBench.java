package io.jgrad.bench;

import org.openjdk.jmh.annotations.Fork;

/** {@link MeanSquareJgradBench} in a JVM with {@code jdk.incubator.vector}: compiled code takes the vector path (issue 13). */
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MeanSquareJgradVectorBench extends MeanSquareJgradBench {
}
