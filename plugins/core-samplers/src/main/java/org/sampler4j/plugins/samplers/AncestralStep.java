package org.sampler4j.plugins.samplers;

/**
 * An ancestral step (k-diffusion {@code get_ancestral_step}): a step from {@code sigmaFrom} to {@code sigmaTo} is
 * split into a deterministic step down to {@code down} and fresh noise of standard deviation {@code up}, with
 * {@code down^2 + up^2 = sigmaTo^2}. {@code eta} scales the noise (0: no noise, {@code down = sigmaTo}; 1: the
 * DDPM-like amount {@code up = sigmaTo sqrt(1 - sigmaTo^2 / sigmaFrom^2)}); {@code up} never exceeds {@code sigmaTo}.
 *
 * @param down the noise level the deterministic step goes to
 * @param up the standard deviation of the noise added afterwards
 */
record AncestralStep(double down, double up) {
    static AncestralStep of(double sigmaFrom, double sigmaTo, double eta) {
        if (eta == 0) return new AncestralStep(sigmaTo, 0.0);
        double to2 = sigmaTo * sigmaTo;
        double from2 = sigmaFrom * sigmaFrom;
        double up = Math.min(sigmaTo, eta * Math.sqrt(to2 * (from2 - to2) / from2));
        double down = Math.sqrt(to2 - up * up);
        return new AncestralStep(down, up);
    }
}
