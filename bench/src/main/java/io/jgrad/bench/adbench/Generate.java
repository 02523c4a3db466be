package io.jgrad.bench.adbench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Writes a generated input as JSON ({@link InputJson}) for {@code bench/pytorch/adbench.py}:
 * <pre>
 * java -cp bench/target/classes io.jgrad.bench.adbench.Generate NAME [--seed S] [--out FILE]
 * </pre>
 * NAME is a catalog size ({@link AdbenchSize}, e.g. {@code gmm_1k_d10_k25}) or one of the
 * small cases the committed goldens were made from ({@link #SMALL_CASES}).
 */
public final class Generate {
    private Generate() {}

    /** The small generated inputs behind the goldens in bench/src/test/resources/adbench. */
    public static final String[] SMALL_CASES = {"gmm_small", "lstm_small", "ba_small", "hand_simple_small", "hand_complicated_small"};

    /**
     * A small case: GMM d=4 (six lower-triangular entries, so their column order matters) K=3
     * n=10; LSTM l=2 c=5 b=4; BA n=3 m=4 p=6 with camera 0's rotation set to exactly 0 (the
     * README's t² = 0 branch); hand on a 24-vertex, 16-triangle synthetic model, N=5.
     */
    public static Record small(String name, long seed) {
        return switch (name) {
            case "gmm_small" -> AdbenchGenerator.gmm(seed, 4, 3, 10);
            case "lstm_small" -> AdbenchGenerator.lstm(seed, 2, 5, 4);
            case "ba_small" -> {
                BaInput b = AdbenchGenerator.ba(seed, 3, 4, 6);
                double[] cams = b.cams().clone();
                Arrays.fill(cams, 0, 3, 0.0);
                yield new BaInput(b.n(), b.m(), b.p(), cams, b.points(), b.weights(), b.features(), b.observations());
            }
            case "hand_simple_small" -> AdbenchGenerator.hand(seed + 1, AdbenchGenerator.handModel(seed, 24, 16), 5, false);
            case "hand_complicated_small" -> AdbenchGenerator.hand(seed + 1, AdbenchGenerator.handModel(seed, 24, 16), 5, true);
            default -> throw new IllegalArgumentException("unknown small case \"" + name + "\"; known: " + String.join(", ", SMALL_CASES));
        };
    }

    /** A small case or catalog size by name (case-insensitive). */
    public static Record byName(String name, long seed) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (Arrays.asList(SMALL_CASES).contains(lower)) return small(lower, seed);
        for (AdbenchSize size : AdbenchSize.values()) {
            if (size.name().equalsIgnoreCase(name)) return size.generate(seed);
        }
        throw new IllegalArgumentException("unknown input \"" + name + "\"; known: " + String.join(", ", SMALL_CASES) + ", "
                + Arrays.stream(AdbenchSize.values()).map(s -> s.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }

    public static void main(String[] args) throws IOException {
        String name = null, out = null;
        long seed = AdbenchGenerator.DEFAULT_SEED;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seed" -> seed = Long.parseLong(value(args, ++i, "--seed"));
                case "--out" -> out = value(args, ++i, "--out");
                default -> {
                    if (args[i].startsWith("-") || name != null) throw new IllegalArgumentException("unexpected argument \"" + args[i] + "\"");
                    name = args[i];
                }
            }
        }
        if (name == null) throw new IllegalArgumentException("usage: Generate NAME [--seed S] [--out FILE]");
        String json = InputJson.toJson(byName(name, seed));
        if (out == null) System.out.print(json);
        else Files.writeString(Path.of(out), json, StandardCharsets.UTF_8);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
        return args[i];
    }
}
