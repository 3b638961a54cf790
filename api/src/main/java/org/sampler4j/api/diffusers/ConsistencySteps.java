package org.sampler4j.api.diffusers;

import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.NoiseSource;

/**
 * {@code step} of diffusers' {@code CMStochasticIterativeScheduler} on the sample it is given: the consistency
 * function with the boundary-condition scalings, clipped to [-1, 1] ({@code clip_denoised}), then fresh noise at the
 * next sigma (none for a one-step schedule).
 *
 * <p>Provenance: Song et al. 2023, "Consistency Models", Algorithm 1 (multistep consistency sampling); diffusers
 * {@code scheduling_consistency_models.py} {@code step}, {@code get_scalings_for_boundary_condition}.
 */
final class ConsistencySteps implements ClassSteps {
    private final double[] sigmas;
    private final int calls;
    private final double sigmaMin;
    private final double sigmaMax;
    private final double sigmaData;
    private final double sNoise;
    private final boolean clip;
    private final NoiseSource noise;

    ConsistencySteps(DiffusersConfig cfg, DiffusersTimesteps ts, NoiseSource noise) {
        this.sigmas = ts.sigmas();
        this.calls = ts.timesteps().length;
        this.sigmaMin = cfg.dbl("sigma_min");
        this.sigmaMax = cfg.dbl("sigma_max");
        this.sigmaData = cfg.dbl("sigma_data");
        this.sNoise = cfg.dbl("s_noise");
        this.clip = cfg.bool("clip_denoised");
        this.noise = noise;
    }

    @Override
    public Latent scaleModelInput(Latent sample, double t, int index) {
        double sigma = sigmas[index];
        return Latents.scale(1 / Math.sqrt(sigma * sigma + sigmaData * sigmaData), sample);
    }

    @Override
    public Latent step(Latent out, double t, Latent sample, int index) {
        double sigma = sigmas[index];
        double sigmaNext = sigmas[index + 1];
        double cSkip = sigmaData * sigmaData / ((sigma - sigmaMin) * (sigma - sigmaMin) + sigmaData * sigmaData);
        double cOut = (sigma - sigmaMin) * sigmaData / Math.sqrt(sigma * sigma + sigmaData * sigmaData);
        Latent denoised = Latents.sum(cOut, out, cSkip, sample);
        if (clip) denoised = ClassSteps.clamp(denoised, 1);
        if (calls <= 1) return denoised;
        double sigmaHat = Math.max(sigmaMin, Math.min(sigmaMax, sigmaNext));
        Latent z = noise.noise(sigma, sigmaNext, out);
        return Latents.sum(1, denoised, sNoise * Math.sqrt(sigmaHat * sigmaHat - sigmaMin * sigmaMin), z);
    }
}
