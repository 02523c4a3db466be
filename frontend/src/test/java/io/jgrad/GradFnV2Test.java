package io.jgrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.jgrad.golden.GoldenCase;
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
 * The operations of API.md's "More operations" against what PyTorch 1.13 reported for the same
 * program (resources/repr/gradfn_v2.json, written by src/test/python/gradfn_names_v2.py): the
 * result's grad_fn name, its repr (values, dtype suffix, BOOL printing, grad_fn), whether it
 * requires a gradient (comparisons and logical ops never do), its dtype and shape, and whether a
 * second backward through it fails (PyTorch frees a node that saved tensors).
 */
class GradFnV2Test {

    private static JsonArray load() throws IOException {
        try (InputStream in = GradFnV2Test.class.getClassLoader().getResourceAsStream("repr/gradfn_v2.json")) {
            return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonArray();
        }
    }

    @Test
    void fixtureIsThere() throws IOException {
        assertEquals(137, load().size());
    }

    @TestFactory
    Stream<DynamicTest> asPyTorch() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonElement e : load()) {
            JsonObject o = e.getAsJsonObject();
            GoldenCase c = GoldenCase.parse(o.toString());
            String name = o.get("gradFn").isJsonNull() ? null : o.get("gradFn").getAsString();
            boolean requiresGrad = o.get("requiresGrad").getAsBoolean();
            String repr = o.get("repr").getAsString();
            Boolean secondFails = o.get("secondBackwardFails").isJsonNull() ? null : o.get("secondBackwardFails").getAsBoolean();
            tests.add(DynamicTest.dynamicTest(c.name, () -> {
                Tensor y = c.run(c.eagerInputs(), GoldenCase.TENSOR_OPS);
                assertEquals(c.outputDType, y.dtype(), "dtype");
                assertEquals(java.util.Arrays.toString(c.expectedShape), java.util.Arrays.toString(y.shape()), "shape");
                assertEquals(name, y.gradFnName(), "grad_fn");
                assertEquals(requiresGrad, y.requiresGrad(), "requires_grad");
                assertEquals(repr, y.toString(), "repr");
                if (y.dtype() == DType.BOOL) assertEquals(java.util.Arrays.toString(c.value), java.util.Arrays.toString(y.toDoubleArray()));
                if (secondFails == null) return;
                Tensor loss = y.dim() == 0 ? y : y.sum();
                loss.backward();
                if (secondFails) {
                    IllegalStateException x = assertThrows(IllegalStateException.class, loss::backward);
                    assertTrue(x.getMessage().contains("Trying to backward through the graph a second time"), x.getMessage());
                } else {
                    loss.backward();
                }
            }));
        }
        return tests.stream();
    }
}
