package org.sampler4j.api.preset;

import java.util.List;
import java.util.Map;
import org.pf4j.ExtensionPoint;
import org.sampler4j.api.schedule.NoiseModel;

/**
 * Extension point: a named schedule preset such as Align Your Steps. A preset turns a step count (and options)
 * into a sigma schedule for a noise model. Presets are stateless; the host may create a new instance per use.
 *
 * <p>Plugins implement this with PF4J's {@code @Extension}; on a plain classpath they are found through
 * PF4J's extension index ({@code META-INF/extensions.idx}, written by the annotation processor) or
 * {@code META-INF/services/org.sampler4j.api.preset.SchedulePreset}.
 */
public interface SchedulePreset extends ExtensionPoint {
    /** {@return the stable id used in the DSL, e.g. {@code ays}} */
    String id();

    /** {@return other accepted names} */
    default List<String> aliases() {
        return List.of();
    }

    /** {@return a one-line description, with the paper it comes from} */
    String description();

    /** {@return the option names this preset accepts (for validation and "did you mean")} */
    default List<String> optionNames() {
        return List.of();
    }

    /**
     * Resolves the preset.
     *
     * @param model the noise model the schedule is for
     * @param steps number of sampling steps
     * @param options preset options (strings as written in the DSL)
     * @return the sigmas, descending, {@code steps + 1} values including the final sigma
     * @throws org.sampler4j.api.schedule.ScheduleException if the options or model do not fit
     */
    double[] sigmas(NoiseModel model, int steps, Map<String, String> options);

    /**
     * The published tables this preset is built from, by name, for inspection and conformance checks (for example
     * {@code noise_levels/sd1} for Align Your Steps' SD 1.5 levels). Names and contents are documented by each preset;
     * the arrays are copies. Presets computed from a formula have none.
     *
     * @return named tables, in a stable order; empty by default
     */
    default Map<String, double[]> tables() {
        return Map.of();
    }
}
