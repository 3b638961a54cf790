package org.sampler4j.api.preset;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sampler4j.api.schedule.ScheduleException;
import org.sampler4j.api.schedule.generators.LogLinear;

/**
 * A schedule preset stored as data: the JSON file {@code sampler4j optimize} writes (format
 * {@value #FORMAT}). The keys read here are {@code format}, {@code id} (optional), {@code noise_model} (the
 * {@link org.sampler4j.api.schedule.NoiseModel#describe()} text of the noise model the sigmas are for), {@code steps}
 * and {@code sigmas} ({@code steps + 1} values, strictly descending, the last one usually 0); every other key (the
 * model, sampler, method, objective values, seeds, ...) is kept in {@link #document()} as provenance.
 *
 * <p>Use one in the DSL as {@code preset(file:PATH.json, n)}, or as a plugin: {@link TablePreset}.
 * Other step counts are derived as Align Your Steps does ({@link #sigmas(int)}).
 */
public final class PresetFile {
    /** The value of the {@code format} key. */
    public static final String FORMAT = "sampler4j-preset/1";
    /** The DSL prefix of a preset id that names a file: {@code preset(file:PATH, n)}. */
    public static final String FILE_PREFIX = "file:";

    private final String id;
    private final String noiseModel;
    private final double[] sigmas;
    private final Map<String, Object> document;

    private PresetFile(String id, String noiseModel, double[] sigmas, Map<String, Object> document) {
        this.id = id;
        this.noiseModel = noiseModel;
        this.sigmas = sigmas;
        this.document = document;
    }

    /**
     * Reads a preset file; errors name the file, the problem and the fix.
     *
     * @param file the preset file (JSON, as {@code sampler4j optimize} writes it)
     * @return the preset file's contents
     * @throws org.sampler4j.api.schedule.ScheduleException if the file cannot be read or is not a valid preset file
     */
    public static PresetFile read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ScheduleException("preset file " + file + " does not exist; write one with 'sampler4j optimize ... -o " + file + "'");
        } catch (IOException e) {
            throw new ScheduleException("cannot read preset file " + file + ": " + e.getMessage());
        }
        return parse(text, file.toString());
    }

    /**
     * Reads a preset file shipped as a class's resource (how a packed preset plugin finds its table).
     *
     * @param owner the class whose loader and package resolve {@code name}
     * @param name the resource name, relative to {@code owner}'s package unless it starts with {@code /}
     * @return the preset file's contents
     * @throws org.sampler4j.api.schedule.ScheduleException if the resource is missing or not a valid preset file
     */
    public static PresetFile resource(Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) throw new ScheduleException(owner.getName() + ": resource " + name + " is missing; rebuild the preset plugin with 'sampler4j optimize --plugin-jar'");
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), name);
        } catch (IOException e) {
            throw new ScheduleException("cannot read resource " + name + ": " + e.getMessage());
        }
    }

    /**
     * Parses the JSON text of a preset file; {@code source} names it in errors.
     *
     * @param json the file's text
     * @param source the file's name for error messages
     * @return the preset file's contents
     * @throws org.sampler4j.api.schedule.ScheduleException naming {@code source} and the problem
     */
    @SuppressWarnings("unchecked")
    public static PresetFile parse(String json, String source) {
        Object root = Json.parse(json, source);
        if (!(root instanceof Map)) throw new ScheduleException(source + ": a preset file is a JSON object");
        Map<String, Object> doc = (Map<String, Object>) root;
        if (!FORMAT.equals(doc.get("format"))) {
            throw new ScheduleException(source + ": not a sampler4j preset file (\"format\" must be \"" + FORMAT + "\", got " + quote(doc.get("format"))
                    + "); write one with 'sampler4j optimize'");
        }
        Object id = doc.get("id");
        if (id != null && !(id instanceof String)) throw new ScheduleException(source + ": \"id\" must be a string");
        Object nm = doc.get("noise_model");
        if (!(nm instanceof String)) throw new ScheduleException(source + ": \"noise_model\" (the noise model's description) is missing");
        Object sg = doc.get("sigmas");
        if (!(sg instanceof List<?> list) || list.size() < 2) throw new ScheduleException(source + ": \"sigmas\" must be a list of at least 2 numbers");
        double[] s = new double[list.size()];
        for (int k = 0; k < s.length; k++) {
            if (!(list.get(k) instanceof Double d) || !Double.isFinite(d) || d < 0) throw new ScheduleException(source + ": sigmas[" + k + "] must be a finite number >= 0, got " + list.get(k));
            s[k] = d;
            if (k > 0 && !(s[k] < s[k - 1])) throw new ScheduleException(source + ": sigmas must be strictly descending; sigmas[" + k + "] = " + s[k] + " after " + s[k - 1]);
        }
        if (!(s[s.length - 2] > 0)) throw new ScheduleException(source + ": only the last sigma may be 0");
        Object steps = doc.get("steps");
        if (steps != null && (!(steps instanceof Double d) || d != s.length - 1)) {
            throw new ScheduleException(source + ": \"steps\" is " + steps + " but there are " + s.length + " sigmas (steps + 1 expected)");
        }
        return new PresetFile((String) id, (String) nm, s, Collections.unmodifiableMap(new LinkedHashMap<>(doc)));
    }

    private static String quote(Object o) {
        return o instanceof String str ? "\"" + str + "\"" : String.valueOf(o);
    }

    /** {@return the preset id recorded in the file, or {@code null} when it records none} */
    public String id() {
        return id;
    }

    /** {@return the noise model the sigmas are for, as {@link org.sampler4j.api.schedule.NoiseModel#describe()} writes it} */
    public String noiseModel() {
        return noiseModel;
    }

    /** {@return the step count the sigmas were made for} */
    public int steps() {
        return sigmas.length - 1;
    }

    /** {@return a copy of the stored sigmas ({@link #steps()} + 1 values, noisiest first)} */
    public double[] sigmas() {
        return sigmas.clone();
    }

    /** {@return the whole document (provenance: model, sampler, method, objective, seeds, ...), read-only} */
    public Map<String, Object> document() {
        return document;
    }

    /**
     * The schedule at {@code steps} steps: the stored sigmas at the stored count; otherwise its positive sigmas
     * log-linearly interpolated to {@code steps} values ({@link LogLinear#interp}, Align Your Steps' rule, so the first
     * and the last positive sigma are kept) followed by the stored final sigma. One step is the first sigma, then the final one.
     *
     * @param steps the number of steps wanted, at least 1
     * @return {@code steps + 1} sigmas, noisiest first
     */
    public double[] sigmas(int steps) {
        if (steps < 1) throw new ScheduleException("steps must be >= 1, got " + steps);
        int n = steps();
        if (steps == n) return sigmas.clone();
        double[] out = new double[steps + 1];
        if (steps == 1) {
            out[0] = sigmas[0];
        } else {
            double[] positive = java.util.Arrays.copyOf(sigmas, n);
            double[] in = n == 1 ? new double[] {sigmas[0], sigmas[0]} : positive;
            double[] v = LogLinear.interp(in, steps);
            System.arraycopy(v, 0, out, 0, steps);
            out[0] = sigmas[0];
            out[steps - 1] = n == 1 ? sigmas[0] : sigmas[n - 1];
        }
        out[steps] = sigmas[n];
        return out;
    }
}
