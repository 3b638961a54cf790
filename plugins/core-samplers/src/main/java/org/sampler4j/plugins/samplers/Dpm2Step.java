package org.sampler4j.plugins.samplers;

import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;
import org.sampler4j.api.sampler.SamplerStorage;

/**
 * The deterministic step shared by {@code dpm_2} and {@code dpm_2_ancestral} (k-diffusion): from {@code sigma} to
 * {@code sigmaTo}, an Euler half step to the log-midpoint {@code sigma_mid = exp(lerp(ln sigma, ln sigmaTo, 1/2))},
 * then the full step with the midpoint's derivative; a plain Euler step when {@code sigmaTo = 0}.
 */
final class Dpm2Step {
    /** The run's storage. */
    final SamplerStorage storage;
    /** x, the midpoint and the (churned) x they start from. */
    final LatentRing xs;
    /** The estimates at the start and the midpoint of a step (the start's is reported after the step). */
    final LatentRing ds;

    /** Storage for one run of {@code model}. */
    Dpm2Step(Denoiser model) {
        storage = new SamplerStorage(model);
        xs = storage.ring(3);
        ds = storage.ring(2);
    }

    /** The model's estimate at the start of a step, in this run's storage. */
    Latent denoise(Latent x, double sigma) {
        return storage.denoise(x, sigma, ds);
    }

    /** The step from {@code x} (whose model output at {@code sigma} is {@code denoised}) to {@code sigmaTo}. */
    Latent step(Latent x, Latent denoised, double sigma, double sigmaTo) {
        double dt = sigmaTo - sigma;
        if (sigmaTo == 0) return xs.sum(1 + dt / sigma, x, -dt / sigma, denoised);
        double logFrom = Math.log(sigma);
        double logTo = Math.log(sigmaTo);
        double sigmaMid = Math.exp(logTo - (logTo - logFrom) * 0.5); // torch.lerp at weight 0.5
        double dtMid = sigmaMid - sigma;
        Latent xMid = xs.sum(1 + dtMid / sigma, x, -dtMid / sigma, denoised);
        Latent denoisedMid = storage.denoise(xMid, sigmaMid, ds);
        return xs.sum(1, x, dt / sigmaMid, xMid, -dt / sigmaMid, denoisedMid);
    }
}
