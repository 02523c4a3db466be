package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * toString() against the strings real PyTorch 1.13 printed for the same tensors
 * (resources/repr/cases.json, written by src/test/python/gen_repr.py): scalars, int mode,
 * fixed and scientific notation, line wrapping, 2-D/3-D layout, empty and summarised tensors.
 */
class TensorFormatTest {

    @TestFactory
    Stream<DynamicTest> pytorchRepr() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonElement e : load()) {
            JsonObject c = e.getAsJsonObject();
            JsonArray d = c.getAsJsonArray("data"), s = c.getAsJsonArray("shape");
            float[] data = new float[d.size()];
            for (int i = 0; i < data.length; i++) data[i] = (float) d.get(i).getAsDouble();
            int[] shape = new int[s.size()];
            for (int i = 0; i < shape.length; i++) shape[i] = s.get(i).getAsInt();
            boolean rg = c.get("requiresGrad").getAsBoolean();
            String expected = c.get("repr").getAsString();
            tests.add(DynamicTest.dynamicTest(c.get("name").getAsString(),
                    () -> assertEquals(expected, Tensor.of(data, shape).requiresGrad(rg).toString())));
        }
        return tests.stream();
    }

    private static JsonArray load() throws IOException {
        try (InputStream in = TensorFormatTest.class.getClassLoader().getResourceAsStream("repr/cases.json")) {
            return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonArray();
        }
    }

    @Test
    void fixtureIsThere() throws IOException {
        assertEquals(221, load().size());
    }

    @Test
    void scientificAndFixedNumbersAsPythonFormatsThem() {
        // Python: '{:.4e}'.format(0.000123456) == '1.2346e-04', '{:.4f}'.format(0.125) == '0.1250'
        assertEquals("1.2346e-04", TensorFormat.sci(0.000123456f));
        assertEquals("1.0000e+10", TensorFormat.sci(1e10f));
        assertEquals("0.1250", TensorFormat.fixed(0.125f, 4));
        assertEquals("-0.0000", TensorFormat.fixed(-0.00001f, 4));  // Python keeps the sign
        assertEquals("2", TensorFormat.fixed(2.5f, 0));             // half to even: '{:.0f}'.format(2.5) == '2'
    }
}
