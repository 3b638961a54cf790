package org.sampler4j.api.sampler;

import org.sampler4j.api.guidance.Guidance;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * A denoiser under classifier-free guidance that also exposes the unconditional estimate, for samplers that need it
 * separately (CFG++, Chung et al. 2024: the renoising step uses the unconditional prediction). A sampler that
 * declares {@link SamplerInfo.Capabilities#needsUnconditional()} obtains it with {@link #require}; every other sampler
 * just calls {@link #denoise}, which returns the guided estimate.
 */
public interface GuidedDenoiser extends Denoiser {
    /**
     * Both estimates of one guided model evaluation.
     *
     * @param guided {@code uncond + scale (cond - uncond)}
     * @param unconditional the unconditional estimate
     */
    record Estimates(Latent guided, Latent unconditional) {}

    /**
     * {@return the guided and unconditional estimates at {@code (x, sigma)}}
     *
     * @param x the sample
     * @param sigma its noise level
     */
    Estimates denoiseBoth(Latent x, double sigma);

    @Override
    default Latent denoise(Latent x, double sigma) {
        return denoiseBoth(x, sigma).guided();
    }

    /**
     * Classifier-free guidance on denoised estimates (equivalent to guidance on eps or v: the estimate is affine in
     * the prediction with the same coefficients for both).
     *
     * @param conditional the denoiser with the condition
     * @param unconditional the denoiser without it (or with the negative prompt)
     * @param scale the guidance scale (1: the conditional estimate)
     * @return the guided denoiser
     */
    static GuidedDenoiser of(Denoiser conditional, Denoiser unconditional, double scale) {
        return (x, sigma) -> {
            Latent u = unconditional.denoise(x, sigma);
            Latent c = conditional.denoise(x, sigma);
            return new Estimates(Guidance.cfg(u, c, scale), u);
        };
    }

    /**
     * {@return the model as a guided denoiser, or an error naming the sampler when the caller passed a plain one}
     *
     * @param model the denoiser the caller passed
     * @param sampler the sampler that needs the unconditional estimate
     */
    static GuidedDenoiser require(Denoiser model, SamplerInfo sampler) {
        if (model instanceof GuidedDenoiser g) return g;
        throw new ScheduleException("sampler '" + sampler.id() + "' needs the unconditional prediction: pass a GuidedDenoiser"
                + " (GuidedDenoiser.of(cond, uncond, scale)) or use a sampler without CFG++");
    }
}
