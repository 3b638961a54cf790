package org.sampler4j.plugins.samplers;

import java.util.ArrayList;
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
 * Euler with churn as diffusers' {@code EDMEulerScheduler.step} runs Karras et al. 2022, Algorithm 2: the network is
 * evaluated at {@code (x, sigma)} before the churn noise, and its output {@code F} is re-preconditioned at the churned
 * {@code (x_hat, sigma_hat)}: {@code D_hat = c_skip(sigma_hat) x_hat + c_out(sigma_hat) F} with
 * {@code F = (D - c_skip(sigma) x)/c_out(sigma)} (EDM's {@code c_skip = sd^2/(s^2+sd^2)},
 * {@code c_out = s sd/sqrt(s^2+sd^2)}, {@code sd = sigma_data}). Without churn this is {@code euler}. ({@code euler
 * reference=diffusers} reuses the noise estimate {@code (x - D)/sigma} instead, which is diffusers' EulerDiscrete.)
 */
@Extension
public final class EdmEuler implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("edm_euler", List.of("EDMEulerScheduler"),
            "Euler steps; churn after the model call with the EDM preconditioning re-applied at sigma_hat",
            "Karras et al. 2022, Algorithm 2 (diffusers EDMEulerScheduler.step)", options(),
            new SamplerInfo.Capabilities(true, 1, Set.of(SamplerInfo.ModelKind.EDM), false));

    private static List<OptionSpec> options() {
        List<OptionSpec> o = new ArrayList<>(Churn.OPTIONS.subList(0, 4));
        o.add(OptionSpec.number("sigma_data", 0.5, Double.MIN_VALUE, null, "EDM's sigma_data of the preconditioning"));
        return o;
    }

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        double sd2 = o.number("sigma_data") * o.number("sigma_data");
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(2); // x and the x it is computed from
        LatentRing ds = storage.ring(1);
        for (int i = 0; i < sigmas.length - 1; i++) {
            double sigma = sigmas[i];
            Latent denoised = storage.denoise(x, sigma, ds);
            double gamma = Churn.gamma(sigmas, i, o);
            double sigmaHat = sigma * (gamma + 1);
            double dt = sigmas[i + 1] - sigmaHat;
            if (gamma > 0) {
                double k = o.number("s_noise") * Math.sqrt(sigmaHat * sigmaHat - sigma * sigma);
                Latent noise = ctx.noise().noise(sigma, sigmas[i + 1], x);
                double skip = sd2 / (sigma * sigma + sd2);
                double skipHat = sd2 / (sigmaHat * sigmaHat + sd2);
                double outRatio = sigmaHat / sigma * Math.sqrt((sigma * sigma + sd2) / (sigmaHat * sigmaHat + sd2));
                // x_hat = x + k z; D_hat = skipHat x_hat + outRatio (D - skip x); x' = x_hat + dt (x_hat - D_hat)/sigma_hat
                double a = 1 + dt / sigmaHat;
                double b = dt / sigmaHat;
                x = xs.sum(a - b * (skipHat - outRatio * skip), x, k * (a - b * skipHat), noise, -b * outRatio, denoised);
            } else {
                x = xs.sum(1 + dt / sigma, x, -dt / sigma, denoised);
            }
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }
}
