package io.jgrad;

import io.jgrad.runtime.DType;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * PyTorch 1.13's tensor repr ({@code torch/_tensor_str.py}) for float32, float64, float16 and
 * bool, default print options: precision 4, threshold 1000, edgeitems 3, linewidth 80. The structure follows
 * that file (one formatter chosen from all shown values, {@code _vector_str},
 * {@code _tensor_str_with_formatter}, {@code _add_suffixes}) so that the two can be read
 * side by side. Numbers are formatted as Python's {@code format} does: exact binary value,
 * rounded half to even. Every dtype is formatted from the exact double value of its elements,
 * as PyTorch formats Python floats ({@code .item()}); float16 is printed as float32 is (PyTorch
 * converts it first), and only the {@code dtype=} suffix tells them apart.
 */
final class TensorFormat {
    private TensorFormat() {}

    private static final int PRECISION = 4, THRESHOLD = 1000, EDGEITEMS = 3, LINEWIDTH = 80;

    /** {@code tensor(...)} with its suffixes; {@code gradFn} is the grad_fn name or null. */
    static String repr(DType dtype, int[] shape, Object values, String gradFn, boolean requiresGrad) {
        double[] data = Storage.toDoubles(values);
        boolean bool = dtype == DType.BOOL;
        String prefix = "tensor(";
        int indent = prefix.length();
        StringBuilder suffixes = new StringBuilder();
        java.util.List<String> sfx = new java.util.ArrayList<>();
        String body;
        if (data.length == 0) {
            if (shape.length != 1) sfx.add("size=" + pythonTuple(shape));
            // an empty tensor has no elements to show its dtype by, so every dtype but the default is named
            if (dtype != DType.F32) sfx.add("dtype=" + dtype.torchName);
            body = "[]";
        } else {
            boolean summarize = data.length > THRESHOLD;
            Formatter f = new Formatter(summarize ? summarized(shape, data) : data, bool);
            body = tensorStr(shape, data, 0, 0, indent, summarize, f);
            // float32 is the default dtype and bool is implied by its values: neither is named
            if (dtype == DType.F64 || dtype == DType.F16) sfx.add("dtype=" + dtype.torchName);
        }
        if (gradFn != null) sfx.add("grad_fn=<" + gradFn + ">");
        else if (requiresGrad) sfx.add("requires_grad=True");
        String s = prefix + body;
        suffixes.append(s);
        int lastLineLen = s.length() - s.lastIndexOf('\n') + 1;  // rfind returns -1 when absent, as in Python
        for (String x : sfx) {
            if (lastLineLen + x.length() + 2 > LINEWIDTH) {
                suffixes.append(",\n").append(" ".repeat(indent)).append(x);
                lastLineLen = indent + x.length();
            } else {
                suffixes.append(", ").append(x);
                lastLineLen += x.length() + 2;
            }
        }
        return suffixes.append(')').toString();
    }

    private static String pythonTuple(int[] shape) {
        if (shape.length == 1) return "(" + shape[0] + ",)";
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) b.append(i == 0 ? "" : ", ").append(shape[i]);
        return b.append(')').toString();
    }

    /** The sub-tensor at {@code offset} with dimensions {@code shape[dim..]}. */
    private static String tensorStr(int[] shape, double[] data, int dim, int offset, int indent, boolean summarize, Formatter f) {
        int rank = shape.length - dim;
        if (rank == 0) return f.format(data[offset]);
        int n = shape[dim];
        int stride = 1;
        for (int d = dim + 1; d < shape.length; d++) stride *= shape[d];
        if (rank == 1) return vectorStr(data, offset, n, indent, summarize, f);
        java.util.List<String> slices = new java.util.ArrayList<>();
        if (summarize && n > 2 * EDGEITEMS) {
            for (int i = 0; i < EDGEITEMS; i++) slices.add(tensorStr(shape, data, dim + 1, offset + i * stride, indent + 1, summarize, f));
            slices.add("...");
            for (int i = n - EDGEITEMS; i < n; i++) slices.add(tensorStr(shape, data, dim + 1, offset + i * stride, indent + 1, summarize, f));
        } else {
            for (int i = 0; i < n; i++) slices.add(tensorStr(shape, data, dim + 1, offset + i * stride, indent + 1, summarize, f));
        }
        String sep = "," + "\n".repeat(rank - 1) + " ".repeat(indent + 1);
        return "[" + String.join(sep, slices) + "]";
    }

    private static String vectorStr(double[] data, int offset, int n, int indent, boolean summarize, Formatter f) {
        int elementLength = f.maxWidth + 2;
        int perLine = Math.max(1, (LINEWIDTH - indent) / elementLength);
        java.util.List<String> items = new java.util.ArrayList<>();
        if (summarize && n > 2 * EDGEITEMS) {
            for (int i = 0; i < EDGEITEMS; i++) items.add(f.format(data[offset + i]));
            items.add(" ...");
            for (int i = n - EDGEITEMS; i < n; i++) items.add(f.format(data[offset + i]));
        } else {
            for (int i = 0; i < n; i++) items.add(f.format(data[offset + i]));
        }
        java.util.List<String> lines = new java.util.ArrayList<>();
        for (int i = 0; i < items.size(); i += perLine) {
            lines.add(String.join(", ", items.subList(i, Math.min(items.size(), i + perLine))));
        }
        return "[" + String.join(",\n" + " ".repeat(indent + 1), lines) + "]";
    }

    /** {@code get_summarized_data}: the values that will be shown, for choosing the format. */
    private static double[] summarized(int[] shape, double[] data) {
        java.util.List<Double> out = new java.util.ArrayList<>();
        collectShown(shape, data, 0, 0, out);
        double[] r = new double[out.size()];
        for (int i = 0; i < r.length; i++) r[i] = out.get(i);
        return r;
    }

    private static void collectShown(int[] shape, double[] data, int dim, int offset, java.util.List<Double> out) {
        if (dim == shape.length) {
            out.add(data[offset]);
            return;
        }
        int n = shape[dim], stride = 1;
        for (int d = dim + 1; d < shape.length; d++) stride *= shape[d];
        for (int i = 0; i < n; i++) {
            if (n > 2 * EDGEITEMS && i == EDGEITEMS) i = n - EDGEITEMS;
            collectShown(shape, data, dim + 1, offset + i * stride, out);
        }
    }

    /**
     * {@code _Formatter}: int mode, fixed or scientific, and one width for every element; for
     * bool ({@code floating_dtype} false) the width of {@code True}/{@code False}.
     */
    private static final class Formatter {
        final boolean bool;
        boolean intMode = true, sciMode = false;
        int maxWidth = 1;

        Formatter(double[] values, boolean bool) {
            this.bool = bool;
            if (bool) {
                for (double v : values) maxWidth = Math.max(maxWidth, (v != 0 ? "True" : "False").length());
                return;
            }
            double min = Double.POSITIVE_INFINITY, max = 0;
            int count = 0;
            for (double v : values) {
                if (!Double.isFinite(v) || v == 0) continue;
                count++;
                double a = Math.abs(v);
                min = Math.min(min, a);
                max = Math.max(max, a);
                if (v != Math.ceil(v)) intMode = false;
            }
            if (count == 0) return;
            if (intMode) {
                sciMode = max / min > 1000.0 || max > 1.0e8;
            } else {
                sciMode = max / min > 1000.0 || max > 1.0e8 || min < 1.0e-4;
            }
            for (double v : values) {
                if (!Double.isFinite(v) || v == 0) continue;
                if (sciMode) maxWidth = Math.max(maxWidth, sci(v).length());
                else if (intMode) maxWidth = Math.max(maxWidth, fixed(v, 0).length() + 1);
                else maxWidth = Math.max(maxWidth, fixed(v, PRECISION).length());
            }
        }

        String format(double v) {
            String s;
            if (bool) {
                s = v != 0 ? "True" : "False";
            } else if (sciMode) {
                s = sci(v);
            } else if (intMode) {
                s = fixed(v, 0);
                if (Double.isFinite(v)) s += ".";
            } else {
                s = fixed(v, PRECISION);
            }
            return " ".repeat(Math.max(0, maxWidth - s.length())) + s;
        }
    }

    /** Python's {@code "{:.Nf}".format(v)}. */
    static String fixed(double v, int digits) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        String sign = (Double.doubleToRawLongBits(v) < 0) ? "-" : "";
        BigDecimal b = new BigDecimal(Math.abs(v)).setScale(digits, RoundingMode.HALF_EVEN);
        return sign + b.toPlainString();
    }

    /** Python's {@code "{:.4e}".format(v)}: mantissa with 4 decimals, exponent with a sign and at least 2 digits. */
    static String sci(double v) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        String sign = (Double.doubleToRawLongBits(v) < 0) ? "-" : "";
        if (v == 0) return sign + "0." + "0".repeat(PRECISION) + "e+00";
        BigDecimal b = new BigDecimal(Math.abs(v)).round(new MathContext(PRECISION + 1, RoundingMode.HALF_EVEN));
        String digits = b.unscaledValue().toString();
        int exponent = digits.length() - 1 - b.scale();
        StringBuilder d = new StringBuilder(digits);
        while (d.length() < PRECISION + 1) d.append('0');
        String mant = d.charAt(0) + "." + d.substring(1, PRECISION + 1);
        String e = String.valueOf(Math.abs(exponent));
        if (e.length() < 2) e = "0" + e;
        return sign + mant + "e" + (exponent < 0 ? "-" : "+") + e;
    }
}
