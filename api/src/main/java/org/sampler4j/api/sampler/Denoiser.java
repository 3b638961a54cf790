package org.sampler4j.api.sampler;

/**
 * The model as samplers see it: {@code D(x; sigma)}, the estimate of the clean sample from a noisy one in the
 * variance-exploding convention {@code x = x0 + sigma * n} (k-diffusion's contract, Karras et al. 2022). Model
 * adapters turn eps-, v-, x0- and flow-predicting networks into this form, so samplers never branch on the
 * prediction type.
 */
@FunctionalInterface
public interface Denoiser {
    /**
     * @param x the noisy latent
     * @param sigma its noise level ({@code > 0})
     * @return the denoised estimate, same shape
     */
    Latent denoise(Latent x, double sigma);
}
