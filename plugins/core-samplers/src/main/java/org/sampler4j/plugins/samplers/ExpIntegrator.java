package org.sampler4j.plugins.samplers;

import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.LatentRing;

/**
 * Exponential-integrator arithmetic of the DPM-Solver family (Lu et al. 2022) in the variance-exploding convention
 * of {@link org.sampler4j.api.sampler.Denoiser} ({@code alpha = 1}): time is the half log-SNR
 * {@code lambda = -log sigma}, a step has length {@code h = lambda(sigma_next) - lambda(sigma) = log(sigma /
 * sigma_next)}, and the phi-functions are written with {@code expm1} so small steps keep their precision.
 *
 * <p>Naming follows k-diffusion's {@code sample_dpmpp_3m_sde}: {@code phi1(h) = 1 - e^-h}, {@code phi2(h) =
 * expm1(-h)/h + 1}, {@code phi3(h) = phi2(h)/h - 1/2}; in the textbook notation {@code phi_k(z)} these are
 * {@code h phi_1(-h)}, {@code h phi_2(-h)} and {@code -h phi_3(-h)}. Never call {@link #lambda} with sigma 0: a step to
 * sigma 0 is the plain "x = denoised" (see {@link #firstOrder}).
 */
final class ExpIntegrator {
    private ExpIntegrator() {}

    /** The half log-SNR {@code -log sigma} (sigma > 0). */
    static double lambda(double sigma) {
        return -Math.log(sigma);
    }

    /** Inverse of {@link #lambda}: {@code e^-lambda}. */
    static double sigma(double lambda) {
        return Math.exp(-lambda);
    }

    /** The step length {@code lambda(sigmaNext) - lambda(sigma)} (both > 0; positive when sigma decreases). */
    static double h(double sigma, double sigmaNext) {
        return lambda(sigmaNext) - lambda(sigma);
    }

    /** {@code 1 - e^-h}: the weight of the denoised estimate in a first-order step of length h. */
    static double phi1(double h) {
        return -Math.expm1(-h);
    }

    /** {@code (e^-h - 1 + h) / h}: the weight of the first divided difference (second-order term). */
    static double phi2(double h) {
        return Math.expm1(-h) / h + 1;
    }

    /** {@code phi2(h)/h - 1/2}: the (negated) weight of the second divided difference (third-order term). */
    static double phi3(double h) {
        return phi2(h) / h - 0.5;
    }

    /**
     * The weight of the first divided difference {@code (D - D_prev) / r} in a second-order step: {@code phi2(h)}
     * ({@code heun}) or {@code phi1(h) / 2} ({@code midpoint}, DPM-Solver++(2M) of Lu et al.).
     */
    static double secondOrderWeight(double h, boolean heun) {
        return heun ? phi2(h) : 0.5 * phi1(h);
    }

    /**
     * Standard deviation of the noise a DPM-Solver++ SDE step of length h adds: {@code sigma_next sqrt(1 -
     * e^(-2 eta h))} ({@code eta = 1}: the reverse SDE; 0: the ODE).
     */
    static double sdeNoiseStd(double sigmaNext, double h, double eta) {
        return sigmaNext * Math.sqrt(-Math.expm1(-2 * h * eta));
    }

    /**
     * A first-order step (DDIM, DPM-Solver++(1)) from {@code sigma} to {@code sigmaTo} holding the denoised estimate
     * fixed: {@code (sigmaTo / sigma) x + (1 - e^-h) denoised}, written into {@code xs}. A step to 0 returns
     * {@code denoised}.
     */
    static Latent firstOrder(Latent x, double sigma, double sigmaTo, Latent denoised, LatentRing xs) {
        if (sigmaTo == 0) return denoised;
        double decay = sigmaTo / sigma;
        double weight = phi1(h(sigma, sigmaTo));
        return xs.sum(decay, x, weight, denoised);
    }
}
