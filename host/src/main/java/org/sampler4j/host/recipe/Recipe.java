package org.sampler4j.host.recipe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sampler4j.host.recipe.Schema.Key;
import org.sampler4j.host.recipe.Schema.OneOrMany;
import org.sampler4j.host.recipe.Schema.Range;
import org.sampler4j.host.recipe.Schema.Required;

/**
 * A recipe: a versioned YAML document ({@code recipe: 1}) that describes one generation or a sweep of them. Every key
 * is optional except {@code recipe} and {@code model} (which may come from the recipe it {@code extends}); paths are
 * relative to the file that names them. See {@code examples/recipes/README.md} for the format with examples.
 *
 * @param recipe the format version, {@value #VERSION}
 * @param extendsFile a base recipe (relative path): this document's keys are laid over it, maps merged key by key
 * @param model the model: a folder, or the built-in analytic model with its shape
 * @param sampler sampler id or alias (default {@code euler})
 * @param samplerOptions sampler options, checked against the sampler ({@code sampler4j samplers ID})
 * @param schedule the schedule: DSL text and/or structured keys (default: the model's, else {@code trailing(20)})
 * @param steps step count, replacing the one in the schedule (spaced and preset bases)
 * @param seed seed of item 0; item {@code i} uses {@code seed + i} (default 0)
 * @param rng noise generators (default {@code torch-cpu} for both streams)
 * @param batch images per run (default 1)
 * @param guidance classifier-free guidance (default scale 1 = none, rescale 0)
 * @param conditioning what the images are conditioned on
 * @param image image size and img2img init image (Stable Diffusion models)
 * @param outputs where images, grid and index go
 * @param plugins plugins folder (relative to this file); {@code --plugins} wins over it
 * @param sweep values to sweep: one run per combination
 */
public record Recipe(@Required("the format version: recipe: 1") Integer recipe,
                     @Key("extends") String extendsFile,
                     ModelRef model,
                     String sampler,
                     Map<String, Object> samplerOptions,
                     ScheduleSpec schedule,
                     @Range(min = 1, max = 10_000) Integer steps,
                     @Range(min = 0) Long seed,
                     Rng rng,
                     @Range(min = 1, max = 1024) Integer batch,
                     Guidance guidance,
                     Conditioning conditioning,
                     Image image,
                     Outputs outputs,
                     String plugins,
                     Sweep sweep) {
    /** The format version this sampler4j reads and writes. */
    public static final int VERSION = 1;

    /** Built-in model references: {@code gmm} or {@code gmm:CxHxW}. */
    static final Pattern BUILT_IN = Pattern.compile("(gmm)(?::(\\d+)x(\\d+)x(\\d+))?");

    /**
     * The model.
     *
     * @param path a model folder (model.yaml + TorchScript), relative to the recipe
     * @param builtin a built-in analytic model: {@code gmm}
     * @param shape the built-in model's item shape {@code [C, H, W]} (default {@code [3, 16, 16]})
     */
    public record ModelRef(String path, String builtin, @Range(min = 1, max = 1024) List<Integer> shape) {
        /** {@code model: gmm}, {@code model: gmm:3x8x8} or {@code model: some/folder}. */
        static ModelRef shorthand(Object v) {
            if (!(v instanceof String s)) throw new IllegalArgumentException("expected a model folder, gmm or gmm:CxHxW, or a map with path or builtin, got " + v);
            Matcher m = BUILT_IN.matcher(s);
            if (!m.matches()) return new ModelRef(s, null, null);
            return new ModelRef(null, m.group(1), m.group(2) == null ? null
                    : List.of(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4))));
        }

        Object shorthandValue() {
            if (path != null && builtin == null && shape == null) return path;
            if (path == null && builtin != null && BUILT_IN.matcher(builtin).matches()) {
                return shape == null ? builtin : shape.size() == 3 ? builtin + ":" + shape.get(0) + "x" + shape.get(1) + "x" + shape.get(2) : null;
            }
            return null;
        }
    }

    /**
     * A schedule: DSL text ({@code trailing(10).karras().zeroSnr()}) and/or structured keys with the same meaning, which
     * become DSL modifiers. Exactly one base: {@code text}, {@code spacing}, {@code timesteps}, {@code sigmas} or
     * {@code preset}; the step count of {@code spacing} and {@code preset} is the recipe's {@code steps}.
     *
     * @param text DSL text
     * @param spacing {@code leading}, {@code linspace} or {@code trailing}
     * @param timesteps explicit timesteps, noisiest first
     * @param sigmas explicit sigmas, n+1 values with the final one
     * @param preset a schedule preset id ({@code ays}, {@code gits}, ...)
     * @param presetOptions the preset's options, e.g. {@code {model: sdxl}}
     * @param stepsOffset diffusers' {@code steps_offset}
     * @param remap a sigma remap: {@code karras}, {@code karras(rho=5)}, {@code exponential}, ...
     * @param zeroSnr rescale the betas to zero terminal SNR
     * @param finalSigma {@code zero} or {@code sigma_min}
     * @param shift flow-matching shift
     */
    public record ScheduleSpec(String text, String spacing, List<Double> timesteps, List<Double> sigmas, String preset,
                               Map<String, Object> presetOptions, @Range(min = 0, max = 1000) Integer stepsOffset, String remap,
                               Boolean zeroSnr, String finalSigma, @Range(min = 0) Double shift) {
        static ScheduleSpec shorthand(Object v) {
            if (!(v instanceof String s)) throw new IllegalArgumentException("expected schedule DSL text such as 'trailing(10).karras()' or a map (text, spacing, timesteps, sigmas, preset, remap, zero_snr, ...), got " + v);
            return new ScheduleSpec(s, null, null, null, null, null, null, null, null, null, null);
        }

        /** DSL text alone. */
        public static ScheduleSpec of(String text) {
            return shorthand(text);
        }

        Object shorthandValue() {
            return text != null && spacing == null && timesteps == null && sigmas == null && preset == null && presetOptions == null
                    && stepsOffset == null && remap == null && zeroSnr == null && finalSigma == null && shift == null ? text : null;
        }

        /** The bases given, by key. */
        List<String> bases() {
            List<String> b = new ArrayList<>();
            if (text != null) b.add("text");
            if (spacing != null) b.add("spacing");
            if (timesteps != null) b.add("timesteps");
            if (sigmas != null) b.add("sigmas");
            if (preset != null) b.add("preset");
            return b;
        }

        /** The modifiers as DSL text ({@code .stepsOffset(1).karras().zeroSnr()}). */
        String modifiers() {
            StringBuilder b = new StringBuilder();
            if (stepsOffset != null) b.append(".stepsOffset(").append(stepsOffset).append(')');
            if (remap != null) b.append('.').append(remap.strip()).append(remap.contains("(") ? "" : "()");
            if (Boolean.TRUE.equals(zeroSnr)) b.append(".zeroSnr()");
            if (finalSigma != null) b.append(".finalSigma(").append(finalSigma).append(')');
            if (shift != null) b.append(".shift(").append(Compact.number(shift)).append(')');
            return b.toString();
        }
    }

    /**
     * The noise of the two streams: the initial noise and the per-step noise of stochastic samplers. {@code rng: torch-cuda}
     * is {@code {initial: torch-cuda}}: the per-step noise is then the sampler's reference noise (a torchsde Brownian tree,
     * {@code brownian-torchsde}, for {@code dpmpp_sde}, {@code dpmpp_2m_sde} and {@code dpmpp_3m_sde} as in k-diffusion
     * and ComfyUI), else the initial generator.
     *
     * @param initial {@code torch-cpu} or {@code torch-cuda}
     * @param steps {@code torch-cpu}, {@code torch-cuda} or {@code brownian-torchsde}; null for the default above
     * @param order Stable Diffusion models: {@code per_item} (default: item {@code i} uses {@code seed + i}) or
     *     {@code diffusers} (one generator per call in diffusers' draw order: diffusers' images for the same seed)
     */
    public record Rng(String initial, String steps, String order) {
        static Rng shorthand(Object v) {
            if (!(v instanceof String s)) throw new IllegalArgumentException("expected torch-cpu or torch-cuda, or a map with initial, steps and order, got " + v);
            return new Rng(s, null, null);
        }

        Object shorthandValue() {
            return initial != null && steps == null && order == null ? initial : null;
        }
    }

    /**
     * Classifier-free guidance. {@code guidance: 4} is {@code guidance: {scale: 4}}.
     *
     * @param scale guidance scale (1 = none: the unconditional pass is skipped)
     * @param rescale diffusers' {@code guidance_rescale}, 0..1
     */
    public record Guidance(@Range(min = 0, max = 100) Double scale, @Range(min = 0, max = 1) Double rescale) {
        static Guidance shorthand(Object v) {
            if (!(v instanceof Number n)) throw new IllegalArgumentException("expected a guidance scale (a number) or a map with scale and rescale, got " + v);
            double d = n.doubleValue();
            if (!(d >= 0 && d <= 100)) throw new IllegalArgumentException("value " + Compact.number(d) + " is out of range: expected a guidance scale from 0 to 100");
            return new Guidance(d, null);
        }

        Object shorthandValue() {
            return rescale == null ? scale : null;
        }
    }

    /**
     * Conditioning: a class label (class-conditional models) or text (prompt, or a precomputed embedding file).
     *
     * @param classLabels one label for all items, or one per item
     * @param prompt the prompt, for models with a text encoder
     * @param negativePrompt the negative prompt
     * @param embedding a text embedding file ({@code .json} numbers or raw float32), relative to the recipe
     * @param embeddingSha256 the embedding's SHA-256, checked when given (written into PNGs)
     * @param negativeEmbedding the unconditional (negative) embedding file (default zeros)
     * @param negativeEmbeddingSha256 its SHA-256
     * @param prompt2 SDXL: the prompt of the second text encoder (default: prompt)
     * @param negativePrompt2 SDXL: the second negative prompt (default: negative_prompt)
     * @param clipSkip text encoder layers to skip (default 0)
     * @param originalSize SDXL micro-conditioning {@code [height, width]} (default: the image size)
     * @param cropsCoordsTopLeft SDXL {@code [top, left]} (default {@code [0, 0]})
     * @param targetSize SDXL {@code [height, width]} (default: the image size)
     * @param negativeOriginalSize SDXL, negative side (used with negative_target_size)
     * @param negativeCropsCoordsTopLeft SDXL, negative side
     * @param negativeTargetSize SDXL, negative side
     */
    public record Conditioning(@Key("class") @OneOrMany @Range(min = 0) List<Integer> classLabels, String prompt, String negativePrompt,
                               String embedding, String embeddingSha256, String negativeEmbedding, String negativeEmbeddingSha256,
                               @Key("prompt_2") String prompt2, @Key("negative_prompt_2") String negativePrompt2, @Range(min = 0, max = 48) Integer clipSkip,
                               @Range(min = 0, max = 65536) List<Integer> originalSize, @Range(min = 0, max = 65536) List<Integer> cropsCoordsTopLeft,
                               @Range(min = 0, max = 65536) List<Integer> targetSize, @Range(min = 0, max = 65536) List<Integer> negativeOriginalSize,
                               @Range(min = 0, max = 65536) List<Integer> negativeCropsCoordsTopLeft, @Range(min = 0, max = 65536) List<Integer> negativeTargetSize) {
        /** The SDXL size keys with their values (absent ones left out). */
        Map<String, List<Integer>> sizes() {
            Map<String, List<Integer>> m = new java.util.LinkedHashMap<>();
            if (originalSize != null) m.put("original_size", originalSize);
            if (cropsCoordsTopLeft != null) m.put("crops_coords_top_left", cropsCoordsTopLeft);
            if (targetSize != null) m.put("target_size", targetSize);
            if (negativeOriginalSize != null) m.put("negative_original_size", negativeOriginalSize);
            if (negativeCropsCoordsTopLeft != null) m.put("negative_crops_coords_top_left", negativeCropsCoordsTopLeft);
            if (negativeTargetSize != null) m.put("negative_target_size", negativeTargetSize);
            return m;
        }
    }

    /**
     * The image of a Stable Diffusion model.
     *
     * @param width width in pixels, a multiple of the VAE scale factor (default: the model's)
     * @param height height in pixels (default: the model's)
     * @param init img2img: the init image (PNG), relative to the recipe
     * @param initSha256 the init image's SHA-256, checked when given (written into PNGs)
     * @param strength img2img strength in (0, 1] (default 0.8)
     */
    public record Image(@Range(min = 1, max = 16384) Integer width, @Range(min = 1, max = 16384) Integer height, String init, String initSha256,
                        @Range(min = 0, max = 1) Double strength) {}

    /**
     * Outputs.
     *
     * @param folder the output folder, relative to the current folder (default {@code out/RECIPE-NAME})
     * @param name the file name pattern (default {@code {recipe}.png}, plus {@code _{cell}} in a sweep and {@code _seed{seed}} in a batch); placeholders {@code {recipe}},
     *     {@code {cell}}, {@code {sampler}}, {@code {schedule}}, {@code {steps}}, {@code {seed}}, {@code {guidance}},
     *     {@code {guidance_rescale}}, {@code {item}}, {@code {index}}
     * @param grid whether to write {@code grid.png}, the labelled contact sheet (default: when there is more than one image)
     */
    public record Outputs(String folder, String name, Boolean grid) {}

    /**
     * A sweep: one run per combination of the listed values (a cartesian product), each cell written as its own image,
     * all of them on one contact sheet whose rows are the values of {@code rows} and whose columns are the combinations of
     * the other swept keys.
     *
     * @param sampler sampler ids
     * @param schedule schedules (text or maps)
     * @param steps step counts
     * @param seed seeds
     * @param guidance guidance scales
     * @param guidanceRescale guidance rescale values
     * @param prompt prompts (Stable Diffusion models)
     * @param rows the swept key whose values label the rows (default: the first swept key, in the order above)
     */
    public record Sweep(List<String> sampler, List<ScheduleSpec> schedule, @Range(min = 1, max = 10_000) List<Integer> steps,
                        @Range(min = 0) List<Long> seed, @Range(min = 0, max = 100) List<Double> guidance,
                        @Range(min = 0, max = 1) List<Double> guidanceRescale, List<String> prompt, String rows) {
        /** The swept keys in canonical order. */
        static final List<String> KEYS = List.of("sampler", "schedule", "steps", "seed", "guidance", "guidance_rescale", "prompt");

        /** The values of a swept key, or null. */
        List<?> values(String key) {
            return switch (key) {
                case "sampler" -> sampler;
                case "schedule" -> schedule;
                case "steps" -> steps;
                case "seed" -> seed;
                case "guidance" -> guidance;
                case "guidance_rescale" -> guidanceRescale;
                case "prompt" -> prompt;
                default -> throw new IllegalArgumentException(key);
            };
        }

        /** The keys that are swept, in canonical order. */
        List<String> swept() {
            return KEYS.stream().filter(k -> values(k) != null).toList();
        }
    }

    private static final YAMLMapper WRITER = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build();

    /** The recipe as YAML, keys in the documented order, unset keys left out; reading it back gives an equal recipe. */
    public String toYaml() {
        try {
            return WRITER.writeValueAsString(Binder.toTree(this));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
