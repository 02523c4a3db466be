package io.jgrad.bench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * One of PyTorch's golden cases (copied from shared/golden into src/test/resources/golden), with
 * the comparison rule of shared/golden/README.md.
 */
final class GoldenCase {
    private final String name;
    private final JsonObject json;

    private GoldenCase(String name, JsonObject json) {
        this.name = name;
        this.json = json;
    }

    static GoldenCase load(String name) {
        String path = "/golden/" + name + ".json";
        try (InputStream in = GoldenCase.class.getResourceAsStream(path)) {
            assertNotNull(in, "missing test resource " + path);
            return new GoldenCase(name, JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An input's data; every number in the file is exactly a float32. */
    float[] input(String inputName) {
        for (JsonElement e : json.getAsJsonArray("inputs")) {
            JsonObject input = e.getAsJsonObject();
            if (input.get("name").getAsString().equals(inputName)) return floats(input.getAsJsonArray("data"));
        }
        throw new AssertionError(name + " has no input " + inputName);
    }

    float scalar(String inputName) {
        float[] data = input(inputName);
        assertEquals(1, data.length, inputName + " is not a scalar");
        return data[0];
    }

    /** A float32 result against the float64 truth, within PyTorch float32's own error (README rule). */
    void assertValue(double actual) {
        assertClose("value", new double[] {actual}, doubles(expected().getAsJsonArray("value")), doubles(expected().getAsJsonArray("value32")));
    }

    void assertGrad(String inputName, float[] actual) {
        double[] a = new double[actual.length];
        for (int i = 0; i < a.length; i++) a[i] = actual[i];
        assertGrad(inputName, a);
    }

    void assertGrad(String inputName, double[] actual) {
        assertClose("d/d" + inputName, actual,
                doubles(expected().getAsJsonObject("grads").getAsJsonArray(inputName)),
                doubles(expected().getAsJsonObject("grads32").getAsJsonArray(inputName)));
    }

    /** A float64 result (the peers) against the float64 truth: agreement to ~1e-12. */
    void assertValueDouble(double actual) {
        assertEquals(doubles(expected().getAsJsonArray("value"))[0], actual, 1e-12);
    }

    void assertGradDouble(String inputName, double[] actual) {
        double[] t = doubles(expected().getAsJsonObject("grads").getAsJsonArray(inputName));
        assertEquals(t.length, actual.length, "d/d" + inputName + ": length");
        for (int i = 0; i < t.length; i++) assertEquals(t[i], actual[i], 1e-12 + 1e-10 * Math.abs(t[i]), "d/d" + inputName + "[" + i + "]");
    }

    private JsonObject expected() {
        return json.getAsJsonObject("expected");
    }

    private void assertClose(String what, double[] actual, double[] t, double[] t32) {
        assertEquals(t.length, actual.length, name + " " + what + ": length");
        double maxAbs = 0;
        for (double v : t) maxAbs = Math.max(maxAbs, Math.abs(v));
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < t.length; i++) {
            double tol = 1e-5 + 1e-4 * Math.abs(t[i]) + 8 * Math.abs(t32[i] - t[i]) + 1e-5 * maxAbs;
            if (!(Math.abs(actual[i] - t[i]) <= tol)) failures.add(what + "[" + i + "] = " + actual[i] + ", PyTorch float64 " + t[i] + " (float32 " + t32[i] + ")");
        }
        if (!failures.isEmpty()) fail(name + ": " + String.join("; ", failures));
    }

    private static float[] floats(JsonArray a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) a.get(i).getAsDouble();
        return out;
    }

    private static double[] doubles(JsonArray a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsDouble();
        return out;
    }
}
