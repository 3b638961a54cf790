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
 * Denoising diffusion implicit models, Song et al. 2021, eq. (12) with {@code sigma_t(eta)} of eq. (16); diffusers
 * {@code DDIMScheduler.step}.
 *
 * <p>In the VE frame ({@code alpha = 1/sqrt(1+sigma^2)}) eq. (12) is the ancestral split of {@link Ancestral#step}:
 * {@code x' = D + sigma_down (x - D)/sigma + sigma_up z} with {@code sigma_up = eta sigma' sqrt(sigma^2 - sigma'^2)/sigma};
 * {@code eta = 0} is the deterministic DDIM (= Euler), {@code eta = 1} the DDPM posterior variance. The noise
 * estimate comes from the denoised estimate as the sampler sees it, i.e. after any clipping or thresholding
 * (diffusers' {@code use_clipped_model_output=True}). As diffusers, noise is drawn on every step when
 * {@code eta > 0}, the last one included (where it may be scaled by 0). {@code paired}: diffusers' steps to
 * {@code t - N // n} with the next call at the next listed timestep ({@link StepPairs}).
 */
@Extension
public final class Ddim implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("ddim", List.of("DDIMScheduler"),
            "DDIM: Euler steps to sigma_down plus eta-scaled fresh noise (eta 0 = deterministic)",
            "Song et al. 2021, DDIM eq. (12)/(16) (diffusers DDIMScheduler.step)",
            List.of(OptionSpec.number("eta", 0.0, 0.0, null, "noise amount: 0 = deterministic DDIM, 1 = DDPM posterior variance"),
                    OptionSpec.number("s_noise", 1.0, 0.0, null, "scale of the added noise"), StepPairs.OPTION),
            SamplerInfo.Capabilities.stochastic(1));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        double eta = o.number("eta");
        double sNoise = o.number("s_noise");
        StepPairs steps = StepPairs.of(sigmas, o.bool("paired"));
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(2); // x and the x it is computed from
        LatentRing ds = storage.ring(1);
        for (int i = 0; i < steps.size(); i++) {
            x = steps.carry(x, i, xs);
            double sigma = steps.from(i);
            double sigmaNext = steps.to(i);
            Latent denoised = storage.denoise(x, sigma, ds);
            AncestralStep downUp = AncestralStep.of(sigma, sigmaNext, eta);
            double keep = downUp.down() / sigma;
            if (eta > 0) {
                Latent noise = ctx.noise().noise(sigma, sigmaNext, x);
                x = xs.sum(keep, x, 1 - keep, denoised, sNoise * downUp.up(), noise);
            } else {
                x = xs.sum(keep, x, 1 - keep, denoised);
            }
            steps.report(ctx, i, x, denoised);
        }
        return x;
    }
}
