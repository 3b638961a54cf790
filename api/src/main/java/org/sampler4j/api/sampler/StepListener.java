package org.sampler4j.api.sampler;

/**
 * Called after every sampler step: progress bars, previews, cancellation (throw {@link SamplingCancelledException}).
 * The step's latents may be the sampler's own storage ({@link LatentRing}), which its next steps overwrite: they are
 * valid during {@link #onStep} only; a listener that keeps one (a preview, a recorded trajectory) copies it.
 */
@FunctionalInterface
public interface StepListener {
    /** Does nothing. */
    StepListener NONE = s -> { };

    /**
     * Called once per step, after the update.
     *
     * @param step the finished step: its index, sigmas, sample and estimate
     */
    void onStep(Step step);

    /**
     * One finished step.
     *
     * @param index step index, from 0
     * @param steps number of steps
     * @param sigma the step's noise level
     * @param sigmaNext the next noise level
     * @param x the latent after the step
     * @param denoised the step's denoised estimate (preview)
     */
    record Step(int index, int steps, double sigma, double sigmaNext, Latent x, Latent denoised) {}
}
