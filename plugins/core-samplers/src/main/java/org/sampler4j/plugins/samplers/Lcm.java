package org.sampler4j.plugins.samplers;

import java.util.List;
import org.pf4j.Extension;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplerStorage;
import org.sampler4j.api.sampler.SamplingContext;

/**
 * Latent-consistency multistep sampling: jump to the consistency model's estimate, then re-noise it to the next
 * sigma with fresh noise. Luo et al. 2023 (LCM), Song et al. 2023 (Algorithm 1); ComfyUI {@code sample_lcm},
 * diffusers {@code LCMScheduler} (its boundary-condition scalings belong to the model adapter).
 */
@Extension
public final class Lcm implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("lcm", List.of("LCMScheduler"),
            "consistency-model multistep sampling: x = D, then fresh noise up to the next sigma (1 model call per step)",
            "Luo et al. 2023, LCM multistep sampling (ComfyUI sample_lcm, diffusers LCMScheduler)", List.of(),
            SamplerInfo.Capabilities.stochastic(1));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(2); // x and the x it is computed from
        LatentRing ds = storage.ring(1);
        for (int i = 0; i < sigmas.length - 1; i++) {
            double sigmaNext = sigmas[i + 1];
            Latent denoised = storage.denoise(x, sigmas[i], ds);
            x = denoised;
            if (sigmaNext > 0) x = xs.sum(1, denoised, sigmaNext, ctx.noise().noise(sigmas[i], sigmaNext, x));
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }
}
