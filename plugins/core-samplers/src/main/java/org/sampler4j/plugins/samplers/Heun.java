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

/** Heun's second-order method on the probability-flow ODE, with optional churn. Karras et al. 2022, Algorithm 2; k-diffusion {@code sample_heun}. */
@Extension
public final class Heun implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("heun", List.of("k_heun", "HeunDiscreteScheduler"),
            "second-order Heun steps (Euler step on the last); deterministic unless s_churn > 0",
            "Karras et al. 2022, Algorithm 2 (k-diffusion sample_heun)", Churn.OPTIONS, SamplerInfo.Capabilities.deterministic(2));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        SamplerStorage storage = new SamplerStorage(model);
        return run(storage, storage.ring(3), storage.ring(2), x, sigmas, o, ctx);
    }

    /**
     * The sampler in a run's storage (a run may have several Heun passes, {@link Restart}).
     *
     * @param xs a ring of at least 3: x, the Euler step and the (churned) x they start from
     * @param ds a ring of at least 2: the estimates at both ends of a step
     */
    static Latent run(SamplerStorage storage, LatentRing xs, LatentRing ds, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        return Churn.loop(storage, xs, ds, x, sigmas, o, ctx, (xi, s, sigmaNext, denoised) -> {
            double dt = sigmaNext - s;
            Latent euler = xs.sum(1 + dt / s, xi, -dt / s, denoised);
            if (sigmaNext == 0) return euler;
            // x + dt * (d + d2) / 2 with d = (x - denoised) / s, d2 = (euler - denoised2) / sigmaNext
            Latent denoised2 = storage.denoise(euler, sigmaNext, ds);
            double half = dt / 2;
            return xs.sum(1 + half / s, xi, -half / s, denoised, half / sigmaNext, euler, -half / sigmaNext, denoised2);
        });
    }
}
