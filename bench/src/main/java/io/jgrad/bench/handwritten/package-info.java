/**
 * The workloads written by hand in plain Java over {@code float[]}: forward and backward fused
 * into loops, float32 throughout, no allocation per call. This is the bar the compiler is judged
 * against, so every method here is written the way a careful person would write it, and every
 * gradient is checked against finite differences in double by the tests.
 */
package io.jgrad.bench.handwritten;
