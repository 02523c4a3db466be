package io.jgrad.bench.adbench;

import java.util.List;

/**
 * An input record as JSON, the format {@code bench/pytorch/adbench.py} reads besides ADBench's
 * text files (ADBench's BA format cannot hold distinct cameras, and its hand format needs a
 * model folder). Doubles are written with {@link Double#toString}, which round-trips exactly.
 * <pre>
 * {"problem": "gmm", "d", "k", "n", "alphas", "means", "icf", "x", "gamma", "m"}
 * {"problem": "lstm", "layers", "steps", "hidden", "main", "extra", "state", "sequence"}
 * {"problem": "ba", "n", "m", "p", "cams", "points", "weights", "features", "observations"}
 * {"problem": "hand", "complicated", "correspondences", "points", "us", "theta",
 *  "model": {"bones", "parents", "baseRelatives", "inverseBaseAbsolutes", "basePositions", "weights", "triangles"}}
 * </pre>
 * Arrays are flat and row-major with the shapes documented on the records.
 */
public final class InputJson {
    private InputJson() {}

    public static String toJson(Record input) {
        StringBuilder out = new StringBuilder("{");
        if (input instanceof GmmInput g) {
            field(out, "problem", "\"gmm\"");
            field(out, "d", g.d());
            field(out, "k", g.k());
            field(out, "n", g.n());
            field(out, "alphas", g.alphas());
            field(out, "means", g.means());
            field(out, "icf", g.icf());
            field(out, "x", g.x());
            field(out, "gamma", Double.toString(g.gamma()));
            field(out, "m", g.m());
        } else if (input instanceof LstmInput l) {
            field(out, "problem", "\"lstm\"");
            field(out, "layers", l.layers());
            field(out, "steps", l.steps());
            field(out, "hidden", l.hidden());
            field(out, "main", l.main());
            field(out, "extra", l.extra());
            field(out, "state", l.state());
            field(out, "sequence", l.sequence());
        } else if (input instanceof BaInput b) {
            field(out, "problem", "\"ba\"");
            field(out, "n", b.n());
            field(out, "m", b.m());
            field(out, "p", b.p());
            field(out, "cams", b.cams());
            field(out, "points", b.points());
            field(out, "weights", b.weights());
            field(out, "features", b.features());
            field(out, "observations", b.observations());
        } else if (input instanceof HandInput h) {
            field(out, "problem", "\"hand\"");
            field(out, "complicated", Boolean.toString(h.complicated()));
            field(out, "correspondences", h.correspondences());
            field(out, "points", h.points());
            field(out, "us", h.us());
            field(out, "theta", h.theta());
            HandModel model = h.model();
            StringBuilder m = new StringBuilder("{");
            field(m, "bones", names(model.boneNames()));
            field(m, "parents", model.parents());
            field(m, "baseRelatives", model.baseRelatives());
            field(m, "inverseBaseAbsolutes", model.inverseBaseAbsolutes());
            field(m, "basePositions", model.basePositions());
            field(m, "weights", model.weights());
            field(m, "triangles", model.triangles());
            field(out, "model", m.append('}').toString());
        } else {
            throw new IllegalArgumentException("not an ADBench input record: " + (input == null ? "null" : input.getClass().getName()));
        }
        return out.append("}\n").toString();
    }

    private static void field(StringBuilder out, String name, String json) {
        if (out.length() > 1) out.append(",\n ");
        out.append('"').append(name).append("\": ").append(json);
    }

    private static void field(StringBuilder out, String name, int value) {
        field(out, name, Integer.toString(value));
    }

    private static void field(StringBuilder out, String name, double[] values) {
        StringBuilder a = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) a.append(", ");
            a.append(values[i]);                  // finite: the records reject NaN and infinities
        }
        field(out, name, a.append(']').toString());
    }

    private static void field(StringBuilder out, String name, int[] values) {
        StringBuilder a = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            if (i > 0) a.append(", ");
            a.append(values[i]);
        }
        field(out, name, a.append(']').toString());
    }

    private static String names(List<String> names) {
        StringBuilder a = new StringBuilder("[");
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) a.append(", ");
            a.append('"').append(names.get(i).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return a.append(']').toString();
    }
}
