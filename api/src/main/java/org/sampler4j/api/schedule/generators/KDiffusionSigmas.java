package org.sampler4j.api.schedule.generators;

import org.sampler4j.api.math.Numerics;

/**
 * The sigma-schedule constructors of k-diffusion ({@code k_diffusion/sampling.py}, {@code get_sigmas_*}) and of
 * ComfyUI's copy ({@code comfy/k_diffusion/sampling.py}), in float64 or emulated float32 (see {@link Dtype}).
 * They take the endpoints explicitly; the DSL remaps in {@link org.sampler4j.api.schedule.ComfyRemaps} and
 * {@link org.sampler4j.api.schedule.Remaps} feed them from a noise model.
 *
 * <p>All but {@link #laplace} return {@code n + 1} values, the last 0 ({@code append_zero}); {@code laplace}
 * returns {@code n} values. Ramps use {@code torch.linspace} ({@link Numerics#torchLinspaceF32} /
 * {@link Numerics#torchLinspaceF64}), as the references do.
 */
public final class KDiffusionSigmas {
    private KDiffusionSigmas() {}

    /**
     * Karras et al. 2022, eq. 5 (k-diffusion {@code get_sigmas_karras}):
     * {@code (max^(1/rho) + ramp (min^(1/rho) - max^(1/rho)))^rho}, ramp = linspace(0, 1, n), plus a final 0.
     *
     * @param n the number of sigmas before the final 0, at least 1
     * @param sigmaMin the last positive sigma
     * @param sigmaMax the first sigma
     * @param rho the exponent, positive (7 in the paper)
     * @param dtype the precision torch computes in
     * @return {@code n + 1} sigmas, the last one 0
     */
    public static double[] karras(int n, double sigmaMin, double sigmaMax, double rho, Dtype dtype) {
        checkN(n);
        double minInv = Math.pow(sigmaMin, 1 / rho); // Python float arithmetic
        double maxInv = Math.pow(sigmaMax, 1 / rho);
        double[] out = new double[n + 1];
        if (dtype == Dtype.FLOAT64) {
            double[] ramp = Numerics.torchLinspaceF64(0, 1, n);
            for (int i = 0; i < n; i++) out[i] = Math.pow(maxInv + ramp[i] * (minInv - maxInv), rho);
        } else {
            float[] ramp = Numerics.torchLinspaceF32(0, 1, n);
            float diff = (float) (minInv - maxInv);
            float max = (float) maxInv;
            for (int i = 0; i < n; i++) out[i] = powF32(max + ramp[i] * diff, rho);
        }
        return out;
    }

    /**
     * k-diffusion {@code get_sigmas_exponential}: {@code exp(linspace(log max, log min, n))} plus a final 0.
     *
     * @param n the number of sigmas before the final 0, at least 1
     * @param sigmaMin the last positive sigma
     * @param sigmaMax the first sigma
     * @param dtype the precision torch computes in
     * @return {@code n + 1} sigmas, the last one 0
     */
    public static double[] exponential(int n, double sigmaMin, double sigmaMax, Dtype dtype) {
        checkN(n);
        double[] out = new double[n + 1];
        if (dtype == Dtype.FLOAT64) {
            double[] l = Numerics.torchLinspaceF64(Math.log(sigmaMax), Math.log(sigmaMin), n);
            for (int i = 0; i < n; i++) out[i] = Math.exp(l[i]);
        } else {
            float[] l = Numerics.torchLinspaceF32(Math.log(sigmaMax), Math.log(sigmaMin), n);
            for (int i = 0; i < n; i++) out[i] = expF32(l[i]);
        }
        return out;
    }

    /**
     * k-diffusion {@code get_sigmas_polyexponential}: {@code exp(ramp^rho (log max - log min) + log min)} with
     * ramp = linspace(1, 0, n), plus a final 0 (rho = 1 is {@link #exponential}).
     *
     * @param n the number of sigmas before the final 0, at least 1
     * @param sigmaMin the last positive sigma
     * @param sigmaMax the first sigma
     * @param rho the exponent of the ramp, positive
     * @param dtype the precision torch computes in
     * @return {@code n + 1} sigmas, the last one 0
     */
    public static double[] polyexponential(int n, double sigmaMin, double sigmaMax, double rho, Dtype dtype) {
        checkN(n);
        double logMin = Math.log(sigmaMin);
        double span = Math.log(sigmaMax) - logMin;
        double[] out = new double[n + 1];
        if (dtype == Dtype.FLOAT64) {
            double[] ramp = Numerics.torchLinspaceF64(1, 0, n);
            for (int i = 0; i < n; i++) out[i] = Math.exp(torchPow(ramp[i], rho) * span + logMin);
        } else {
            float[] ramp = Numerics.torchLinspaceF32(1, 0, n);
            float spanF = (float) span;
            float logMinF = (float) logMin;
            for (int i = 0; i < n; i++) {
                float r = (float) torchPow(ramp[i], rho);
                out[i] = expF32(r * spanF + logMinF);
            }
        }
        return out;
    }

    /**
     * The continuous VP schedule of Song et al. 2021 (k-diffusion {@code get_sigmas_vp}):
     * {@code sqrt(exp(beta_d t^2 / 2 + beta_min t) - 1)} for t = linspace(1, eps_s, n), plus a final 0.
     *
     * @param n the number of sigmas before the final 0, at least 1
     * @param betaD the slope of beta over time (k-diffusion's default 19.9)
     * @param betaMin beta at time 0 (default 0.1)
     * @param epsS the last time, positive (default 1e-3)
     * @param dtype the precision torch computes in
     * @param expm1 {@code false}: k-diffusion's {@code sqrt(exp(x) - 1)}; {@code true}: ComfyUI's
     *     {@code sqrt(expm1(x))} (differs in the last bits, and by ~2e-4 relative in float32 near {@code eps_s},
     *     where {@code exp(x) - 1} cancels)
     * @return {@code n + 1} sigmas, the last one 0
     */
    public static double[] vp(int n, double betaD, double betaMin, double epsS, Dtype dtype, boolean expm1) {
        checkN(n);
        double[] out = new double[n + 1];
        if (dtype == Dtype.FLOAT64) {
            double[] t = Numerics.torchLinspaceF64(1, epsS, n);
            for (int i = 0; i < n; i++) {
                double x = betaD * (t[i] * t[i]) / 2 + betaMin * t[i];
                out[i] = Math.sqrt(expm1 ? Math.expm1(x) : Math.exp(x) - 1);
            }
        } else {
            float[] t = Numerics.torchLinspaceF32(1, epsS, n);
            float bd = (float) betaD;
            float bm = (float) betaMin;
            for (int i = 0; i < n; i++) {
                float x = bd * (t[i] * t[i]) / 2f + bm * t[i];
                float e = expm1 ? (float) Math.expm1(x) : (float) Math.exp(x) - 1f;
                out[i] = (float) Math.sqrt(e);
            }
        }
        return out;
    }

    /**
     * The Laplace schedule of Tiankai et al. 2024 (ComfyUI {@code get_sigmas_laplace}; absent from k-diffusion):
     * {@code clamp(exp(mu - beta sign(1/2 - x) log(1 - 2|1/2 - x| + 1e-5)), min, max)}, x = linspace(0, 1, n).
     * Returns {@code n} values (no final 0).
     *
     * @param n the number of sigmas, at least 1
     * @param sigmaMin the lower clamp
     * @param sigmaMax the upper clamp
     * @param mu the location in {@code log(sigma)} (ComfyUI's default 0)
     * @param beta the scale, positive (ComfyUI's default 0.5)
     * @param dtype the precision torch computes in
     * @return the {@code n} sigmas
     */
    public static double[] laplace(int n, double sigmaMin, double sigmaMax, double mu, double beta, Dtype dtype) {
        checkN(n);
        double epsilon = 1e-5;
        double[] out = new double[n];
        if (dtype == Dtype.FLOAT64) {
            double[] x = Numerics.torchLinspaceF64(0, 1, n);
            for (int i = 0; i < n; i++) {
                double c = 0.5 - x[i];
                double lmb = mu - beta * Math.signum(c) * Math.log(1 - 2 * Math.abs(c) + epsilon);
                out[i] = Math.min(Math.max(Math.exp(lmb), sigmaMin), sigmaMax);
            }
        } else {
            float[] x = Numerics.torchLinspaceF32(0, 1, n);
            float eps = (float) epsilon;
            float muF = (float) mu;
            float betaF = (float) beta;
            float lo = (float) sigmaMin;
            float hi = (float) sigmaMax;
            for (int i = 0; i < n; i++) {
                float c = 0.5f - x[i];
                float log = (float) Math.log(1f - 2f * Math.abs(c) + eps);
                float lmb = muF - betaF * Math.signum(c) * log;
                out[i] = Math.min(Math.max(expF32(lmb), lo), hi);
            }
        }
        return out;
    }

    /** float32 {@code exp} (correctly rounded here; torch's kernels are within 1 ulp). */
    static float expF32(float x) {
        return (float) Math.exp(x);
    }

    /** float32 {@code pow(base, exponent)} with torch's exact special cases (see {@link #torchPow}). */
    static float powF32(float base, double exponent) {
        return (float) torchPow(base, (float) exponent);
    }

    /** {@code tensor ** exponent} as ATen computes it: exact for 1, {@code x*x} for 2, {@code sqrt} for 0.5. */
    static double torchPow(double base, double exponent) {
        if (exponent == 1) return base;
        if (exponent == 2) return base * base;
        if (exponent == 0.5) return Math.sqrt(base);
        return Math.pow(base, exponent);
    }

    private static void checkN(int n) {
        if (n < 1) throw new IllegalArgumentException("the number of sigmas n must be >= 1, got " + n);
    }
}
