package org.sampler4j.api.schedule;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Named noise models for the CLI and recipes. Each name stands for the training noise schedule of a well-known
 * model family.
 */
public final class NoiseModels {
    private static final Map<String, Supplier<NoiseModel>> NAMED = new LinkedHashMap<>();
    private static final Map<String, String> DESCRIPTIONS = new LinkedHashMap<>();

    static {
        add("sd15", "Stable Diffusion 1.x/2.x/XL: scaled_linear betas 0.00085..0.012, 1000 steps (the default)", DiscreteNoiseModel::sd15);
        add("sd15-zsnr", "sd15 rescaled to zero terminal SNR (Lin et al. 2023)", () -> DiscreteNoiseModel.sd15().withZeroSnr());
        add("ddpm", "DDPM (Ho et al. 2020): linear betas 0.0001..0.02, 1000 steps",
                () -> DiscreteNoiseModel.builder().betaSchedule(BetaSchedule.LINEAR).betaStart(0.0001).betaEnd(0.02).build());
        add("cosine", "improved DDPM (Nichol & Dhariwal 2021): squaredcos_cap_v2, 1000 steps",
                () -> DiscreteNoiseModel.builder().betaSchedule(BetaSchedule.SQUAREDCOS_CAP_V2).build());
        add("flow", "rectified flow (SD3/FLUX family), shift 1, 1000 steps", FlowNoiseModel::standard);
        add("sd3", "rectified flow with shift 3 (Stable Diffusion 3)", () -> FlowNoiseModel.builder().shift(3.0).build());
        add("edm", "EDM (Karras et al. 2022): sigma 0.002..80, sigma_data 0.5", EdmNoiseModel::standard);
    }

    private NoiseModels() {}

    private static void add(String name, String description, Supplier<NoiseModel> s) {
        NAMED.put(name, s);
        DESCRIPTIONS.put(name, description);
    }

    /** The noise model of that name; unknown names get a "did you mean". */
    public static NoiseModel named(String name) {
        Supplier<NoiseModel> s = NAMED.get(name);
        if (s == null) throw new ScheduleException(Names.unknown("noise model", name, NAMED.keySet()));
        return s.get();
    }

    /** Name to one-line description, in display order. */
    public static Map<String, String> descriptions() {
        return java.util.Collections.unmodifiableMap(DESCRIPTIONS);
    }
}
