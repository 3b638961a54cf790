package org.sampler4j.plugins.samplers;

import java.util.List;
import org.pf4j.Extension;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;
import org.sampler4j.api.sampler.OptionSpec;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplerStorage;
import org.sampler4j.api.sampler.SamplingContext;

/**
 * Ancestral sampling from the DDPM posterior, Ho et al. 2020, Algorithm 2 and eqs. (6)-(7); ComfyUI
 * {@code sample_ddpm}, diffusers {@code DDPMScheduler.step}.
 *
 * <p>In the VE frame the posterior mean is {@code (sigma'^2/sigma^2) x + (1 - sigma'^2/sigma^2) D} (the Euler step to
 * {@code sigma_down = sigma'^2/sigma}); the noise scale ({@code variance}) is the posterior's
 * {@code sigma' sqrt(sigma^2 - sigma'^2)/sigma} ({@code fixed_small}, and {@code fixed_small_log}, diffusers' same
 * value through a logarithm) or the forward step's {@code sqrt((sigma^2 - sigma'^2)(1 + sigma'^2)/(1 + sigma^2))}
 * ({@code fixed_large}). Noise is drawn when {@code sigma_next > 0} ({@code reference=comfyui}) or, as diffusers'
 * "no noise at t = 0", on every step that starts above {@code noise_sigma_min} ({@code reference=diffusers}).
 */
@Extension
public final class Ddpm implements Sampler {
    static final String FIXED_SMALL = "fixed_small";
    static final String FIXED_SMALL_LOG = "fixed_small_log";
    static final String FIXED_LARGE = "fixed_large";

    private static final SamplerInfo INFO = new SamplerInfo("ddpm", List.of("DDPMScheduler"),
            "DDPM ancestral sampling: posterior mean plus fresh noise of the chosen variance",
            "Ho et al. 2020, Algorithm 2 (ComfyUI sample_ddpm, diffusers DDPMScheduler.step)",
            List.of(OptionSpec.choice("variance", FIXED_SMALL, List.of(FIXED_SMALL, FIXED_SMALL_LOG, FIXED_LARGE),
                            "noise variance: posterior (fixed_small, fixed_small_log) or forward beta (fixed_large)"),
                    OptionSpec.choice("reference", Churn.COMFYUI, List.of(Churn.COMFYUI, Churn.DIFFUSERS),
                            "noise on steps with sigma_next > 0 (comfyui) or on steps starting above noise_sigma_min (diffusers)"),
                    OptionSpec.number("noise_sigma_min", 0.0, 0.0, null,
                            "reference=diffusers: steps starting at or below this sigma add no noise (diffusers: training timestep 0)")),
            SamplerInfo.Capabilities.stochastic(1));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        boolean large = o.choice("variance").equals(FIXED_LARGE);
        boolean diffusers = o.choice("reference").equals(Churn.DIFFUSERS);
        double floor = o.number("noise_sigma_min");
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(2); // x and the x it is computed from
        LatentRing ds = storage.ring(1);
        for (int i = 0; i < sigmas.length - 1; i++) {
            double sigma = sigmas[i];
            double sigmaNext = sigmas[i + 1];
            Latent denoised = storage.denoise(x, sigma, ds);
            double keep = sigmaNext * sigmaNext / (sigma * sigma);
            double drop = (sigma * sigma - sigmaNext * sigmaNext);
            double noiseScale = large ? Math.sqrt(drop * (1 + sigmaNext * sigmaNext) / (1 + sigma * sigma)) : sigmaNext * Math.sqrt(drop) / sigma;
            if (diffusers ? sigma > floor : sigmaNext > 0) {
                Latent noise = ctx.noise().noise(sigma, sigmaNext, x);
                x = xs.sum(keep, x, 1 - keep, denoised, noiseScale, noise);
            } else {
                x = xs.sum(keep, x, 1 - keep, denoised);
            }
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }
}
