package org.sampler4j.api.diffusers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * diffusers classes that sampler4j offers through {@link DiffusersStepper} only (no schedule golden file covers
 * them): {@code DDIMInverseScheduler} (DDIM run from data to noise, for inversion), {@code UnCLIPScheduler},
 * {@code CMStochasticIterativeScheduler} (consistency models) and {@code ScoreSdeVeScheduler} (its own
 * {@link ScoreSdeVeStepper}). Their {@code __init__} defaults (also those of {@code DPMSolverMultistepInverseScheduler},
 * whose {@code set_timesteps} and step are {@link MultistepInverse}'s) and
 * {@code set_timesteps}, as at diffusers commit 58eb52c0.
 *
 * <p>Provenance: diffusers {@code scheduling_ddim_inverse.py}, {@code scheduling_unclip.py} and
 * {@code scheduling_consistency_models.py}
 * {@code __init__}, {@code set_timesteps}; Song et al. 2023, "Consistency Models" (Karras sigmas, boundary condition).
 */
final class StepOnlyFamily implements DiffusersSchedules.Family {
    /** Defaults, {@code order} and {@code set_timesteps} parameters of the classes. */
    static final Map<String, ClassDefaults.Entry> DEFAULTS;

    static {
        Map<String, ClassDefaults.Entry> all = new LinkedHashMap<>();
        Map<String, Object> inv = new LinkedHashMap<>();
        inv.put("num_train_timesteps", 1000);
        inv.put("beta_start", 0.0001);
        inv.put("beta_end", 0.02);
        inv.put("beta_schedule", "linear");
        inv.put("trained_betas", null);
        inv.put("clip_sample", true);
        inv.put("set_alpha_to_one", true);
        inv.put("steps_offset", 0);
        inv.put("prediction_type", "epsilon");
        inv.put("clip_sample_range", 1.0);
        inv.put("timestep_spacing", "leading");
        inv.put("rescale_betas_zero_snr", false);
        all.put("DDIMInverseScheduler", new ClassDefaults.Entry(Collections.unmodifiableMap(inv), 1, List.of("num_inference_steps")));
        Map<String, Object> cm = new LinkedHashMap<>();
        cm.put("num_train_timesteps", 40);
        cm.put("sigma_min", 0.002);
        cm.put("sigma_max", 80.0);
        cm.put("sigma_data", 0.5);
        cm.put("s_noise", 1.0);
        cm.put("rho", 7.0);
        cm.put("clip_denoised", true);
        Map<String, Object> unclip = new LinkedHashMap<>();
        unclip.put("num_train_timesteps", 1000);
        unclip.put("variance_type", "fixed_small_log");
        unclip.put("clip_sample", true);
        unclip.put("clip_sample_range", 1.0);
        unclip.put("prediction_type", "epsilon");
        unclip.put("beta_schedule", "squaredcos_cap_v2");
        all.put("UnCLIPScheduler", new ClassDefaults.Entry(Collections.unmodifiableMap(unclip), 1, List.of("num_inference_steps")));
        Map<String, Object> sde = new LinkedHashMap<>();
        sde.put("num_train_timesteps", 2000);
        sde.put("snr", 0.15);
        sde.put("sigma_min", 0.01);
        sde.put("sigma_max", 1348.0);
        sde.put("sampling_eps", 1e-5);
        sde.put("correct_steps", 1);
        all.put("ScoreSdeVeScheduler", new ClassDefaults.Entry(Collections.unmodifiableMap(sde), 1, List.of("num_inference_steps", "sampling_eps")));
        all.put("CMStochasticIterativeScheduler", new ClassDefaults.Entry(Collections.unmodifiableMap(cm), 1, List.of("num_inference_steps", "timesteps")));
        all.put(MultistepInverse.CLASS, MultistepInverse.defaults());
        DEFAULTS = Collections.unmodifiableMap(all);
    }

    @Override
    public void checkInit(DiffusersConfig cfg) {
        if (cfg.className().equals("DDIMInverseScheduler")) DdpmFamily.model(cfg);
        if (cfg.className().equals("UnCLIPScheduler")) UnclipSteps.model(cfg);
    }

    @Override
    public DiffusersTimesteps setTimesteps(DiffusersConfig cfg, SetTimesteps args) {
        return switch (cfg.className()) {
            case "DDIMInverseScheduler" -> ddimInverse(cfg, args);
            case "UnCLIPScheduler" -> unclip(cfg, args);
            case "ScoreSdeVeScheduler" -> throw new ScheduleException("ScoreSdeVeScheduler steps with step_pred/step_correct; use ScoreSdeVeStepper");
            default -> consistency(cfg, args);
        };
    }

    /** {@code round(k (N - 1) / (n - 1))}, descending. */
    private static DiffusersTimesteps unclip(DiffusersConfig cfg, SetTimesteps args) {
        Integer n = args.numInferenceSteps();
        int total = cfg.integer("num_train_timesteps");
        if (n == null || n < 2 || n > total) throw new ScheduleException(cfg.className() + ": num_inference_steps must be in [2, " + total + "], got " + n);
        double ratio = (total - 1.0) / (n - 1);
        double[] t = new double[n];
        for (int k = 0; k < n; k++) t[n - 1 - k] = Math.rint(k * ratio);
        return new DiffusersTimesteps(t, "int64", null, 1.0, n, Map.of(), null);
    }

    /** Increasing timesteps: {@code leading} {@code k * (N // n) + steps_offset}, or {@code trailing} {@code round(N - k N / n) - 1} reversed. */
    private static DiffusersTimesteps ddimInverse(DiffusersConfig cfg, SetTimesteps args) {
        Integer n = args.numInferenceSteps();
        int total = cfg.integer("num_train_timesteps");
        if (n == null || n < 1 || n > total) {
            throw new ScheduleException(cfg.className() + ": num_inference_steps must be in [1, " + total + "], got " + n);
        }
        double[] t = new double[n];
        String spacing = cfg.str("timestep_spacing");
        if (spacing.equals("leading")) {
            int ratio = total / n;
            for (int k = 0; k < n; k++) t[k] = (double) k * ratio + cfg.integer("steps_offset");
        } else if (spacing.equals("trailing")) {
            double ratio = (double) total / n;
            for (int k = 0; k < n; k++) t[n - 1 - k] = Math.rint(total - k * ratio) - 1;
        } else {
            throw new ScheduleException(cfg.className() + ": timestep_spacing '" + spacing + "' is not supported; use 'leading' or 'trailing'");
        }
        return new DiffusersTimesteps(t, "int64", null, 1.0, n, Map.of(), null);
    }

    /** Karras sigmas over the ramp of the (descending) training indices, {@code sigma_min} appended; timesteps {@code 250 log(sigma)}. */
    private static DiffusersTimesteps consistency(DiffusersConfig cfg, SetTimesteps args) {
        int total = cfg.integer("num_train_timesteps");
        double[] idx;
        double[] custom = args.timesteps();
        if (custom != null && args.numInferenceSteps() != null) throw new ScheduleException(cfg.className() + ": pass num_inference_steps or timesteps, not both");
        if (custom != null) {
            for (int i = 1; i < custom.length; i++) {
                if (custom[i] >= custom[i - 1]) throw new ScheduleException(cfg.className() + ": custom timesteps must be in descending order");
            }
            if (custom.length == 0 || custom[0] >= total) throw new ScheduleException(cfg.className() + ": custom timesteps must start below num_train_timesteps = " + total);
            idx = custom.clone();
        } else {
            Integer n = args.numInferenceSteps();
            if (n == null || n < 1 || n > total) throw new ScheduleException(cfg.className() + ": num_inference_steps must be in [1, " + total + "], got " + n);
            int ratio = total / n;
            idx = new double[n];
            for (int k = 0; k < n; k++) idx[k] = (double) (n - 1 - k) * ratio;
        }
        int n = idx.length;
        double minInv = Math.pow(cfg.dbl("sigma_min"), 1 / cfg.dbl("rho"));
        double maxInv = Math.pow(cfg.dbl("sigma_max"), 1 / cfg.dbl("rho"));
        double[] sigmas = new double[n + 1];
        double[] t = new double[n];
        for (int k = 0; k < n; k++) {
            // diffusers reverses the timesteps into a ramp, then reverses nothing back: sigmas follow the ramp order
            double ramp = idx[n - 1 - k] / (total - 1);
            double s = Math.pow(maxInv + ramp * (minInv - maxInv), cfg.dbl("rho"));
            t[k] = 1000 * 0.25 * Math.log(s + 1e-44);
            sigmas[k] = (float) s;
        }
        sigmas[n] = (float) cfg.dbl("sigma_min");
        return new DiffusersTimesteps(t, "float64", sigmas, cfg.dbl("sigma_max"), custom != null ? null : n, Map.of(), null);
    }
}
