package org.sampler4j.api.diffusers;

import org.sampler4j.api.model.Prediction;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.NoiseSource;
import org.sampler4j.api.schedule.BetaSchedule;
import org.sampler4j.api.schedule.DiscreteNoiseModel;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * {@code step} of diffusers' {@code UnCLIPScheduler} on the sample it is given: DDPM's posterior on the squared-cosine
 * betas, from {@code t} to the caller's {@code prev_timestep} ({@code t - 1} when none is given, even after
 * {@code set_timesteps}, as in diffusers), with the {@code fixed_small_log} variance.
 *
 * <p>Provenance: Ramesh et al. 2022, "Hierarchical Text-Conditional Image Generation with CLIP Latents" (Karlo's
 * sampler); diffusers {@code scheduling_unclip.py} {@code step}, {@code _get_variance}.
 */
final class UnclipSteps implements ClassSteps {
    private final float[] betas;
    private final float[] alphasCumprod;
    private final Prediction prediction;
    private final Double clipRange;
    private final NoiseSource noise;
    private Integer prevTimestep;

    UnclipSteps(DiffusersConfig cfg, NoiseSource noise) {
        this.prediction = Prediction.parse(cfg.str("prediction_type"));
        if (prediction != Prediction.EPSILON && prediction != Prediction.SAMPLE) {
            throw new ScheduleException(cfg.className() + " supports prediction_type epsilon or sample, got '" + prediction.id() + "'");
        }
        if (!"fixed_small_log".equals(cfg.str("variance_type"))) {
            throw new ScheduleException(cfg.className() + ": variance_type '" + cfg.str("variance_type") + "' is not supported (learned_range needs the model's"
                    + " variance channels); use fixed_small_log");
        }
        DiscreteNoiseModel model = model(cfg);
        this.betas = model.betas();
        this.alphasCumprod = model.alphasCumprod();
        this.clipRange = cfg.bool("clip_sample") ? cfg.dbl("clip_sample_range") : null;
        this.noise = noise;
    }

    /** {@code betas_for_alpha_bar(num_train_timesteps)}: the only schedule the class has. */
    static DiscreteNoiseModel model(DiffusersConfig cfg) {
        if (!"squaredcos_cap_v2".equals(cfg.str("beta_schedule"))) {
            throw new ScheduleException(cfg.className() + " only implements beta_schedule 'squaredcos_cap_v2', got '" + cfg.str("beta_schedule") + "'");
        }
        return DiscreteNoiseModel.builder().numTrainTimesteps(cfg.integer("num_train_timesteps")).betaSchedule(BetaSchedule.SQUAREDCOS_CAP_V2)
                .terminalClamp(DiscreteNoiseModel.TerminalClamp.KEEP_ZERO).build();
    }

    /** The {@code prev_timestep} of the next {@code step} ({@code null}: {@code t - 1}). */
    void prevTimestep(Integer prev) {
        this.prevTimestep = prev;
    }

    @Override
    public Latent scaleModelInput(Latent sample, double t, int index) {
        return sample;
    }

    @Override
    public Latent step(Latent out, double timestep, Latent sample, int index) {
        int t = (int) timestep;
        int prev = prevTimestep != null ? prevTimestep : t - 1;
        prevTimestep = null;
        float alphaProd = alphasCumprod[t];
        float alphaProdPrev = prev >= 0 ? alphasCumprod[prev] : 1f;
        float betaProd = 1 - alphaProd;
        float betaProdPrev = 1 - alphaProdPrev;
        float beta = prev == t - 1 ? betas[t] : 1 - alphaProd / alphaProdPrev;
        float alpha = prev == t - 1 ? 1 - betas[t] : 1 - beta;
        Latent x0 = prediction == Prediction.SAMPLE ? out
                : Latents.sum(1 / Math.sqrt(alphaProd), sample, -Math.sqrt(betaProd) / Math.sqrt(alphaProd), out);
        if (clipRange != null) x0 = ClassSteps.clamp(x0, clipRange);
        Latent prevSample = Latents.sum(Math.sqrt(alphaProdPrev) * beta / betaProd, x0, Math.sqrt(alpha) * betaProdPrev / betaProd, sample);
        if (t <= 0) return prevSample;
        Latent n = noise.noise(Math.sqrt(betaProd / alphaProd), Math.sqrt(betaProdPrev / alphaProdPrev), out);
        float variance = Math.max(betaProdPrev / betaProd * beta, 1e-20f);
        return Latents.sum(1, prevSample, Math.exp(0.5 * Math.log(variance)), n);
    }
}
