/** JMH benchmarks (eager engine / compiled / hand-written Java / JVM peers) and the demo. */
package io.jgrad.bench;
