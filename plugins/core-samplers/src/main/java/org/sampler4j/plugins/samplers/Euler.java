package org.sampler4j.plugins.samplers;

import java.util.List;
import org.pf4j.Extension;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplingContext;

/** Euler's method on the probability-flow ODE, with optional churn. Karras et al. 2022, Algorithm 2; k-diffusion {@code sample_euler}. */
@Extension
public final class Euler implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("euler", List.of("k_euler", "EulerDiscreteScheduler"),
            "first-order Euler steps; deterministic unless s_churn > 0", "Karras et al. 2022, Algorithm 2 (k-diffusion sample_euler)",
            Churn.OPTIONS, SamplerInfo.Capabilities.deterministic(1));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        double[] sigmaHat = new double[1];
        for (int i = 0; i < sigmas.length - 1; i++) {
            x = Churn.apply(x, sigmas, i, o, ctx, sigmaHat);
            double s = sigmaHat[0];
            Latent denoised = model.denoise(x, s);
            double dt = sigmas[i + 1] - s;
            x = Latents.sum(1 + dt / s, x, -dt / s, denoised);
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }
}
