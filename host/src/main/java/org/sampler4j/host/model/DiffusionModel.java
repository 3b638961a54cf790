package org.sampler4j.host.model;

import java.util.Optional;
import org.sampler4j.api.model.Prediction;
import org.sampler4j.api.schedule.NoiseModel;

/**
 * A model ready to sample: a network (batched, plain arrays in and out), how it is parameterized, what it is
 * conditioned on, and how its samples become pixels. Open one with {@link Models#open}: a TorchScript model folder
 * ({@link TorchScriptModel}) or a built-in analytic model ({@link AnalyticModel}).
 */
public interface DiffusionModel extends AutoCloseable {
    /** Display name. */
    String name();

    /** What {@link Models#open} needs to open this model again (a folder path or a built-in name). */
    String reference();

    /** The noise the model was trained on. */
    NoiseModel noiseModel();

    /** What the network predicts ({@code sample} for a model that is its own denoiser). */
    Prediction prediction();

    /** How the network is called at a noise level and how its output becomes {@code D}. */
    Parameterization parameterization();

    /**
     * The parameterization for sampling with a schedule resolved on {@code resolved}, the noise model a schedule's
     * modifiers may have changed ({@code .zeroSnr()} rescales the betas, {@code .shift()} shifts a flow model). The
     * network is then called at the timesteps of that noise model, as diffusers does when a scheduler is configured
     * with {@code rescale_betas_zero_snr} or a shift: a model trained on zero-SNR betas but described by its base betas
     * (as Stable Diffusion 2.x-style configs are) samples correctly with {@code .zeroSnr()}.
     *
     * @param resolved the schedule's noise model ({@link org.sampler4j.api.schedule.Schedule#model()})
     */
    default Parameterization parameterization(NoiseModel resolved) {
        return resolved.equals(noiseModel()) ? parameterization() : Parameterization.of(resolved, prediction());
    }

    /** One item's shape, {@code [C, H, W]}. */
    int[] itemShape();

    /** What the model is conditioned on. */
    ConditioningSpec conditioning();

    /** The schedule DSL the model suggests, if any. */
    Optional<String> defaultSchedule();

    /**
     * The network on a batch.
     *
     * @param input {@code B * C * H * W} floats, already scaled by {@code c_in}
     * @param timesteps one per item
     * @param cond the conditioning of each item ({@code cond.batch() == B})
     * @return the raw prediction, same size as {@code input}
     */
    float[] forward(float[] input, float[] timesteps, Conditions cond);

    /** The samples ({@code B * C * H * W} floats) as images. */
    PixelBatch toPixels(float[] samples, int batch);

    /**
     * The conditioning of {@code batch} unconditional items, the "negative" side of classifier-free guidance when none
     * is given: the null class, or an all-zero text embedding.
     */
    default Conditions unconditional(int batch) {
        ConditioningSpec c = conditioning();
        return switch (c.kindValue()) {
            case NONE -> Conditions.none(batch);
            case CLASS_LABEL -> {
                int[] l = new int[batch];
                java.util.Arrays.fill(l, c.nullClass());
                yield Conditions.labels(l);
            }
            case TEXT_EMBEDDING -> Conditions.embedding(new float[c.tokens() * c.dim()], batch);
        };
    }

    /** Native arrays held between calls (constant when nothing leaks; 0 for models without native state). */
    default int liveNativeArrays() {
        return 0;
    }

    @Override
    void close();
}
