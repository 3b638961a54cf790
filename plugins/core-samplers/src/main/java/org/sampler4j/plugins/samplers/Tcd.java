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
import org.sampler4j.api.schedule.BetaSchedule;
import org.sampler4j.api.schedule.DiscreteNoiseModel;

/**
 * Trajectory consistency distillation's strategic stochastic sampling: a DDIM step down to the intermediate
 * training timestep {@code s = floor((1 - eta) t_next)}, then fresh noise back up to {@code sigma_next}
 * ({@code eta} = the paper's gamma; 0 is DDIM). Zheng et al. 2024 (TCD); diffusers {@code TCDScheduler.step}.
 * The timesteps live on the model's discrete training grid, which the {@code beta_*} options name (SD1.x/SDXL by
 * default). On the last step (to sigma 0) the result is diffusers' {@code pred_noised_sample} at timestep 0 in its
 * variance-preserving scaling.
 */
@Extension
public final class Tcd implements Sampler {
    private static final SamplerInfo INFO = new SamplerInfo("tcd", List.of("TCDScheduler"),
            "TCD strategic stochastic sampling: DDIM to floor((1-eta) t_next), re-noise to sigma_next (1 model call per step)",
            "Zheng et al. 2024, TCD (diffusers TCDScheduler)",
            List.of(OptionSpec.number("eta", 0.3, 0.0, 1.0, "stochasticity (the paper's gamma): 0 = DDIM, 1 = re-noise from timestep 0"),
                    OptionSpec.choice("beta_schedule", "scaled_linear", List.of("scaled_linear", "linear", "squaredcos_cap_v2"), "training beta schedule"),
                    OptionSpec.number("beta_start", 0.00085, 0.0, 1.0, "first training beta"),
                    OptionSpec.number("beta_end", 0.012, 0.0, 1.0, "last training beta"),
                    OptionSpec.integer("num_train_timesteps", 1000, 2, null, "training timesteps")),
            SamplerInfo.Capabilities.stochastic(1));

    @Override
    public SamplerInfo info() {
        return INFO;
    }

    @Override
    public Latent sample(Denoiser model, Latent x, double[] sigmas, SamplerOptions o, SamplingContext ctx) {
        DiscreteNoiseModel m = DiscreteNoiseModel.builder().betaSchedule(BetaSchedule.parse(o.choice("beta_schedule")))
                .betaStart(o.number("beta_start")).betaEnd(o.number("beta_end")).numTrainTimesteps(o.integer("num_train_timesteps")).build();
        double[] train = m.trainingSigmas();
        float keep = (float) (1 - o.number("eta"));
        SamplerStorage storage = new SamplerStorage(model);
        LatentRing xs = storage.ring(2); // x and the x it is computed from
        LatentRing ds = storage.ring(1);
        for (int i = 0; i < sigmas.length - 1; i++) {
            double sigma = sigmas[i];
            double sigmaNext = sigmas[i + 1];
            Latent denoised = storage.denoise(x, sigma, ds);
            long tNext = sigmaNext > 0 ? Math.round(m.sigmaToT(sigmaNext)) : 0;
            double sigmaS = train[(int) Math.floor(keep * (float) tNext)]; // torch: float32 product, then floor
            x = xs.sum(sigmaS / sigma, x, 1 - sigmaS / sigma, denoised);
            if (keep < 1 && sigmaNext > sigmaS) {
                x = xs.sum(1, x, Math.sqrt(sigmaNext * sigmaNext - sigmaS * sigmaS), ctx.noise().noise(sigma, sigmaNext, x));
            } else if (sigmaNext == 0) {
                x = xs.scale(1 / Math.sqrt(1 + sigmaS * sigmaS), x);
            }
            ctx.step(i, sigmas, x, denoised);
        }
        return x;
    }
}
