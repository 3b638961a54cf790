package org.sampler4j.api.diffusers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.sampler4j.api.model.Denoisers;
import org.sampler4j.api.model.Prediction;
import org.sampler4j.api.sampler.Denoiser;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.math.Numerics;
import org.sampler4j.api.schedule.BetaSchedule;
import org.sampler4j.api.schedule.Convention;
import org.sampler4j.api.schedule.DiscreteNoiseModel;
import org.sampler4j.api.schedule.EdmNoiseModel;
import org.sampler4j.api.schedule.FinalSigma;
import org.sampler4j.api.schedule.Schedule;
import org.sampler4j.api.schedule.ScheduleException;
import org.sampler4j.api.schedule.ScheduleSpec;
import org.sampler4j.api.schedule.Spacing;

/**
 * diffusers compatibility for the alpha-space schedulers DDIM, DDPM, PNDM, LCM, TCD and IPNDM (see
 * {@link DiffusersSchedules}). Their timesteps are integer spacings of the training timesteps (LCM/TCD: see
 * {@link DdpmConsistency}); they keep {@code alphas_cumprod[-1] = 0} under zero terminal SNR.
 */
final class DdpmFamily implements DiffusersSchedules.Family {
    /** diffusers' DDIM/DDPM/PNDM spacing: {@code n} points, {@code linspace} rounded, zero-SNR terminal alpha-bar kept at 0. */
    static final Convention CONVENTION = new Convention(false, true, Convention.TimestepRounding.KEEP, DiscreteNoiseModel.TerminalClamp.KEEP_ZERO);

    private static final List<BetaSchedule> BETAS = List.of(BetaSchedule.LINEAR, BetaSchedule.SCALED_LINEAR, BetaSchedule.SQUAREDCOS_CAP_V2);
    private static final List<BetaSchedule> DDPM_BETAS = List.of(BetaSchedule.LINEAR, BetaSchedule.SCALED_LINEAR,
            BetaSchedule.SQUAREDCOS_CAP_V2, BetaSchedule.SIGMOID);
    /** PNDM's Runge-Kutta warm-up uses the last {@code pndm_order} = 4 spaced timesteps. */
    private static final int PNDM_ORDER = 4;
    /** The stand-in for the infinite sigma of a zero terminal SNR ({@link #finite}). */
    static final double ZERO_SNR_SIGMA = 1e20;
    /** IPNDM divides by {@code max(alpha, 1e-8)}. */
    private static final double IPNDM_ALPHA_MIN = 1e-8;

    @Override
    public void checkInit(DiffusersConfig cfg) {
        if (!cfg.className().equals("IPNDMScheduler")) model(cfg);
    }

    /** The class's training noise model; throws where {@code __init__} rejects the beta schedule. */
    static DiscreteNoiseModel model(DiffusersConfig cfg) {
        return cfg.discreteModel(DiscreteNoiseModel.TerminalClamp.KEEP_ZERO, cfg.className().equals("DDPMScheduler") ? DDPM_BETAS : BETAS);
    }

    @Override
    public DiscreteNoiseModel noiseModel(DiffusersConfig cfg) {
        if (cfg.className().equals("IPNDMScheduler")) {
            throw new ScheduleException("IPNDMScheduler has no discrete noise model (its timesteps are positions in [0, 1]); use DiffusersSchedules.setTimesteps");
        }
        return model(cfg);
    }

    /**
     * The DSL spec of {@code set_timesteps(steps)}: DDIM/DDPM spacings, LCM/TCD picks from the distillation grid.
     * PNDM (its PRK/PLMS list repeats timesteps) and IPNDM have none.
     */
    @Override
    public ScheduleSpec spec(DiffusersConfig cfg, int steps) {
        return switch (cfg.className()) {
            case "DDIMScheduler" -> spacedSpec(cfg, steps, finalSigma(cfg));
            case "DDPMScheduler" -> spacedSpec(cfg, steps, FinalSigma.ZERO);
            case "LCMScheduler" -> DdpmConsistency.spec(cfg, model(cfg), steps, false);
            case "TCDScheduler" -> DdpmConsistency.spec(cfg, model(cfg), steps, true);
            default -> throw new ScheduleException(cfg.className() + "'s timesteps repeat or leave the training grid, so it has no sampler4j"
                    + " schedule spec; use DiffusersSchedules.setTimesteps");
        };
    }

    @Override
    public DiffusersTimesteps setTimesteps(DiffusersConfig cfg, SetTimesteps args) {
        rejectUnknownArgs(cfg, args);
        return switch (cfg.className()) {
            case "DDIMScheduler" -> ddim(cfg, args);
            case "DDPMScheduler" -> ddpm(cfg, args);
            case "PNDMScheduler" -> pndm(cfg, args);
            case "LCMScheduler" -> DdpmConsistency.setTimesteps(cfg, args, model(cfg), false);
            case "TCDScheduler" -> DdpmConsistency.setTimesteps(cfg, args, model(cfg), true);
            case "IPNDMScheduler" -> ipndm(cfg, args);
            default -> throw new IllegalStateException(cfg.className());
        };
    }

    /**
     * The samplers of the alpha-space classes, all in the VP frame: DDIM {@code ddim} ({@code eta} from the step
     * arguments), DDPM {@code ddpm} ({@code variance_type}; {@code reference=diffusers}: no noise at training
     * timestep 0), PNDM {@code plms} ({@code warmup=rk4}, or {@code heun} with {@code skip_prk_steps};
     * {@code history=v} for {@code v_prediction}, whose raw outputs diffusers combines); thresholding or
     * {@code clip_sample} post-process the denoised estimate. LCM and TCD: see {@link ConsistencyRoutes}; IPNDM:
     * {@link #ipndmRoute}.
     *
     * <p>DDIM and PNDM with {@code skip_prk_steps} step in {@code (from, to)} pairs ({@link #stepPairs}). PNDM's
     * Runge-Kutta warm-up ({@code warmup=rk4}) steps along the schedule: exact for even spacings (every loop in the
     * golden set); for uneven ones diffusers' first substep of each Runge-Kutta step and its PLMS steps also end at
     * {@code t - N // n} and relabel, which that sampler mode does not express.
     *
     * <p>DDIM derives its noise estimate from the post-processed estimate, i.e. as diffusers with
     * {@code use_clipped_model_output=True}; with {@code False} the two differ only on steps where clipping or
     * thresholding changes the estimate.
     */
    @Override
    public DiffusersRoute route(DiffusersConfig cfg, Map<String, Object> kw) {
        if (cfg.className().equals("LCMScheduler")) return ConsistencyRoutes.lcm(cfg, model(cfg));
        if (cfg.className().equals("TCDScheduler")) return ConsistencyRoutes.tcd(cfg, kw);
        if (cfg.className().equals("IPNDMScheduler")) return ipndmRoute();
        if (!List.of("DDIMScheduler", "DDPMScheduler", "PNDMScheduler").contains(cfg.className())) {
            throw new ScheduleException(cfg.className() + " has no sampler4j sampler route yet; it cannot be stepped");
        }
        Prediction p = Prediction.parse(cfg.str("prediction_type"));
        Map<String, Object> o = new LinkedHashMap<>();
        String id;
        switch (cfg.className()) {
            case "DDIMScheduler":
                id = "ddim";
                o.put("eta", kw.get("eta") == null ? 0.0 : ((Number) kw.get("eta")).doubleValue());
                o.put("paired", true);
                break;
            case "DDPMScheduler": {
                id = "ddpm";
                String v = cfg.str("variance_type");
                if (!List.of("fixed_small", "fixed_small_log", "fixed_large").contains(v)) {
                    throw new ScheduleException(cfg.className() + ": variance_type '" + v + "' has no sampler4j sampler;"
                            + " use fixed_small, fixed_small_log or fixed_large");
                }
                DiscreteNoiseModel model = model(cfg);
                o.put("variance", v);
                o.put("reference", "diffusers");
                // diffusers adds noise for t > 0: any sigma between those of timesteps 0 and 1 separates the two
                o.put("noise_sigma_min", Math.sqrt(model.sigmaAt(0) * model.sigmaAt(1)));
                break;
            }
            case "PNDMScheduler":
                if (p != Prediction.EPSILON && p != Prediction.V_PREDICTION) {
                    throw new ScheduleException(cfg.className() + " supports prediction_type epsilon or v_prediction, got '" + p.id() + "'");
                }
                id = "plms";
                o.put("warmup", cfg.bool("skip_prk_steps") ? "heun" : "rk4");
                o.put("paired", cfg.bool("skip_prk_steps"));
                o.put("history", p == Prediction.V_PREDICTION ? "v" : "noise");
                break;
            default:
                throw new IllegalStateException(cfg.className());
        }
        UnaryOperator<Denoiser> post = d -> d;
        if (cfg.bool("thresholding")) {
            double ratio = cfg.dbl("dynamic_thresholding_ratio");
            double max = cfg.dbl("sample_max_value");
            post = d -> Denoisers.dynamicThresholding(d, ratio, max);
        } else if (cfg.bool("clip_sample")) {
            double range = cfg.dbl("clip_sample_range");
            post = d -> Denoisers.clipSample(d, range);
        }
        boolean paired = Boolean.TRUE.equals(o.get("paired"));
        return new DiffusersRoute(id, o, DiffusersRoute.Frame.VP, p, 0, post,
                paired ? stepPairs(cfg, id.equals("plms")) : DiffusersRoute.SCHEDULE_SIGMAS);
    }

    /**
     * The {@code (from, to)} sigma pairs of DDIM and PNDM ({@code skip_prk_steps}), one per model call: diffusers steps
     * from the call's timestep {@code t} to {@code t - N // n} ({@code final_alpha_cumprod} below 0), not to the next
     * listed timestep, and relabels the sample as that one; the two differ for uneven spacings (linspace, 6 steps:
     * 999 -> 833, next call at 799). PNDM's second call (the repeated {@code t1}) is its Heun corrector, which starts
     * at {@code t1 + N // n} (trailing: 998, not 999) and ends at {@code t1}. For even spacings the pairs chain.
     */
    private static Function<DiffusersTimesteps, double[]> stepPairs(DiffusersConfig cfg, boolean pndm) {
        DiscreteNoiseModel model = model(cfg);
        return ts -> {
            double[] t = ts.timesteps();
            double[] sig = ts.schedule().sigmas();
            double last = sig[sig.length - 1];
            int stride = model.numTrainTimesteps() / ts.numInferenceSteps();
            double[] pairs = new double[2 * t.length];
            for (int k = 0; k < t.length; k++) {
                boolean corrector = pndm && k == 1;
                pairs[2 * k] = trainingSigma(model, corrector ? t[k] + stride : t[k], last);
                pairs[2 * k + 1] = trainingSigma(model, corrector ? t[k] : t[k] - stride, last);
            }
            return pairs;
        };
    }

    /** The sigma of training timestep {@code t} ({@link #ZERO_SNR_SIGMA} at most), {@code last} below 0. */
    private static double trainingSigma(DiscreteNoiseModel model, double t, double last) {
        return t < 0 ? last : Math.min(model.sigmaAt(t), ZERO_SNR_SIGMA);
    }

    // ---- shared by the families of this package -----------------------------------------------------------------

    /** Rejects arguments the class's {@code set_timesteps} does not take (diffusers raises TypeError). */
    static void rejectUnknownArgs(DiffusersConfig cfg, SetTimesteps args) {
        List<String> given = new ArrayList<>();
        if (args.timesteps() != null) given.add("timesteps");
        if (args.sigmas() != null) given.add("sigmas");
        if (args.mu() != null) given.add("mu");
        for (String k : args.extra().keySet()) if (!k.startsWith("__")) given.add(k);
        for (String g : given) {
            if (!cfg.setTimestepsParams().contains(g)) {
                throw new ScheduleException(cfg.className() + ".set_timesteps() has no argument '" + g + "'; it takes "
                        + String.join(", ", cfg.setTimestepsParams()) + " (remove '" + g + "' or use another scheduler class)");
            }
        }
    }

    /** {@code num_inference_steps}, required and at least 1; {@code maxSteps} (if positive) is the class's upper bound. */
    static int requireSteps(DiffusersConfig cfg, SetTimesteps args, int maxSteps) {
        Integer n = args.numInferenceSteps();
        if (n == null) throw new ScheduleException(cfg.className() + ".set_timesteps() needs num_inference_steps; pass the number of steps");
        if (n < 1) {
            throw new ScheduleException(cfg.className() + ": num_inference_steps must be >= 1, got " + n
                    + " (diffusers fails with a division by zero); ask for at least one step");
        }
        if (maxSteps > 0 && n > maxSteps) {
            throw new ScheduleException(cfg.className() + ": num_inference_steps (" + n + ") cannot be larger than num_train_timesteps ("
                    + maxSteps + "): the model only knows " + maxSteps + " timesteps; use at most " + maxSteps + " steps");
        }
        return n;
    }

    /** The {@code timestep_spacing} spec of DDIM/DDPM/PNDM ({@code steps_offset} applies to {@code leading} only). */
    static ScheduleSpec spacedSpec(DiffusersConfig cfg, int n, FinalSigma last) {
        Spacing spacing = Spacing.parse(cfg.str("timestep_spacing"));
        ScheduleSpec spec = Schedule.spaced(spacing, n).convention(CONVENTION).finalSigma(last);
        int offset = cfg.integer("steps_offset");
        if (spacing == Spacing.LEADING && offset != 0) spec = spec.stepsOffset(offset);
        return spec;
    }

    /** The sigma after the last step: 0 when {@code final_alpha_cumprod} is 1, else the first training sigma. */
    static FinalSigma finalSigma(DiffusersConfig cfg) {
        return cfg.bool("set_alpha_to_one") ? FinalSigma.ZERO : FinalSigma.SIGMA_MIN;
    }

    /** {@code alphas_cumprod_head/tail} and, when {@code withFinal}, {@code final_alpha_cumprod}. */
    static Map<String, double[]> alphaExtras(DiffusersConfig cfg, DiscreteNoiseModel model, boolean withFinal) {
        Map<String, double[]> x = EulerFamily.alphaExtras(model);
        if (withFinal) x.put("final_alpha_cumprod", new double[] {cfg.bool("set_alpha_to_one") ? 1.0 : model.alphaCumprod(0)});
        return x;
    }

    // ---- the classes ---------------------------------------------------------------------------------------------

    /** diffusers {@code DDIMScheduler.set_timesteps}. */
    private static DiffusersTimesteps ddim(DiffusersConfig cfg, SetTimesteps args) {
        DiscreteNoiseModel model = model(cfg);
        int n = requireSteps(cfg, args, model.numTrainTimesteps());
        Schedule s = spacedSpec(cfg, n, finalSigma(cfg)).resolve(model);
        return new DiffusersTimesteps(s.timesteps(), "int64", null, 1.0, n, alphaExtras(cfg, model, true), finite(s));
    }

    /** diffusers {@code DDPMScheduler.set_timesteps} (spaced or custom timesteps). */
    private static DiffusersTimesteps ddpm(DiffusersConfig cfg, SetTimesteps args) {
        DiscreteNoiseModel model = model(cfg);
        double[] custom = args.timesteps();
        Map<String, double[]> extras = alphaExtras(cfg, model, false);
        if (custom != null) {
            if (args.numInferenceSteps() != null) {
                throw new ScheduleException(cfg.className() + ": pass either num_inference_steps or custom timesteps, not both");
            }
            Schedule s = customTimesteps(cfg, model, custom, 1.0, FinalSigma.ZERO);
            extras.put("custom_timesteps", new double[] {1});
            return new DiffusersTimesteps(s.timesteps(), "int64", null, 1.0, null, extras, finite(s));
        }
        int n = requireSteps(cfg, args, model.numTrainTimesteps());
        Schedule s = spacedSpec(cfg, n, FinalSigma.ZERO).resolve(model);
        extras.put("custom_timesteps", new double[] {0});
        return new DiffusersTimesteps(s.timesteps(), "int64", null, 1.0, n, extras, finite(s));
    }

    /**
     * Custom integer timesteps as DDPM/LCM/TCD accept them (strictly decreasing, below {@code num_train_timesteps}),
     * then the last {@code int(n * strength)} of them.
     */
    static Schedule customTimesteps(DiffusersConfig cfg, DiscreteNoiseModel model, double[] custom, double strength, FinalSigma last) {
        if (custom.length == 0) throw new ScheduleException(cfg.className() + ": custom timesteps are empty; give at least one timestep");
        for (int i = 1; i < custom.length; i++) {
            if (custom[i] >= custom[i - 1]) {
                throw new ScheduleException(cfg.className() + ": custom timesteps must be in strictly descending order, but "
                        + fmt(custom[i]) + " follows " + fmt(custom[i - 1]) + "; sort them from high to low");
            }
        }
        int bigN = model.numTrainTimesteps();
        if (custom[0] >= bigN) {
            throw new ScheduleException(cfg.className() + ": custom timesteps must start below num_train_timesteps (" + bigN + "), got "
                    + fmt(custom[0]) + "; use timesteps in 0.." + (bigN - 1));
        }
        double[] t = new double[custom.length];
        for (int i = 0; i < t.length; i++) t[i] = (double) (long) custom[i];
        ScheduleSpec spec = Schedule.timesteps(t).convention(CONVENTION).finalSigma(last);
        if (strength != 1.0) spec = spec.truncate(strength);
        return spec.resolve(model);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** diffusers {@code PNDMScheduler.set_timesteps}: spaced timesteps, then the PRK warm-up (or not) and the PLMS steps. */
    private static DiffusersTimesteps pndm(DiffusersConfig cfg, SetTimesteps args) {
        DiscreteNoiseModel model = model(cfg);
        int n = requireSteps(cfg, args, 0);
        boolean skipPrk = cfg.bool("skip_prk_steps");
        if (!skipPrk && n < PNDM_ORDER) {
            throw new ScheduleException(cfg.className() + ": the Runge-Kutta warm-up needs num_inference_steps >= " + PNDM_ORDER + ", got " + n
                    + " (diffusers fails with a NumPy broadcast error); ask for at least " + PNDM_ORDER + " steps or set skip_prk_steps=True");
        }
        // diffusers' PNDM accepts more steps than training timesteps (leading then repeats timestep 0)
        Schedule s = spacedSpec(cfg, n, finalSigma(cfg)).convention(CONVENTION.lenient(true)).resolve(model);
        double[] asc = Numerics.reversed(s.timesteps());
        double[] prk;
        double[] plms;
        if (skipPrk) {
            prk = new double[0];
            // asc[:-1] ++ asc[-2:-1] ++ asc[-1:], reversed: the second-to-last timestep is repeated
            double[] cat = new double[n == 1 ? 1 : n + 1];
            System.arraycopy(asc, 0, cat, 0, n - 1);
            if (n > 1) cat[n - 1] = asc[n - 2];
            cat[cat.length - 1] = asc[n - 1];
            plms = Numerics.reversed(cat);
        } else {
            int half = half(model, n);
            double[] pairs = new double[2 * PNDM_ORDER];
            for (int j = 0; j < PNDM_ORDER; j++) {
                pairs[2 * j] = asc[n - PNDM_ORDER + j];
                pairs[2 * j + 1] = asc[n - PNDM_ORDER + j] + half;
            }
            // pairs[:-1].repeat(2)[1:-1], reversed
            double[] rep = new double[2 * (pairs.length - 1) - 2];
            for (int k = 0; k < rep.length; k++) rep[k] = pairs[(k + 1) / 2];
            prk = Numerics.reversed(rep);
            plms = Numerics.reversed(Arrays.copyOf(asc, n - 3));
        }
        double[] all = Arrays.copyOf(prk, prk.length + plms.length);
        System.arraycopy(plms, 0, all, prk.length, plms.length);
        Map<String, double[]> extras = alphaExtras(cfg, model, true);
        extras.put("prk_timesteps", prk);
        extras.put("plms_timesteps", plms);
        return new DiffusersTimesteps(all, "int64", null, 1.0, n, extras, finite(skipPrk ? s : withMidpoints(s, model, PNDM_ORDER - 1, half(model, n))));
    }

    private static int half(DiscreteNoiseModel model, int n) {
        return model.numTrainTimesteps() / n / 2;
    }

    /**
     * The sigma list of {@code plms warmup=rk4}: the first {@code k} steps get their Runge-Kutta midpoint, which
     * diffusers' PRK evaluates at the timestep {@code half} above the step's end.
     */
    private static Schedule withMidpoints(Schedule s, DiscreteNoiseModel model, int k, int half) {
        double[] t = s.timesteps();
        double[] sig = s.sigmas();
        double[] t2 = new double[t.length + k];
        double[] s2 = new double[sig.length + k];
        for (int i = 0, j = 0; i < sig.length; i++) {
            if (i < t.length) t2[j] = t[i];
            s2[j++] = sig[i];
            if (i < k) {
                t2[j] = t[i + 1] + half;
                s2[j++] = model.sigmaAt(t[i + 1] + half);
            }
        }
        return new Schedule(t2, s2, model);
    }

    /**
     * Zero terminal SNR keeps {@code alphas_cumprod[-1] = 0}, an infinite sigma that the VE frame cannot hold; a
     * finite stand-in of 1e20 keeps {@code x = x_vp sqrt(1 + sigma^2)} within float32 range and every step
     * coefficient at its limit to double precision.
     */
    static Schedule finite(Schedule s) {
        double[] sig = s.sigmas();
        boolean changed = false;
        for (int i = 0; i < sig.length; i++) {
            if (sig[i] > ZERO_SNR_SIGMA) {
                sig[i] = ZERO_SNR_SIGMA;
                changed = true;
            }
        }
        return changed ? new Schedule(s.timesteps(), sig, s.model()) : s;
    }

    /**
     * diffusers {@code IPNDMScheduler.set_timesteps}: {@code steps = linspace(1, 0, n+1)[:-1] ++ [0]},
     * {@code beta = sin(steps pi/2)^2}, {@code alpha = sqrt(1 - beta^2)}, timesteps {@code atan2(beta, alpha) 2/pi}
     * without the last, each operation rounded to float32 as torch does. These are positions in [0, 1] of a
     * continuous schedule, not a spacing of a noise model. The attached {@link Schedule} (for stepping) holds these
     * timesteps, diffusers' own, with the sigmas {@code beta / alpha} of the class ({@code alpha = 0} at {@code t = 1}:
     * the {@link #ZERO_SNR_SIGMA} stand-in) under an {@link EdmNoiseModel} that merely spans their range: no noise
     * model maps these timesteps onto those sigmas.
     */
    private static DiffusersTimesteps ipndm(DiffusersConfig cfg, SetTimesteps args) {
        Integer n = args.numInferenceSteps();
        if (n == null || n < 0) throw new ScheduleException(cfg.className() + ".set_timesteps() needs num_inference_steps >= 0, got " + n);
        double[] trained = cfg.doubles("trained_betas");
        float pi = (float) Math.PI;
        float[] betas;
        if (trained != null) {
            betas = new float[trained.length];
            for (int i = 0; i < betas.length; i++) betas[i] = (float) trained[i];
        } else {
            float[] steps = Numerics.torch2LinspaceF32(1, 0, n + 1);
            steps[n] = 0f;
            betas = new float[n + 1];
            for (int i = 0; i <= n; i++) {
                float sin = (float) Math.sin(steps[i] * pi / 2f);
                betas[i] = sin * sin;
            }
        }
        double[] t = new double[Math.max(0, betas.length - 1)];
        double[] sigmas = new double[betas.length];
        double[] betasOut = new double[betas.length];
        double[] alphasOut = new double[betas.length];
        for (int i = 0; i < betas.length; i++) {
            float alpha = (float) Math.sqrt(1f - betas[i] * betas[i]);
            if (i < t.length) t[i] = (float) Math.atan2(betas[i], alpha) / pi * 2f;
            sigmas[i] = alpha == 0 ? ZERO_SNR_SIGMA : (double) betas[i] / alpha;
            betasOut[i] = betas[i];
            alphasOut[i] = alpha;
        }
        return new DiffusersTimesteps(t, "float32", null, 1.0, n, Map.of("betas", betasOut, "alphas", alphasOut), ipndmSchedule(t, sigmas));
    }

    /** The stepping schedule of {@link #ipndm}, or {@code null} where its sigmas are no decreasing noise levels. */
    private static Schedule ipndmSchedule(double[] t, double[] sigmas) {
        if (t.length == 0) return null;
        double lo = Double.POSITIVE_INFINITY;
        for (int i = 0; i < sigmas.length; i++) {
            if (!(sigmas[i] >= 0) || i > 0 && !(sigmas[i] < sigmas[i - 1])) return null;
            if (sigmas[i] > 0) lo = Math.min(lo, sigmas[i]);
        }
        double hi = sigmas[0];
        return new Schedule(t, sigmas, new EdmNoiseModel(Math.min(lo, hi / 2), hi, 1.0));
    }

    /**
     * diffusers {@code IPNDMScheduler.step} as {@code ipndm} ({@code reference=diffusers}: the multistep update down to
     * sigma 0). The network output is read as {@code v} (the class forms {@code eps = beta x + alpha v}), and
     * {@code x0 = (x - beta eps) / max(alpha, 1e-8)} is the v-prediction estimate scaled by
     * {@code min(1, alpha / 1e-8)}: 0 at {@code t = 1}, where {@code alpha = 0}.
     */
    private static DiffusersRoute ipndmRoute() {
        UnaryOperator<Denoiser> clamp = d -> (x, sigma) -> {
            double alpha = 1 / Math.sqrt(1 + sigma * sigma);
            Latent x0 = d.denoise(x, sigma);
            return alpha >= IPNDM_ALPHA_MIN ? x0 : Latents.scale(alpha / IPNDM_ALPHA_MIN, x0);
        };
        return new DiffusersRoute("ipndm", Map.of("reference", "diffusers"), DiffusersRoute.Frame.VP, Prediction.V_PREDICTION, 0, clamp);
    }
}
