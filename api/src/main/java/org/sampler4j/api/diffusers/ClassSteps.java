package org.sampler4j.api.diffusers;

import java.util.function.UnaryOperator;
import org.sampler4j.api.model.Denoisers;
import org.sampler4j.api.sampler.Latent;

/**
 * One diffusers scheduler class's {@code scale_model_input} and {@code step}, with the state the class keeps
 * between calls. {@link DiffusersStepper} owns the step index (diffusers' {@code _step_index}: the model call's
 * position in {@code timesteps}) and passes it in.
 */
interface ClassSteps extends AutoCloseable {
    /** {@code scale_model_input(sample, t)} at model call {@code index}; the sample itself unless the class scales it. */
    default Latent scaleModelInput(Latent sample, double t, int index) {
        return sample;
    }

    /** {@code step(model_output, t, sample).prev_sample} at model call {@code index}; works on the given sample. */
    Latent step(Latent modelOutput, double t, Latent sample, int index);

    @Override
    default void close() {}

    /** The identity: no thresholding. */
    UnaryOperator<Latent> NO_THRESHOLD = x0 -> x0;

    /**
     * diffusers' {@code _threshold_sample} on a data prediction where the config sets {@code thresholding}
     * ({@code dynamic_thresholding_ratio}, {@code sample_max_value}), else {@link #NO_THRESHOLD}.
     */
    static UnaryOperator<Latent> thresholding(DiffusersConfig cfg) {
        if (!cfg.bool("thresholding")) return NO_THRESHOLD;
        double ratio = cfg.dbl("dynamic_thresholding_ratio");
        double max = cfg.dbl("sample_max_value");
        return x0 -> Denoisers.dynamicThresholding((x, s) -> x0, ratio, max).denoise(x0, 0);
    }

    /** {@code x.clamp(-range, range)} ({@code clip_sample}, {@code clip_denoised}). */
    static Latent clamp(Latent x, double range) {
        double[] v = x.toDoubleArray();
        for (int i = 0; i < v.length; i++) v[i] = Math.max(-range, Math.min(range, v[i]));
        return x.withValues(v);
    }
}
