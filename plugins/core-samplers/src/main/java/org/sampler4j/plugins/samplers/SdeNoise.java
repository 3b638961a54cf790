package org.sampler4j.plugins.samplers;

import java.util.ArrayList;
import java.util.List;
import org.sampler4j.api.noise.TorchsdeBrownianNoise;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;
import org.sampler4j.api.sampler.OptionSpec;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplingContext;

/**
 * The noise options of the DPM-Solver++ SDE samplers ({@code dpmpp_sde}, {@code dpmpp_2m_sde}, {@code dpmpp_3m_sde})
 * and the one way k-diffusion and ComfyUI differ in them: which draws are made. ComfyUI draws only when
 * {@code eta > 0 and s_noise > 0}; k-diffusion draws in {@code dpmpp_sde} always and in the multistep SDE samplers
 * whenever {@code eta != 0}. The extra draws are multiplied by 0, so only the consumption of the noise source differs.
 * Option {@code reference} picks the behaviour ({@code comfyui} by default: no wasted draws). The multistep SDE
 * samplers also offer {@code diffusers} (DPMSolverMultistepScheduler, EDMDPMSolverMultistepScheduler with
 * {@code sde-dpmsolver++}): a draw on every step while {@code eta > 0}, the step to sigma 0 included.
 */
final class SdeNoise {
    static final String COMFYUI = "comfyui";
    static final String K_DIFFUSION = "k-diffusion";
    static final String DIFFUSERS = "diffusers";

    private SdeNoise() {}

    /** {@code eta}, {@code s_noise} and {@code reference}. */
    static List<OptionSpec> options() {
        return List.of(
                OptionSpec.number("eta", 1.0, 0.0, null, "stochasticity: 0 = the probability-flow ODE, 1 = the reverse SDE"),
                OptionSpec.number("s_noise", 1.0, 0.0, null, "scale of the added noise"),
                OptionSpec.choice("reference", COMFYUI, List.of(COMFYUI, K_DIFFUSION),
                        "noise draws as ComfyUI (only when eta > 0 and s_noise > 0) or k-diffusion (also when multiplied by 0)"));
    }

    /** {@link #options()} with the extra {@code reference} value {@code diffusers} (the multistep SDE samplers). */
    static List<OptionSpec> optionsWithDiffusers() {
        List<OptionSpec> o = new ArrayList<>(options());
        o.set(2, OptionSpec.choice("reference", COMFYUI, List.of(COMFYUI, K_DIFFUSION, DIFFUSERS),
                "noise draws as ComfyUI (only when eta > 0 and s_noise > 0), k-diffusion (also when multiplied by 0) or diffusers"
                        + " (whenever eta > 0, also on the step to 0; with diffusers' third-order SDE weight)"));
        return o;
    }

    /**
     * The per-step noise of the reference ({@link org.sampler4j.api.sampler.Sampler#referenceNoise}): k-diffusion and
     * ComfyUI draw from {@code BrownianTreeNoiseSampler} ({@code brownian-torchsde}); diffusers' multistep SDE
     * schedulers draw i.i.d. normals from the pipeline's generator.
     */
    static String referenceNoise(SamplerOptions o) {
        return diffusers(o) ? null : TorchsdeBrownianNoise.ID;
    }

    /** Whether {@code reference=diffusers} is selected. */
    static boolean diffusers(SamplerOptions o) {
        return o.choice("reference").equals(DIFFUSERS);
    }

    /**
     * Whether this run draws noise.
     *
     * @param kdiffusionDraws whether k-diffusion's version of the sampler draws with these options
     */
    static boolean draws(SamplerOptions o, boolean kdiffusionDraws) {
        if (o.choice("reference").equals(K_DIFFUSION)) return kdiffusionDraws;
        if (diffusers(o)) return o.number("eta") > 0;
        return o.number("eta") > 0 && o.number("s_noise") > 0;
    }

    /**
     * The step to sigma 0, which returns the denoised estimate: diffusers still draws noise there (and multiplies it
     * by 0), so with {@code reference=diffusers} a draw is consumed.
     */
    static Latent toZero(Latent denoised, boolean draw, double sigma, SamplerOptions o, SamplingContext ctx) {
        if (draw && diffusers(o)) ctx.noise().noise(sigma, 0, denoised);
        return denoised;
    }

    /** {@code x + std * noise(sigma, sigmaNext)} written into {@code xs}, or {@code x} when {@code draw} is false. */
    static Latent add(Latent x, boolean draw, double std, double sigma, double sigmaNext, SamplingContext ctx, LatentRing xs) {
        if (!draw) return x;
        Latent noise = ctx.noise().noise(sigma, sigmaNext, x);
        return xs.sum(1, x, std, noise);
    }
}
