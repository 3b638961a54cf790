package org.sampler4j.api.schedule;

import java.util.Arrays;
import java.util.Map;
import org.sampler4j.api.schedule.SigmaRemap.RemapContext;
import org.sampler4j.api.schedule.generators.ComfyModelSampling;
import org.sampler4j.api.schedule.generators.ComfySchedulers;
import org.sampler4j.api.schedule.generators.Dtype;
import org.sampler4j.api.schedule.generators.KDiffusionSigmas;

/**
 * ComfyUI's schedulers and the remaining k-diffusion constructors as DSL remaps, under ComfyUI's names:
 * {@code simple}, {@code sgm_uniform}, {@code normal}, {@code ddim_uniform}, {@code linear_quadratic},
 * {@code kl_optimal}, {@code vp}, {@code laplace}, and {@code comfy_beta} for ComfyUI's {@code beta} scheduler (the
 * DSL name {@code beta} is diffusers' beta sigmas, {@code min + ppf(1 - ramp) (max - min)} in sigma space, while
 * ComfyUI's rounds the same quantiles to training-table indices and drops repeats). ComfyUI's {@code karras} and
 * {@code exponential} are the DSL's {@code karras()} and {@code exponential()}: same formulas, endpoints from the
 * spaced schedule, which for a discrete model are the table's ends.
 *
 * <p>The table-based ones ({@code simple}, {@code sgm_uniform}, {@code normal}, {@code ddim_uniform},
 * {@code comfy_beta}) need a {@link DiscreteNoiseModel} and index ComfyUI's float32 table for it
 * ({@link ComfyModelSampling#of}); they ignore the spaced sigmas except for the step count. Values are ComfyUI's
 * float32 numbers. As with every remap, the final sigma comes from stage 5 ({@code 0} unless
 * {@code finalSigma(...)} says otherwise); {@code laplace} has no final 0 of its own in ComfyUI.
 */
public final class ComfyRemaps {
    private ComfyRemaps() {}

    /** Registers the remaps of this class in {@link RemapRegistry} (called once from its static initialiser). */
    static void registerAll() {
        RemapRegistry.register("simple", a -> new Simple());
        RemapRegistry.register("sgm_uniform", a -> new SgmUniform());
        RemapRegistry.register("normal", a -> new Normal());
        RemapRegistry.register("ddim_uniform", a -> new DdimUniform());
        RemapRegistry.register("comfy_beta", a -> new ComfyBeta(a.dbl("alpha", ComfySchedulers.BETA_DEFAULT),
                a.dbl("beta", ComfySchedulers.BETA_DEFAULT)), "alpha", "beta");
        RemapRegistry.register("linear_quadratic", a -> new LinearQuadratic(a.dbl("threshold_noise", ComfySchedulers.LINEAR_QUADRATIC_THRESHOLD),
                optInt(a, "linear_steps"), a.optDbl("sigma_max")), "threshold_noise", "linear_steps", "sigma_max");
        RemapRegistry.register("kl_optimal", a -> new KlOptimal(a.optDbl("sigma_min"), a.optDbl("sigma_max")), "sigma_min", "sigma_max");
        RemapRegistry.register("vp", a -> new Vp(a.dbl("beta_d", Vp.DEFAULT_BETA_D), a.dbl("beta_min", Vp.DEFAULT_BETA_MIN),
                a.dbl("eps_s", Vp.DEFAULT_EPS_S)), "beta_d", "beta_min", "eps_s");
        RemapRegistry.register("laplace", a -> new Laplace(a.dbl("mu", 0.0), a.dbl("beta", Laplace.DEFAULT_BETA), a.optDbl("sigma_min"),
                a.optDbl("sigma_max")), "mu", "beta", "sigma_min", "sigma_max");
    }

    private static Integer optInt(DslArgs a, String name) {
        Double v = a.optDbl(name);
        if (v == null) return null;
        if (v != Math.rint(v)) throw new ScheduleException(a.call() + "(...) argument '" + name + "' must be an integer, got " + ScheduleText.num(v));
        return (int) v.doubleValue();
    }

    /** ComfyUI's float32 table for the context's model, or an error naming the fix. */
    static ComfyModelSampling table(String remap, RemapContext c) {
        if (!(c.model() instanceof DiscreteNoiseModel d)) {
            throw new ScheduleException(remap + "() indexes a discrete training table, but the noise model is " + c.model().describe()
                    + "; use a sigma-space remap such as karras(), exponential() or kl_optimal() instead");
        }
        return ComfyModelSampling.of(d);
    }

    /** A ComfyUI result without its final sigma (stage 5 appends the final sigma). */
    private static double[] steps(double[] withFinal) {
        return Arrays.copyOf(withFinal, withFinal.length - 1);
    }

    /** ComfyUI {@code simple}: evenly strided training-table sigmas ({@link ComfySchedulers#simple}). */
    public record Simple() implements SigmaRemap {
        @Override public String name() { return "simple"; }
        @Override public Map<String, Object> nonDefaultParams() { return Map.of(); }
        @Override public double[] apply(RemapContext c) { return steps(ComfySchedulers.simple(table(name(), c), c.steps())); }
    }

    /** ComfyUI {@code sgm_uniform}: uniform timesteps, {@code steps} of {@code steps + 1} ({@link ComfySchedulers#normal}). */
    public record SgmUniform() implements SigmaRemap {
        @Override public String name() { return "sgm_uniform"; }
        @Override public Map<String, Object> nonDefaultParams() { return Map.of(); }
        @Override public double[] apply(RemapContext c) { return steps(ComfySchedulers.normal(table(name(), c), c.steps(), true)); }
    }

    /** ComfyUI {@code normal}: uniform timesteps from the table's top to its bottom ({@link ComfySchedulers#normal}). */
    public record Normal() implements SigmaRemap {
        @Override public String name() { return "normal"; }
        @Override public Map<String, Object> nonDefaultParams() { return Map.of(); }
        @Override public double[] apply(RemapContext c) { return steps(ComfySchedulers.normal(table(name(), c), c.steps(), false)); }
    }

    /** ComfyUI {@code ddim_uniform}: table sigmas at a stride of {@code N // steps}; may return more steps ({@link ComfySchedulers#ddimUniform}). */
    public record DdimUniform() implements SigmaRemap {
        @Override public String name() { return "ddim_uniform"; }
        @Override public Map<String, Object> nonDefaultParams() { return Map.of(); }
        @Override public double[] apply(RemapContext c) { return steps(ComfySchedulers.ddimUniform(table(name(), c), c.steps())); }
    }

    /**
     * ComfyUI {@code beta}: beta-quantile table indices, repeats dropped ({@link ComfySchedulers#beta}); may return fewer steps.
     *
     * @param alpha the first shape parameter of the Beta distribution, positive (ComfyUI's default 0.6)
     * @param beta the second shape parameter, positive (ComfyUI's default 0.6)
     */
    public record ComfyBeta(double alpha, double beta) implements SigmaRemap {
        /**
         * Checks that both shape parameters are positive and finite.
         *
         * @param alpha positive and finite
         * @param beta positive and finite
         */
        public ComfyBeta {
            if (!(alpha > 0) || !(beta > 0) || Double.isInfinite(alpha) || Double.isInfinite(beta)) {
                throw new ScheduleException("comfy_beta(alpha, beta) needs positive finite alpha and beta, got " + alpha + ", " + beta);
            }
        }

        @Override public String name() { return "comfy_beta"; }

        @Override
        public Map<String, Object> nonDefaultParams() {
            return Remaps.params("alpha", alpha == ComfySchedulers.BETA_DEFAULT ? null : alpha, "beta", beta == ComfySchedulers.BETA_DEFAULT ? null : beta);
        }

        @Override public double[] apply(RemapContext c) { return steps(ComfySchedulers.beta(table(name(), c), c.steps(), alpha, beta)); }
    }

    /**
     * ComfyUI {@code linear_quadratic} (Mochi): linear then quadratic in {@code 1 - sigma/sigma_max} ({@link ComfySchedulers#linearQuadratic}).
     *
     * @param thresholdNoise where the linear part ends, in {@code [0, 1)} (ComfyUI's default 0.025)
     * @param linearSteps the steps of the linear part, or {@code null} for half the steps
     * @param sigmaMax the largest sigma, or {@code null} for the base schedule's
     */
    public record LinearQuadratic(double thresholdNoise, Integer linearSteps, Double sigmaMax) implements SigmaRemap {
        /**
         * Checks that {@code thresholdNoise} lies in {@code [0, 1)}.
         *
         * @param thresholdNoise in {@code [0, 1)}
         * @param linearSteps the linear part's steps, or {@code null}
         * @param sigmaMax the largest sigma, or {@code null}
         */
        public LinearQuadratic {
            if (!(thresholdNoise >= 0 && thresholdNoise < 1)) {
                throw new ScheduleException("linear_quadratic threshold_noise must lie in [0, 1), got " + thresholdNoise);
            }
        }

        @Override public String name() { return "linear_quadratic"; }

        @Override
        public Map<String, Object> nonDefaultParams() {
            return Remaps.params("threshold_noise", thresholdNoise == ComfySchedulers.LINEAR_QUADRATIC_THRESHOLD ? null : thresholdNoise,
                    "linear_steps", linearSteps, "sigma_max", sigmaMax);
        }

        @Override
        public double[] apply(RemapContext c) {
            return steps(ComfySchedulers.linearQuadratic(Remaps.hi(sigmaMax, c), c.steps(), thresholdNoise, linearSteps));
        }
    }

    /**
     * The KL-optimal schedule, {@code tan} of evenly spaced {@code atan(sigma)} ({@link ComfySchedulers#klOptimal}).
     *
     * @param sigmaMin the smallest sigma, or {@code null} for the base schedule's
     * @param sigmaMax the largest sigma, or {@code null} for the base schedule's
     */
    public record KlOptimal(Double sigmaMin, Double sigmaMax) implements SigmaRemap {
        @Override public String name() { return "kl_optimal"; }
        @Override public Map<String, Object> nonDefaultParams() { return Remaps.params("sigma_min", sigmaMin, "sigma_max", sigmaMax); }

        @Override
        public double[] apply(RemapContext c) {
            return steps(ComfySchedulers.klOptimal(c.steps(), Remaps.lo(sigmaMin, c), Remaps.hi(sigmaMax, c)));
        }
    }

    /**
     * k-diffusion's continuous VP schedule, float64, independent of the endpoints ({@link KDiffusionSigmas#vp}).
     *
     * @param betaD the slope of beta over time ({@code beta_d}, k-diffusion's default 19.9)
     * @param betaMin beta at time 0 ({@code beta_min}, default 0.1)
     * @param epsS the last time, positive ({@code eps_s}, default 1e-3)
     */
    public record Vp(double betaD, double betaMin, double epsS) implements SigmaRemap {
        /** k-diffusion's default beta_d. */
        public static final double DEFAULT_BETA_D = 19.9;
        /** k-diffusion's default beta_min. */
        public static final double DEFAULT_BETA_MIN = 0.1;
        /** k-diffusion's default eps_s. */
        public static final double DEFAULT_EPS_S = 1e-3;

        /**
         * Checks that {@code epsS} lies in {@code (0, 1)}.
         *
         * @param betaD the slope of beta
         * @param betaMin beta at time 0
         * @param epsS in {@code (0, 1)}
         */
        public Vp {
            if (!(epsS > 0 && epsS < 1)) throw new ScheduleException("vp eps_s must lie in (0, 1), got " + epsS);
        }

        @Override public String name() { return "vp"; }

        @Override
        public Map<String, Object> nonDefaultParams() {
            return Remaps.params("beta_d", betaD == DEFAULT_BETA_D ? null : betaD, "beta_min", betaMin == DEFAULT_BETA_MIN ? null : betaMin,
                    "eps_s", epsS == DEFAULT_EPS_S ? null : epsS);
        }

        @Override
        public double[] apply(RemapContext c) {
            return steps(KDiffusionSigmas.vp(c.steps(), betaD, betaMin, epsS, Dtype.FLOAT64, true));
        }
    }

    /**
     * ComfyUI's Laplace schedule, float64 ({@link KDiffusionSigmas#laplace}); its n values are the step sigmas.
     *
     * @param mu the location of the Laplace distribution in {@code log(sigma)} (ComfyUI's default 0)
     * @param beta its scale, positive (ComfyUI's default 0.5)
     * @param sigmaMin the smallest sigma, or {@code null} for the base schedule's
     * @param sigmaMax the largest sigma, or {@code null} for the base schedule's
     */
    public record Laplace(double mu, double beta, Double sigmaMin, Double sigmaMax) implements SigmaRemap {
        /** ComfyUI's default beta. */
        public static final double DEFAULT_BETA = 0.5;

        /**
         * Checks that {@code beta} is positive and finite.
         *
         * @param mu the location
         * @param beta positive and finite
         * @param sigmaMin the lower clamp, or {@code null}
         * @param sigmaMax the upper clamp, or {@code null}
         */
        public Laplace {
            if (!(beta > 0) || Double.isInfinite(beta)) throw new ScheduleException("laplace beta must be a positive number, got " + beta);
        }

        @Override public String name() { return "laplace"; }

        @Override
        public Map<String, Object> nonDefaultParams() {
            return Remaps.params("mu", mu == 0.0 ? null : mu, "beta", beta == DEFAULT_BETA ? null : beta, "sigma_min", sigmaMin, "sigma_max", sigmaMax);
        }

        @Override
        public double[] apply(RemapContext c) {
            return KDiffusionSigmas.laplace(c.steps(), Remaps.lo(sigmaMin, c), Remaps.hi(sigmaMax, c), mu, beta, Dtype.FLOAT64);
        }
    }
}
