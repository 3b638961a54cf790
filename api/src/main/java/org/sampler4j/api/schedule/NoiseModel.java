package org.sampler4j.api.schedule;

/**
 * How a model was trained to see noise: the forward process that a schedule walks backwards.
 * <ul>
 *   <li>{@link DiscreteNoiseModel}: DDPM-style betas over {@code N} training timesteps (VP, SD1.5/SDXL);</li>
 *   <li>{@link FlowNoiseModel}: rectified flow, {@code x_t = (1-t) x0 + t noise}, sigma = t (SD3, FLUX);</li>
 *   <li>{@link EdmNoiseModel}: continuous VE sigmas in {@code [sigma_min, sigma_max]} (Karras et al. 2022).</li>
 * </ul>
 */
public sealed interface NoiseModel permits DiscreteNoiseModel, FlowNoiseModel, EdmNoiseModel {
    /** {@return smallest positive sigma the model was trained on} */
    double sigmaMin();

    /** {@return largest sigma the model was trained on} */
    double sigmaMax();

    /** {@return a short human-readable description (kind and parameters)} */
    String describe();
}
