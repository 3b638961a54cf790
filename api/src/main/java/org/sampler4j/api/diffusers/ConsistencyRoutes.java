package org.sampler4j.api.diffusers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.sampler4j.api.model.Denoisers;
import org.sampler4j.api.model.Prediction;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.schedule.DiscreteNoiseModel;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * Sampler routes of diffusers' SASolverScheduler ({@code sa_solver}, reference diffusers), LCMScheduler
 * ({@code lcm}) and TCDScheduler ({@code tcd}); all keep their sample in the variance-preserving frame. The families
 * ({@link MultistepFamily}, {@link DdpmFamily}) delegate here.
 */
final class ConsistencyRoutes {
    private ConsistencyRoutes() {}

    /**
     * SASolverScheduler: diffusers' default {@code tau_func} ({@code 1 for 200 <= t <= 800}) as a sigma interval (the
     * step's timestep is rounded from sigma, or truncated for exponential/beta sigmas), order-2 steps with the simple
     * coefficients diffusers uses for data prediction.
     */
    static DiffusersRoute saSolver(DiffusersConfig cfg, DiscreteNoiseModel model) {
        String cls = cfg.className();
        if (cfg.has("tau_func")) throw new ScheduleException(cls + ": a custom tau_func cannot be imported; remove it (the default 200 <= t <= 800 is used)");
        if (cfg.bool("use_flow_sigmas")) throw new ScheduleException(cls + " with use_flow_sigmas has no sampler4j route yet; it cannot be stepped");
        if (!cfg.bool("lower_order_final")) throw new ScheduleException(cls + ": lower_order_final=false has no sampler4j route; set it to true");
        if (cfg.has("variance_type")) throw new ScheduleException(cls + ": variance_type (learned variance) has no sampler4j route; remove it");
        boolean truncate = cfg.bool("use_exponential_sigmas") || cfg.bool("use_beta_sigmas");
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("reference", "diffusers");
        o.put("eta", 1.0);
        o.put("tau_start_sigma", truncate ? Math.nextDown(model.sigmaAt(801)) : model.sigmaAt(800.5));
        o.put("tau_end_sigma", truncate ? model.sigmaAt(200) : model.sigmaAt(199.5));
        o.put("predictor_order", cfg.integer("predictor_order"));
        o.put("corrector_order", cfg.integer("corrector_order"));
        o.put("algorithm", cfg.str("algorithm_type"));
        o.put("simple_order_2", true);
        return new DiffusersRoute("sa_solver", o, DiffusersRoute.Frame.VP, Prediction.parse(cfg.str("prediction_type")), 0, thresholding(cfg, d -> d));
    }

    /**
     * LCMScheduler: {@code lcm} on the post-processed estimate: clipping or thresholding of x0, then the consistency
     * boundary condition {@code c_out(t) x0 + c_skip(t) sample} ({@code sigma_data = 0.5}, timestep scaled by
     * {@code timestep_scaling}).
     */
    static DiffusersRoute lcm(DiffusersConfig cfg, DiscreteNoiseModel model) {
        rejectNonZeroFinal(cfg);
        double scaling = cfg.dbl("timestep_scaling");
        UnaryOperator<Denoiser> boundary = d -> (x, sigma) -> {
            double t = Math.round(model.sigmaToT(sigma)) * scaling;
            double cSkip = 0.25 / (t * t + 0.25);
            double cOut = t / Math.sqrt(t * t + 0.25);
            return Latents.sum(cOut, d.denoise(x, sigma), cSkip / Math.sqrt(1 + sigma * sigma), x);
        };
        return new DiffusersRoute("lcm", Map.of(), DiffusersRoute.Frame.VP, Prediction.parse(cfg.str("prediction_type")), 0,
                d -> boundary.apply(clipOrThreshold(cfg).apply(d)));
    }

    /** TCDScheduler: {@code tcd} with the step's {@code eta} (default 0.3) on the class's training grid; its step neither clips nor thresholds. */
    static DiffusersRoute tcd(DiffusersConfig cfg, Map<String, Object> kw) {
        String cls = cfg.className();
        if (cfg.has("trained_betas") || cfg.bool("rescale_betas_zero_snr")) {
            throw new ScheduleException(cls + ": trained_betas and rescale_betas_zero_snr have no sampler4j route yet; use a beta_schedule");
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("eta", kw.getOrDefault("eta", 0.3));
        o.put("beta_schedule", cfg.str("beta_schedule"));
        o.put("beta_start", cfg.dbl("beta_start"));
        o.put("beta_end", cfg.dbl("beta_end"));
        o.put("num_train_timesteps", cfg.integer("num_train_timesteps"));
        return new DiffusersRoute("tcd", o, DiffusersRoute.Frame.VP, Prediction.parse(cfg.str("prediction_type")), 0, d -> d);
    }

    private static void rejectNonZeroFinal(DiffusersConfig cfg) {
        if (!cfg.bool("set_alpha_to_one")) {
            throw new ScheduleException(cfg.className() + ": set_alpha_to_one=false (last step to sigma_min) has no sampler4j route yet; set it to true");
        }
    }

    /** {@code thresholding} of the x0 estimate, else {@code clip_sample} (LCMScheduler's rule). */
    private static UnaryOperator<Denoiser> clipOrThreshold(DiffusersConfig cfg) {
        if (cfg.bool("thresholding") || !cfg.bool("clip_sample")) return thresholding(cfg, d -> d);
        double range = cfg.dbl("clip_sample_range");
        return d -> Denoisers.clipSample(d, range);
    }

    private static UnaryOperator<Denoiser> thresholding(DiffusersConfig cfg, UnaryOperator<Denoiser> before) {
        if (!cfg.bool("thresholding")) return before;
        double ratio = cfg.dbl("dynamic_thresholding_ratio");
        double max = cfg.dbl("sample_max_value");
        return d -> Denoisers.dynamicThresholding(before.apply(d), ratio, max);
    }
}
