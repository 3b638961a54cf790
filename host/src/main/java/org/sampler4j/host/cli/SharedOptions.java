package org.sampler4j.host.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options that several commands share, as picocli mixins: one declaration, one help text and one check each. */
final class SharedOptions {
    private SharedOptions() {}

    /** {@code -g/--guidance}, {@code --allow-negative-guidance} and {@code --guidance-rescale} (run, eval, optimize). */
    static final class Guidance {
        @Option(names = {"-g", "--guidance"}, paramLabel = "SCALE", description = "Classifier-free guidance scale (default 1 = none; the unconditional pass is skipped).")
        double scale = 1;

        @Option(names = "--allow-negative-guidance", description = "Accept a negative --guidance (it steers away from the condition).")
        boolean allowNegative;

        @Option(names = "--guidance-rescale", paramLabel = "PHI", description = "diffusers' guidance_rescale in [0, 1] (default 0).")
        double rescale;

        /** Checks the values: finite, rescale in [0, 1], not negative unless allowed ({@link Checks#guidance}). */
        void check() {
            Checks.guidance(scale, rescale, allowNegative);
        }
    }

    /** {@code -O/--option [SAMPLER.]KEY=VALUE}, per sampler or for every selected sampler that has it (run, eval). */
    static final class SamplerOptions {
        @Option(names = {"-O", "--option"}, paramLabel = "[SAMPLER.]KEY=VALUE", description = {"A sampler option: KEY=VALUE applies to every selected sampler that has it,",
                "SAMPLER.KEY=VALUE to that sampler only, e.g. -O euler_ancestral.eta=0.5 (see 'sampler4j samplers ID')."})
        Map<String, String> values = new LinkedHashMap<>();
    }
}
