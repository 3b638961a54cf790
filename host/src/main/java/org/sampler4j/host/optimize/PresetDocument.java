package org.sampler4j.host.optimize;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sampler4j.api.preset.PresetFile;

/**
 * The preset file of a fitted schedule ({@link PresetFile}'s format): the table the DSL reads ({@code id},
 * {@code noise_model}, {@code steps}, {@code sigmas}) and its provenance: model, sampler and options, guidance, the
 * template, timesteps, method with its paper and objective, objective values before and after, seeds, time.
 */
public final class PresetDocument {
    private PresetDocument() {}

    /**
     * The document.
     *
     * @param id the preset id
     * @param model the model reference the schedule was fitted on
     * @param t the target
     * @param samplerId the sampler id as given
     * @param samplerOptions the sampler options as given
     * @param guidance guidance scale
     * @param guidanceRescale guidance rescale
     * @param seed the optimizer seed
     * @param r the result
     * @param fileRef how the DSL names the file ({@code file:PATH}), for the usage line
     */
    public static Map<String, Object> of(String id, String model, Target t, String samplerId, Map<String, ?> samplerOptions, double guidance, double guidanceRescale,
                                         long seed, ScheduleOptimizer.Result r, String fileRef) {
        int n = r.sigmas().length - 1;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", PresetFile.FORMAT);
        m.put("id", id);
        m.put("description", String.format(java.util.Locale.ROOT, "%d-step schedule fitted by sampler4j optimize (%s) for %s on %s", n, r.method().id(),
                t.sampler().info().id(), model));
        m.put("model", model);
        m.put("noise_model", r.noiseModel().describe());
        m.put("sampler", t.sampler().info().id());
        m.put("sampler_options", new java.util.TreeMap<>(samplerOptions));
        m.put("guidance", guidance);
        m.put("guidance_rescale", guidanceRescale);
        m.put("template", t.templateText(n));
        m.put("usage", t.usage(fileRef, n));
        m.put("steps", n);
        m.put("sigmas", r.sigmas());
        m.put("timesteps", r.timesteps());
        m.put("start_sigmas", r.start());
        m.putAll(ScheduleOptimizer.describe(r));
        Map<String, Object> seeds = new LinkedHashMap<>();
        seeds.put("seed", seed);
        seeds.put("samples", t.batch());
        seeds.put("stream", "item i uses seed 2^62 + seed * 2^24 + i (eval and run use seed + i): fitting never sees evaluation noise");
        seeds.put("first", t.seeds()[0]);
        m.put("seeds", seeds);
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put("sampler", t.referenceSampler().info().id());
        ref.put("steps", t.referenceSigmas().length - 1);
        m.put("reference", ref);
        m.put("created_by", "sampler4j " + org.sampler4j.api.ApiVersion.current());
        return m;
    }

    /** The document as pretty-printed JSON. */
    public static String json(Map<String, Object> doc) {
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
