package org.example.sampler4j;

import java.util.List;
import java.util.Map;
import org.pf4j.Extension;
import org.sampler4j.api.preset.SchedulePreset;
import org.sampler4j.api.schedule.NoiseModel;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * The shifted cosine schedule of "simple diffusion" (Hoogeboom, Heek, Salimans 2023): log-SNR
 * {@code -2 log tan(pi t / 2) + 2 log(shift)}, i.e. {@code sigma(t) = shift * tan(pi t / 2)}, with {@code t} spaced
 * uniformly over the part of (0, 1) that maps into the model's sigma range, then a final 0. {@code shift > 1}
 * spends more steps at high noise (the paper uses {@code resolution / 64}). Usage: {@code preset(shifted_cosine, 20, shift=2)}.
 */
@Extension
public final class ShiftedCosine implements SchedulePreset {
    @Override
    public String id() {
        return "shifted_cosine";
    }

    @Override
    public String description() {
        return "shifted cosine log-SNR schedule (Hoogeboom, Heek, Salimans 2023, simple diffusion); option shift (default 1)";
    }

    @Override
    public List<String> optionNames() {
        return List.of("shift");
    }

    @Override
    public double[] sigmas(NoiseModel model, int steps, Map<String, String> options) {
        for (String k : options.keySet()) if (!k.equals("shift")) throw new ScheduleException("preset shifted_cosine has no option '" + k + "'; it has: shift");
        double shift;
        try {
            shift = Double.parseDouble(options.getOrDefault("shift", "1"));
        } catch (NumberFormatException e) {
            throw new ScheduleException("preset shifted_cosine: shift must be a number, got '" + options.get("shift") + "'");
        }
        if (!(shift > 0)) throw new ScheduleException("preset shifted_cosine: shift must be > 0, got " + shift);
        double tMax = 2 / Math.PI * Math.atan(model.sigmaMax() / shift);
        double tMin = 2 / Math.PI * Math.atan(model.sigmaMin() / shift);
        double[] out = new double[steps + 1];
        for (int i = 0; i < steps; i++) {
            double t = steps == 1 ? tMax : tMax + (tMin - tMax) * i / (steps - 1);
            out[i] = shift * Math.tan(Math.PI * t / 2);
        }
        return out;                                     // out[steps] = 0: the final sigma
    }
}
