package org.sampler4j.plugins.samplers;

import java.util.List;
import org.sampler4j.api.sampler.OptionSpec;

/**
 * The ancestral split of a step (k-diffusion {@code get_ancestral_step}): going from {@code sigmaFrom} to
 * {@code sigmaTo}, the deterministic step only goes down to {@code sigma_down} and fresh noise of scale
 * {@code sigma_up} brings the level back up, {@code sigma_down^2 + sigma_up^2 = sigmaTo^2}. {@code eta} scales the
 * noise: 0 is the deterministic step, 1 the DDPM-like posterior sample.
 */
final class Ancestral {
    /** {@code eta} and {@code s_noise}, as in k-diffusion's ancestral samplers. */
    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.number("eta", 1.0, 0.0, null, "ancestral noise amount (0 = deterministic step, 1 = full ancestral step)"),
            OptionSpec.number("s_noise", 1.0, 0.0, null, "scale of the added noise"));

    private Ancestral() {}

    /** {@code [sigma_down, sigma_up]}; {@code eta = 0} gives {@code [sigmaTo, 0]}. */
    static double[] step(double sigmaFrom, double sigmaTo, double eta) {
        if (eta == 0) return new double[] {sigmaTo, 0.0};
        double fullUp = Math.sqrt(sigmaTo * sigmaTo * (sigmaFrom * sigmaFrom - sigmaTo * sigmaTo) / (sigmaFrom * sigmaFrom));
        double sigmaUp = Math.min(sigmaTo, eta * fullUp);
        double sigmaDown = Math.sqrt(sigmaTo * sigmaTo - sigmaUp * sigmaUp);
        return new double[] {sigmaDown, sigmaUp};
    }
}
