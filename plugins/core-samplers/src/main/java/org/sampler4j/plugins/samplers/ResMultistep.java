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
 * Second-order multistep exponential integrator in data prediction (RES): the previous denoised estimate enters with
 * weight {@code phi2(h) / c2}, {@code c2 = (lambda(sigma_{i-1}) - lambda(previous sigma_down)) / h}. Zhang, Tao &amp;
 * Chen 2023, "Improved order analysis and design of exponential integrator for diffusion models sampling"; ComfyUI
 * {@code sample_res_multistep} ({@code res_multistep} with {@code eta = 0}).
 *
 * <p>{@link #run} is also {@code res_multistep_ancestral}: steps go to {@code sigma_down} ({@link AncestralStep}) and
 * add {@code sigma_up} noise. The first step and a step to {@code sigma_down = 0} are Euler steps. As ComfyUI, noise
 * is drawn on every step with {@code sigma_next > 0}, also when {@code sigma_up = 0} (multiplied by 0).
 */
@Extension
public final class ResMultistep implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("res_multistep", List.of(),
            "second-order multistep exponential integrator (1 model call per step); draws unused noise as ComfyUI",
            "Zhang, Tao & Chen 2023, RES multistep (ComfyUI sample_res_multistep)",
            List.of(OptionSpec.number("s_noise", 1.0, 0.0, null, "scale of the added noise (none at eta 0)")), SamplerInfo.Capabilities.stochastic(1));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        return run(model, x, sigmas, 0.0, o.number("s_noise"), ctx);
    }

    static Latent run(Denoiser model, Latent x, double[] sigmas, double eta, double sNoise, SamplingContext ctx) {
        Latent oldDenoised = null;
        double oldSigmaDown = Double.NaN;
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(2); // x and the x it is computed from
        LatentRing ds = storage.ring(2); // this step's and the previous step's denoised estimates
        for (int i = 0; i < sigmas.length - 1; i++) {
            double sigma = sigmas[i];
            double sigmaNext = sigmas[i + 1];
            Latent denoised = storage.denoise(x, sigma, ds);
            AncestralStep step = AncestralStep.of(sigma, sigmaNext, eta);
            double down = step.down();
            if (down == 0 || oldDenoised == null) {
                double dt = down - sigma;
                x = xs.sum(1 + dt / sigma, x, -dt / sigma, denoised);
            } else {
                double lambda = ExpIntegrator.lambda(sigma);
                double h = ExpIntegrator.lambda(down) - lambda;
                double c2 = (ExpIntegrator.lambda(sigmas[i - 1]) - ExpIntegrator.lambda(oldSigmaDown)) / h;
                double b2 = nanToZero(ExpIntegrator.phi2(h) / c2);
                double b1 = nanToZero(ExpIntegrator.phi1(h) - ExpIntegrator.phi2(h) / c2);
                x = xs.sum(Math.exp(-h), x, b1, denoised, b2, oldDenoised);
            }
            if (sigmaNext > 0) {
                Latent noise = ctx.noise().noise(sigma, sigmaNext, x);
                x = xs.sum(1, x, sNoise * step.up(), noise);
            }
            oldDenoised = denoised;
            oldSigmaDown = down;
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }

    /** ComfyUI's {@code nan_to_num(nan=0)} of the weights (a zero-length step). */
    private static double nanToZero(double v) {
        return Double.isNaN(v) ? 0.0 : v;
    }
}
