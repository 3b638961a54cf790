package org.sampler4j.plugins.samplers;

import java.util.List;
import org.pf4j.Extension;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplingContext;

/**
 * Ancestral sampling with DPM-Solver-2-like midpoint steps (Lu et al. 2022); k-diffusion {@code sample_dpm_2_ancestral}.
 *
 * <p>Both references behave alike: when {@code sigma_down = 0} (the last step, or {@code eta > 1}) a plain Euler step
 * without noise, otherwise the midpoint step to {@code sigma_down} plus {@code sigma_up} noise.
 */
@Extension
public final class Dpm2Ancestral implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("dpm_2_ancestral",
            List.of("dpm_2_a", "k_dpm_2_a", "k_dpm_2_ancestral", "KDPM2AncestralDiscreteScheduler"),
            "second-order midpoint steps to sigma_down plus fresh noise of scale sigma_up (eta)",
            "Lu et al. 2022 (k-diffusion sample_dpm_2_ancestral)", Ancestral.OPTIONS, SamplerInfo.Capabilities.stochastic(2));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        double eta = o.number("eta");
        double sNoise = o.number("s_noise");
        Dpm2Step run = new Dpm2Step(model);
        for (int i = 0; i < sigmas.length - 1; i++) {
            double sigma = sigmas[i];
            Latent denoised = run.denoise(x, sigma);
            AncestralStep downUp = AncestralStep.of(sigma, sigmas[i + 1], eta);
            x = run.step(x, denoised, sigma, downUp.down());
            if (downUp.down() != 0) {
                Latent noise = ctx.noise().noise(sigma, sigmas[i + 1], x);
                x = run.xs.sum(1, x, sNoise * downUp.up(), noise);
            }
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }
}
