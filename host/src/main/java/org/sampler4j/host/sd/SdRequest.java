package org.sampler4j.host.sd;

import java.util.List;
import java.util.Map;
import org.sampler4j.api.diffusers.DiffusersConfig;

/**
 * One Stable Diffusion call: what diffusers' {@code StableDiffusionPipeline}, {@code StableDiffusionImg2ImgPipeline}
 * and {@code StableDiffusionXLPipeline} take, plus sampler4j's sampler/schedule choice.
 *
 * @param prompts the prompts (one image set per prompt)
 * @param negativePrompts one per prompt, or one for all, or null (SD: the empty prompt; SDXL: zeros when the model
 *     forces them)
 * @param prompts2 SDXL's {@code prompt_2} (second encoder), or null for {@code prompts}
 * @param negativePrompts2 SDXL's {@code negative_prompt_2}, or null for {@code negativePrompts}
 * @param imagesPerPrompt {@code num_images_per_prompt}
 * @param width image width in pixels, or null for the model's default
 * @param height image height in pixels, or null for the model's default
 * @param guidance classifier-free guidance scale; as in diffusers, guidance applies only when it is {@code > 1}
 * @param guidanceRescale {@code guidance_rescale} (0: none)
 * @param clipSkip text encoder layers to skip (0: none)
 * @param init the img2img init image, or null for text-to-image
 * @param strength img2img {@code strength} in (0, 1]
 * @param seed the seed
 * @param noise how the seed becomes noise
 * @param rng {@code torch-cpu} or {@code torch-cuda}
 * @param sampling the sampler and schedule
 * @param micro SDXL micro-conditioning (null: diffusers' defaults)
 */
public record SdRequest(List<String> prompts, List<String> negativePrompts, List<String> prompts2, List<String> negativePrompts2, int imagesPerPrompt,
                        Integer width, Integer height, double guidance, double guidanceRescale, int clipSkip, InitImage init, double strength,
                        long seed, Noise noise, String rng, Sampling sampling, Micro micro) {
    public SdRequest {
        prompts = List.copyOf(prompts);
        negativePrompts = negativePrompts == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(negativePrompts));
        prompts2 = prompts2 == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(prompts2));
        negativePrompts2 = negativePrompts2 == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(negativePrompts2));
    }

    /** How a seed becomes noise. */
    public enum Noise {
        /**
         * diffusers: one {@code torch.Generator} seeded once per call draws everything in the pipeline's order (initial
         * latents of the whole batch, or the VAE sample then the noise for img2img; then the scheduler's draws).
         */
        DIFFUSERS,
        /** sampler4j: item {@code i} uses seed {@code seed + i}, so a batch of 4 gives the images of 4 runs of 1. */
        PER_ITEM
    }

    /**
     * An init image for img2img.
     *
     * @param rgb {@code 3 * height * width} values in [0, 1], channels first
     * @param height pixels
     * @param width pixels
     */
    public record InitImage(float[] rgb, int height, int width) {}

    /** The sampler and schedule: a diffusers scheduler, or any sampler and schedule of the DSL. */
    public sealed interface Sampling permits Diffusers, Dsl {}

    /**
     * A diffusers scheduler class with its config, stepped as diffusers does (its timesteps, initial noise scale and
     * sample frame).
     *
     * @param config the scheduler class and config
     * @param steps {@code num_inference_steps}, or null with explicit {@code timesteps}
     * @param timesteps explicit timesteps, or null
     * @param stepKwargs extra {@code step()} arguments ({@code eta} ...)
     */
    public record Diffusers(DiffusersConfig config, Integer steps, double[] timesteps, Map<String, Object> stepKwargs) implements Sampling {}

    /**
     * A sampler4j sampler over a schedule DSL, resolved on the model's noise model.
     *
     * @param sampler sampler id
     * @param options sampler options
     * @param schedule schedule DSL text
     */
    public record Dsl(String sampler, Map<String, Object> options, String schedule) implements Sampling {}

    /**
     * SDXL micro-conditioning ({@code time_ids}); null entries take diffusers' defaults ({@code (height, width)},
     * {@code (0, 0)}; the negatives those of the positive side unless both negative sizes are given).
     *
     * @param originalSize {@code original_size (h, w)}
     * @param cropsCoordsTopLeft {@code crops_coords_top_left}
     * @param targetSize {@code target_size}
     * @param negativeOriginalSize {@code negative_original_size}
     * @param negativeCropsCoordsTopLeft {@code negative_crops_coords_top_left}
     * @param negativeTargetSize {@code negative_target_size}
     */
    public record Micro(int[] originalSize, int[] cropsCoordsTopLeft, int[] targetSize, int[] negativeOriginalSize, int[] negativeCropsCoordsTopLeft,
                        int[] negativeTargetSize) {}
}
