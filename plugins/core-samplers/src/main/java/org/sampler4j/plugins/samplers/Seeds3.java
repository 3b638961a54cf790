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
 * SEEDS-3, the three-stage stochastic exponential solver in data prediction (stages at {@code r_1}, {@code r_2} of the
 * step). Gonzalez et al. 2023, "SEEDS: Exponential SDE solvers..."; ComfyUI {@code sample_seeds_3}. A step to sigma 0
 * returns the denoised estimate.
 */
@Extension
public final class Seeds3 implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("seeds_3", List.of(),
            "three-stage stochastic exponential solver (3 model calls per step, 3 noise draws per step with eta > 0)",
            "Gonzalez et al. 2023, SEEDS-3 (ComfyUI sample_seeds_3)",
            List.of(OptionSpec.number("eta", 1.0, 0.0, null, "stochasticity: 0 = the probability-flow ODE, 1 = the reverse SDE"),
                    OptionSpec.number("s_noise", 1.0, 0.0, null, "scale of the added noise"),
                    OptionSpec.number("r_1", 1.0 / 3, 0.0, 1.0, "position of the first intermediate stage, in (0, r_2)"),
                    OptionSpec.number("r_2", 2.0 / 3, 0.0, 1.0, "position of the second intermediate stage, in (r_1, 1]")),
            SamplerInfo.Capabilities.stochastic(3));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        double eta = o.number("eta");
        double sNoise = o.number("s_noise");
        double r1 = o.number("r_1");
        double r2 = o.number("r_2");
        if (!(r1 > 0 && r2 > 0)) throw new IllegalArgumentException("seeds_3: r_1 and r_2 must be > 0, got " + r1 + ", " + r2);
        boolean injectNoise = eta > 0 && sNoise > 0;
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(2); // x and the x it is computed from
        LatentRing stages = storage.ring(2); // a stage and the noised stage
        LatentRing ds = storage.ring(3); // the estimates at the start (reported after the step) and the two stages
        LatentRing noises = storage.ring(2); // the SDE noise and the noise it carries forward
        for (int i = 0; i < sigmas.length - 1; i++) {
            double sigma = sigmas[i];
            double sigmaNext = sigmas[i + 1];
            Latent denoised = storage.denoise(x, sigma, ds);
            if (sigmaNext == 0) {
                x = denoised;
            } else {
                double h = ExpIntegrator.h(sigma, sigmaNext);
                double sigma1 = Seeds.stageSigma(sigma, sigmaNext, r1);
                double sigma2 = Seeds.stageSigma(sigma, sigmaNext, r2);
                Latent sde = null;
                Latent x2 = Seeds.stage(x, sigma, sigma1, r1 * h, eta, denoised, null, Double.NaN, stages);
                if (injectNoise) {
                    sde = Seeds.noise(null, -r1 * h * eta, sigma, sigma1, ctx, x, noises);
                    x2 = stages.sum(1, x2, sigma1 * sNoise, sde);
                }
                Latent denoised2 = storage.denoise(x2, sigma1, ds);
                Latent x3 = Seeds.stage(x, sigma, sigma2, r2 * h, eta, denoised, denoised2, r1 / r2, stages);
                if (injectNoise) {
                    sde = Seeds.noise(sde, (r1 - r2) * h * eta, sigma1, sigma2, ctx, x, noises);
                    x3 = stages.sum(1, x3, sigma2 * sNoise, sde);
                }
                Latent denoised3 = storage.denoise(x3, sigma2, ds);
                x = Seeds.stage(x, sigma, sigmaNext, h, eta, denoised, denoised3, r2, xs);
                if (injectNoise) {
                    sde = Seeds.noise(sde, (r2 - 1) * h * eta, sigma2, sigmaNext, ctx, x, noises);
                    x = xs.sum(1, x, sigmaNext * sNoise, sde);
                }
            }
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }
}
