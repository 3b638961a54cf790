package org.sampler4j.api.diffusers;

import java.util.Map;
import org.sampler4j.api.math.Numerics;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.NoiseSource;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * diffusers' {@code ScoreSdeVeScheduler}, whose loop is not {@code step} but a predictor and corrector per timestep:
 *
 * <pre>{@code
 * ScoreSdeVeStepper s = new ScoreSdeVeStepper(DiffusersConfig.of("ScoreSdeVeScheduler", Map.of()), TorchGeneratorNoise.cpu(0));
 * s.setTimesteps(n);
 * for (int i = 0; i < s.timesteps().length; i++) {
 *     for (int k = 0; k < s.correctSteps(); k++) sample = s.stepCorrect(score(sample, s.sigmas()[i]), sample);
 *     sample = s.stepPred(score(sample, s.sigmas()[i]), s.timesteps()[i], sample).prevSample();
 * }
 * }</pre>
 * The model predicts the score; the state ({@code timesteps}, {@code sigmas}, {@code discrete_sigmas}) follows
 * diffusers' order of calls: {@code set_sigmas} keeps existing timesteps (the constructor sets the training ones), and
 * {@code set_timesteps} replaces only the timesteps. Both steps draw noise over the whole batch from one source.
 *
 * <p>Provenance: Song et al. 2021, "Score-Based Generative Modeling through Stochastic Differential Equations"
 * (reverse-diffusion predictor, Langevin corrector); diffusers {@code scheduling_sde_ve.py}.
 */
public final class ScoreSdeVeStepper {
    /**
     * {@code step_pred}'s result: the sample with noise and its mean.
     *
     * @param prevSample the sample at the next timestep, noise added
     * @param prevSampleMean the same step without its noise
     */
    public record Prediction(Latent prevSample, Latent prevSampleMean) {}

    private final DiffusersConfig cfg;
    private final NoiseSource noise;
    private float[] timesteps;
    private double[] sigmas;
    private double[] discreteSigmas;

    /**
     * {@code ScoreSdeVeScheduler(**config)}: the training timesteps and their sigmas.
     *
     * @param cfg a {@code ScoreSdeVeScheduler} config
     * @param noise diffusers' {@code generator} (e.g. {@link org.sampler4j.api.noise.TorchGeneratorNoise#cpu})
     */
    public ScoreSdeVeStepper(DiffusersConfig cfg, NoiseSource noise) {
        if (!cfg.className().equals("ScoreSdeVeScheduler")) throw new ScheduleException("ScoreSdeVeStepper needs a ScoreSdeVeScheduler config, got " + cfg.className());
        this.cfg = cfg;
        this.noise = noise;
        setSigmas(cfg.integer("num_train_timesteps"));
    }

    /**
     * {@code set_timesteps(n)}: {@code n} times from 1 down to {@code sampling_eps} (float32 {@code torch.linspace}).
     *
     * @param n the number of timesteps, at least 1
     */
    public void setTimesteps(int n) {
        if (n < 1) throw new ScheduleException("ScoreSdeVeScheduler: num_inference_steps must be >= 1, got " + n);
        timesteps = Numerics.torch2LinspaceF32(1, cfg.dbl("sampling_eps"), n);
    }

    /**
     * {@code set_sigmas(n)}: {@code sigma_min (sigma_max / sigma_min)^t} for the current timesteps (set to {@code n}
     * first if there are none), and {@code n} log-spaced {@code discrete_sigmas}.
     *
     * @param n the number of sigmas, at least 1
     */
    public void setSigmas(int n) {
        if (timesteps == null) setTimesteps(n);
        double min = cfg.dbl("sigma_min");
        double max = cfg.dbl("sigma_max");
        float ratio = (float) (max / min);
        sigmas = new double[timesteps.length];
        for (int i = 0; i < sigmas.length; i++) sigmas[i] = (float) (min * (float) Math.pow(ratio, timesteps[i]));
        float[] lin = Numerics.torch2LinspaceF32(Math.log(min), Math.log(max), n);
        discreteSigmas = new double[n];
        for (int i = 0; i < n; i++) discreteSigmas[i] = (float) Math.exp(lin[i]);
    }

    /** {@return {@code scheduler.timesteps}: from 1 down to {@code sampling_eps}, a fresh copy} */
    public double[] timesteps() {
        double[] t = new double[timesteps.length];
        for (int i = 0; i < t.length; i++) t[i] = timesteps[i];
        return t;
    }

    /** {@return {@code scheduler.sigmas}: one per timestep of the last {@link #setSigmas}} */
    public double[] sigmas() {
        return sigmas.clone();
    }

    /** {@return {@code scheduler.discrete_sigmas}: the log-spaced sigmas the predictor steps between} */
    public double[] discreteSigmas() {
        return discreteSigmas.clone();
    }

    /** {@return {@code init_noise_sigma}, which is {@code sigma_max}} */
    public double initNoiseSigma() {
        return cfg.dbl("sigma_max");
    }

    /** {@return {@code config.correct_steps}: corrector steps per predictor step} */
    public int correctSteps() {
        return cfg.integer("correct_steps");
    }

    /**
     * {@code step_pred(score, t, sample)}: the reverse-diffusion predictor from {@code discrete_sigmas[int(t (n - 1))]}
     * to the one below it (0 at the bottom).
     *
     * @param score the network's score estimate at {@code t}
     * @param t the current time, one of {@link #timesteps()}
     * @param sample the current sample
     * @return the next sample and its noise-free mean
     */
    public Prediction stepPred(Latent score, double t, Latent sample) {
        int idx = (int) (float) ((float) t * (timesteps.length - 1));
        double sigma = discreteSigmas[idx];
        double adjacent = idx == 0 ? 0 : discreteSigmas[idx - 1];
        double diffusion = Math.sqrt(sigma * sigma - adjacent * adjacent);
        Latent mean = Latents.sum(1, sample, diffusion * diffusion, score);
        Latent z = noise.noise(sigma, adjacent, sample);
        return new Prediction(Latents.sum(1, mean, diffusion, z), mean);
    }

    /**
     * {@code step_correct(score, sample)}: one Langevin step with the step size
     * {@code 2 (snr |z| / |score|)^2}, the norms per batch item, averaged over the batch.
     *
     * @param score the network's score estimate for {@code sample}
     * @param sample the current sample, batch first
     * @return the corrected sample
     */
    public Latent stepCorrect(Latent score, Latent sample) {
        Latent z = noise.noise(0, 0, sample);
        double gradNorm = meanItemNorm(score);
        double noiseNorm = meanItemNorm(z);
        double r = cfg.dbl("snr") * noiseNorm / gradNorm;
        double stepSize = r * r * 2;
        Latent mean = Latents.sum(1, sample, stepSize, score);
        return Latents.sum(1, mean, Math.sqrt(stepSize * 2), z);
    }

    private static double meanItemNorm(Latent x) {
        double[] v = x.toDoubleArray();
        int batch = x.shape()[0];
        int per = v.length / batch;
        double total = 0;
        for (int b = 0; b < batch; b++) {
            double s = 0;
            for (int i = b * per; i < (b + 1) * per; i++) s += v[i] * v[i];
            total += Math.sqrt(s);
        }
        return total / batch;
    }

    /** {@return the settings of the class ({@code scheduler.config})} */
    public Map<String, Object> config() {
        return cfg.values();
    }
}
