package io.jgrad.bench;

import org.openjdk.jmh.annotations.Fork;

/** {@link MatmulKernelBench} in a JVM with {@code jdk.incubator.vector}: compiled code takes the vector path. */
@Fork(value = 3, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MatmulKernelVectorBench extends MatmulKernelBench {
}
