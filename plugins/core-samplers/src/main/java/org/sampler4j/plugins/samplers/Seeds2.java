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
 * SEEDS-2, the two-stage stochastic exponential solver in data prediction (stage at fraction {@code r} of the step).
 * Gonzalez et al. 2023, "SEEDS: Exponential SDE solvers for fast high-quality sampling from diffusion models";
 * ComfyUI {@code sample_seeds_2}. {@link #run} with {@code r = 1} is also {@code exp_heun_2_x0} and its SDE variant.
 * A step to sigma 0 returns the denoised estimate.
 */
@Extension
public final class Seeds2 implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("seeds_2", List.of(),
            "two-stage stochastic exponential solver (2 model calls per step, 2 noise draws per step with eta > 0)",
            "Gonzalez et al. 2023, SEEDS-2 (ComfyUI sample_seeds_2)",
            List.of(OptionSpec.number("eta", 1.0, 0.0, null, "stochasticity: 0 = the probability-flow ODE, 1 = the reverse SDE"),
                    OptionSpec.number("s_noise", 1.0, 0.0, null, "scale of the added noise"),
                    OptionSpec.number("r", 0.5, 0.0, 1.0, "position of the intermediate stage in the step, in (0, 1]"),
                    Seeds.solverType(Seeds.PHI_1)),
            SamplerInfo.Capabilities.stochastic(2));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        return run(model, x, sigmas, o.number("eta"), o.number("s_noise"), o.number("r"), o.choice("solver_type"), ctx);
    }

    static Latent run(Denoiser model, Latent x, double[] sigmas, double eta, double sNoise, double r, String solverType, SamplingContext ctx) {
        if (!(r > 0)) throw new IllegalArgumentException("seeds_2: r must be > 0, got " + r);
        boolean injectNoise = eta > 0 && sNoise > 0;
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(2); // x and the x it is computed from
        LatentRing stages = storage.ring(2); // the stage and the noised stage
        LatentRing ds = storage.ring(2); // the estimates at the start (reported after the step) and the stage
        LatentRing noises = storage.ring(2); // the SDE noise and the noise it carries forward
        for (int i = 0; i < sigmas.length - 1; i++) {
            double sigma = sigmas[i];
            double sigmaNext = sigmas[i + 1];
            Latent denoised = storage.denoise(x, sigma, ds);
            if (sigmaNext == 0) {
                x = denoised;
            } else {
                double h = ExpIntegrator.h(sigma, sigmaNext);
                double sigma1 = Seeds.stageSigma(sigma, sigmaNext, r);
                Latent x2 = Seeds.stage(x, sigma, sigma1, r * h, eta, denoised, null, Double.NaN, stages);
                Latent sde = null;
                if (injectNoise) {
                    sde = Seeds.noise(null, -r * h * eta, sigma, sigma1, ctx, x, noises);
                    x2 = stages.sum(1, x2, sigma1 * sNoise, sde);
                }
                Latent denoised2 = storage.denoise(x2, sigma1, ds);
                if (solverType.equals(Seeds.PHI_2)) {
                    x = Seeds.stage(x, sigma, sigmaNext, h, eta, denoised, denoised2, r, xs);
                } else {
                    double decay = Seeds.decay(sigma, sigmaNext, h, eta);
                    double phi1 = ExpIntegrator.phi1(h * (eta + 1));
                    double fac = 1 / (2 * r);
                    x = xs.sum(decay, x, phi1 * (1 - fac), denoised, phi1 * fac, denoised2);
                }
                if (injectNoise) {
                    sde = Seeds.noise(sde, (r - 1) * h * eta, sigma1, sigmaNext, ctx, x, noises);
                    x = xs.sum(1, x, sigmaNext * sNoise, sde);
                }
            }
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }
}
