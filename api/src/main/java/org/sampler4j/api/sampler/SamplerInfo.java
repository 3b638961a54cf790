package org.sampler4j.api.sampler;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a sampler is: its stable id, aliases, options and capabilities.
 *
 * @param id stable id: k-diffusion's function name without {@code sample_} ({@code euler}, {@code dpmpp_2m_sde})
 * @param aliases other accepted names ({@code euler_a}, {@code dpm++2m}, diffusers class names)
 * @param description one line
 * @param provenance paper and reference function it reproduces
 * @param options typed options with defaults
 * @param capabilities what it needs and supports
 */
public record SamplerInfo(String id, List<String> aliases, String description, String provenance, List<OptionSpec> options,
                          Capabilities capabilities) {
    /**
     * Checks that id and capabilities are given; copies the aliases and options.
     *
     * @param id not null
     * @param aliases the other names (copied)
     * @param description the one-line description
     * @param provenance the paper and reference function
     * @param options the option specs (copied)
     * @param capabilities not null
     */
    public SamplerInfo {
        Objects.requireNonNull(id);
        aliases = List.copyOf(aliases);
        options = List.copyOf(options);
        Objects.requireNonNull(capabilities);
    }

    /** Noise-model kinds a sampler supports. */
    public enum ModelKind {
        /** Discrete-time models trained on a beta schedule (Stable Diffusion 1.x/2.x, SDXL). */
        DISCRETE,
        /** Rectified-flow models (SD3, FLUX). */
        FLOW,
        /** Continuous-sigma models in the EDM (variance-exploding) parameterization. */
        EDM
    }

    /**
     * @param stochastic whether it draws noise
     * @param modelCallsPerStep model evaluations per step (the last step may use fewer)
     * @param modelKinds noise models it supports
     * @param needsUnconditional whether it needs the unconditional prediction separately (CFG++)
     */
    public record Capabilities(boolean stochastic, int modelCallsPerStep, Set<ModelKind> modelKinds, boolean needsUnconditional) {
        /**
         * Copies the model kinds.
         *
         * @param stochastic whether it draws noise
         * @param modelCallsPerStep denoiser calls per step
         * @param modelKinds the supported kinds (copied)
         * @param needsUnconditional whether it needs the unconditional estimate separately
         */
        public Capabilities {
            modelKinds = Set.copyOf(modelKinds);
        }

        /**
         * {@return a deterministic sampler for every noise model}
         *
         * @param callsPerStep denoiser calls per step, at least 1
         */
        public static Capabilities deterministic(int callsPerStep) {
            return new Capabilities(false, callsPerStep, Set.of(ModelKind.values()), false);
        }

        /**
         * {@return a stochastic sampler for every noise model}
         *
         * @param callsPerStep denoiser calls per step, at least 1
         */
        public static Capabilities stochastic(int callsPerStep) {
            return new Capabilities(true, callsPerStep, Set.of(ModelKind.values()), false);
        }
    }
}
