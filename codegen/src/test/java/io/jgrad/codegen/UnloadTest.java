package io.jgrad.codegen;

import io.jgrad.ir.Builder;
import io.jgrad.ir.Composites;
import io.jgrad.ir.Graph;
import io.jgrad.ir.Type;
import io.jgrad.runtime.Compiled;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 100,000 compile-and-drop cycles in a JVM limited to 64 MB of metaspace: generated classes
 * must be unloadable (no STRONG link, and no thread-local workspace keeping its Compiled alive).
 */
class UnloadTest {
    static final int CYCLES = 100_000;

    @Test
    void hundredThousandClassesFitIn64MbOfMetaspace() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-XX:MaxMetaspaceSize=64m", "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), UnloadTest.class.getName()));
        pb.redirectErrorStream(true);
        File log = File.createTempFile("jgrad-unload", ".log");
        log.deleteOnExit();
        pb.redirectOutput(log);   // to a file, so that waitFor below really bounds the wait
        Process p = pb.start();
        boolean finished = p.waitFor(5, TimeUnit.MINUTES);
        if (!finished) p.destroyForcibly();
        String out = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        assertTrue(finished, "forked JVM did not finish in 5 minutes:\n" + out);
        System.out.println(out.trim());
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("defined " + CYCLES), out);
    }

    /** Runs in the forked JVM: compile, call (thread-local workspace included), drop. */
    public static void main(String[] args) {
        Builder b = new Builder();
        int x = b.input(0, "x", Type.f32(3));
        Graph fwd = b.build(Composites.sum(b, Composites.mul(b, Composites.exp(b, x), x)));
        CompileRequest req = Pipelines.request(fwd, new String[] {"x"}, new boolean[] {true});
        long t0 = System.nanoTime();
        float[][] in = {{1, 2, 3}};
        float check = 0;
        for (int i = 0; i < CYCLES; i++) {
            Compiled c = CodeGen.compile(req);
            float[][] g = {new float[3]};
            check += c.valueAndGrad(in, g); // makes this thread's workspace for c
        }
        System.out.printf("defined %d classes in %.1f s (checksum %.1f)%n", CYCLES, (System.nanoTime() - t0) / 1e9, check);
    }
}
