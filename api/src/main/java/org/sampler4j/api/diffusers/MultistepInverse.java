package org.sampler4j.api.diffusers;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sampler4j.api.math.BetaDistribution;
import org.sampler4j.api.math.Numerics;
import org.sampler4j.api.schedule.DiscreteNoiseModel;
import org.sampler4j.api.schedule.LogSnrClip;
import org.sampler4j.api.schedule.Remaps;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * diffusers' {@code DPMSolverMultistepInverseScheduler}: the multistep DPM-Solver run from data towards noise (for
 * inversion). Its timesteps rise from 0 to the noisiest timestep that {@code lambda_min_clipped} keeps, and its
 * {@code sigmas} rise with them: the training sigmas at the timesteps, then {@code sigma} of the noisiest timestep
 * (Karras, exponential and beta sigmas span the training range from its low end up and repeat their last value). Step
 * {@code i} goes from {@code sigmas[i]} to {@code sigmas[i + 1]} with the forward class's update, order and
 * {@code lower_order_final} rules, so it runs on the forward class's sampler route ({@link DpmSolverRoutes#multistep})
 * over the rising sigmas: the DPM-Solver update is written in {@code h = lambda(next) - lambda(now)}, which is simply
 * negative here.
 *
 * <p>Provenance: Lu et al. 2022, DPM-Solver / DPM-Solver++ (multistep form); diffusers
 * {@code scheduling_dpmsolver_multistep_inverse.py} {@code __init__}, {@code set_timesteps}, {@code step}.
 */
final class MultistepInverse implements DiffusersSchedules.Family {
    static final String CLASS = "DPMSolverMultistepInverseScheduler";

    /** The forward class's {@code __init__} parameters this class lacks (the others and their defaults are the same). */
    private static final List<String> NOT_IN_INVERSE = List.of("use_lu_lambdas", "final_sigmas_type", "rescale_betas_zero_snr",
            "use_dynamic_shifting", "time_shift_type");

    /**
     * {@code __init__}'s defaults at diffusers commit 58eb52c0: {@code DPMSolverMultistepScheduler}'s without
     * {@link #NOT_IN_INVERSE}; {@code order} 1; {@code set_timesteps(num_inference_steps)}.
     */
    static ClassDefaults.Entry defaults() {
        Map<String, Object> d = new LinkedHashMap<>(ClassDefaults.ALL.get("DPMSolverMultistepScheduler").config());
        d.keySet().removeAll(NOT_IN_INVERSE);
        return new ClassDefaults.Entry(java.util.Collections.unmodifiableMap(d), 1, List.of("num_inference_steps"));
    }

    // diffusers DPMSolverMultistepInverseScheduler.__init__ (the checks that raise)
    @Override
    public void checkInit(DiffusersConfig cfg) {
        model(cfg);
        MultistepFamily.checkOneRemap(cfg);
        MultistepFamily.checkDpmMultistep(cfg);
    }

    @Override
    public DiscreteNoiseModel noiseModel(DiffusersConfig cfg) {
        return model(cfg);
    }

    /** The forward class's route ({@link DpmSolverRoutes#multistep}) over the class's own rising sigmas. */
    @Override
    public DiffusersRoute route(DiffusersConfig cfg, Map<String, Object> stepKwargs) {
        String algorithm = cfg.str("algorithm_type");
        if (algorithm.startsWith("sde-")) {
            throw err(cfg, "algorithm_type '" + algorithm + "' gives NaN in diffusers' inverse scheduler (its noise scale sqrt(1 - e^(-2h))"
                    + " is taken of a negative number on a step towards noise); use dpmsolver++ or dpmsolver");
        }
        checkNoFlow(cfg);
        DiffusersRoute r = DpmSolverRoutes.multistep(cfg);
        return new DiffusersRoute(r.samplerId(), r.options(), r.frame(), r.prediction(), r.sigmaData(), r.postprocess(), DiffusersRoute.CLASS_SIGMAS);
    }

    // diffusers DPMSolverMultistepInverseScheduler.set_timesteps
    @Override
    public DiffusersTimesteps setTimesteps(DiffusersConfig cfg, SetTimesteps args) {
        for (String k : args.extra().keySet()) {
            if (!k.startsWith("__")) throw err(cfg, "set_timesteps has no argument '" + k + "'; pass num_inference_steps");
        }
        if (args.timesteps() != null || args.sigmas() != null || args.mu() != null) {
            throw err(cfg, "set_timesteps takes num_inference_steps only (no custom timesteps, sigmas or mu)");
        }
        Integer steps = args.numInferenceSteps();
        if (steps == null || steps < 1) throw err(cfg, "num_inference_steps must be >= 1, got " + steps);
        int n = steps;
        checkNoFlow(cfg);
        DiscreteNoiseModel model = model(cfg);
        int bigN = model.numTrainTimesteps();
        int noisiest = LogSnrClip.rangeEnd(model, cfg.dbl("lambda_min_clipped")) - 1;
        double[] train = model.trainingSigmas();
        double[] t = spacedTimesteps(cfg, n, bigN, noisiest);
        double[] sigmas = new double[n + 1];
        double low = train[0];
        double high = train[bigN - 1];
        double[] remapped = null;
        if (cfg.bool("use_karras_sigmas")) {
            // diffusers' _convert_to_karras on the rising training sigmas: from their first (smallest) to their last
            remapped = Remaps.Karras.karras(n, high, low, Remaps.Karras.DEFAULT_RHO);
        } else if (cfg.bool("use_exponential_sigmas")) {
            remapped = Numerics.numpyLinspace(Math.log(low), Math.log(high), n);
            for (int i = 0; i < n; i++) remapped[i] = Math.exp(remapped[i]);
        } else if (cfg.bool("use_beta_sigmas")) {
            double[] ramp = Numerics.numpyLinspace(0, 1, n);
            remapped = new double[n];
            for (int i = 0; i < n; i++) {
                remapped[i] = high + BetaDistribution.ppf(1 - ramp[i], Remaps.Beta.DEFAULT, Remaps.Beta.DEFAULT) * (low - high);
            }
        }
        if (remapped != null) {
            // timesteps from the sigmas: rounded for Karras, truncated to int64 (after the duplicate check) otherwise
            for (int i = 0; i < n; i++) {
                double ti = model.sigmaToT(remapped[i]);
                t[i] = cfg.bool("use_karras_sigmas") ? Math.rint(ti) : ti;
                sigmas[i] = remapped[i];
            }
            sigmas[n] = remapped[n - 1];
        } else {
            for (int i = 0; i < n; i++) sigmas[i] = model.sigmaAt(t[i]);
            sigmas[n] = train[noisiest];
        }
        double[] unique = firstOccurrences(t);
        for (int i = 0; i < unique.length; i++) unique[i] = (double) (long) unique[i];
        Map<String, double[]> extras = EulerFamily.alphaExtras(model);
        return new DiffusersTimesteps(unique, "int64", Numerics.toF32(sigmas), 1.0, unique.length, extras, null);
    }

    /** The rising integer timesteps of {@code timestep_spacing} up to {@code noisiest} (the last spaced point dropped). */
    private static double[] spacedTimesteps(DiffusersConfig cfg, int n, int bigN, int noisiest) {
        double[] t = new double[n];
        String spacing = cfg.str("timestep_spacing");
        switch (spacing) {
            case "linspace": {
                double[] lin = Numerics.numpyLinspace(0, noisiest, n + 1);
                for (int i = 0; i < n; i++) t[i] = Math.rint(lin[i]);
                break;
            }
            case "leading": {
                int ratio = (noisiest + 1) / (n + 1);
                for (int i = 0; i < n; i++) t[i] = (double) i * ratio + cfg.integer("steps_offset");
                break;
            }
            case "trailing": {
                double[] down = Numerics.numpyArange(noisiest + 1, 0, -(double) bigN / n);
                if (down.length != n) {
                    throw err(cfg, "trailing spacing gives " + down.length + " timesteps for " + n + " steps with lambda_min_clipped here; use linspace or leading");
                }
                for (int i = 0; i < n; i++) t[i] = Math.rint(down[n - 1 - i]) - 1;
                break;
            }
            default:
                throw err(cfg, "timestep_spacing '" + spacing + "' is not supported; use 'linspace', 'leading' or 'trailing'");
        }
        return t;
    }

    /** {@code timesteps[np.sort(np.unique(timesteps, return_index=True)[1])]}: the first occurrence of each value, in order. */
    private static double[] firstOccurrences(double[] t) {
        return Arrays.stream(t).distinct().toArray();
    }

    private static void checkNoFlow(DiffusersConfig cfg) {
        if (cfg.bool("use_flow_sigmas")) {
            throw err(cfg, "use_flow_sigmas is not supported here: diffusers flips the flow sigmas in this class, so its steps run from noise"
                    + " towards data rather than inverting; use DPMSolverMultistepScheduler for flow models, or set use_flow_sigmas=false");
        }
    }

    /** The noise model; the class has no {@code rescale_betas_zero_snr}, so a key carried over by {@code from_config} is ignored. */
    private static DiscreteNoiseModel model(DiffusersConfig cfg) {
        DiscreteNoiseModel m = cfg.discreteModel(DiscreteNoiseModel.TerminalClamp.CLAMP, MultistepFamily.BETA_SCHEDULES);
        return m.zeroSnr() ? m.toBuilder().zeroSnr(false).build() : m;
    }

    private static ScheduleException err(DiffusersConfig cfg, String msg) {
        return new ScheduleException(cfg.className() + ": " + msg);
    }
}
