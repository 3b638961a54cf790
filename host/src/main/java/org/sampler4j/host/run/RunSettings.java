package org.sampler4j.host.run;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sampler4j.api.schedule.ScheduleException;
import org.sampler4j.host.recipe.LoadedRecipe;
import org.sampler4j.host.recipe.Recipe;
import org.sampler4j.host.recipe.RecipeException;
import org.sampler4j.host.recipe.RecipePlan;
import org.sampler4j.host.recipe.Recipes;

/**
 * Everything that determines one generation: what {@link Generator} runs. It is embedded in every PNG (text chunk
 * {@value #PNG_KEY}) as a single-run {@link Recipe} ({@code recipe: 1}), so the settings of an image are a recipe that
 * {@code run --from image.png} and {@code run settings.yaml} read through the same path.
 *
 * @param version format version ({@value #VERSION}, the recipe version)
 * @param model model reference: a folder path or a built-in name
 * @param sampler sampler id
 * @param samplerOptions sampler options (sorted by name)
 * @param schedule schedule DSL text
 * @param seed seed of the first item (item {@code i} uses {@code seed + i})
 * @param batch number of items
 * @param rng initial noise generator ({@code torch-cpu}, {@code torch-cuda}), also the per-step one unless {@code stepRng} is set
 * @param guidance classifier-free guidance scale (1 = none)
 * @param guidanceRescale {@code guidance_rescale} (0 = none)
 * @param classLabels class label per item (one value = all items), for class-conditional models
 * @param embedding text embedding file, for text-embedding models
 * @param embeddingSha256 its SHA-256, checked when read back
 * @param negativeEmbedding unconditional (negative) embedding file, or null for zeros
 * @param negativeEmbeddingSha256 its SHA-256
 * @param stepRng the per-step noise ({@code torch-cpu}, {@code torch-cuda}, {@code brownian-torchsde}) when given; null:
 *     the sampler's reference noise ({@code brownian-torchsde} for the SDE DPM-Solver++ samplers under
 *     {@code reference=comfyui|k-diffusion}), else {@code rng}
 * @param text prompts and image settings of a Stable Diffusion model, or null
 */
public record RunSettings(int version, String model, String sampler, Map<String, Object> samplerOptions, String schedule, long seed, int batch,
                          String rng, double guidance, double guidanceRescale, List<Integer> classLabels, String embedding, String embeddingSha256,
                          String negativeEmbedding, String negativeEmbeddingSha256, String stepRng, Text text) implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** Settings without prompts. */
    public RunSettings(int version, String model, String sampler, Map<String, Object> samplerOptions, String schedule, long seed, int batch,
                       String rng, double guidance, double guidanceRescale, List<Integer> classLabels, String embedding, String embeddingSha256,
                       String negativeEmbedding, String negativeEmbeddingSha256, String stepRng) {
        this(version, model, sampler, samplerOptions, schedule, seed, batch, rng, guidance, guidanceRescale, classLabels, embedding, embeddingSha256,
                negativeEmbedding, negativeEmbeddingSha256, stepRng, null);
    }

    /** Noise orders: {@code per_item} (item i uses seed + i) or {@code diffusers} (one generator per call, diffusers' draw order). */
    public static final List<String> NOISE_ORDERS = List.of("per_item", "diffusers");

    /**
     * The prompts and image settings of a Stable Diffusion model ({@code kind: sd|sdxl}).
     *
     * @param prompt the prompt
     * @param negativePrompt the negative prompt (null: the empty prompt; SDXL: zeros where the model forces them)
     * @param prompt2 SDXL's prompt for the second text encoder (null: the prompt)
     * @param negativePrompt2 SDXL's second negative prompt (null: the negative prompt)
     * @param clipSkip text encoder layers to skip (null: 0)
     * @param width image width in pixels (null: the model's)
     * @param height image height in pixels (null: the model's)
     * @param initImage img2img init image (PNG), or null
     * @param initImageSha256 its SHA-256, checked when read back
     * @param strength img2img strength in (0, 1] (null: 0.8 with an init image)
     * @param noiseOrder {@code per_item} (null) or {@code diffusers}
     * @param sizes SDXL micro-conditioning by diffusers' argument name ({@code original_size}, {@code crops_coords_top_left},
     *     {@code target_size}, {@code negative_...}), each two numbers; null or empty for the defaults
     */
    public record Text(String prompt, String negativePrompt, String prompt2, String negativePrompt2, Integer clipSkip, Integer width, Integer height,
                       String initImage, String initImageSha256, Double strength, String noiseOrder, Map<String, List<Integer>> sizes)
            implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        /** SDXL micro-conditioning keys. */
        public static final List<String> SIZE_KEYS = List.of("original_size", "crops_coords_top_left", "target_size", "negative_original_size",
                "negative_crops_coords_top_left", "negative_target_size");

        public Text {
            sizes = sizes == null || sizes.isEmpty() ? null : new TreeMap<>(sizes);
        }

        /** A copy with another prompt. */
        public Text withPrompt(String p) {
            return new Text(p, negativePrompt, prompt2, negativePrompt2, clipSkip, width, height, initImage, initImageSha256, strength, noiseOrder, sizes);
        }
    }
    /** The current format version (the recipe version). */
    public static final int VERSION = Recipe.VERSION;
    /** The PNG text chunk keyword holding the settings. */
    public static final String PNG_KEY = "sampler4j";

    private static final Pattern SPACED = Pattern.compile("^(\\s*(?:leading|linspace|trailing)\\s*\\(\\s*)\\d+");
    private static final Pattern PRESET = Pattern.compile("^(\\s*preset\\s*\\(\\s*[^,()]+,\\s*)\\d+");

    public RunSettings {
        samplerOptions = samplerOptions == null ? Map.of() : new TreeMap<>(samplerOptions);
        classLabels = classLabels == null ? null : List.copyOf(classLabels);
    }

    /** The per-step noise named by the settings, else {@code rng} (the sampler may have another default: see {@code stepRng}). */
    public String stepRngOrDefault() {
        return stepRng != null ? stepRng : rng;
    }

    /** The settings as a single-run recipe (YAML). */
    public String toYaml() {
        return RecipePlan.recipeOf(this).toYaml();
    }

    /**
     * Reads a single-run recipe (as written by {@link #toYaml}); {@code source} names the text in messages, relative
     * paths are taken from the current folder.
     *
     * @throws RecipeException listing every problem, each with its line and column
     */
    public static RunSettings parse(String yaml, String source) {
        LoadedRecipe r = Recipes.parse(yaml, source, null).orThrow();
        return RecipePlan.single(r);
    }

    /** These settings with other prompt and image settings. */
    public RunSettings withText(Text t) {
        return new RunSettings(version, model, sampler, samplerOptions, schedule, seed, batch, rng, guidance, guidanceRescale, classLabels,
                embedding, embeddingSha256, negativeEmbedding, negativeEmbeddingSha256, stepRng, t);
    }

    /** These settings with the per-step noise {@code stepRng} (null: the default). */
    public RunSettings withStepRng(String stepRng) {
        return new RunSettings(version, model, sampler, samplerOptions, schedule, seed, batch, rng, guidance, guidanceRescale, classLabels,
                embedding, embeddingSha256, negativeEmbedding, negativeEmbeddingSha256, stepRng, text);
    }

    /**
     * The settings that reproduce item {@code i} alone: its seed, batch 1, its class label (with the {@code diffusers}
     * noise order the whole batch, of which the item is a part).
     */
    public RunSettings item(int i) {
        List<Integer> labels = classLabels == null ? null : List.of(classLabels.size() == 1 ? classLabels.get(0) : classLabels.get(i));
        if (text != null && "diffusers".equals(text.noiseOrder())) return this; // one generator for the whole call: the item is part of the batch
        return new RunSettings(version, model, sampler, samplerOptions, schedule, seed + i, 1, rng, guidance, guidanceRescale, labels,
                embedding, embeddingSha256, negativeEmbedding, negativeEmbeddingSha256, stepRng, text);
    }

    /**
     * {@code spec} with its step count replaced by {@code n}: works on spaced ({@code trailing(20)}) and preset bases.
     *
     * @throws ScheduleException when {@code n < 1} or the base fixes its own steps (explicit timesteps or sigmas)
     */
    public static String withSteps(String spec, int n) {
        if (n < 1) throw new ScheduleException("steps must be >= 1, got " + n);
        Matcher a = SPACED.matcher(spec);
        if (a.find()) return a.replaceFirst("$1" + n);
        Matcher b = PRESET.matcher(spec);
        if (b.find()) return b.replaceFirst("$1" + n);
        throw new ScheduleException("steps works with leading/linspace/trailing/preset schedules; '" + spec + "' fixes its own steps: put the count in the schedule or drop steps");
    }
}
