package org.sampler4j.api.schedule;

import java.util.Map;

/**
 * Stage 3 of schedule resolution: replaces the sigmas of the spaced timesteps by another sequence
 * (Karras, exponential, beta, ComfyUI's named schedulers ...). Implementations are immutable values.
 *
 * <p>A remap returns the sigmas at which the model is evaluated, in descending order, <em>without</em> the
 * final sigma (stage 4 appends it). Most remaps return {@code ctx.steps()} values; a few (ComfyUI's
 * {@code ddim_uniform}) decide their own count.
 */
public interface SigmaRemap {
    /** {@return DSL name, e.g. {@code karras}} */
    String name();

    /** {@return parameters in DSL order, only those that differ from the defaults (used to print the spec)} */
    Map<String, Object> nonDefaultParams();

    /**
     * Computes the step sigmas.
     *
     * @param ctx the step count, the base schedule's endpoints and the noise model
     * @return the step sigmas, noisiest first, without the final sigma
     */
    double[] apply(RemapContext ctx);

    /**
     * What a remap sees.
     *
     * @param model the (adjusted) noise model
     * @param baseSigmas the sigmas of the spaced timesteps, descending, without the final sigma
     * @param steps number of steps asked for
     */
    record RemapContext(NoiseModel model, double[] baseSigmas, int steps) {
        /** {@return largest base sigma} */
        public double first() {
            return baseSigmas[0];
        }

        /** {@return smallest base sigma} */
        public double last() {
            return baseSigmas[baseSigmas.length - 1];
        }
    }
}
