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

/** DPM-Solver++(2M), the second-order multistep solver. Lu et al. 2022 (DPM-Solver++, Alg. 2); k-diffusion {@code sample_dpmpp_2m}. */
@Extension
public final class Dpmpp2m implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("dpmpp_2m", List.of("dpm++_2m", "dpm++2m", "k_dpmpp_2m"),
            "second-order multistep DPM-Solver++ (1 model call per step); first-order on the first step and a step to 0 (MultistepOrder options)",
            "Lu et al. 2022, DPM-Solver++(2M) (k-diffusion sample_dpmpp_2m)", MultistepOrder.options(2), SamplerInfo.Capabilities.deterministic(1));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(2); // x and the x it is computed from
        LatentRing ds = storage.ring(2); // this step's and the previous step's denoised estimates
        Latent oldDenoised = null;
        for (int i = 0; i < sigmas.length - 1; i++) {
            double sigma = sigmas[i];
            double sigmaNext = sigmas[i + 1];
            Latent denoised = storage.denoise(x, sigma, ds);
            if (MultistepOrder.at(i, sigmas, oldDenoised == null ? 0 : 1, o) == 1) {
                x = ExpIntegrator.firstOrder(x, sigma, sigmaNext, denoised, xs);
            } else {
                double h = ExpIntegrator.h(sigma, sigmaNext);
                double hLast = ExpIntegrator.h(sigmas[i - 1], sigma);
                double k = h / (2 * hLast); // 1 / (2r), r = hLast / h
                double decay = sigmaNext / sigma;
                double weight = ExpIntegrator.phi1(h);
                x = xs.sum(decay, x, weight * (1 + k), denoised, -weight * k, oldDenoised);
            }
            oldDenoised = denoised;
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }
}
