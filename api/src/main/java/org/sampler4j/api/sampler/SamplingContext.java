package org.sampler4j.api.sampler;

import java.util.Objects;

/**
 * What a sampler gets besides the model and the latent: its noise and the per-step hook.
 *
 * @param noise the noise for stochastic steps
 * @param listener called after every step
 */
public record SamplingContext(NoiseSource noise, StepListener listener) {
    /**
     * Checks that the noise source and the listener are given.
     *
     * @param noise not null
     * @param listener not null ({@link StepListener#NONE} for none)
     */
    public SamplingContext {
        Objects.requireNonNull(noise, "noise");
        Objects.requireNonNull(listener, "listener");
    }

    /**
     * {@return a context with a noise source and no listener}
     *
     * @param noise the per-step noise of stochastic samplers
     */
    public static SamplingContext of(NoiseSource noise) {
        return new SamplingContext(noise, StepListener.NONE);
    }

    /** {@return a context for deterministic samplers: asking for noise is an error} */
    public static SamplingContext deterministic() {
        return of((s, sn, like) -> {
            throw new IllegalStateException("this sampling context has no noise source; give one for stochastic samplers");
        });
    }

    /**
     * Reports a finished step to the listener.
     *
     * @param index the step just finished, from 0
     * @param sigmas the schedule's sigmas
     * @param x the sample after the step
     * @param denoised the last denoised estimate of the step
     */
    public void step(int index, double[] sigmas, Latent x, Latent denoised) {
        ArrayLatent.materialize(x); // a deferred denoised estimate (SamplerStorage.denoise) leaves the sampler here
        if (listener == StepListener.NONE) return;
        ArrayLatent.materialize(denoised);
        listener.onStep(new StepListener.Step(index, sigmas.length - 1, sigmas[index], sigmas[index + 1], x, denoised));
    }
}
