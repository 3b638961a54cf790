package org.sampler4j.plugin.ays;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pf4j.Extension;
import org.sampler4j.api.preset.SchedulePreset;
import org.sampler4j.api.schedule.NoiseModel;

/**
 * The {@code gits} preset: GITS (Chen et al. 2024) for SD 1.5-style models, as ComfyUI's {@code GITSScheduler}
 * ({@link Gits#comfyui}). Options: {@code coeff} (0.80..1.50 in steps of 0.05, default 1.20) and {@code denoise}
 * (ComfyUI's node denoise: the last {@code round(n * denoise) + 1} sigmas). Needs at least 2 steps. Example:
 * {@code preset(gits, 10, coeff=1.2)}.
 */
@Extension
public final class GitsPreset implements SchedulePreset {
    private static final List<String> OPTIONS = List.of("coeff", "denoise");

    @Override
    public String id() {
        return "gits";
    }

    @Override
    public String description() {
        return "GITS (Chen et al. 2024, geometry-inspired time scheduling): ComfyUI's precomputed SD1.5 schedules for "
                + "coeff 0.80..1.50, log-linearly interpolated above 20 steps";
    }

    @Override
    public List<String> optionNames() {
        return OPTIONS;
    }

    /**
     * ComfyUI's precomputed rows, named {@code coeff=C/steps=N} ({@code C} with two decimals, 0.80..1.50 in steps of
     * 0.05; {@code N} in 2..20): {@code N + 1} sigmas ending at the table's sigma_min.
     */
    @Override
    public Map<String, double[]> tables() {
        Map<String, double[]> t = new LinkedHashMap<>();
        for (double c : Gits.coefficients()) {
            for (int n = 2; n <= 20; n++) t.put(String.format(Locale.ROOT, "coeff=%.2f/steps=%d", c, n), Gits.row(c, n));
        }
        return Collections.unmodifiableMap(t);
    }

    @Override
    public double[] sigmas(NoiseModel model, int steps, Map<String, String> options) {
        PresetOptions.checkNames("gits", options, OPTIONS);
        double coeff = PresetOptions.number("gits", options, "coeff", Gits.DEFAULT_COEFF);
        return Gits.comfyui(coeff, steps, PresetOptions.denoise("gits", options));
    }
}
