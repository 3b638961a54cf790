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
        if (Churn.diffusersOrder(o)) return sampleDiffusersOrder(model, x, sigmas, o, ctx);
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(2); // x and the (churned) x it is computed from
        return Churn.loop(storage, xs, storage.ring(1), x, sigmas, o, ctx, (xi, s, sigmaNext, denoised) -> {
            double dt = sigmaNext - s;
            return xs.sum(1 + dt / s, xi, -dt / s, denoised);
        });
    }

    /**
     * diffusers' EulerDiscreteScheduler ordering: the model sees the sample before the churn noise, and its noise
     * estimate {@code eps = (x - D)/sigma} is reused at {@code sigma_hat} (exactly diffusers' update for epsilon models).
     */
    private static Latent sampleDiffusersOrder(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(o.number("s_churn") > 0 ? 3 : 2); // x, the churned x and the x the model saw
        LatentRing ds = storage.ring(1);
        for (int i = 0; i < sigmas.length - 1; i++) {
            double sigma = sigmas[i];
            Latent seen = x;
            Latent denoised = storage.denoise(seen, sigma, ds);
            double gamma = Churn.gamma(sigmas, i, o);
            double sigmaHat = sigma * (gamma + 1);
            if (gamma > 0) {
                double noiseScale = o.number("s_noise") * Math.sqrt(sigmaHat * sigmaHat - sigma * sigma);
                x = xs.sum(1, x, noiseScale, ctx.noise().noise(sigma, sigmas[i + 1], x));
            }
            double dt = sigmas[i + 1] - sigmaHat;
            x = xs.sum(1, x, dt / sigma, seen, -dt / sigma, denoised);
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }
}
