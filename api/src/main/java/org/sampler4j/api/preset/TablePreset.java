package org.sampler4j.api.preset;

import java.util.List;
import java.util.Map;
import org.sampler4j.api.schedule.NoiseModel;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * A schedule preset whose sigmas are a stored table ({@link PresetFile}): what {@code preset(file:PATH, n)} resolves to,
 * and the base class of the preset plugins that {@code sampler4j optimize --plugin-jar} packs (a one-constructor
 * subclass per jar that names its table resource, {@link #TablePreset(Class, String)}).
 *
 * <p>The table is checked against the noise model it is resolved on: sigmas fitted for one noise model mean other
 * timesteps on another, so a mismatch is an error unless the option {@code strict=false} is given.
 */
public class TablePreset implements SchedulePreset {
    private static final List<String> OPTIONS = List.of("strict");
    private final String id;
    private final PresetFile table;

    /**
     * A preset named {@code id} over {@code table}.
     *
     * @param id the DSL id of the preset
     * @param table the stored schedule
     */
    public TablePreset(String id, PresetFile table) {
        if (id == null || id.isBlank()) throw new ScheduleException("a table preset needs an id; give the preset file an \"id\"");
        this.id = id;
        this.table = table;
    }

    /**
     * The preset of a table resource next to {@code owner} (read with {@code owner.getResourceAsStream(resource)}),
     * named by the file's {@code id}. Packed preset plugins call this from their no-argument constructor.
     *
     * @param owner the class next to whose file the resource lies (the plugin's preset class)
     * @param resource the resource name, relative to {@code owner}'s package unless it starts with {@code /}
     */
    protected TablePreset(Class<?> owner, String resource) {
        this(PresetFile.resource(owner, resource));
    }

    private TablePreset(PresetFile table) {
        this(table.id(), table);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String description() {
        Object d = table.document().get("description");
        return d instanceof String s ? s : "a " + table.steps() + "-step schedule table, log-linearly interpolated to other step counts";
    }

    @Override
    public List<String> optionNames() {
        return OPTIONS;
    }

    /** {@return the table behind this preset} */
    public PresetFile table() {
        return table;
    }

    @Override
    public double[] sigmas(NoiseModel model, int steps, Map<String, String> options) {
        for (String k : options.keySet()) {
            if (!OPTIONS.contains(k)) throw new ScheduleException(org.sampler4j.api.schedule.Names.unknown("preset " + id + " option", k, OPTIONS));
        }
        String strict = options.getOrDefault("strict", "true");
        if (!strict.equals("true") && !strict.equals("false")) throw new ScheduleException("preset " + id + " option strict must be true or false, got '" + strict + "'");
        if (strict.equals("true") && !model.describe().equals(table.noiseModel())) {
            throw new ScheduleException("preset " + id + " was fitted for the noise model " + table.noiseModel() + " but the schedule is resolved on "
                    + model.describe() + "; add the modifiers it was fitted with (e.g. .zeroSnr()), use the model it was fitted for, or pass strict=false");
        }
        return table.sigmas(steps);
    }
}
