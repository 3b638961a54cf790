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
 */
public record RunSettings(int version, String model, String sampler, Map<String, Object> samplerOptions, String schedule, long seed, int batch,
                          String rng, double guidance, double guidanceRescale, List<Integer> classLabels, String embedding, String embeddingSha256,
                          String negativeEmbedding, String negativeEmbeddingSha256, String stepRng) implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
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

    /** These settings with the per-step noise {@code stepRng} (null: the default). */
    public RunSettings withStepRng(String stepRng) {
        return new RunSettings(version, model, sampler, samplerOptions, schedule, seed, batch, rng, guidance, guidanceRescale, classLabels,
                embedding, embeddingSha256, negativeEmbedding, negativeEmbeddingSha256, stepRng);
    }

    /** The settings that reproduce item {@code i} alone: its seed, batch 1, its class label. */
    public RunSettings item(int i) {
        List<Integer> labels = classLabels == null ? null : List.of(classLabels.size() == 1 ? classLabels.get(0) : classLabels.get(i));
        return new RunSettings(version, model, sampler, samplerOptions, schedule, seed + i, 1, rng, guidance, guidanceRescale, labels,
                embedding, embeddingSha256, negativeEmbedding, negativeEmbeddingSha256, stepRng);
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
