package org.sampler4j.host.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.sampler4j.api.model.Prediction;
import org.sampler4j.api.schedule.Names;

/**
 * The {@code model.yaml} of a model folder: what the TorchScript network predicts, which noise it was trained on,
 * how it is called, what its samples look like and how they become pixels. Example:
 *
 * <pre>
 * name: tiny-unet
 * network: unet.pt                      # TorchScript file, relative to the folder
 * prediction: epsilon                   # epsilon | v_prediction | sample | flow_prediction (eps, v, x0, flow)
 * noise_model: sd15                     # a named noise model, or:
 * # scheduler_config: scheduler_config.json   (a diffusers scheduler config beside it)
 * inputs: [sample, timestep, class_label]     # the forward signature, in order
 * sample: {channels: 3, height: 16, width: 16}
 * dtype: float32                        # the only dtype the CPU runtime accepts
 * conditioning: {kind: class_label, classes: 10, null_class: 10}
 * #   or {kind: none}, or {kind: text_embedding, tokens: 77, dim: 768}
 * pixels: {range: [-1, 1]}              # or {decoder: vae_decoder.pt, scaling_factor: 0.18215, range: [-1, 1]}
 * default_schedule: trailing(20)        # optional
 * </pre>
 *
 * Inputs: {@code sample} is float32 {@code [B, C, H, W]} (the scaled model input), {@code timestep} float32 {@code [B]},
 * {@code class_label} int64 {@code [B]}, {@code text_embedding} float32 {@code [B, tokens, dim]}.
 *
 * @param name display name
 * @param network the TorchScript file
 * @param prediction prediction type
 * @param noiseModel a named noise model ({@code NoiseModels.named}), exclusive with {@code schedulerConfig}
 * @param schedulerConfig a diffusers {@code scheduler_config.json} in the folder
 * @param inputs input roles in forward order
 * @param sample one item's shape
 * @param dtype network dtype ({@code float32})
 * @param conditioning conditioning kind
 * @param pixels how samples become pixels
 * @param defaultSchedule schedule DSL used when the run gives none
 */
public record ModelDescriptor(String name, String network, String prediction, String noiseModel, String schedulerConfig,
                              List<String> inputs, SampleShape sample, String dtype, ConditioningSpec conditioning, Pixels pixels,
                              String defaultSchedule) {
    /** The descriptor's file name inside a model folder. */
    public static final String FILE_NAME = "model.yaml";

    /** Input roles a network signature may use. */
    public static final List<String> INPUT_ROLES = List.of("sample", "timestep", "class_label", "text_embedding");

    /**
     * One item's shape.
     *
     * @param channels channels
     * @param height height
     * @param width width
     */
    public record SampleShape(int channels, int height, int width) {
        /** {@code [C, H, W]}. */
        public int[] toArray() {
            return new int[] {channels, height, width};
        }
    }

    /**
     * How samples become pixels.
     *
     * @param range the value range of the pixels (of the decoder's output, if any), {@code [lo, hi]}
     * @param decoder an optional TorchScript decoder (VAE), relative to the folder
     * @param scalingFactor latents are divided by this before decoding (SD: 0.18215); default 1
     */
    public record Pixels(List<Double> range, String decoder, Double scalingFactor) {}

    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    /**
     * The strict YAML binding used for descriptors (snake_case names, unknown fields, duplicate keys and scalar
     * coercions rejected), for other descriptor files such as the evaluation classifier's.
     */
    public static YAMLMapper strictYaml() {
        return MAPPER;
    }

    /** Reads and validates {@code folder/model.yaml}. */
    public static ModelDescriptor read(Path folder) {
        Path file = folder.resolve(FILE_NAME);
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ModelException("no " + FILE_NAME + " in " + folder + ": a model folder holds the TorchScript network and a "
                    + FILE_NAME + " descriptor (see ModelDescriptor's javadoc or tools/fixtures/models/tiny-unet)");
        } catch (IOException e) {
            throw new ModelException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** Parses and validates descriptor text; {@code source} names it in messages. */
    public static ModelDescriptor parse(String text, String source) {
        ModelDescriptor d = bind(text, source, ModelDescriptor.class);
        if (d == null) throw new ModelException(source + " is empty: it needs at least network, prediction, noise_model, inputs and sample");
        return d.validated(source);
    }

    /**
     * Binds descriptor text strictly ({@link #strictYaml}) into {@code type}; errors name the source, the unknown field
     * with a "did you mean", or the line and column.
     *
     * @return the bound value, or null for an empty document
     */
    public static <T> T bind(String text, String source, Class<T> type) {
        try {
            return MAPPER.readValue(text, type);
        } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
            List<String> known = e.getKnownPropertyIds().stream().map(Object::toString).sorted().toList();
            List<com.fasterxml.jackson.databind.JsonMappingException.Reference> path = e.getPath();
            String parent = path.size() < 2 ? "" : " in " + path.get(path.size() - 2).getFieldName();
            throw new ModelException(source + ": unknown field '" + e.getPropertyName() + "'" + parent + " — "
                    + Names.closest(e.getPropertyName(), known).map(k -> "did you mean '" + k + "'?").orElse("known: " + String.join(", ", known)), e);
        } catch (JsonProcessingException e) {
            throw new ModelException(source + ": " + e.getOriginalMessage().replaceAll(" \\(class [^)]*\\)", "")
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")" : ""), e);
        }
    }

    private ModelDescriptor validated(String source) {
        require(network, "network", source, "the TorchScript file name, e.g. network: unet.pt");
        require(prediction, "prediction", source, "epsilon, v_prediction, sample or flow_prediction");
        require(inputs, "inputs", source, "the forward signature, e.g. inputs: [sample, timestep]");
        require(sample, "sample", source, "one item's shape, e.g. sample: {channels: 4, height: 64, width: 64}");
        try {
            Prediction.parse(prediction);
        } catch (IllegalArgumentException e) {
            throw new ModelException(source + ": prediction: " + e.getMessage());
        }
        if ((noiseModel == null) == (schedulerConfig == null)) {
            throw new ModelException(source + ": give exactly one of noise_model (a name such as sd15, flow, edm) or scheduler_config (a diffusers scheduler_config.json in the folder)");
        }
        if (sample.channels() < 1 || sample.height() < 1 || sample.width() < 1) {
            throw new ModelException(source + ": sample: channels, height and width must be >= 1, got " + sample);
        }
        String dt = dtype == null ? "float32" : dtype.toLowerCase(Locale.ROOT);
        if (!dt.equals("float32")) throw new ModelException(source + ": dtype " + dtype + " is not supported: " + DtypeCheck.advice(dt));
        Set<String> seen = new java.util.HashSet<>();
        for (String in : inputs) {
            if (!INPUT_ROLES.contains(in)) throw new ModelException(source + ": inputs: " + Names.unknown("input", in, INPUT_ROLES));
            if (!seen.add(in)) throw new ModelException(source + ": inputs: '" + in + "' is listed twice");
        }
        if (!inputs.contains("sample")) throw new ModelException(source + ": inputs must contain 'sample'");
        ConditioningSpec cond = conditioning == null ? ConditioningSpec.NONE : conditioning.validated(source);
        String needed = cond.inputRole();
        for (String role : List.of("class_label", "text_embedding")) {
            if (inputs.contains(role) && !role.equals(needed)) {
                throw new ModelException(source + ": inputs lists '" + role + "' but conditioning is " + cond.kind());
            }
        }
        if (needed != null && !inputs.contains(needed)) {
            throw new ModelException(source + ": conditioning " + cond.kind() + " needs the input '" + needed + "' in inputs");
        }
        Pixels px = pixels == null ? new Pixels(List.of(-1.0, 1.0), null, null) : pixels;
        if (px.range() == null) px = new Pixels(List.of(-1.0, 1.0), px.decoder(), px.scalingFactor());
        if (px.range().size() != 2 || !(px.range().get(0) < px.range().get(1))) {
            throw new ModelException(source + ": pixels.range must be [lo, hi] with lo < hi, got " + px.range());
        }
        if (px.decoder() == null && sample.channels() != 1 && sample.channels() != 3) {
            throw new ModelException(source + ": samples with " + sample.channels() + " channels cannot be shown as pixels: give pixels.decoder (a TorchScript VAE decoder) or use 1 or 3 channels");
        }
        if (px.scalingFactor() != null && !(px.scalingFactor() > 0)) throw new ModelException(source + ": pixels.scaling_factor must be > 0");
        return new ModelDescriptor(name, network, prediction, noiseModel, schedulerConfig, List.copyOf(inputs), sample, "float32", cond, px, defaultSchedule);
    }

    private static void require(Object value, String field, String source, String hint) {
        if (value == null) throw new ModelException(source + ": missing field '" + field + "' (" + hint + ")");
    }

    /** The parsed prediction type. */
    public Prediction predictionType() {
        return Prediction.parse(prediction);
    }
}
