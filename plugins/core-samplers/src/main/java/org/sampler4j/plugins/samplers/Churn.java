package org.sampler4j.plugins.samplers;

import java.util.List;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;
import org.sampler4j.api.sampler.OptionSpec;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.SamplerStorage;
import org.sampler4j.api.sampler.SamplingContext;

/**
 * "Churn" of Karras et al. 2022, Algorithm 2 (k-diffusion {@code sample_euler/heun/dpm_2}): before a step, raise
 * sigma to {@code sigma_hat = sigma (1 + gamma)} by adding fresh noise, {@code gamma = min(s_churn / n, sqrt 2 - 1)}
 * inside {@code [s_tmin, s_tmax]}.
 *
 * <p>k-diffusion draws the noise on every step even when {@code gamma = 0}; ComfyUI only when it is used. The
 * option {@code reference} picks the behaviour ({@code comfyui} by default: no wasted draws); the results differ only
 * in which noise later steps get. {@code diffusers} (EulerDiscreteScheduler, EDMEulerScheduler) evaluates the model
 * <em>before</em> adding the churn noise and reuses its noise estimate at {@code sigma_hat} (see {@link Euler}).
 */
final class Churn {
    static final String K_DIFFUSION = "k-diffusion";
    static final String COMFYUI = "comfyui";
    static final String DIFFUSERS = "diffusers";

    /** The churn options shared by euler, heun and dpm_2. */
    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.number("s_churn", 0.0, 0.0, null, "amount of noise added back per step (Karras et al. S_churn; 0 = deterministic)"),
            OptionSpec.number("s_tmin", 0.0, 0.0, null, "churn only for sigma >= s_tmin"),
            OptionSpec.number("s_tmax", Double.POSITIVE_INFINITY, 0.0, null, "churn only for sigma <= s_tmax"),
            OptionSpec.number("s_noise", 1.0, 0.0, null, "scale of the added noise"),
            OptionSpec.choice("reference", COMFYUI, List.of(COMFYUI, K_DIFFUSION, DIFFUSERS),
                    "noise draws as ComfyUI (only when used) or k-diffusion (every step); diffusers: churn after the model call"));

    private Churn() {}

    /** {@code gamma} of step {@code i}. */
    static double gamma(double[] sigmas, int i, SamplerOptions o) {
        double sigma = sigmas[i];
        return o.number("s_tmin") <= sigma && sigma <= o.number("s_tmax") ? Math.min(o.number("s_churn") / (sigmas.length - 1), Math.sqrt(2) - 1) : 0.0;
    }

    /** Whether the diffusers ordering (model call before the churn) is selected. */
    static boolean diffusersOrder(SamplerOptions o) {
        return o.choice("reference").equals(DIFFUSERS);
    }

    /** A step from {@code x} at {@code sigmaHat}, whose denoised estimate is given, to {@code sigmaNext}. */
    @FunctionalInterface
    interface Step {
        Latent apply(Latent x, double sigmaHat, double sigmaNext, Latent denoised);
    }

    /**
     * The churn sampling loop of k-diffusion's {@code sample_euler}, {@code sample_heun} and {@code sample_dpm_2}:
     * churn, one model call at {@code sigma_hat}, then the sampler's own {@code step}, in the run's storage: the
     * churned x is written into {@code xs} (which the step's own writes must leave valid), the model's denoised
     * estimate into {@code ds}.
     */
    static Latent loop(SamplerStorage storage, LatentRing xs, LatentRing ds, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx, Step step) {
        double[] sigmaHat = new double[1];
        for (int i = 0; i < sigmas.length - 1; i++) {
            x = apply(x, sigmas, i, o, ctx, sigmaHat, o.choice("reference").equals(K_DIFFUSION), xs);
            Latent denoised = storage.denoise(x, sigmaHat[0], ds);
            x = step.apply(x, sigmaHat[0], sigmas[i + 1], denoised);
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }

    /**
     * Applies churn for step {@code i}: returns {@code x_hat}, written into {@code xs}, and stores {@code sigma_hat} in
     * {@code sigmaHat[0]}; {@code alwaysDraw}: draw also when gamma = 0.
     */
    static Latent apply(Latent x, double[] sigmas, int i, SamplerOptions o, SamplingContext ctx, double[] sigmaHat, boolean alwaysDraw, LatentRing xs) {
        double sigma = sigmas[i];
        double gamma = gamma(sigmas, i, o);
        sigmaHat[0] = sigma * (gamma + 1);
        boolean draw = gamma > 0 || alwaysDraw;
        if (!draw) return x;
        Latent eps = ctx.noise().noise(sigma, sigmas[i + 1], x);
        if (!(gamma > 0)) return x;
        double noiseScale = o.number("s_noise") * Math.sqrt(sigmaHat[0] * sigmaHat[0] - sigma * sigma);
        return xs.sum(1, x, noiseScale, eps);
    }
}
