package org.sampler4j.api.schedule;

import java.util.LinkedHashMap;
import java.util.Map;
import org.sampler4j.api.math.BetaDistribution;
import org.sampler4j.api.math.Numerics;
import org.sampler4j.api.schedule.SigmaRemap.RemapContext;

/**
 * The sigma remaps built into the DSL. Each is a record; {@code null} endpoint overrides mean "take the first and
 * last sigma of the spaced schedule", as diffusers does unless {@code sigma_min}/{@code sigma_max} are configured.
 */
public final class Remaps {
    private Remaps() {}

    static Map<String, Object> params(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) if (kv[i + 1] != null) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    static double lo(Double override, SigmaRemap.RemapContext c) {
        return override != null ? override : c.last();
    }

    static double hi(Double override, SigmaRemap.RemapContext c) {
        return override != null ? override : c.first();
    }

    private static double[] ramp(int n) {
        return Numerics.numpyLinspace(0, 1, n);
    }

    /**
     * Karras et al. 2022, eq. 5: {@code (max^(1/rho) + ramp (min^(1/rho) - max^(1/rho)))^rho}, float64
     * (diffusers {@code _convert_to_karras}, k-diffusion {@code get_sigmas_karras}).
     *
     * @param rho the exponent, positive (7 in the paper)
     * @param sigmaMin the smallest sigma, or {@code null} for the base schedule's
     * @param sigmaMax the largest sigma, or {@code null} for the base schedule's
     */
    public record Karras(double rho, Double sigmaMin, Double sigmaMax) implements SigmaRemap {
        /** Default rho 7. */
        public static final double DEFAULT_RHO = 7.0;

        /**
         * Checks that {@code rho} is positive.
         *
         * @param rho positive
         * @param sigmaMin the smallest sigma, or {@code null}
         * @param sigmaMax the largest sigma, or {@code null}
         */
        public Karras {
            if (!(rho > 0)) throw new ScheduleException("karras rho must be > 0, got " + rho);
        }

        @Override public String name() { return "karras"; }

        @Override
        public Map<String, Object> nonDefaultParams() {
            return params("rho", rho == DEFAULT_RHO ? null : rho, "sigma_min", sigmaMin, "sigma_max", sigmaMax);
        }

        @Override
        public double[] apply(RemapContext c) {
            return karras(c.steps(), lo(sigmaMin, c), hi(sigmaMax, c), rho);
        }

        /**
         * {@return the Karras sequence of {@code n} sigmas from {@code sigmaMax} down to {@code sigmaMin}}
         *
         * @param n the number of sigmas, at least 1
         * @param sigmaMin the last sigma, positive
         * @param sigmaMax the first sigma
         * @param rho the exponent, positive (7 in the paper)
         */
        public static double[] karras(int n, double sigmaMin, double sigmaMax, double rho) {
            return karrasAt(ramp(n), sigmaMin, sigmaMax, rho);
        }

        /**
         * {@return the Karras formula at given ramp positions (0 gives {@code sigmaMax}, 1 gives {@code sigmaMin})}
         *
         * @param ramp positions in {@code [0, 1]}
         * @param sigmaMin the sigma at ramp 1, positive
         * @param sigmaMax the sigma at ramp 0
         * @param rho the exponent, positive
         */
        public static double[] karrasAt(double[] ramp, double sigmaMin, double sigmaMax, double rho) {
            double minInv = Math.pow(sigmaMin, 1 / rho);
            double maxInv = Math.pow(sigmaMax, 1 / rho);
            double[] out = new double[ramp.length];
            for (int i = 0; i < ramp.length; i++) out[i] = Math.pow(maxInv + ramp[i] * (minInv - maxInv), rho);
            return out;
        }
    }

    /**
     * Log-linear sigmas: {@code exp(linspace(log max, log min, n))} (diffusers {@code _convert_to_exponential}).
     *
     * @param sigmaMin the smallest sigma, or {@code null} for the base schedule's
     * @param sigmaMax the largest sigma, or {@code null} for the base schedule's
     */
    public record Exponential(Double sigmaMin, Double sigmaMax) implements SigmaRemap {
        @Override public String name() { return "exponential"; }

        @Override
        public Map<String, Object> nonDefaultParams() {
            return params("sigma_min", sigmaMin, "sigma_max", sigmaMax);
        }

        @Override
        public double[] apply(RemapContext c) {
            double[] l = Numerics.numpyLinspace(Math.log(hi(sigmaMax, c)), Math.log(lo(sigmaMin, c)), c.steps());
            for (int i = 0; i < l.length; i++) l[i] = Math.exp(l[i]);
            return l;
        }
    }

    /**
     * Beta-distribution sigmas of Lee et al. 2024, "Beta Sampling is All You Need": {@code min + ppf(1 - ramp; a, b) (max - min)}
     * (diffusers {@code _convert_to_beta}, default alpha = beta = 0.6).
     *
     * @param alpha the first shape parameter, positive
     * @param beta the second shape parameter, positive
     * @param sigmaMin the smallest sigma, or {@code null} for the base schedule's
     * @param sigmaMax the largest sigma, or {@code null} for the base schedule's
     */
    public record Beta(double alpha, double beta, Double sigmaMin, Double sigmaMax) implements SigmaRemap {
        /** Default alpha and beta 0.6. */
        public static final double DEFAULT = 0.6;

        /**
         * Checks that both shape parameters are positive.
         *
         * @param alpha positive
         * @param beta positive
         * @param sigmaMin the smallest sigma, or {@code null}
         * @param sigmaMax the largest sigma, or {@code null}
         */
        public Beta {
            if (!(alpha > 0) || !(beta > 0)) throw new ScheduleException("beta(alpha, beta) needs alpha > 0 and beta > 0, got " + alpha + ", " + beta);
        }

        @Override public String name() { return "beta"; }

        @Override
        public Map<String, Object> nonDefaultParams() {
            return params("alpha", alpha == DEFAULT ? null : alpha, "beta", beta == DEFAULT ? null : beta, "sigma_min", sigmaMin, "sigma_max", sigmaMax);
        }

        @Override
        public double[] apply(RemapContext c) {
            double min = lo(sigmaMin, c);
            double max = hi(sigmaMax, c);
            double[] r = ramp(c.steps());
            double[] out = new double[r.length];
            for (int i = 0; i < r.length; i++) out[i] = min + BetaDistribution.ppf(1 - r[i], alpha, beta) * (max - min);
            return out;
        }
    }

    /**
     * k-diffusion {@code get_sigmas_polyexponential}: {@code exp(ramp^rho (log max - log min) + log min)}, ramp from 1 to 0.
     *
     * @param rho the exponent of the ramp, positive (1 is log-linear)
     * @param sigmaMin the smallest sigma, or {@code null} for the base schedule's
     * @param sigmaMax the largest sigma, or {@code null} for the base schedule's
     */
    public record PolyExponential(double rho, Double sigmaMin, Double sigmaMax) implements SigmaRemap {
        @Override public String name() { return "polyexponential"; }

        @Override
        public Map<String, Object> nonDefaultParams() {
            return params("rho", rho == 1.0 ? null : rho, "sigma_min", sigmaMin, "sigma_max", sigmaMax);
        }

        @Override
        public double[] apply(RemapContext c) {
            double lmin = Math.log(lo(sigmaMin, c));
            double lmax = Math.log(hi(sigmaMax, c));
            double[] r = Numerics.numpyLinspace(1, 0, c.steps());
            double[] out = new double[r.length];
            for (int i = 0; i < r.length; i++) out[i] = Math.exp(Math.pow(r[i], rho) * (lmax - lmin) + lmin);
            return out;
        }
    }
}
