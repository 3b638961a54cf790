package org.sampler4j.host.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.sampler4j.host.model.ModelException;

/**
 * Everything that determines a generation, in a stable text form (YAML, fixed key order) that is embedded in every
 * PNG (text chunk {@value #PNG_KEY}) and read back by {@code run --from image.png}. It is the seed of the recipe format:
 * fields are named as in the CLI, and {@link #version} lets the format evolve.
 *
 * @param version format version ({@value #VERSION})
 * @param model model reference: a folder path or a built-in name
 * @param sampler sampler id
 * @param samplerOptions sampler options (sorted by name)
 * @param schedule schedule DSL text
 * @param seed seed of the first item (item {@code i} uses {@code seed + i})
 * @param batch number of items
 * @param rng initial and per-step noise generator ({@code torch-cpu}, {@code torch-cuda})
 * @param guidance classifier-free guidance scale (1 = none)
 * @param guidanceRescale {@code guidance_rescale} (0 = none)
 * @param classLabels class label per item (one value = all items), for class-conditional models
 * @param embedding text embedding file, for text-embedding models
 * @param embeddingSha256 its SHA-256, checked when read back
 * @param negativeEmbedding unconditional (negative) embedding file, or null for zeros
 * @param negativeEmbeddingSha256 its SHA-256
 */
@JsonPropertyOrder({"version", "model", "sampler", "sampler_options", "schedule", "seed", "batch", "rng", "guidance", "guidance_rescale",
        "class_labels", "embedding", "embedding_sha256", "negative_embedding", "negative_embedding_sha256"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunSettings(int version, String model, String sampler, Map<String, Object> samplerOptions, String schedule, long seed, int batch,
                          String rng, double guidance, double guidanceRescale, List<Integer> classLabels, String embedding, String embeddingSha256,
                          String negativeEmbedding, String negativeEmbeddingSha256) {
    /** The current format version. */
    public static final int VERSION = 1;
    /** The PNG text chunk keyword holding the settings. */
    public static final String PNG_KEY = "sampler4j";

    public RunSettings {
        samplerOptions = samplerOptions == null ? Map.of() : new TreeMap<>(samplerOptions);
        classLabels = classLabels == null ? null : List.copyOf(classLabels);
    }

    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** The settings as YAML. */
    public String toYaml() {
        try {
            return MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses settings written by {@link #toYaml}; {@code source} names the text in messages. */
    public static RunSettings parse(String yaml, String source) {
        RunSettings s;
        try {
            s = MAPPER.readValue(yaml, RunSettings.class);
        } catch (JsonProcessingException e) {
            throw new ModelException(source + ": not valid sampler4j settings: " + e.getOriginalMessage().replaceAll(" \\(class [^)]*\\)", ""), e);
        }
        if (s.version() != VERSION) throw new ModelException(source + ": settings version " + s.version() + " is not supported (this sampler4j reads version " + VERSION + ")");
        if (s.model() == null || s.sampler() == null || s.schedule() == null || s.rng() == null) {
            throw new ModelException(source + ": settings need model, sampler, schedule and rng");
        }
        return s;
    }

    /** The settings that reproduce item {@code i} alone: its seed, batch 1, its class label. */
    public RunSettings item(int i) {
        List<Integer> labels = classLabels == null ? null : List.of(classLabels.size() == 1 ? classLabels.get(0) : classLabels.get(i));
        return new RunSettings(version, model, sampler, samplerOptions, schedule, seed + i, 1, rng, guidance, guidanceRescale, labels,
                embedding, embeddingSha256, negativeEmbedding, negativeEmbeddingSha256);
    }
}
