package org.sampler4j.plugins.samplers;

import java.util.List;
import java.util.Set;
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
 * Euler steps of a rectified flow in its own frame {@code x = (1 - sigma) x0 + sigma n}, Esser et al. 2024 (SD3);
 * diffusers {@code FlowMatchEulerDiscreteScheduler.step}.
 *
 * <p>Deterministic: {@code x + (sigma' - sigma) v} with {@code v = (x - D)/sigma}, the same update as {@code euler}.
 * {@code stochastic} (diffusers {@code stochastic_sampling}): the sample is re-noised from the denoised estimate,
 * {@code x' = (1 - sigma') D + sigma' z}, with noise drawn on every step, the last one included.
 */
@Extension
public final class FlowEuler implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("flow_euler", List.of("FlowMatchEulerDiscreteScheduler"),
            "Euler steps in the flow frame; stochastic: re-noise the denoised estimate to the next sigma",
            "Esser et al. 2024, rectified flow (diffusers FlowMatchEulerDiscreteScheduler.step)",
            List.of(OptionSpec.bool("stochastic", false, "x' = (1 - sigma') D + sigma' z instead of the Euler step")),
            new SamplerInfo.Capabilities(true, 1, Set.of(SamplerInfo.ModelKind.FLOW), false));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        boolean stochastic = o.bool("stochastic");
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(2); // x and the x it is computed from
        LatentRing ds = storage.ring(1);
        for (int i = 0; i < sigmas.length - 1; i++) {
            double sigma = sigmas[i];
            double sigmaNext = sigmas[i + 1];
            Latent denoised = storage.denoise(x, sigma, ds);
            if (stochastic) {
                Latent noise = ctx.noise().noise(sigma, sigmaNext, x);
                x = xs.sum(1 - sigmaNext, denoised, sigmaNext, noise);
            } else {
                double dt = sigmaNext - sigma;
                x = xs.sum(1 + dt / sigma, x, -dt / sigma, denoised);
            }
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }
}
