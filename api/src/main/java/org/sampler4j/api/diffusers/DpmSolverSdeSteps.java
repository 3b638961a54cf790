package org.sampler4j.api.diffusers;

import java.util.Map;
import org.sampler4j.api.model.Prediction;
import org.sampler4j.api.noise.GlibcFloatMath;
import org.sampler4j.api.noise.TorchsdeBrownianNoise;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.NoiseSource;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * {@code step} of diffusers' {@code DPMSolverSDEScheduler} on the sample it is given: two model calls per step, each an
 * ancestral first-order DPM-Solver++ stage in {@code t = -log sigma}, the first from {@code sigma_i} to the log-sigma
 * midpoint {@code sigma_fn((t_i + t_{i+1}) / 2)} (the sample it starts from is kept, as diffusers' {@code self.sample}),
 * the second from that kept sample to {@code sigma_{i+1}} with the midpoint's denoised estimate; a step to sigma 0 is an
 * Euler step. The noise of each stage is torchsde's Brownian increment over the stage's sigma interval divided by the
 * square root of its length ({@link TorchsdeBrownianNoise}, one tree over the whole sample, seeded by
 * {@code noise_sampler_seed}, over {@code [min positive sigma, max sigma]}, built on the first step), so a run matches
 * diffusers value for value. Without {@code noise_sampler_seed} diffusers seeds the tree from torch's global generator;
 * the stepper's noise source then plays the noise sampler (asked for {@code (sigma_from, sigma_to)} of each stage).
 * The query times are diffusers' {@code sigma_fn(t_fn(sigma))}, {@code exp(-(-log sigma))} in float32 as torch
 * computes it, since the tree rounds them to 6 decimals.
 *
 * <p>Provenance: Lu et al. 2022, "DPM-Solver++", with SDE noise (k-diffusion {@code sample_dpmpp_sde}, r = 1/2);
 * diffusers {@code scheduling_dpmsolver_sde.py} {@code step}, {@code scale_model_input}, {@code BrownianTreeNoiseSampler}.
 */
final class DpmSolverSdeSteps implements ClassSteps {
    static final String CLASS = "DPMSolverSDEScheduler";

    private final Prediction prediction;
    /** diffusers' {@code sigmas}: {@code [s0, s1, s1, ..., s_{n-1}, s_{n-1}, 0]} (float32). */
    private final double[] sigmas;
    /** {@code noise_sampler_seed}, or {@code null}: then the stepper's noise source plays the noise sampler. */
    private final Long seed;
    private final NoiseSource given;
    private final double sNoise;
    private NoiseSource noise;
    /** The first stage's starting sample while in the second stage (diffusers' {@code self.sample}), else {@code null}. */
    private Latent stored;
    /** The second stage's sigma (diffusers' {@code mid_point_sigma}). */
    private float midSigma;

    DpmSolverSdeSteps(DiffusersConfig cfg, DiffusersTimesteps ts, Map<String, Object> kw, NoiseSource given) {
        this.prediction = Prediction.parse(cfg.str("prediction_type"));
        if (prediction != Prediction.EPSILON && prediction != Prediction.V_PREDICTION) {
            throw new ScheduleException(CLASS + ": prediction_type '" + prediction.id() + "' is not implemented (diffusers raises); use epsilon or v_prediction");
        }
        this.seed = cfg.has("noise_sampler_seed") ? ((Number) cfg.get("noise_sampler_seed")).longValue() : null;
        this.given = given;
        this.sigmas = ts.sigmas();
        this.sNoise = kw.get("s_noise") instanceof Number n ? n.doubleValue() : 1.0;
    }

    private static float tFn(float sigma) {
        return -GlibcFloatMath.logf(sigma);
    }

    private static float sigmaFn(float t) {
        return GlibcFloatMath.expf(-t);
    }

    @Override
    public Latent scaleModelInput(Latent sample, double t, int k) {
        float sigma = stored == null ? (float) sigmas[k] : midSigma;
        return Latents.scale(1 / Math.sqrt(sigma * sigma + 1), sample);
    }

    @Override
    public Latent step(Latent out, double timestep, Latent sample, int k) {
        boolean first = stored == null;
        float sigma = (float) sigmas[first ? k : k - 1];
        float sigmaNext = (float) sigmas[first ? k + 1 : k];
        if (sigmaNext == 0) {
            // Euler to 0: sample + (sample - x0) / sigma * (0 - sigma)
            Latent x0 = prediction.denoised(sample, sigma, out);
            Latent derivative = Latents.sum(1 / (double) sigma, sample, -1 / (double) sigma, x0);
            return Latents.sum(1, sample, -sigma, derivative);
        }
        if (noise == null) noise = seed != null ? TorchsdeBrownianNoise.of(seed, minPositive(sigmas), max(sigmas)) : given;
        float t = tFn(sigma);
        float tNext = tFn(sigmaNext);
        float tMid = t + (tNext - t) * 0.5f;
        Latent x0 = prediction.denoised(sample, first ? sigma : sigmaFn(tMid), out);
        float tTo = first ? tMid : tNext;
        Latent from = first ? sample : stored;
        float sigmaFrom = sigmaFn(t);
        float sigmaTo = sigmaFn(tTo);
        double sigmaUp = Math.min(sigmaTo, Math.sqrt((double) sigmaTo * sigmaTo * (sigmaFrom * sigmaFrom - sigmaTo * sigmaTo) / (sigmaFrom * sigmaFrom)));
        float sigmaDown = (float) Math.sqrt(sigmaTo * sigmaTo - sigmaUp * sigmaUp);
        float tDown = tFn(sigmaDown);
        double decay = sigmaFn(tDown) / (double) sigmaFn(t);
        double weight = -Math.expm1(t - tDown);
        Latent prev = Latents.sum(decay, from, weight, x0);
        prev = Latents.sum(1, prev, sNoise * sigmaUp, noise.noise(sigmaFrom, sigmaTo, sample));
        if (first) {
            stored = sample;
            midSigma = sigmaTo;
        } else {
            stored = null;
        }
        return prev;
    }

    private static double minPositive(double[] xs) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : xs) if (x > 0) m = Math.min(m, x);
        return m;
    }

    private static double max(double[] xs) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : xs) m = Math.max(m, x);
        return m;
    }
}
