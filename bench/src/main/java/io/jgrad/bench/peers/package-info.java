/**
 * The same workloads written with JVM automatic-differentiation libraries from Maven Central, in
 * double (the only precision they offer): finmath-lib's reverse-mode AAD
 * ({@code RandomVariableDifferentiableAAD}) and Hipparchus's forward mode ({@code Gradient}).
 * Each is written the way that library's documentation suggests; the tests check their gradients
 * against the hand-written ones.
 */
package io.jgrad.bench.peers;
