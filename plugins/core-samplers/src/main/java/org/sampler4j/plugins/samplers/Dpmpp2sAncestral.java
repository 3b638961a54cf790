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

/** DPM-Solver++(2S) steps with ancestral noise. Lu et al. 2022 (DPM-Solver++, Alg. 1); k-diffusion {@code sample_dpmpp_2s_ancestral}. */
@Extension
public final class Dpmpp2sAncestral implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("dpmpp_2s_ancestral", List.of("dpm++_2s_a", "dpm++2s_a", "dpmpp_2s_a", "k_dpmpp_2s_a"),
            "single-step second-order DPM-Solver++ (2 model calls per step), fresh noise added after each step",
            "Lu et al. 2022, DPM-Solver++(2S) (k-diffusion sample_dpmpp_2s_ancestral)",
            List.of(OptionSpec.number("eta", 1.0, 0.0, null, "ancestral noise amount: 0 = deterministic, 1 = full ancestral step"),
                    OptionSpec.number("s_noise", 1.0, 0.0, null, "scale of the added noise")),
            SamplerInfo.Capabilities.stochastic(2));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        double eta = o.number("eta");
        double sNoise = o.number("s_noise");
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(2); // x and the x it is computed from
        LatentRing mids = storage.ring(1); // the midpoint
        LatentRing ds = storage.ring(2); // the estimates at the start (reported after the step) and the midpoint
        for (int i = 0; i < sigmas.length - 1; i++) {
            double sigma = sigmas[i];
            double sigmaNext = sigmas[i + 1];
            Latent denoised = storage.denoise(x, sigma, ds);
            AncestralStep step = AncestralStep.of(sigma, sigmaNext, eta);
            if (step.down() == 0) {
                x = denoised; // Euler step to 0
            } else {
                double h = ExpIntegrator.h(sigma, step.down());
                double sigmaMid = ExpIntegrator.sigma(ExpIntegrator.lambda(sigma) + h / 2);
                Latent xMid = ExpIntegrator.firstOrder(x, sigma, sigmaMid, denoised, mids);
                Latent denoisedMid = storage.denoise(xMid, sigmaMid, ds);
                x = ExpIntegrator.firstOrder(x, sigma, step.down(), denoisedMid, xs);
            }
            if (sigmaNext > 0) { // both references draw here even when eta = 0 (up = 0)
                Latent noise = ctx.noise().noise(sigma, sigmaNext, x);
                x = xs.sum(1, x, sNoise * step.up(), noise);
            }
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }
}
