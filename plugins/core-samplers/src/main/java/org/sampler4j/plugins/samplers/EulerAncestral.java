package org.sampler4j.plugins.samplers;

import java.util.ArrayList;
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
 * Ancestral sampling with Euler steps (Ho et al. 2020 ancestral noise on the Karras et al. 2022 ODE); k-diffusion {@code sample_euler_ancestral}.
 *
 * <p>Noise is drawn on every step with {@code sigma_next > 0}, also at {@code eta = 0} (then multiplied by 0), as both
 * references do. {@code reference=comfyui} (default): a step whose {@code sigma_down} is 0 returns the denoised
 * estimate and adds no noise (differs from k-diffusion only for {@code eta > 1}, where k-diffusion still adds
 * {@code sigma_up} noise before the final step); {@code k-diffusion}: always the Euler step; {@code diffusers}
 * (EulerAncestralDiscreteScheduler): always the Euler step, and noise is drawn on the last step too (scaled by 0).
 */
@Extension
public final class EulerAncestral implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("euler_ancestral",
            List.of("euler_a", "k_euler_a", "k_euler_ancestral", "EulerAncestralDiscreteScheduler"),
            "Euler steps to sigma_down plus fresh noise of scale sigma_up (eta)", "Ho et al. 2020 / Karras et al. 2022 (k-diffusion sample_euler_ancestral)",
            options(), SamplerInfo.Capabilities.stochastic(1));

    private static List<OptionSpec> options() {
        List<OptionSpec> o = new ArrayList<>(Ancestral.OPTIONS);
        o.add(OptionSpec.choice("reference", Churn.COMFYUI, List.of(Churn.COMFYUI, Churn.K_DIFFUSION, Churn.DIFFUSERS),
                "when sigma_down = 0: return the denoised estimate (comfyui) or take the Euler step and add noise (k-diffusion);"
                        + " diffusers also draws noise on the last step"));
        return o;
    }

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        boolean comfy = o.choice("reference").equals(Churn.COMFYUI);
        boolean diffusers = o.choice("reference").equals(Churn.DIFFUSERS);
        double eta = o.number("eta");
        double sNoise = o.number("s_noise");
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(2); // x and the x it is computed from
        LatentRing ds = storage.ring(1);
        for (int i = 0; i < sigmas.length - 1; i++) {
            double sigma = sigmas[i];
            double sigmaNext = sigmas[i + 1];
            Latent denoised = storage.denoise(x, sigma, ds);
            AncestralStep downUp = AncestralStep.of(sigma, sigmaNext, eta);
            double dt = downUp.down() - sigma;
            if (comfy && downUp.down() == 0) {
                x = denoised;
            } else if (sigmaNext > 0 || diffusers) {
                Latent noise = ctx.noise().noise(sigma, sigmaNext, x);
                x = xs.sum(1 + dt / sigma, x, -dt / sigma, denoised, sNoise * downUp.up(), noise);
            } else {
                x = xs.sum(1 + dt / sigma, x, -dt / sigma, denoised);
            }
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }
}
