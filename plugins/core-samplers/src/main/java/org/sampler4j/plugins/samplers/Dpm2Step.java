package org.sampler4j.plugins.samplers;

import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;

/**
 * The deterministic step shared by {@code dpm_2} and {@code dpm_2_ancestral} (k-diffusion): from {@code sigma} to
 * {@code sigmaTo}, an Euler half step to the log-midpoint {@code sigma_mid = exp(lerp(ln sigma, ln sigmaTo, 1/2))},
 * then the full step with the midpoint's derivative; a plain Euler step when {@code sigmaTo = 0}.
 */
final class Dpm2Step {
    private Dpm2Step() {}

    /** The step from {@code x} (whose model output at {@code sigma} is {@code denoised}) to {@code sigmaTo}. */
    static Latent step(Denoiser model, Latent x, Latent denoised, double sigma, double sigmaTo) {
        double dt = sigmaTo - sigma;
        if (sigmaTo == 0) return Latents.sum(1 + dt / sigma, x, -dt / sigma, denoised);
        double logFrom = Math.log(sigma);
        double logTo = Math.log(sigmaTo);
        double sigmaMid = Math.exp(logTo - (logTo - logFrom) * 0.5); // torch.lerp at weight 0.5
        double dtMid = sigmaMid - sigma;
        Latent xMid = Latents.sum(1 + dtMid / sigma, x, -dtMid / sigma, denoised);
        Latent denoisedMid = model.denoise(xMid, sigmaMid);
        return Latents.sum(1, x, dt / sigmaMid, xMid, -dt / sigmaMid, denoisedMid);
    }
}
