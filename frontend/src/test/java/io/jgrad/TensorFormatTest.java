package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.jgrad.runtime.DType;
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
 * fixed and scientific notation, line wrapping, 2-D/3-D layout, empty and summarised tensors;
 * float64, float16 (with their dtype suffix) and bool.
 */
class TensorFormatTest {

    @TestFactory
    Stream<DynamicTest> pytorchRepr() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonElement e : load()) {
            JsonObject c = e.getAsJsonObject();
            JsonArray d = c.getAsJsonArray("data"), s = c.getAsJsonArray("shape");
            double[] data = new double[d.size()];
            for (int i = 0; i < data.length; i++) data[i] = d.get(i).getAsDouble();
            int[] shape = new int[s.size()];
            for (int i = 0; i < shape.length; i++) shape[i] = s.get(i).getAsInt();
            boolean rg = c.get("requiresGrad").getAsBoolean();
            String expected = c.get("repr").getAsString();
            DType dtype = c.has("dtype") ? DType.parse(c.get("dtype").getAsString()) : DType.F32;
            tests.add(DynamicTest.dynamicTest(c.get("name").getAsString(), () -> {
                Tensor t = make(dtype, data, shape);
                assertEquals(dtype, t.dtype());
                assertArrayEquals(data, t.toDoubleArray(), "the values are exact in their dtype");
                assertEquals(expected, t.requiresGrad(rg).toString());
            }));
        }
        return tests.stream();
    }

    /** A tensor of the case's dtype holding exactly {@code data} (every value is exact in that dtype). */
    private static Tensor make(DType dtype, double[] data, int[] shape) {
        return switch (dtype) {
            case F32 -> {
                float[] f = new float[data.length];
                for (int i = 0; i < f.length; i++) f[i] = (float) data[i];
                yield Tensor.of(f, shape);
            }
            case F64 -> Tensor.of(data, shape);
            case F16, BOOL -> Tensor.of(data, shape).to(dtype);
        };
    }

    private static JsonArray load() throws IOException {
        try (InputStream in = TensorFormatTest.class.getClassLoader().getResourceAsStream("repr/cases.json")) {
            return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonArray();
        }
    }

    @Test
    void fixtureIsThere() throws IOException {
        assertEquals(260, load().size());
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
