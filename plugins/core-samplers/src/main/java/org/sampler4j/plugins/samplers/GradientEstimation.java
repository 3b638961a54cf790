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
 * Euler steps with the derivative extrapolated from the previous one, {@code d + (ge_gamma - 1)(d - d_prev)}, to
 * correct the denoiser's error. Permenter &amp; Yuan 2024, "Interpreting and improving diffusion models from an
 * optimization perspective"; ComfyUI {@code sample_gradient_estimation}. The first step is plain Euler, a step to
 * sigma 0 returns the denoised estimate.
 */
@Extension
public final class GradientEstimation implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("gradient_estimation", List.of(),
            "Euler with the derivative extrapolated from the previous step by ge_gamma (1 model call per step)",
            "Permenter & Yuan 2024, gradient estimation (ComfyUI sample_gradient_estimation)",
            List.of(OptionSpec.number("ge_gamma", 2.0, null, null, "derivative weight: d_prev + ge_gamma (d - d_prev); 1 = Euler")),
            SamplerInfo.Capabilities.deterministic(1));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        double gamma = o.number("ge_gamma");
        Latent oldD = null;
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(2); // x and the x it is computed from
        LatentRing ds = storage.ring(1);
        LatentRing derivatives = storage.ring(2); // this step's and the previous step's
        for (int i = 0; i < sigmas.length - 1; i++) {
            double sigma = sigmas[i];
            double sigmaNext = sigmas[i + 1];
            Latent denoised = storage.denoise(x, sigma, ds);
            Latent d = derivatives.toD(x, sigma, denoised);
            double dt = sigmaNext - sigma;
            if (sigmaNext == 0) {
                x = denoised;
            } else if (oldD == null) {
                x = xs.sum(1, x, dt, d);
            } else {
                x = xs.sum(1, x, dt * gamma, d, -dt * (gamma - 1), oldD);
            }
            oldD = d;
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }
}
