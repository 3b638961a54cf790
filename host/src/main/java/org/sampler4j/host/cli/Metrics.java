package org.sampler4j.host.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Formats the aggregated metrics of a conformance file. */
final class Metrics {
    private Metrics() {}

    /** E.g. {@code float32: 6448/27349 bit-exact (23.6 %), max |diff| 1.07e-06}. */
    static String describe(Map<String, Double> m) {
        List<String> parts = new ArrayList<>();
        for (String key : m.keySet()) {
            if (!key.endsWith("_values")) continue;
            String p = key.substring(0, key.length() - "_values".length());
            double n = m.get(key);
            double exact = m.getOrDefault(p + "_exact", 0.0);
            double max = m.getOrDefault(p + "_diff_max", 0.0);
            String part = String.format(Locale.ROOT, "%s: %.0f/%.0f bit-exact (%.1f %%), max |diff| %.3g", p, exact, n, 100 * exact / n, max);
            if (m.containsKey(p + "_ulp_max")) part += String.format(Locale.ROOT, ", max %.0f ulp", m.get(p + "_ulp_max"));
            if (m.containsKey(p + "_rel_max")) part += String.format(Locale.ROOT, ", max relative %.3g", m.get(p + "_rel_max"));
            parts.add(part);
        }
        for (String key : m.keySet()) {
            // maxima that belong to no "_values" group, e.g. sd_pipelines' latents_rel_diff_max, pixel_diff_max
            if (!key.endsWith("_max") || key.endsWith("_diff_max") && m.containsKey(key.substring(0, key.length() - "_diff_max".length()) + "_values")) continue;
            parts.add(String.format(Locale.ROOT, "%s %.3g", key, m.get(key)));
        }
        return String.join("; ", parts);
    }
}
