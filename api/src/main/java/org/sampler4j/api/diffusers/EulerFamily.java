package org.sampler4j.api.diffusers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sampler4j.api.math.Numerics;
import org.sampler4j.api.schedule.BetaSchedule;
import org.sampler4j.api.schedule.Convention;
import org.sampler4j.api.schedule.DiscreteNoiseModel;
import org.sampler4j.api.schedule.FinalSigma;
import org.sampler4j.api.schedule.Schedule;
import org.sampler4j.api.schedule.ScheduleException;
import org.sampler4j.api.schedule.ScheduleSpec;
import org.sampler4j.api.schedule.Spacing;

/**
 * The sigma-space ("k-diffusion style") diffusers schedulers: Euler, EulerAncestral, Heun, KDPM2, KDPM2Ancestral,
 * LMS and DPMSolverSDE. They share one schedule computation, which maps onto sampler4j's DSL as
 * {@code spacing(n)[.stepsOffset(k)][.karras()|.exponential()|.beta()][.finalSigma(..)]}; the second-order classes
 * then repeat or interleave entries for their extra model evaluations.
 */
final class EulerFamily implements DiffusersSchedules.Family {
    private static final List<BetaSchedule> BETAS = List.of(BetaSchedule.LINEAR, BetaSchedule.SCALED_LINEAR,
            BetaSchedule.SQUAREDCOS_CAP_V2, BetaSchedule.EXP);

    @Override
    public void checkInit(DiffusersConfig cfg) {
        int kinds = (cfg.bool("use_karras_sigmas") ? 1 : 0) + (cfg.bool("use_exponential_sigmas") ? 1 : 0) + (cfg.bool("use_beta_sigmas") ? 1 : 0);
        if (kinds > 1) {
            throw new ScheduleException(cfg.className() + ": use_karras_sigmas, use_exponential_sigmas and use_beta_sigmas are exclusive; set at most one");
        }
        model(cfg);
    }

    @Override
    public DiscreteNoiseModel noiseModel(DiffusersConfig cfg) {
        return model(cfg);
    }

    @Override
    public ScheduleSpec spec(DiffusersConfig cfg, int steps) {
        if ("log_linear".equals(cfg.str("interpolation_type"))) {
            throw new ScheduleException(cfg.className() + ": interpolation_type 'log_linear' gives n+2 sigmas for n steps in diffusers and has no"
                    + " sampler4j spec; use exponential sigmas (use_exponential_sigmas) instead");
        }
        return spec(cfg, spacing(cfg), steps, null, null, cfg.has("final_sigmas_type") ? finalSigma(cfg) : FinalSigma.ZERO);
    }

    /**
     * The sampler of each class: Euler {@code euler}, EulerAncestral {@code euler_ancestral}, Heun {@code heun}, KDPM2
     * {@code dpm_2}, KDPM2Ancestral {@code dpm_2_ancestral}, LMS {@code lms}, DPMSolverSDE {@code dpmpp_sde}; all in
     * the VE frame, with the diffusers behaviours selected by {@code reference=diffusers} where they differ.
     */
    @Override
    public DiffusersRoute route(DiffusersConfig cfg, Map<String, Object> kw) {
        org.sampler4j.api.model.Prediction p = org.sampler4j.api.model.Prediction.parse(cfg.str("prediction_type"));
        Map<String, Object> o = new LinkedHashMap<>();
        String id;
        switch (cfg.className()) {
            case "EulerDiscreteScheduler":
                id = "euler";
                for (String k : List.of("s_churn", "s_tmin", "s_tmax", "s_noise")) if (kw.containsKey(k)) o.put(k, kw.get(k));
                o.put("reference", "diffusers");
                break;
            case "EulerAncestralDiscreteScheduler":
                if (p == org.sampler4j.api.model.Prediction.SAMPLE) {
                    throw new ScheduleException("EulerAncestralDiscreteScheduler does not support prediction_type 'sample' (diffusers raises); use epsilon or v_prediction");
                }
                id = "euler_ancestral";
                o.put("reference", "diffusers");
                break;
            case "HeunDiscreteScheduler":
                id = "heun";
                break;
            case "KDPM2DiscreteScheduler":
                id = "dpm_2";
                break;
            case "KDPM2AncestralDiscreteScheduler":
                id = "dpm_2_ancestral";
                break;
            case "LMSDiscreteScheduler":
                id = "lms";
                o.put("order", kw.getOrDefault("order", 4));
                break;
            case "DPMSolverSDEScheduler":
                id = "dpmpp_sde";
                break;
            default:
                throw new ScheduleException(cfg.className() + " has no sampler4j sampler route yet; it cannot be stepped");
        }
        java.util.function.UnaryOperator<org.sampler4j.api.sampler.Denoiser> post = d -> d;
        if (cfg.bool("clip_sample")) {
            double range = cfg.dbl("clip_sample_range");
            post = d -> org.sampler4j.api.model.Denoisers.clipSample(d, range);
        }
        return new DiffusersRoute(id, o, DiffusersRoute.Frame.VE, p, 0, post);
    }

    private static DiscreteNoiseModel model(DiffusersConfig cfg) {
        return cfg.discreteModel(DiscreteNoiseModel.TerminalClamp.CLAMP, BETAS);
    }

    @Override
    public DiffusersTimesteps setTimesteps(DiffusersConfig cfg, SetTimesteps args) {
        String cls = cfg.className();
        double[] customT = args.timesteps();
        double[] customS = args.sigmas();
        boolean remap = cfg.bool("use_karras_sigmas") || cfg.bool("use_exponential_sigmas") || cfg.bool("use_beta_sigmas");
        checkArgs(cfg, args, remap);
        int n = args.numInferenceSteps() != null ? args.numInferenceSteps() : customT != null ? customT.length : customS.length - 1;
        DiscreteNoiseModel model = model(cfg);
        Spacing spacing = spacing(cfg);
        FinalSigma last = cfg.has("final_sigmas_type") ? finalSigma(cfg) : FinalSigma.ZERO;
        String interpolation = cfg.has("interpolation_type") ? cfg.str("interpolation_type") : "linear";
        if (!interpolation.equals("linear") && !interpolation.equals("log_linear")) {
            throw new ScheduleException(cls + ": interpolation_type '" + interpolation + "' is not implemented; use 'linear' or 'log_linear'");
        }
        if (n == 0 && cls.equals("HeunDiscreteScheduler")) throw new ScheduleException(cls + ": num_inference_steps must be >= 1, got 0");
        double[] t;
        double[] sigmas;
        Schedule schedule = null;
        if (n == 0) {
            // diffusers accepts 0 steps in most of these classes and holds an empty schedule
            t = new double[0];
            sigmas = new double[] {0};
        } else if (customS == null && interpolation.equals("log_linear")) {
            // diffusers quirk: n+1 log-linear sigmas over the whole training range, plus the final sigma (n+2 values)
            t = spacedOnly(cfg, spacing, n, model);
            float[] lin = Numerics.torch2LinspaceF32(Math.log(model.sigmaMax()), Math.log(model.sigmaMin()), n + 1);
            sigmas = new double[n + 2];
            for (int i = 0; i <= n; i++) sigmas[i] = (float) Math.exp(lin[i]);
            sigmas[n + 1] = last == FinalSigma.ZERO ? 0 : model.sigmaMin();
        } else {
            // DPMSolverSDE spaces linspace timesteps in float64 (np.linspace(..., dtype=float)); the other classes in float32
            boolean float64Linspace = cls.equals("DPMSolverSDEScheduler") && spacing == Spacing.LINSPACE && !remap && customT == null && customS == null;
            ScheduleSpec spec = float64Linspace
                    ? Schedule.timesteps(Numerics.reversed(Numerics.numpyLinspace(0, model.numTrainTimesteps() - 1, n))).convention(Convention.NATIVE.lenient(true))
                    : spec(cfg, spacing, n, customT, customS, last);
            schedule = spec.resolve(model);
            t = schedule.timesteps();
            sigmas = Numerics.toF32(schedule.sigmas());
        }
        boolean continuousV = "continuous".equals(cfg.str("timestep_type")) && "v_prediction".equals(cfg.str("prediction_type"));
        if (continuousV) {
            for (int i = 0; i < n; i++) t[i] = (float) (0.25f * (float) Math.log((float) sigmas[i]));
        }
        Map<String, double[]> extras = alphaExtras(model);
        String dtype = "float32";
        double[] outT = t;
        double[] outS = sigmas;
        switch (cls) {
            case "HeunDiscreteScheduler":
                outT = repeatInterior(t, false);
                outS = repeatInterior(sigmas, true);
                break;
            case "DPMSolverSDEScheduler":
                outT = midpointTimesteps(t, schedule == null ? sigmas : schedule.sigmas(), model);
                outS = repeatInterior(sigmas, true);
                dtype = "float64";
                break;
            case "KDPM2DiscreteScheduler":
            case "KDPM2AncestralDiscreteScheduler": {
                boolean ancestral = cls.startsWith("KDPM2Ancestral");
                double[] interpol = ancestral ? KdpmInterpolation.ancestral(sigmas) : KdpmInterpolation.geometric(sigmas);
                dtype = remap ? "float64" : "float32";
                double[] ti = new double[interpol.length];
                for (int i = 0; i < ti.length; i++) ti[i] = model.sigmaToT(interpol[i]);
                // Karras timesteps are rounded; the interpolated ones are float32 values even in a float64 tensor
                double[] main = cfg.bool("use_karras_sigmas") ? Numerics.roundHalfEven(t) : remap ? t : Numerics.toF32(t);
                outT = KdpmInterpolation.interleave(main, Numerics.toF32(ti), ancestral);
                outS = KdpmInterpolation.repeatTail(sigmas);
                extras.put("sigmas_interpol", KdpmInterpolation.repeatTail(interpol));
                break;
            }
            default:
                break;
        }
        if (dtype.equals("float32")) outT = Numerics.toF32(outT);
        return new DiffusersTimesteps(outT, dtype, outS, initNoiseSigma(outS, spacing), n, extras, schedule);
    }

    private static void checkArgs(DiffusersConfig cfg, SetTimesteps args, boolean remap) {
        String cls = cfg.className();
        boolean hasT = args.timesteps() != null;
        boolean hasS = args.sigmas() != null;
        if (hasT && !cfg.setTimestepsParams().contains("timesteps")) throw new ScheduleException(cls + " does not take custom timesteps; pass num_inference_steps");
        if (hasS && !cfg.setTimestepsParams().contains("sigmas")) throw new ScheduleException(cls + " does not take custom sigmas; pass num_inference_steps");
        if (hasT && hasS) throw new ScheduleException(cls + ": pass custom timesteps or custom sigmas, not both");
        if (args.numInferenceSteps() == null && !hasT && !hasS) throw new ScheduleException(cls + ": pass num_inference_steps, timesteps or sigmas");
        if (args.numInferenceSteps() != null && (hasT || hasS)) {
            throw new ScheduleException(cls + ": pass either num_inference_steps or custom timesteps/sigmas, not both");
        }
        if (hasT && remap) {
            throw new ScheduleException(cls + ": custom timesteps cannot be combined with use_karras/exponential/beta_sigmas; pass sigmas instead or turn the option off");
        }
        if (hasT && "continuous".equals(cfg.str("timestep_type")) && "v_prediction".equals(cfg.str("prediction_type"))) {
            throw new ScheduleException(cls + ": custom timesteps are not supported with timestep_type='continuous' and v_prediction; pass sigmas");
        }
        if (args.numInferenceSteps() != null && args.numInferenceSteps() < 0) {
            throw new ScheduleException(cls + ": num_inference_steps must be >= 0, got " + args.numInferenceSteps());
        }
    }

    static Spacing spacing(DiffusersConfig cfg) {
        String s = cfg.str("timestep_spacing");
        try {
            return Spacing.parse(s);
        } catch (ScheduleException e) {
            throw new ScheduleException(cfg.className() + ": timestep_spacing '" + s + "' is not supported; use 'linspace', 'leading' or 'trailing'");
        }
    }

    private static FinalSigma finalSigma(DiffusersConfig cfg) {
        String f = cfg.str("final_sigmas_type");
        try {
            return FinalSigma.parse(f);
        } catch (ScheduleException e) {
            throw new ScheduleException(cfg.className() + ": final_sigmas_type must be 'zero' or 'sigma_min', got '" + f + "'");
        }
    }

    /** The sampler4j spec equivalent to this config and call. */
    static ScheduleSpec spec(DiffusersConfig cfg, Spacing spacing, int n, double[] customT, double[] customS, FinalSigma last) {
        ScheduleSpec spec;
        if (customS != null) {
            spec = Schedule.sigmas(Numerics.toF32(customS));
        } else if (customT != null) {
            spec = Schedule.timesteps(Numerics.toF32(customT));
        } else {
            spec = Schedule.spaced(spacing, n);
            int offset = cfg.has("steps_offset") ? cfg.integer("steps_offset") : 0;
            if (spacing == Spacing.LEADING && offset != 0) spec = spec.stepsOffset(offset);
        }
        if (customS == null) {
            Double lo = cfg.optDbl("sigma_min");
            Double hi = cfg.optDbl("sigma_max");
            if (cfg.bool("use_karras_sigmas")) spec = spec.remap(new org.sampler4j.api.schedule.Remaps.Karras(7.0, lo, hi));
            else if (cfg.bool("use_exponential_sigmas")) spec = spec.remap(new org.sampler4j.api.schedule.Remaps.Exponential(lo, hi));
            else if (cfg.bool("use_beta_sigmas")) spec = spec.remap(new org.sampler4j.api.schedule.Remaps.Beta(0.6, 0.6, lo, hi));
            if (last != FinalSigma.ZERO) spec = spec.finalSigma(last);
        }
        return spec.convention(Convention.NATIVE.lenient(true));
    }

    private static double[] spacedOnly(DiffusersConfig cfg, Spacing spacing, int n, DiscreteNoiseModel model) {
        return spec(cfg, spacing, n, null, null, FinalSigma.ZERO).resolve(model).timesteps();
    }

    /** {@code init_noise_sigma}: the largest sigma, or {@code sqrt(max^2 + 1)} for leading spacing (float32). */
    static double initNoiseSigma(double[] sigmas, Spacing spacing) {
        float max = 0;
        for (double s : sigmas) if (s > max) max = (float) s;
        if (spacing != Spacing.LEADING) return max;
        return (float) Math.sqrt(max * max + 1f);
    }

    /**
     * Heun-style repetition: {@code cat(v[:1], v[1:-1].repeat_interleave(2), v[-1:])} with {@code keepLast}, else
     * {@code cat(v[:1], v[1:].repeat_interleave(2))}.
     */
    static double[] repeatInterior(double[] v, boolean keepLast) {
        if (v.length == 0) return v;
        int interiorEnd = keepLast ? Math.max(1, v.length - 1) : v.length;
        double[] out = new double[1 + 2 * (interiorEnd - 1) + (keepLast ? 1 : 0)];
        out[0] = v[0];
        int k = 1;
        for (int i = 1; i < interiorEnd; i++) { out[k++] = v[i]; out[k++] = v[i]; }
        if (keepLast) out[k] = v[v.length - 1];
        return out;
    }

    /**
     * DPMSolverSDE's timesteps: Heun-style repetition whose second entries are the timesteps of the log-sigma
     * midpoints {@code exp(-(t_i + (t_{i+1} - t_i)/2))}, {@code t = -log sigma}, in float64 on the sigmas before their
     * float32 rounding (diffusers {@code DPMSolverSDEScheduler._second_order_timesteps}).
     */
    private static double[] midpointTimesteps(double[] t, double[] sigmas, DiscreteNoiseModel model) {
        double[] out = repeatInterior(t, false);
        for (int i = 0; i + 1 < t.length; i++) {
            double ta = -Math.log(sigmas[i]);
            double tb = -Math.log(sigmas[i + 1]);
            double tp = ta + (tb - ta) * 0.5;
            out[2 * i + 1] = model.sigmaToT(Math.exp(-tp));
        }
        return out;
    }

    /** {@code alphas_cumprod_head} and {@code alphas_cumprod_tail} (first and last three), as the golden data records them. */
    static Map<String, double[]> alphaExtras(DiscreteNoiseModel model) {
        int n = model.numTrainTimesteps();
        Map<String, double[]> x = new LinkedHashMap<>();
        x.put("alphas_cumprod_head", alphaCumprods(model, 0, Math.min(3, n)));
        x.put("alphas_cumprod_tail", alphaCumprods(model, Math.max(0, n - 3), n));
        return x;
    }

    private static double[] alphaCumprods(DiscreteNoiseModel model, int from, int to) {
        double[] r = new double[to - from];
        for (int i = from; i < to; i++) r[i - from] = model.alphaCumprod(i);
        return r;
    }
}
