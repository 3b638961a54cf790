package org.sampler4j.api.schedule.generators;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.sampler4j.api.math.BetaDistribution;
import org.sampler4j.api.math.Numerics;
import org.sampler4j.api.schedule.Names;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * ComfyUI's schedulers ({@code comfy/samplers.py} {@code SCHEDULER_HANDLERS}/{@code calculate_sigmas}), the
 * {@code KSampler} step handling, the {@code BasicScheduler} and {@code SDTurboScheduler} nodes, over a
 * {@link ComfyModelSampling} table.
 *
 * <p>Every result is what ComfyUI returns: a float32 tensor (values widened to double), {@code steps + 1} sigmas
 * ending in 0, except {@code ddim_uniform}, whose count follows from its integer stride, and {@code kl_optimal}
 * with one step, whose first value is NaN (ComfyUI divides 0 by 0).
 */
public final class ComfySchedulers {
    /** The scheduler names in ComfyUI's order. */
    public static final List<String> NAMES = List.of("simple", "sgm_uniform", "karras", "exponential", "ddim_uniform", "beta",
            "normal", "linear_quadratic", "kl_optimal");

    /** Samplers for which ComfyUI's {@code KSampler} computes {@code steps + 1} sigmas and drops the second to last. */
    public static final Set<String> DISCARD_PENULTIMATE_SIGMA_SAMPLERS = Set.of("dpm_2", "dpm_2_ancestral", "uni_pc", "uni_pc_bh2");

    /** ComfyUI's default alpha and beta of the {@code beta} scheduler. */
    public static final double BETA_DEFAULT = 0.6;

    /** ComfyUI's default {@code threshold_noise} of {@code linear_quadratic}. */
    public static final double LINEAR_QUADRATIC_THRESHOLD = 0.025;

    private ComfySchedulers() {}

    /**
     * {@code calculate_sigmas(model_sampling, scheduler_name, steps)}.
     *
     * @param ms the model's sigma table
     * @param scheduler ComfyUI's scheduler name ({@code normal}, {@code karras}, {@code simple} ...)
     * @param steps the number of steps, at least 1
     * @return {@code steps + 1} sigmas ending in 0 (fewer or more for schedulers that drop or add points)
     * @throws ScheduleException for an unknown scheduler name (ComfyUI's {@code KSampler} would silently use
     *     {@code simple}; this names the closest known one instead)
     */
    public static double[] calculateSigmas(ComfyModelSampling ms, String scheduler, int steps) {
        switch (scheduler) {
            case "simple": return simple(ms, steps);
            case "sgm_uniform": return normal(ms, steps, true);
            case "karras": return KDiffusionSigmas.karras(steps, ms.sigmaMin(), ms.sigmaMax(), 7.0, Dtype.FLOAT32);
            case "exponential": return KDiffusionSigmas.exponential(steps, ms.sigmaMin(), ms.sigmaMax(), Dtype.FLOAT32);
            case "ddim_uniform": return ddimUniform(ms, steps);
            case "beta": return beta(ms, steps, BETA_DEFAULT, BETA_DEFAULT);
            case "normal": return normal(ms, steps, false);
            case "linear_quadratic": return linearQuadratic(ms.sigmaMax(), steps, LINEAR_QUADRATIC_THRESHOLD, null);
            case "kl_optimal": return klOptimal(steps, ms.sigmaMin(), ms.sigmaMax());
            default: throw new ScheduleException(Names.unknown("ComfyUI scheduler", scheduler, NAMES));
        }
    }

    /**
     * ComfyUI {@code simple_scheduler}: every {@code N/steps}-th table sigma from the top, {@code sigmas[-(1 + int(x * N / steps))]}.
     *
     * @param ms the model's sigma table
     * @param steps the number of steps, at least 1
     * @return {@code steps} table sigmas, then 0
     */
    public static double[] simple(ComfyModelSampling ms, int steps) {
        checkSteps(steps);
        double ss = (double) ms.size() / steps;
        double[] out = new double[steps + 1];
        for (int x = 0; x < steps; x++) out[x] = ms.sigmaAt(ms.size() - 1 - (int) (x * ss));
        return out;
    }

    /**
     * ComfyUI {@code normal_scheduler}: float32 {@code torch.linspace} between {@code timestep(sigma_max)} and
     * {@code timestep(sigma_min)} ({@code steps} points, or with {@code sgm} the first {@code steps} of
     * {@code steps + 1}: {@code sgm_uniform}, Stability's SGM sampling), each mapped through {@code sigma(t)}.
     * When the table's smallest sigma is ~0 ({@code |sigma| <= 1e-5}), the plain variant computes one more point and
     * appends no 0, as ComfyUI does.
     *
     * @param ms the model's sigma table
     * @param steps the number of steps, at least 1
     * @param sgm whether to take SGM's uniform spacing ({@code sgm_uniform})
     * @return {@code steps} sigmas, then 0
     */
    public static double[] normal(ComfyModelSampling ms, int steps, boolean sgm) {
        checkSteps(steps);
        int start = ms.timestep(ms.sigmaMax());
        int end = ms.timestep(ms.sigmaMin());
        boolean appendZero = true;
        float[] ts;
        if (sgm) {
            ts = Arrays.copyOf(Numerics.torchLinspaceF32(start, end, steps + 1), steps);
        } else {
            int n = steps;
            if (Math.abs(ms.sigma(end)) <= 1e-5) {
                n += 1;
                appendZero = false;
            }
            ts = Numerics.torchLinspaceF32(start, end, n);
        }
        double[] out = new double[ts.length + (appendZero ? 1 : 0)];
        for (int i = 0; i < ts.length; i++) out[i] = ms.sigma(ts[i]);
        return out;
    }

    /**
     * ComfyUI {@code ddim_scheduler} ({@code ddim_uniform}): table sigmas 1, 1+s, 1+2s, ... ({@code s = N // steps})
     * reversed, then 0; about {@code steps} values, more when {@code N} is not a multiple of {@code steps}.
     *
     * @param ms the model's sigma table
     * @param steps the number of steps, at least 1
     * @return the sigmas, ending in 0
     */
    public static double[] ddimUniform(ComfyModelSampling ms, int steps) {
        checkSteps(steps);
        List<Double> sigs = new ArrayList<>();
        int n = steps;
        boolean zeroFirst = true;
        if (Math.abs(ms.sigmaAt(1)) <= 1e-5) {
            n += 1;
            zeroFirst = false;
        }
        if (zeroFirst) sigs.add(0.0);
        int ss = Math.max(ms.size() / n, 1);
        for (int x = 1; x < ms.size(); x += ss) sigs.add(ms.sigmaAt(x));
        double[] out = new double[sigs.size()];
        for (int i = 0; i < out.length; i++) out[i] = sigs.get(sigs.size() - 1 - i);
        return out;
    }

    /**
     * ComfyUI {@code beta_scheduler} (Lee et al. 2024, "Beta Sampling is All You Need"): table indices
     * {@code rint(ppf(1 - linspace(0, 1, steps, endpoint=False); alpha, beta) * (N - 1))}, consecutive duplicates
     * dropped, then 0. Unlike diffusers' beta sigmas (the DSL's {@code beta}) it picks table entries, so it can
     * return fewer than {@code steps} sigmas.
     *
     * @param ms the model's sigma table
     * @param steps the number of steps, at least 1
     * @param alpha the first shape parameter of the Beta distribution, positive (ComfyUI's default 0.6)
     * @param beta the second shape parameter, positive (ComfyUI's default 0.6)
     * @return the sigmas, ending in 0 (fewer than {@code steps + 1} when indices repeat)
     */
    public static double[] beta(ComfyModelSampling ms, int steps, double alpha, double beta) {
        checkSteps(steps);
        int total = ms.size() - 1;
        double step = 1.0 / steps; // np.linspace(0, 1, steps, endpoint=False)
        List<Double> sigs = new ArrayList<>();
        double last = -1;
        for (int i = 0; i < steps; i++) {
            double t = Math.rint(BetaDistribution.ppf(1 - i * step, alpha, beta) * total);
            if (t != last) sigs.add(ms.sigmaAt((int) t));
            last = t;
        }
        double[] out = new double[sigs.size() + 1];
        for (int i = 0; i < sigs.size(); i++) out[i] = sigs.get(i);
        return out;
    }

    /**
     * ComfyUI {@code linear_quadratic_schedule} (Genmo's Mochi sampler, {@code infer.py}): {@code 1 - s} times
     * {@code sigma_max} for s linear up to {@code threshold_noise} over the first {@code linear_steps} steps
     * (default {@code steps / 2}), then quadratic up to 1; computed in float64, scaled in float32.
     *
     * @param sigmaMax the largest sigma (1 for flow models)
     * @param steps the number of steps, at least 1
     * @param thresholdNoise where the linear part ends, in {@code (0, 1)} (ComfyUI's default 0.025)
     * @param linearSteps {@code null} for {@code steps / 2}
     * @return {@code steps + 1} sigmas ending in 0
     */
    public static double[] linearQuadratic(double sigmaMax, int steps, double thresholdNoise, Integer linearSteps) {
        checkSteps(steps);
        double[] schedule;
        if (steps == 1) {
            schedule = new double[] {1.0, 0.0};
        } else {
            int ls = linearSteps == null ? steps / 2 : linearSteps;
            if (ls < 1 || ls >= steps) {
                throw new ScheduleException("linear_quadratic linear_steps must lie in [1, steps - 1] = [1, " + (steps - 1) + "], got " + ls);
            }
            int qs = steps - ls;
            double diff = ls - thresholdNoise * steps;
            double quadCoef = diff / ((long) ls * qs * qs);
            double linCoef = thresholdNoise / ls - 2 * diff / ((long) qs * qs);
            double constant = quadCoef * ((long) ls * ls);
            schedule = new double[steps + 1];
            for (int i = 0; i < ls; i++) schedule[i] = 1.0 - i * thresholdNoise / ls;
            for (int i = ls; i < steps; i++) schedule[i] = 1.0 - (quadCoef * ((long) i * i) + linCoef * i + constant);
            schedule[steps] = 0.0;
        }
        float max = (float) sigmaMax;
        double[] out = new double[schedule.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) schedule[i] * max;
        return out;
    }

    /**
     * ComfyUI {@code kl_optimal_scheduler} (Sabour et al. 2024, "Align Your Steps", KL-optimal schedule; A1111
     * PR 15608): {@code tan((i/(n-1)) atan(min) + (1 - i/(n-1)) atan(max))} in float32, then 0. With {@code n = 1}
     * the first value is NaN, as in ComfyUI.
     *
     * @param n the number of steps, at least 1
     * @param sigmaMin the smallest sigma, positive
     * @param sigmaMax the largest sigma
     * @return {@code n} sigmas, then 0
     */
    public static double[] klOptimal(int n, double sigmaMin, double sigmaMax) {
        checkSteps(n);
        float aMin = (float) Math.atan(sigmaMin);
        float aMax = (float) Math.atan(sigmaMax);
        float denom = n - 1;
        double[] out = new double[n + 1];
        for (int i = 0; i < n; i++) {
            float adj = i / denom;
            out[i] = (float) Math.tan(adj * aMin + (1f - adj) * aMax);
        }
        return out;
    }

    /**
     * The sigmas ComfyUI's {@code KSampler} samples with ({@code set_steps} and {@code calculate_sigmas}): for
     * {@code denoise} in (0, 0.9999] it computes {@code int(steps / denoise)} steps and keeps the last
     * {@code steps + 1} sigmas; samplers in {@link #DISCARD_PENULTIMATE_SIGMA_SAMPLERS} get {@code steps + 1}
     * scheduler steps with the second-to-last sigma dropped. {@code denoise <= 0} gives no sigmas.
     *
     * @param ms the model's sigma table
     * @param scheduler ComfyUI's scheduler name
     * @param sampler ComfyUI's sampler name (some drop the penultimate sigma)
     * @param steps the number of steps, at least 1
     * @param denoise {@code NaN} or anything above 0.9999 means full denoise (ComfyUI's {@code None})
     * @return the sigmas the sampler is given
     */
    public static double[] ksampler(ComfyModelSampling ms, String scheduler, String sampler, int steps, double denoise) {
        if (Double.isNaN(denoise) || denoise > 0.9999) return ksamplerSigmas(ms, scheduler, sampler, steps);
        if (denoise <= 0.0) return new double[0];
        return tail(ksamplerSigmas(ms, scheduler, sampler, (int) (steps / denoise)), steps + 1);
    }

    private static double[] ksamplerSigmas(ComfyModelSampling ms, String scheduler, String sampler, int steps) {
        if (!DISCARD_PENULTIMATE_SIGMA_SAMPLERS.contains(sampler)) return calculateSigmas(ms, scheduler, steps);
        double[] s = calculateSigmas(ms, scheduler, steps + 1);
        double[] out = Arrays.copyOf(s, s.length - 1);
        out[out.length - 1] = s[s.length - 1];
        return out;
    }

    /**
     * ComfyUI's {@code BasicScheduler} node: for {@code denoise < 1}, {@code int(steps / denoise)} scheduler steps,
     * last {@code steps + 1} sigmas kept; {@code denoise <= 0} gives no sigmas.
     *
     * @param ms the model's sigma table
     * @param scheduler ComfyUI's scheduler name
     * @param steps the number of steps, at least 1
     * @param denoise the share of the schedule to run, in {@code [0, 1]}
     * @return the sigmas, empty for {@code denoise <= 0}
     */
    public static double[] basicScheduler(ComfyModelSampling ms, String scheduler, int steps, double denoise) {
        if (denoise >= 1.0) return calculateSigmas(ms, scheduler, steps);
        if (denoise <= 0.0) return new double[0];
        return tail(calculateSigmas(ms, scheduler, (int) (steps / denoise)), steps + 1);
    }

    /**
     * ComfyUI's {@code SDTurboScheduler} node (SD-Turbo / SDXL-Turbo, Sauer et al. 2023, "Adversarial Diffusion
     * Distillation"): timesteps 999, 899, ..., 99 starting at index {@code 10 - int(10 * denoise)}, {@code steps} of
     * them, through {@code sigma(t)}, then 0.
     *
     * @param ms the model's sigma table
     * @param steps the number of steps, 1 to 10
     * @param denoise the share of the schedule to run, in {@code (0, 1]}
     * @return {@code steps} sigmas, then 0
     */
    public static double[] sdTurbo(ComfyModelSampling ms, int steps, double denoise) {
        if (steps < 1 || steps > 10) throw new ScheduleException("the SD-Turbo scheduler takes 1..10 steps, got " + steps);
        int start = 10 - (int) (10 * denoise);
        int end = Math.min(start + steps, 10);
        int count = Math.max(end - start, 0);
        double[] out = new double[count + 1];
        for (int i = 0; i < count; i++) out[i] = ms.sigma(999 - 100 * (start + i));
        return out;
    }

    /** The last {@code k} values (all of them when there are fewer), as Python's {@code a[-k:]}. */
    static double[] tail(double[] a, int k) {
        return Arrays.copyOfRange(a, Math.max(0, a.length - k), a.length);
    }

    private static void checkSteps(int steps) {
        if (steps < 1) throw new ScheduleException("steps must be >= 1, got " + steps);
    }
}
