package io.jgrad.bench.adbench;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A golden made by {@code bench/pytorch/adbench.py --golden} from a small generated input
 * (bench/src/test/resources/adbench/NAME.json): the input in {@link InputJson}'s layout plus
 * {@code "expected": {"objective", "derivative"}}.
 */
final class AdbenchGolden {
    final String name;
    final JsonObject json;

    private AdbenchGolden(String name, JsonObject json) {
        this.name = name;
        this.json = json;
    }

    static AdbenchGolden load(String name) {
        return new AdbenchGolden(name, resource("/adbench/" + name + ".json"));
    }

    static JsonObject resource(String path) {
        try (InputStream in = AdbenchGolden.class.getResourceAsStream(path)) {
            assertNotNull(in, "missing test resource " + path);
            return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The input as its record (the inverse of {@link InputJson#toJson}). */
    Record input() {
        return parse(json);
    }

    static Record parse(JsonObject j) {
        return switch (j.get("problem").getAsString()) {
            case "gmm" -> new GmmInput(j.get("d").getAsInt(), j.get("k").getAsInt(), j.get("n").getAsInt(),
                    doubles(j, "alphas"), doubles(j, "means"), doubles(j, "icf"), doubles(j, "x"),
                    j.get("gamma").getAsDouble(), j.get("m").getAsInt());
            case "lstm" -> new LstmInput(j.get("layers").getAsInt(), j.get("steps").getAsInt(), j.get("hidden").getAsInt(),
                    doubles(j, "main"), doubles(j, "extra"), doubles(j, "state"), doubles(j, "sequence"));
            case "ba" -> new BaInput(j.get("n").getAsInt(), j.get("m").getAsInt(), j.get("p").getAsInt(),
                    doubles(j, "cams"), doubles(j, "points"), doubles(j, "weights"), doubles(j, "features"), ints(j, "observations"));
            case "hand" -> {
                JsonObject m = j.getAsJsonObject("model");
                List<String> bones = new ArrayList<>();
                for (JsonElement e : m.getAsJsonArray("bones")) bones.add(e.getAsString());
                HandModel model = new HandModel(bones, ints(m, "parents"), doubles(m, "baseRelatives"),
                        doubles(m, "inverseBaseAbsolutes"), doubles(m, "basePositions"), doubles(m, "weights"), ints(m, "triangles"));
                yield new HandInput(model, j.get("complicated").getAsBoolean(), ints(j, "correspondences"),
                        doubles(j, "points"), doubles(j, "us"), doubles(j, "theta"));
            }
            default -> throw new AssertionError("unknown problem " + j.get("problem"));
        };
    }

    JsonObject expected() {
        return json.getAsJsonObject("expected");
    }

    /** The expected objective: a number (GMM, LSTM) or the residual vector (BA, Hand). */
    double[] objective() {
        JsonElement e = expected().get("objective");
        return e.isJsonArray() ? doubles(e.getAsJsonArray()) : new double[] {e.getAsDouble()};
    }

    JsonObject derivative() {
        return expected().getAsJsonObject("derivative");
    }

    static double[] doubles(JsonObject o, String key) {
        JsonArray a = o.getAsJsonArray(key);
        assertNotNull(a, "missing array " + key);
        return doubles(a);
    }

    static double[] doubles(JsonArray a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsDouble();
        return out;
    }

    static int[] ints(JsonObject o, String key) {
        JsonArray a = o.getAsJsonArray(key);
        assertNotNull(a, "missing array " + key);
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsInt();
        return out;
    }

    /** ADBench's data folder, or null when it is absent (the real-file tests then skip). */
    static Path realDataOrNull() {
        return AdbenchSize.defaultDataFolder().orElse(null);
    }

    /** Skips the calling test, saying why and how to point at the folder, when {@code data} is absent. */
    static void assumeRealData(Path data, String whichTests) {
        assumeTrue(data != null && AdbenchSize.GMM_1K_D2_K5.availableIn(data),
                "ADBench's data folder not found (" + (data == null ? "no shared/adbench/data above the working directory" : data)
                        + "; set -Dadbench.data=DIR or ADBENCH_DATA): " + whichTests + " are skipped");
    }
}
