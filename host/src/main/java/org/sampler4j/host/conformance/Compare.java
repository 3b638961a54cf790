package org.sampler4j.host.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * Element-wise comparisons with stated tolerances. Each returns {@code null} when the arrays agree, else a message
 * naming the first differing element (index, expected, actual) and the tolerance.
 */
public final class Compare {
    private Compare() {}

    /** Parses a golden number: JSON number, or the strings "NaN", "Infinity", "-Infinity"; {@code null} means NaN. */
    public static double num(JsonNode n) {
        if (n == null || n.isNull()) return Double.NaN;
        if (n.isTextual()) {
            return switch (n.asText()) {
                case "NaN" -> Double.NaN;
                case "Infinity", "inf" -> Double.POSITIVE_INFINITY;
                case "-Infinity", "-inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(n.asText());
            };
        }
        return n.asDouble();
    }

    /**
     * A case that cannot be checked for a reason outside sampler4j (an optional section absent from the golden file, a
     * plugin that is not installed): {@link GoldenChecker#guard} reports it as skipped with the message as the reason.
     */
    public static final class Skip extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** @param reason why the case is skipped, with what would make it checkable */
        public Skip(String reason) {
            super(reason, null, false, false);
        }
    }

    /** {@code n}, or a {@link Skip} naming {@code what} when the file lacks it (absent or {@code null}). */
    public static JsonNode present(String what, JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) {
            throw new Skip("the golden file has no '" + what + "' for this case (an optional section or value is absent)");
        }
        return n;
    }

    /** A JSON array (possibly nested: flattened row-major) as doubles; a {@link Skip} when the value is absent. */
    public static double[] array(JsonNode n) {
        present("value", n);
        java.util.List<Double> out = new java.util.ArrayList<>();
        flatten(n, out);
        double[] r = new double[out.size()];
        for (int i = 0; i < r.length; i++) r[i] = out.get(i);
        return r;
    }

    private static void flatten(JsonNode n, java.util.List<Double> out) {
        if (n.isArray()) for (JsonNode c : n) flatten(c, out);
        else out.add(num(n));
    }

    /**
     * {@code |a - e| <= atol + rtol * |e|} element-wise; NaN matches NaN, infinities must match exactly.
     */
    public static String close(String what, double[] expected, double[] actual, double rtol, double atol) {
        if (expected.length != actual.length) {
            return what + ": length " + actual.length + ", expected " + expected.length + " (" + preview(expected) + " vs " + preview(actual) + ")";
        }
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            boolean ok;
            if (Double.isNaN(e) || Double.isNaN(a)) ok = Double.isNaN(e) && Double.isNaN(a);
            else if (Double.isInfinite(e) || Double.isInfinite(a)) ok = e == a;
            else ok = Math.abs(a - e) <= atol + rtol * Math.abs(e);
            if (!ok) {
                return String.format(Locale.ROOT, "%s[%d]: expected %s, got %s (|diff| %.3g; rtol %.1g, atol %.1g)", what, i,
                        repr(e), repr(a), Math.abs(a - e), rtol, atol);
            }
        }
        return null;
    }

    /** Exact equality (bit patterns of doubles; NaN equals NaN). */
    public static String exact(String what, double[] expected, double[] actual) {
        if (expected.length != actual.length) {
            return what + ": length " + actual.length + ", expected " + expected.length + " (" + preview(expected) + " vs " + preview(actual) + ")";
        }
        for (int i = 0; i < expected.length; i++) {
            if (Double.compare(expected[i], actual[i]) != 0) {
                return what + "[" + i + "]: expected " + repr(expected[i]) + ", got " + repr(actual[i]) + " (exact)";
            }
        }
        return null;
    }

    /** A relative tolerance with respect to the array's largest magnitude: {@code |a - e| <= rtol * max|e|}. */
    public static String closeToMaxAbs(String what, double[] expected, double[] actual, double rtol) {
        double m = 0;
        for (double e : expected) if (Double.isFinite(e)) m = Math.max(m, Math.abs(e));
        return close(what, expected, actual, 0, rtol * Math.max(m, Double.MIN_NORMAL));
    }

    /** A JSON shape ({@code [2, 3, 4, 4]}) as ints. */
    public static int[] shape(JsonNode n) {
        int[] shape = new int[n.size()];
        for (int i = 0; i < shape.length; i++) shape[i] = n.get(i).asInt();
        return shape;
    }

    /** A float32 latent of the given shape from golden values (exact: golden float32 values are written exactly). */
    public static org.sampler4j.api.sampler.Latent float32Latent(JsonNode values, int[] shape) {
        double[] v = array(values);
        float[] f = new float[v.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) v[i];
        return org.sampler4j.api.sampler.ArrayLatent.ofFloats(f, shape);
    }

    static String repr(double v) {
        return Double.toString(v);
    }

    private static String preview(double[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < Math.min(v.length, 6); i++) b.append(i > 0 ? ", " : "").append(repr(v[i]));
        return b.append(v.length > 6 ? ", ...]" : "]").toString();
    }
}
