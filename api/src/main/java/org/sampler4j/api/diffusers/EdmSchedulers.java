package org.sampler4j.api.diffusers;

import java.util.List;
import java.util.Map;
import org.sampler4j.api.math.Numerics;
import org.sampler4j.api.schedule.EdmNoiseModel;
import org.sampler4j.api.schedule.FinalSigma;
import org.sampler4j.api.schedule.Float32Remaps;
import org.sampler4j.api.schedule.Names;
import org.sampler4j.api.schedule.Remaps;
import org.sampler4j.api.schedule.Schedule;
import org.sampler4j.api.schedule.ScheduleException;
import org.sampler4j.api.schedule.ScheduleSpec;
import org.sampler4j.api.schedule.SigmaRemap;

/**
 * diffusers {@code EDMEulerScheduler} and {@code EDMDPMSolverMultistepScheduler}: a ramp of {@code n} points in
 * [0, 1] through the Karras formula (EDMEuler in float64, EDMDPM in float32 tensor arithmetic) or the float32
 * log-linear ramp ({@code sigma_schedule="exponential"}); float32 sigmas; timesteps are EDM's noise conditioning
 * {@code log(sigma)/4} in float32; {@code init_noise_sigma = sqrt(sigma_max^2 + 1)}.
 */
final class EdmSchedulers {
    private static final List<String> SCHEDULES = List.of("karras", "exponential");
    private static final List<String> FINAL_SIGMAS = List.of("zero", "sigma_min");

    private EdmSchedulers() {}

    private static boolean euler(DiffusersConfig cfg) {
        return cfg.className().equals("EDMEulerScheduler");
    }

    /** diffusers {@code __init__} checks of both classes. */
    static void checkInit(DiffusersConfig cfg) {
        String schedule = cfg.str("sigma_schedule");
        if (!SCHEDULES.contains(schedule)) {
            throw new ScheduleException(cfg.className() + ": " + Names.unknown("sigma_schedule", schedule, SCHEDULES));
        }
        if (!euler(cfg)) {
            String algorithm = cfg.str("algorithm_type");
            if (!List.of("dpmsolver++", "sde-dpmsolver++", "deis").contains(algorithm)) {
                throw new ScheduleException(cfg.className() + ": algorithm_type '" + algorithm + "' is not implemented; use dpmsolver++ or sde-dpmsolver++");
            }
            String solver = cfg.str("solver_type");
            if (!List.of("midpoint", "heun", "logrho", "bh1", "bh2").contains(solver)) {
                throw new ScheduleException(cfg.className() + ": solver_type '" + solver + "' is not implemented; use midpoint or heun");
            }
        }
        model(cfg);
    }

    /**
     * The DSL spec of {@code set_timesteps(steps)}. EDMEuler's {@code final_sigmas_type="sigma_min"} repeats its own
     * last sigma, which the spec approximates by {@code sigma_min} (equal up to rounding for {@code steps >= 2}).
     */
    static ScheduleSpec spec(DiffusersConfig cfg, int steps) {
        EdmNoiseModel model = model(cfg);
        FinalSigma last = "zero".equals(cfg.str("final_sigmas_type")) ? FinalSigma.ZERO : FinalSigma.SIGMA_MIN;
        return Schedule.linspace(steps).remap(remap(cfg, model)).finalSigma(last);
    }

    /** The ramp: float64 Karras (EDMEuler), float32 Karras (EDMDPM) or float32 log-linear. */
    private static SigmaRemap remap(DiffusersConfig cfg, EdmNoiseModel model) {
        double rho = cfg.dbl("rho");
        if (!cfg.str("sigma_schedule").equals("karras")) return new Float32Remaps.Exponential(model.sigmaMin(), model.sigmaMax());
        return euler(cfg) ? new Remaps.Karras(rho, model.sigmaMin(), model.sigmaMax()) : new Float32Remaps.Karras(rho, model.sigmaMin(), model.sigmaMax());
    }

    static EdmNoiseModel model(DiffusersConfig cfg) {
        return new EdmNoiseModel(cfg.dbl("sigma_min"), cfg.dbl("sigma_max"), cfg.dbl("sigma_data"));
    }

    /** diffusers {@code EDMEulerScheduler.set_timesteps} / {@code EDMDPMSolverMultistepScheduler.set_timesteps}. */
    static DiffusersTimesteps setTimesteps(DiffusersConfig cfg, SetTimesteps args) {
        String cls = cfg.className();
        EdmNoiseModel model = model(cfg);
        String finalType = cfg.str("final_sigmas_type");
        if (!FINAL_SIGMAS.contains(finalType)) {
            throw new ScheduleException(cls + ": " + Names.unknown("final_sigmas_type", finalType, FINAL_SIGMAS));
        }
        boolean karras = cfg.str("sigma_schedule").equals("karras");
        double rho = cfg.dbl("rho");
        double[] ramp = customRamp(cfg, args);
        Integer n = ramp != null ? Integer.valueOf(ramp.length) : args.numInferenceSteps();
        if (n == null || n < 0) throw new ScheduleException(cls + ".set_timesteps() needs num_inference_steps >= 0, got " + n);
        double[] s;
        if (n == 0) {
            s = new double[0];
        } else if (ramp != null && karras) {
            s = Remaps.Karras.karrasAt(ramp, model.sigmaMin(), model.sigmaMax(), rho);
        } else {
            s = Schedule.linspace(n).remap(remap(cfg, model)).resolve(model).sigmas();
        }
        double[] t = new double[n];
        double[] out = new double[n + 1];
        for (int i = 0; i < n; i++) {
            out[i] = (float) s[i];
            t[i] = (float) model.timestepOf(out[i]);
        }
        if (finalType.equals("zero")) {
            out[n] = 0.0;
        } else if (!euler(cfg)) {
            out[n] = (float) model.sigmaMin();
        } else {
            // EDMEuler ends at its own last sigma (the largest one when n = 1)
            if (n == 0) throw new ScheduleException(cls + ": final_sigmas_type='sigma_min' repeats the last sigma, so it needs at least one step");
            out[n] = out[n - 1];
        }
        Schedule schedule = n >= 1 ? new Schedule(t, out, model) : null;
        double init = Math.sqrt(model.sigmaMax() * model.sigmaMax() + 1);
        return new DiffusersTimesteps(t, "float32", out, init, ramp != null ? null : n, Map.of(), schedule);
    }

    /**
     * EDMEuler's {@code sigmas=} argument: ramp positions in [0, 1] as a torch tensor (float32 values are rounded,
     * then used in float64); diffusers raises AttributeError for a plain list.
     */
    private static double[] customRamp(DiffusersConfig cfg, SetTimesteps args) {
        double[] given = args.sigmas();
        if (given == null) return null;
        Object types = args.extra().get("__arg_types");
        Object type = types instanceof Map<?, ?> m ? m.get("sigmas") : null;
        if (type == null) {
            throw new ScheduleException(cfg.className() + ": custom sigmas are ramp positions in [0, 1] and must be a torch tensor "
                    + "(diffusers raises AttributeError for a list); pass them as a float32 or float64 tensor");
        }
        return "torch.float32".equals(type.toString()) ? Numerics.toF32(given) : given;
    }
}
