package org.sampler4j.plugin.ays;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pf4j.Extension;
import org.sampler4j.api.preset.SchedulePreset;
import org.sampler4j.api.schedule.NoiseModel;

/**
 * The {@code ays} preset (alias {@code align_your_steps}): Align Your Steps (Sabour et al. 2024).
 *
 * <p>Plain {@code preset(ays, n)} is <b>ComfyUI's behaviour</b> for SD 1.5: the 11 published levels at 10 steps,
 * log-linear interpolation to {@code n + 1} values otherwise, last value replaced by 0 (see
 * {@link AlignYourSteps#comfyui}). Options:
 * <ul>
 *   <li>{@code model}: {@code sd1} (default; also {@code sd15}), {@code sdxl}, {@code svd};</li>
 *   <li>{@code variant}: {@code comfyui} (default), {@code webui} (= {@code a1111} = {@code forge}: interpolate to n
 *       values plus 0, 3-decimal levels), {@code diffusers} (diffusers' 10-step {@code AysSchedules});</li>
 *   <li>{@code denoise}: ComfyUI's node denoise, keeping the last {@code round(n * denoise) + 1} sigmas (comfyui
 *       variant only); the result then has {@code round(n * denoise)} steps.</li>
 * </ul>
 * Example: {@code preset(ays, 10, model=sdxl, variant=forge)}.
 */
@Extension
public final class AysPreset implements SchedulePreset {
    private static final List<String> OPTIONS = List.of("model", "variant", "denoise");

    @Override
    public String id() {
        return "ays";
    }

    @Override
    public List<String> aliases() {
        return List.of("align_your_steps");
    }

    @Override
    public String description() {
        return "Align Your Steps (Sabour, Fidler, Kreis 2024): NVIDIA's optimised SD1.5/SDXL/SVD noise levels, log-linearly "
                + "interpolated to any step count; variant=comfyui (default), webui/a1111/forge or diffusers";
    }

    @Override
    public List<String> optionNames() {
        return OPTIONS;
    }

    /**
     * The published tables: {@code noise_levels/sd1}, {@code noise_levels/sdxl}, {@code noise_levels/svd} (NVIDIA's 11
     * levels as ComfyUI lists them), {@code webui/sd1}, {@code webui/sdxl} (A1111/Forge's 3-decimal levels),
     * {@code diffusers/sigmas/sd1|sdxl|svd} and {@code diffusers/timesteps/sd1|sdxl} (diffusers' {@code AysSchedules}).
     */
    @Override
    public Map<String, double[]> tables() {
        Map<String, double[]> t = new LinkedHashMap<>();
        for (AlignYourSteps.Model m : AlignYourSteps.Model.values()) t.put("noise_levels/" + m.id(), AlignYourSteps.noiseLevels(m));
        for (AlignYourSteps.Model m : List.of(AlignYourSteps.Model.SD1, AlignYourSteps.Model.SDXL)) {
            t.put("webui/" + m.id(), AlignYourSteps.webuiLevels(m));
        }
        for (AlignYourSteps.Model m : AlignYourSteps.Model.values()) t.put("diffusers/sigmas/" + m.id(), AlignYourSteps.diffusers(m, 10));
        for (AlignYourSteps.Model m : List.of(AlignYourSteps.Model.SD1, AlignYourSteps.Model.SDXL)) {
            t.put("diffusers/timesteps/" + m.id(), Arrays.stream(AlignYourSteps.diffusersTimesteps(m)).asDoubleStream().toArray());
        }
        return Collections.unmodifiableMap(t);
    }

    @Override
    public double[] sigmas(NoiseModel model, int steps, Map<String, String> options) {
        PresetOptions.checkNames("ays", options, OPTIONS);
        AlignYourSteps.Model m = AlignYourSteps.Model.parse(options.getOrDefault("model", "sd1"));
        AlignYourSteps.Variant v = AlignYourSteps.Variant.parse(options.getOrDefault("variant", "comfyui"));
        return AlignYourSteps.sigmas(v, m, steps, PresetOptions.denoise("ays", options));
    }
}
