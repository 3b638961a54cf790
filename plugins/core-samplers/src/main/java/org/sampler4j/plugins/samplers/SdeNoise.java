package org.sampler4j.plugins.samplers;

import java.util.List;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.OptionSpec;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplingContext;

/**
 * The noise options of the DPM-Solver++ SDE samplers ({@code dpmpp_sde}, {@code dpmpp_2m_sde}, {@code dpmpp_3m_sde})
 * and the one way k-diffusion and ComfyUI differ in them: which draws are made. ComfyUI draws only when
 * {@code eta > 0 and s_noise > 0}; k-diffusion draws in {@code dpmpp_sde} always and in the multistep SDE samplers
 * whenever {@code eta != 0}. The extra draws are multiplied by 0, so only the consumption of the noise source differs.
 * Option {@code reference} picks the behaviour ({@code comfyui} by default: no wasted draws).
 */
final class SdeNoise {
    static final String COMFYUI = "comfyui";
    static final String K_DIFFUSION = "k-diffusion";

    private SdeNoise() {}

    /** {@code eta}, {@code s_noise} and {@code reference}. */
    static List<OptionSpec> options() {
        return List.of(
                OptionSpec.number("eta", 1.0, 0.0, null, "stochasticity: 0 = the probability-flow ODE, 1 = the reverse SDE"),
                OptionSpec.number("s_noise", 1.0, 0.0, null, "scale of the added noise"),
                OptionSpec.choice("reference", COMFYUI, List.of(COMFYUI, K_DIFFUSION),
                        "noise draws as ComfyUI (only when eta > 0 and s_noise > 0) or k-diffusion (also when multiplied by 0)"));
    }

    /**
     * Whether this run draws noise.
     *
     * @param kdiffusionDraws whether k-diffusion's version of the sampler draws with these options
     */
    static boolean draws(SamplerOptions o, boolean kdiffusionDraws) {
        if (o.choice("reference").equals(K_DIFFUSION)) return kdiffusionDraws;
        return o.number("eta") > 0 && o.number("s_noise") > 0;
    }

    /** {@code x + std * noise(sigma, sigmaNext)}, or {@code x} when {@code draw} is false. */
    static Latent add(Latent x, boolean draw, double std, double sigma, double sigmaNext, SamplingContext ctx) {
        if (!draw) return x;
        Latent noise = ctx.noise().noise(sigma, sigmaNext, x);
        return Latents.sum(1, x, std, noise);
    }
}
