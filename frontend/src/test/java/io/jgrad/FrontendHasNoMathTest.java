package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The eager engine keeps no arithmetic of its own (issue 9): every value and every derivative is
 * computed by ir's primitives (their kernels and VJP rules), reached through {@code Composites}
 * over an {@code Eval}. A reader can see it the way this test does: in Tensor.java, EagerOps.java, GradFn.java
 * and Backward.java a tensor's data, its pending gradient and every gradient are held as
 * {@code Object} and never cast to an array type, no float or double local is computed, and no
 * {@code Math} function is called; so no loop there can touch a value. Storage.java, the one
 * class that does index arrays, only fills, copies and widens them (no operator on an element).
 */
class FrontendHasNoMathTest {

    private static final Path MAIN = Path.of("src/main/java/io/jgrad");

    /** What would let a file compute with values: each pattern with why it is forbidden. */
    private static final Map<String, Pattern> ENGINE_FORBIDS = Map.of(
            "a Math function", Pattern.compile("\\bMath\\."),
            "a cast to a value array (the only way to index an Object-typed tensor's data)",
            Pattern.compile("\\(\\s*(float|double|boolean)\\s*\\[\\s*\\]\\s*\\)"),
            "a float or double array local", Pattern.compile("\\b(float|double)\\s*\\[\\s*\\]\\s+\\w+\\s*="),
            "a float or double local computed from something", Pattern.compile("^\\s*(final\\s+)?(float|double)\\s+\\w+\\s*="),
            "an instanceof pattern onto a value array", Pattern.compile("instanceof\\s+(float|double|boolean)\\s*\\[\\s*\\]\\s*\\w"));

    /** In Storage: arithmetic operators applied to an array element, or a Math function. */
    private static final Map<String, Pattern> STORAGE_FORBIDS = Map.of(
            "a Math function", Pattern.compile("\\bMath\\."),
            "an operator after an element", Pattern.compile("\\w\\[[^\\]]+\\]\\s*([-+*/%]|[-+*/%]=)(?!\\s*\\+)"),
            "an operator before an element", Pattern.compile("([-*/%]|[^+]\\+|[-+*/%]=)\\s*\\w+\\[[^\\]]+\\]"));

    @Test
    void tensorGradFnAndBackwardNeverComputeWithValues() throws IOException {
        for (String file : List.of("Tensor.java", "EagerOps.java", "InPlace.java", "Layout.java", "GradFn.java", "Backward.java", "Saves.java", "Lowering.java", "EagerThread.java", "Strides.java")) {
            List<String> hits = violations(read(file), ENGINE_FORBIDS);
            assertTrue(hits.isEmpty(), file + " computes with values:\n" + String.join("\n", hits));
        }
    }

    @Test
    void storageOnlyMovesValues() throws IOException {
        List<String> hits = violations(read("Storage.java"), STORAGE_FORBIDS);
        assertTrue(hits.isEmpty(), "Storage.java computes with values:\n" + String.join("\n", hits));
    }

    /** The checks can fail: each catches the kind of code the version-1 engine had. */
    @Test
    void theChecksCatchTheOldEngine() {
        String old = String.join("\n",
                "        float[] x = data, y = new float[x.length];",
                "        for (int i = 0; i < y.length; i++) y[i] = (float) Math.exp(x[i]);",
                "            for (int i = 0; i < gx.length; i++) gx[i] += g[i] * y[i];",
                "        double s = 0;",
                "        float[] d = (float[]) grad.data;",
                "        if (data instanceof float[] f) return f[0];");
        assertEquals(5, violations(old, ENGINE_FORBIDS).size(), violations(old, ENGINE_FORBIDS).toString());
        String oldStorage = String.join("\n",
                "            for (int i = 0; i < n; i++) y[i] = a[i] + b[i];",
                "            for (int i = 0; i < n; i++) acc += g[i];",
                "            dst[off] += g[i];",
                "            y[i] = -x[i];",
                "            y[i] = (float) Math.sqrt(x[i]);");
        assertEquals(5, violations(oldStorage, STORAGE_FORBIDS).size(), violations(oldStorage, STORAGE_FORBIDS).toString());
        assertTrue(violations("        out[i] = get(data, i);\n        a[i] = b[i] ? 1f : 0f;\n        for (int i = 0; i < n; i++)",
                STORAGE_FORBIDS).isEmpty(), "copies, widening and loop counters are allowed");
    }

    private static String read(String file) throws IOException {
        return Files.readString(MAIN.resolve(file), StandardCharsets.UTF_8);
    }

    /** Lines (outside comments) where a pattern matches, each once with the first reason found. */
    private static List<String> violations(String source, Map<String, Pattern> forbids) {
        List<String> hits = new ArrayList<>();
        String[] lines = source.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String code = codeOf(lines[i]);
            for (Map.Entry<String, Pattern> f : forbids.entrySet()) {
                if (f.getValue().matcher(code).find()) {
                    hits.add((i + 1) + ": " + f.getKey() + ": " + lines[i].trim());
                    break;
                }
            }
        }
        return hits;
    }

    /** The line without a // comment, and empty for a javadoc or block-comment line. */
    private static String codeOf(String line) {
        String t = line.trim();
        if (t.startsWith("*") || t.startsWith("/*") || t.startsWith("//")) return "";
        int c = line.indexOf("//");
        return c >= 0 ? line.substring(0, c) : line;
    }
}
