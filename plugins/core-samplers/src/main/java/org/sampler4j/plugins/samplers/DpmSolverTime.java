package org.sampler4j.plugins.samplers;

import java.util.List;
import org.sampler4j.api.sampler.OptionSpec;

/**
 * DPM-Solver's time variable {@code t = -ln sigma} (k-diffusion {@code DPMSolver.t/sigma}), the interval a schedule
 * maps to, and the ancestral ({@code eta > 0}) variant of a step.
 */
final class DpmSolverTime {
    /** {@code eta} (default 0 here) and {@code s_noise} of k-diffusion's {@code DPMSolver} samplers. */
    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.number("eta", 0.0, 0.0, null, "ancestral noise amount (0 = deterministic; noise is still drawn and multiplied by 0)"),
            OptionSpec.number("s_noise", 1.0, 0.0, null, "scale of the added noise"));

    private DpmSolverTime() {}

    static double sigma(double t) {
        return Math.exp(-t);
    }

    static double t(double sigma) {
        return -Math.log(sigma);
    }

    /**
     * {@code [sigma_min, sigma_max]} of a schedule as ComfyUI's {@code ksampler()} wrapper passes them to
     * {@code sample_dpm_fast/adaptive}: {@code sigmas[0]} and the last sigma, or the one before when the last is 0.
     */
    static double[] range(double[] sigmas) {
        double sigmaMin = sigmas[sigmas.length - 1];
        if (sigmaMin == 0) sigmaMin = sigmas[sigmas.length - 2];
        if (!(sigmaMin > 0) || !(sigmas[0] > 0)) throw new IllegalArgumentException("sigma_min and sigma_max must not be 0");
        return new double[] {sigmaMin, sigmas[0]};
    }

    /**
     * The {@code eta > 0} variant of a step from {@code t} to {@code tNext} (never past {@code tEnd}):
     * {@code [t_down, sigma_up]}, step deterministically to {@code t_down}, then add {@code sigma_up} noise;
     * {@code eta = 0}: {@code [tNext, 0]}.
     */
    static double[] ancestral(double t, double tNext, double eta, double tEnd) {
        if (eta == 0) return new double[] {tNext, 0.0};
        double tDown = Math.min(tEnd, t(AncestralStep.of(sigma(t), sigma(tNext), eta).down()));
        return new double[] {tDown, Math.sqrt(sigma(tNext) * sigma(tNext) - sigma(tDown) * sigma(tDown))};
    }
}
