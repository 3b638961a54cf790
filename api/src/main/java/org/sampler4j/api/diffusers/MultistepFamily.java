package org.sampler4j.api.diffusers;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.sampler4j.api.math.Numerics;
import org.sampler4j.api.schedule.BetaSchedule;
import org.sampler4j.api.schedule.Convention;
import org.sampler4j.api.schedule.DiscreteNoiseModel;
import org.sampler4j.api.schedule.FinalSigma;
import org.sampler4j.api.schedule.LogSnrClip;
import org.sampler4j.api.schedule.LuLambdas;
import org.sampler4j.api.schedule.Remaps;
import org.sampler4j.api.schedule.Schedule;
import org.sampler4j.api.schedule.ScheduleException;
import org.sampler4j.api.schedule.ScheduleSpec;
import org.sampler4j.api.schedule.SigmaRemap;
import org.sampler4j.api.schedule.Spacing;

/**
 * diffusers' DPM-Solver family of ODE solvers: {@code DPMSolverMultistepScheduler}, {@code DPMSolverSinglestepScheduler},
 * {@code DEISMultistepScheduler}, {@code UniPCMultistepScheduler} and {@code SASolverScheduler}.
 *
 * <p>What they share: {@code leading}/{@code linspace} spacing of {@code n+1} points with the last dropped, integer
 * ({@code int64}) timesteps, {@code init_noise_sigma = 1}, and Karras/exponential/beta sigmas that span the whole
 * training range (not the spaced timesteps), mapped back to timesteps that are rounded (Karras, lu-lambdas) or
 * truncated (exponential, beta). They differ in the sigma appended after the last step, in {@code lambda_min_clipped},
 * custom timesteps/sigmas and the flow-matching variants; {@link MultistepFlow} holds the latter.
 *
 * <p>{@code UniPCMultistepScheduler.set_timesteps(sigmas=...)} behaves differently for a Python list and a NumPy array;
 * the {@link SetTimesteps#extra()} entry {@code __arg_types} ({@code {"sigmas": "numpy.float64"}}) marks an array,
 * anything else is taken as a list.
 */
final class MultistepFamily implements DiffusersSchedules.Family {
    static final List<BetaSchedule> BETA_SCHEDULES =
            List.of(BetaSchedule.LINEAR, BetaSchedule.SCALED_LINEAR, BetaSchedule.SQUAREDCOS_CAP_V2);

    /** Which sigma is appended after the last step. */
    private enum FinalRule {
        /** {@code final_sigmas_type}: 0, or the smallest training sigma. */
        CONFIG_TRAINING,
        /** {@code final_sigmas_type}: 0, or the last step's sigma again (UniPC's remapped and flow sigmas). */
        CONFIG_LAST,
        /** Always the smallest training sigma (DEIS, SA-Solver). */
        TRAINING_MIN,
        /** Always the last step's sigma again (DEIS, SA-Solver with remapped or flow sigmas). */
        REPEAT_LAST
    }

    /** Where the step sigmas come from. */
    private enum Sigmas { INTERP, KARRAS, LU, EXPONENTIAL, BETA, FLOW }

    /** The five classes and what sets them apart. */
    private enum Solver {
        DPM_MULTI("DPMSolverMultistepScheduler", FinalRule.CONFIG_TRAINING, FinalRule.CONFIG_TRAINING, true, true),
        DPM_SINGLE("DPMSolverSinglestepScheduler", FinalRule.CONFIG_TRAINING, FinalRule.CONFIG_TRAINING, true, true),
        DEIS("DEISMultistepScheduler", FinalRule.TRAINING_MIN, FinalRule.REPEAT_LAST, false, true),
        UNIPC("UniPCMultistepScheduler", FinalRule.CONFIG_TRAINING, FinalRule.CONFIG_LAST, false, false),
        SA("SASolverScheduler", FinalRule.TRAINING_MIN, FinalRule.REPEAT_LAST, true, false);

        final String className;
        /** Final sigma of the interpolated (default) schedule. */
        final FinalRule plainFinal;
        /** Final sigma with Karras/lu/exponential/beta/flow sigmas. */
        final FinalRule remapFinal;
        /** Honours {@code lambda_min_clipped}. */
        final boolean clips;
        /** {@code mu} sets {@code flow_shift = exp(mu)} (UniPC instead time-shifts its flow sigmas). */
        final boolean muSetsShift;

        Solver(String className, FinalRule plainFinal, FinalRule remapFinal, boolean clips, boolean muSetsShift) {
            this.className = className;
            this.plainFinal = plainFinal;
            this.remapFinal = remapFinal;
            this.clips = clips;
            this.muSetsShift = muSetsShift;
        }

        static Solver of(DiffusersConfig cfg) {
            for (Solver s : values()) if (s.className.equals(cfg.className())) return s;
            throw new IllegalArgumentException(cfg.className() + " is not a DPM-Solver family class");
        }
    }

    // diffusers <Class>.__init__ (the checks that raise)
    @Override
    public void checkInit(DiffusersConfig cfg) {
        Solver s = Solver.of(cfg);
        model(cfg);
        checkOneRemap(cfg);
        switch (s) {
            case DPM_MULTI:
                checkDpmMultistep(cfg);
                checkZeroFinal(cfg);
                break;
            case DPM_SINGLE:
                oneOf(cfg, "algorithm_type", List.of("dpmsolver", "dpmsolver++", "sde-dpmsolver++"), List.of("deis"));
                oneOf(cfg, "solver_type", List.of("midpoint", "heun"), List.of("logrho", "bh1", "bh2"));
                checkZeroFinal(cfg);
                int order = cfg.integer("solver_order");
                if (order < 1 || order > 3) throw err(cfg, "solver_order must be 1, 2 or 3, got " + order);
                break;
            case DEIS:
                oneOf(cfg, "algorithm_type", List.of("deis"), List.of("dpmsolver", "dpmsolver++"));
                oneOf(cfg, "solver_type", List.of("logrho"), List.of("midpoint", "heun", "bh1", "bh2"));
                break;
            case UNIPC:
                if (cfg.has("shift_terminal") && !cfg.bool("use_flow_sigmas")) {
                    throw err(cfg, "shift_terminal only applies to flow sigmas; set use_flow_sigmas=true or remove shift_terminal");
                }
                oneOf(cfg, "solver_type", List.of("bh1", "bh2"), List.of("midpoint", "heun", "logrho"));
                break;
            case SA:
                oneOf(cfg, "algorithm_type", List.of("data_prediction", "noise_prediction"), List.of());
                break;
            default:
                throw new IllegalStateException();
        }
    }

    @Override
    public DiscreteNoiseModel noiseModel(DiffusersConfig cfg) {
        return model(cfg);
    }

    /**
     * The spec of {@code set_timesteps(steps)} where one exists: not for flow sigmas, nor where the final sigma repeats
     * the last step's (DEIS and SA-Solver with Karras/exponential/beta sigmas, UniPC with those and
     * {@code final_sigmas_type='sigma_min'}).
     */
    @Override
    public ScheduleSpec spec(DiffusersConfig cfg, int steps) {
        Solver s = Solver.of(cfg);
        Sigmas kind = sigmaKind(s, cfg);
        FinalRule rule = kind == Sigmas.INTERP ? s.plainFinal : s.remapFinal;
        if (kind == Sigmas.FLOW || (s == Solver.UNIPC && kind == Sigmas.KARRAS && cfg.bool("use_flow_sigmas"))) {
            throw err(cfg, "flow sigmas (use_flow_sigmas) of this class have no sampler4j spec; use DiffusersSchedules.setTimesteps");
        }
        if (rule == FinalRule.REPEAT_LAST || (rule == FinalRule.CONFIG_LAST && configFinal(cfg) != FinalSigma.ZERO)) {
            throw err(cfg, "the final sigma repeats the last step's sigma here, which no sampler4j spec expresses; use"
                    + " DiffusersSchedules.setTimesteps, or drop " + optionName(kind));
        }
        return spec(s, cfg, model(cfg), kind, steps, null);
    }

    /** DPM-Solver ({@link DpmSolverRoutes}), UniPC and DEIS ({@link UniPcDeisRoutes}), SA-Solver ({@link ConsistencyRoutes}). */
    @Override
    public DiffusersRoute route(DiffusersConfig cfg, Map<String, Object> stepKwargs) {
        return switch (Solver.of(cfg)) {
            case DPM_MULTI -> DpmSolverRoutes.multistep(cfg);
            case DPM_SINGLE -> DpmSolverRoutes.singlestep(cfg);
            case UNIPC -> UniPcDeisRoutes.uniPc(cfg, stepKwargs);
            case DEIS -> UniPcDeisRoutes.deis(cfg, stepKwargs);
            case SA -> ConsistencyRoutes.saSolver(cfg, model(cfg));
        };
    }

    // diffusers <Class>.set_timesteps
    @Override
    public DiffusersTimesteps setTimesteps(DiffusersConfig cfg, SetTimesteps args) {
        Solver s = Solver.of(cfg);
        checkArgs(cfg, args);
        DiscreteNoiseModel model = model(cfg);
        double flowShift = cfg.dbl("flow_shift");
        Double mu = args.mu();
        if (mu != null && s.muSetsShift) {
            if (!cfg.bool("use_dynamic_shifting") || !"exponential".equals(cfg.str("time_shift_type"))) {
                throw err(cfg, "mu needs use_dynamic_shifting=true and time_shift_type='exponential'; set both in the config or drop mu");
            }
            flowShift = Math.exp(mu);
        }
        if (s == Solver.UNIPC && cfg.bool("use_dynamic_shifting") && mu == null) {
            throw err(cfg, "use_dynamic_shifting=true needs mu (e.g. from calculate_shift for the image size); pass mu");
        }
        Sigmas kind = sigmaKind(s, cfg);
        Integer n = args.numInferenceSteps();
        double[] customT = args.timesteps();
        double[] customS = args.sigmas();
        if (customT != null) {
            if (n != null) throw err(cfg, "pass either num_inference_steps or timesteps, not both");
            if (kind != Sigmas.INTERP && kind != Sigmas.FLOW) {
                throw err(cfg, "custom timesteps cannot be combined with " + optionName(kind) + "=true; drop one of them");
            }
            if (kind == Sigmas.FLOW && s == Solver.DPM_MULTI) {
                throw err(cfg, "custom timesteps are not supported with use_flow_sigmas=true; pass num_inference_steps");
            }
            customT = int64(customT);
            n = customT.length;
        }
        if (customS != null) {
            if (!cfg.bool("use_flow_sigmas")) {
                throw err(cfg, "custom sigmas are only supported with use_flow_sigmas=true; set it in the config or pass num_inference_steps");
            }
            if (kind == Sigmas.EXPONENTIAL || kind == Sigmas.BETA) {
                throw err(cfg, "custom sigmas cannot be combined with " + optionName(kind) + "=true; drop one of them");
            }
            if (kind == Sigmas.FLOW && !sigmasAreArray(args)) {
                throw err(cfg, "custom flow sigmas must be a NumPy array: diffusers multiplies them by flow_shift, which fails "
                        + "for a Python list (TypeError); pass them as an array (__arg_types sigmas=numpy.float64)");
            }
            n = customS.length;
        }
        if (n == null) {
            throw err(cfg, "pass num_inference_steps" + (cfg.setTimestepsParams().contains("timesteps") ? " or timesteps" : ""));
        }
        if (n < 0 || (n == 0 && s == Solver.DPM_SINGLE)) {
            throw err(cfg, "num_inference_steps must be >= " + (s == Solver.DPM_SINGLE ? 1 : 0) + ", got " + n);
        }
        FinalRule rule = kind == Sigmas.INTERP ? s.plainFinal : s.remapFinal;
        double[] timesteps;
        double[] sigmas;
        Schedule schedule;
        if (n == 0) {
            // spacing n+1 = 1 point and dropping it leaves no step; only the final sigma remains
            timesteps = new double[0];
            sigmas = new double[] {finalSigma(cfg, rule, model, null)};
            schedule = null;
        } else {
            Schedule resolved = resolve(s, cfg, model, kind, n, customT, customS, mu, flowShift);
            timesteps = resolved.timesteps();
            sigmas = resolved.sigmas();
            sigmas[n] = finalSigma(cfg, rule, model, sigmas[n - 1]);
            sigmas = Numerics.toF32(sigmas);
            schedule = new Schedule(timesteps, sigmas, resolved.model());
        }
        Map<String, double[]> extras = EulerFamily.alphaExtras(model);
        extras.put("flow_shift_after", new double[] {flowShift});
        if (s == Solver.DPM_SINGLE) extras.put("order_list", orderList(cfg, n));
        return new DiffusersTimesteps(timesteps, "int64", sigmas, 1.0, timesteps.length, extras, schedule);
    }

    /**
     * The {@code n >= 1} steps: the spaced (or custom) timesteps through the DSL, with the class's remap; flow sigmas
     * through an explicit-sigmas schedule. The final sigma is set by the caller.
     */
    private static Schedule resolve(Solver s, DiffusersConfig cfg, DiscreteNoiseModel model, Sigmas kind, int n, double[] customT,
                                    double[] customS, Double mu, double flowShift) {
        int bigN = model.numTrainTimesteps();
        if (kind == Sigmas.FLOW) {
            double[] fs = s == Solver.UNIPC ? MultistepFlow.unipcSigmas(cfg, n, bigN, customS, mu) : MultistepFlow.shiftedSigmas(n, bigN, flowShift);
            return MultistepFlow.schedule(fs, bigN, s == Solver.UNIPC && cfg.bool("use_dynamic_shifting") ? 1.0 : flowShift);
        }
        if (kind == Sigmas.KARRAS && s == Solver.UNIPC && cfg.bool("use_flow_sigmas")) {
            // UniPC: Karras sigmas of the VP table (or of the custom sigmas, taken in reverse), then as flow sigmas s/(1+s)
            double[] k = customS != null
                    ? Remaps.Karras.karras(n, endpoint(cfg, "sigma_min", customS[0]), endpoint(cfg, "sigma_max", customS[customS.length - 1]),
                            Remaps.Karras.DEFAULT_RHO)
                    : Arrays.copyOf(spec(s, cfg, model, kind, n, null).resolve(model).sigmas(), n);
            return MultistepFlow.fromVpSigmas(k, bigN);
        }
        return spec(s, cfg, model, kind, n, customT).resolve(model);
    }

    /** The DSL spec of the discrete (VP) schedule. */
    private static ScheduleSpec spec(Solver s, DiffusersConfig cfg, DiscreteNoiseModel model, Sigmas kind, int n, double[] customT) {
        boolean cosine = "squaredcos_cap_v2".equals(cfg.str("beta_schedule"));
        Convention.TimestepRounding rounding = (kind == Sigmas.KARRAS || kind == Sigmas.LU) && !(s == Solver.DPM_MULTI && cosine)
                ? Convention.TimestepRounding.ROUND : Convention.TimestepRounding.TRUNCATE;
        Convention conv = new Convention(true, true, rounding, DiscreteNoiseModel.TerminalClamp.CLAMP).lenient(true);
        ScheduleSpec spec = base(s, cfg, model, n, customT, conv);
        SigmaRemap remap = remap(cfg, model, kind);
        if (remap != null) spec = spec.remap(remap);
        FinalRule rule = kind == Sigmas.INTERP ? s.plainFinal : s.remapFinal;
        if (rule == FinalRule.TRAINING_MIN) spec = spec.finalSigma(FinalSigma.SIGMA_MIN);
        else if (rule == FinalRule.CONFIG_TRAINING) spec = spec.finalSigma(configFinal(cfg));
        return spec.convention(conv);
    }

    /** Custom timesteps, or the class's spacing ({@code lambda_min_clipped} narrows its range). */
    private static ScheduleSpec base(Solver s, DiffusersConfig cfg, DiscreteNoiseModel model, int n, double[] customT, Convention conv) {
        if (customT != null) return Schedule.timesteps(customT);
        Spacing spacing = s == Solver.DPM_SINGLE ? Spacing.LINSPACE : EulerFamily.spacing(cfg);
        int offset = declared(cfg, "steps_offset") ? cfg.integer("steps_offset") : 0;
        int bigN = model.numTrainTimesteps();
        int end = s.clips ? LogSnrClip.rangeEnd(model, cfg.dbl("lambda_min_clipped")) : bigN;
        if (end == bigN) return Schedule.spaced(spacing, n).stepsOffset(offset);
        return Schedule.timesteps(LogSnrClip.spacedTimesteps(spacing, n, bigN, end, offset, conv));
    }

    /** The remap over the whole training range ({@code sigma_min}/{@code sigma_max} config where the class has them). */
    private static SigmaRemap remap(DiffusersConfig cfg, DiscreteNoiseModel model, Sigmas kind) {
        double lo = endpoint(cfg, "sigma_min", model.sigmaMin());
        double hi = endpoint(cfg, "sigma_max", model.sigmaMax());
        return switch (kind) {
            case KARRAS -> new Remaps.Karras(Remaps.Karras.DEFAULT_RHO, lo, hi);
            case LU -> new LuLambdas(model.sigmaMin(), model.sigmaMax());
            case EXPONENTIAL -> new Remaps.Exponential(lo, hi);
            case BETA -> new Remaps.Beta(Remaps.Beta.DEFAULT, Remaps.Beta.DEFAULT, lo, hi);
            default -> null;
        };
    }

    private static double endpoint(DiffusersConfig cfg, String key, double fallback) {
        return declared(cfg, key) && cfg.has(key) ? cfg.dbl(key) : fallback;
    }

    private static double finalSigma(DiffusersConfig cfg, FinalRule rule, DiscreteNoiseModel model, Double lastStepSigma) {
        if (rule == FinalRule.TRAINING_MIN) return model.sigmaMin();
        if (rule == FinalRule.CONFIG_TRAINING) return configFinal(cfg) == FinalSigma.ZERO ? 0.0 : model.sigmaMin();
        if (rule == FinalRule.CONFIG_LAST && configFinal(cfg) == FinalSigma.ZERO) return 0.0;
        if (lastStepSigma == null) {
            throw err(cfg, "num_inference_steps=0 leaves no step whose sigma could end the schedule; pass at least 1 step");
        }
        return lastStepSigma;
    }

    private static FinalSigma configFinal(DiffusersConfig cfg) {
        return FinalSigma.parse(cfg.str("final_sigmas_type"));
    }

    private static Sigmas sigmaKind(Solver s, DiffusersConfig cfg) {
        if (cfg.bool("use_karras_sigmas")) return Sigmas.KARRAS;
        if (s == Solver.DPM_MULTI && cfg.bool("use_lu_lambdas")) return Sigmas.LU;
        if (cfg.bool("use_exponential_sigmas")) return Sigmas.EXPONENTIAL;
        if (cfg.bool("use_beta_sigmas")) return Sigmas.BETA;
        if (cfg.bool("use_flow_sigmas")) return Sigmas.FLOW;
        return Sigmas.INTERP;
    }

    private static String optionName(Sigmas kind) {
        return switch (kind) {
            case KARRAS -> "use_karras_sigmas";
            case LU -> "use_lu_lambdas";
            case EXPONENTIAL -> "use_exponential_sigmas";
            case BETA -> "use_beta_sigmas";
            case FLOW -> "use_flow_sigmas";
            default -> "(none)";
        };
    }

    // diffusers DPMSolverSinglestepScheduler.get_order_list, after set_timesteps has forced lower_order_final
    private static double[] orderList(DiffusersConfig cfg, int steps) {
        int order = cfg.integer("solver_order");
        boolean zeroFinal = configFinal(cfg) == FinalSigma.ZERO;
        boolean lowerOrderFinal = cfg.bool("lower_order_final") || steps % order != 0 || zeroFinal;
        int cycles = steps / order;
        int[] tail;
        if (lowerOrderFinal && order > 1 && steps % order == 0) {
            cycles--;
            tail = order == 3 ? new int[] {1, 2, 1} : new int[] {1, 1};
        } else {
            tail = new int[steps % order];
            for (int i = 0; i < tail.length; i++) tail[i] = i + 1;
        }
        double[] out = new double[steps];
        int k = 0;
        for (int c = 0; c < cycles; c++) for (int p = 1; p <= order; p++) out[k++] = p;
        for (int p : tail) out[k++] = p;
        if (zeroFinal && steps > 0) out[steps - 1] = 1;
        return out;
    }

    // ---- config and argument checks -------------------------------------------------------------------------------

    private static DiscreteNoiseModel model(DiffusersConfig cfg) {
        DiscreteNoiseModel m = cfg.discreteModel(DiscreteNoiseModel.TerminalClamp.CLAMP, BETA_SCHEDULES);
        // DEIS, DPM-Solver singlestep and SA-Solver have no rescale_betas_zero_snr parameter: diffusers ignores the key
        if (m.zeroSnr() && !declared(cfg, "rescale_betas_zero_snr")) m = m.toBuilder().zeroSnr(false).build();
        return m;
    }

    /** Whether the class has this {@code __init__} parameter. */
    private static boolean declared(DiffusersConfig cfg, String key) {
        return cfg.values().containsKey(key) && !cfg.ignoredKeys().contains(key);
    }

    /** {@code use_karras_sigmas}, {@code use_exponential_sigmas} and {@code use_beta_sigmas}: at most one (diffusers raises). */
    static void checkOneRemap(DiffusersConfig cfg) {
        int remaps = (cfg.bool("use_karras_sigmas") ? 1 : 0) + (cfg.bool("use_exponential_sigmas") ? 1 : 0) + (cfg.bool("use_beta_sigmas") ? 1 : 0);
        if (remaps > 1) {
            throw err(cfg, "use_karras_sigmas, use_exponential_sigmas and use_beta_sigmas exclude each other; set at most one of them to true");
        }
    }

    /** The {@code algorithm_type} and {@code solver_type} the multistep DPM-Solver classes accept (with diffusers' aliases). */
    static void checkDpmMultistep(DiffusersConfig cfg) {
        oneOf(cfg, "algorithm_type", List.of("dpmsolver", "dpmsolver++", "sde-dpmsolver", "sde-dpmsolver++"), List.of("deis"));
        oneOf(cfg, "solver_type", List.of("midpoint", "heun"), List.of("logrho", "bh1", "bh2"));
    }

    private static void oneOf(DiffusersConfig cfg, String key, List<String> allowed, List<String> aliases) {
        String v = cfg.str(key);
        if (allowed.contains(v) || aliases.contains(v)) return;
        throw err(cfg, key + " '" + v + "' is not implemented; use one of " + allowed);
    }

    private static void checkZeroFinal(DiffusersConfig cfg) {
        String algorithm = cfg.str("algorithm_type");
        if (!List.of("dpmsolver++", "sde-dpmsolver++").contains(algorithm) && "zero".equals(cfg.str("final_sigmas_type"))) {
            throw err(cfg, "final_sigmas_type 'zero' is not supported for algorithm_type '" + algorithm
                    + "'; set final_sigmas_type to 'sigma_min' or use dpmsolver++ / sde-dpmsolver++");
        }
    }

    private static void checkArgs(DiffusersConfig cfg, SetTimesteps args) {
        List<String> params = cfg.setTimestepsParams();
        if (args.timesteps() != null && !params.contains("timesteps")) throw noParam(cfg, "timesteps");
        if (args.sigmas() != null && !params.contains("sigmas")) throw noParam(cfg, "sigmas");
        if (args.mu() != null && !params.contains("mu")) throw noParam(cfg, "mu");
        for (String k : args.extra().keySet()) if (!k.startsWith("__") && !params.contains(k)) throw noParam(cfg, k);
    }

    private static ScheduleException noParam(DiffusersConfig cfg, String name) {
        return err(cfg, "set_timesteps has no argument '" + name + "'; its arguments are " + cfg.setTimestepsParams());
    }

    private static boolean sigmasAreArray(SetTimesteps args) {
        return args.extra().get("__arg_types") instanceof Map<?, ?> types && types.get("sigmas") instanceof String t
                && (t.startsWith("numpy.") || t.startsWith("torch."));
    }

    private static double[] int64(double[] xs) {
        double[] out = new double[xs.length];
        for (int i = 0; i < xs.length; i++) out[i] = (double) (long) xs[i];
        return out;
    }

    private static ScheduleException err(DiffusersConfig cfg, String msg) {
        return new ScheduleException(cfg.className() + ": " + msg);
    }
}
