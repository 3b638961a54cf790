package org.sampler4j.plugin.ays;

import java.util.List;
import java.util.Map;
import org.sampler4j.api.schedule.Names;
import org.sampler4j.api.schedule.ScheduleException;

/** Validation of a preset's option map: unknown names fail with a "did you mean"; numbers are parsed with the option named. */
final class PresetOptions {
    private PresetOptions() {}

    static void checkNames(String preset, Map<String, String> options, List<String> known) {
        for (String k : options.keySet()) {
            if (!known.contains(k)) throw new ScheduleException(Names.unknown(preset + " option", k, known));
        }
    }

    static double number(String preset, Map<String, String> options, String name, double def) {
        String v = options.get(name);
        if (v == null) return def;
        try {
            double d = Double.parseDouble(v);
            if (Double.isFinite(d)) return d;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ScheduleException(preset + " option " + name + " must be a number, got '" + v + "'");
    }

    static double denoise(String preset, Map<String, String> options) {
        double d = number(preset, options, "denoise", 1.0);
        if (!(d > 0 && d <= 1)) throw new ScheduleException(preset + " option denoise must lie in (0, 1], got " + d);
        return d;
    }
}
