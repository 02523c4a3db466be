package io.jgrad.bench.adbench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A whitespace tokenizer over one file; errors name the file, the token and what was expected. */
final class Tokens {
    private final String source;
    private final String[] tokens;
    private int position;

    Tokens(String source, String text) {
        this.source = source;
        String trimmed = text.strip();
        this.tokens = trimmed.isEmpty() ? new String[0] : trimmed.split("\\s+");
    }

    static Tokens of(Path file) {
        return new Tokens(file.toString(), readText(file));
    }

    static String readText(Path file) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no such file: " + file);
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    int count() {
        return tokens.length;
    }

    int nextInt(String what) {
        String token = next(what);
        try {
            return Integer.parseInt(token);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ": token " + position + " (\"" + token + "\") is not an integer; expected " + what);
        }
    }

    double nextDouble(String what) {
        String token = next(what);
        try {
            return Double.parseDouble(token);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(source + ": token " + position + " (\"" + token + "\") is not a number; expected " + what);
        }
    }

    double[] nextDoubles(String what, long count) {
        if (count > Integer.MAX_VALUE) throw new IllegalArgumentException(source + ": " + what + " would need " + count + " values");
        if (count > tokens.length - position) {
            throw new IllegalArgumentException(source + ": " + what + " needs " + count + " values but only "
                    + (tokens.length - position) + " tokens are left");
        }
        double[] out = new double[(int) count];
        for (int i = 0; i < out.length; i++) out[i] = nextDouble(what);
        return out;
    }

    void expectEnd(String what) {
        if (position != tokens.length) {
            throw new IllegalArgumentException(source + ": " + (tokens.length - position) + " tokens left over after " + what
                    + " (first: \"" + tokens[position] + "\")");
        }
    }

    private String next(String what) {
        if (position >= tokens.length) throw new IllegalArgumentException(source + ": file ends early; expected " + what);
        return tokens[position++];
    }
}
