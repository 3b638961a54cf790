package org.sampler4j.api.diffusers;

import org.sampler4j.api.sampler.Latent;

/**
 * One diffusers scheduler class's {@code scale_model_input} and {@code step}, with the state the class keeps
 * between calls. {@link DiffusersStepper} owns the step index (diffusers' {@code _step_index}: the model call's
 * position in {@code timesteps}) and passes it in.
 */
interface ClassSteps extends AutoCloseable {
    /** {@code scale_model_input(sample, t)} at model call {@code index}. */
    Latent scaleModelInput(Latent sample, double t, int index);

    /** {@code step(model_output, t, sample).prev_sample} at model call {@code index}; works on the given sample. */
    Latent step(Latent modelOutput, double t, Latent sample, int index);

    @Override
    default void close() {}

    /** {@code x.clamp(-range, range)} ({@code clip_sample}, {@code clip_denoised}). */
    static Latent clamp(Latent x, double range) {
        double[] v = x.toDoubleArray();
        for (int i = 0; i < v.length; i++) v[i] = Math.max(-range, Math.min(range, v[i]));
        return x.withValues(v);
    }
}
