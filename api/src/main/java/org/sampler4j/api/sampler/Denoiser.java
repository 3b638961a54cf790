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

    /**
     * As {@link #denoise(Latent, double)}, where the result may be written into {@code into}, storage the calling
     * sampler owns ({@link LatentRing}; the result is then valid as that ring's contract says). Model adapters
     * ({@code org.sampler4j.api.model.Denoisers}) override it to save a full-size allocation per call; the default
     * ignores {@code into}. Either way {@code x} is valid during the call only: copy it to keep it. The result's
     * evaluation may be deferred to its first use, at the latest the sampler's next model call
     * ({@link SamplerStorage#denoise}; not at all when nothing reads it before that call overwrites it): an adapter
     * writes it into {@code into} as its last step, and the latents that write reads (the network's output) stay
     * unchanged until then.
     *
     * @param x     the noisy latent
     * @param sigma its noise level ({@code > 0})
     * @param into  a ring for the result ({@link LatentRing#none()}: allocate)
     * @return the denoised estimate, same shape
     */
    default Latent denoise(Latent x, double sigma, LatentRing into) {
        return denoise(x, sigma);
    }
}
