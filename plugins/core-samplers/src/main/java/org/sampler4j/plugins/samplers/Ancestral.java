package org.sampler4j.plugins.samplers;

import java.util.List;
import org.sampler4j.api.sampler.OptionSpec;

/**
 * The options of ancestral samplers; the step itself is {@link AncestralStep}.
 */
final class Ancestral {
    /** {@code eta} and {@code s_noise}, as in k-diffusion's ancestral samplers. */
    static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.number("eta", 1.0, 0.0, null, "ancestral noise amount (0 = deterministic step, 1 = full ancestral step)"),
            OptionSpec.number("s_noise", 1.0, 0.0, null, "scale of the added noise"));

    private Ancestral() {}
}
