package io.jgrad.bench.demo;

import java.util.Locale;

/**
 * Prints notebook cells as three columns: the code, what the eager engine prints (PyTorch's
 * repr) and what the compiled function returned (plain floats, 4 decimals), so the two can
 * be compared by eye.
 */
public final class SideBySide {
    private SideBySide() {}

    private static final String ROW = "%-40s %-40s %s";

    public static void heading(String title) {
        System.out.println();
        System.out.println("== " + title);
    }

    public static void columns() {
        print(String.format(ROW, "", "eager", "compiled"));
    }

    /** One cell; {@code eager} is printed with toString (null prints as null, as Tensor.grad() may be). */
    public static void row(String code, Object eager, String compiled) {
        print(String.format(ROW, code, eager == null ? "null" : eager, compiled == null ? "" : compiled));
    }

    /** Without the padding of an empty last column. */
    private static void print(String line) {
        System.out.println(line.stripTrailing());
    }

    public static void note(String text) {
        System.out.println("  " + text);
    }

    /** A float with 4 decimals, whatever the default locale. */
    public static String f4(float v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /** A float vector as [a, b, c] with 4 decimals. */
    public static String f4(float[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) sb.append(i == 0 ? "" : ", ").append(f4(v[i]));
        return sb.append(']').toString();
    }

    /** Runs {@code r} and prints the exception it throws, as the notebook cell would. */
    public static void expectError(String code, Runnable r) {
        try {
            r.run();
            System.out.println(code + "  ->  (no error)");
        } catch (RuntimeException e) {
            System.out.println(code + "  ->  " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}
