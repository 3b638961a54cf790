package org.sampler4j.api.preset;

import java.util.List;
import java.util.Map;
import org.sampler4j.api.ExtensionRegistry;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * The schedule presets visible to the DSL: those on the classpath (PF4J extension index or ServiceLoader), or those a host installed. See
 * {@link ExtensionRegistry} for the rules.
 */
public final class Presets {
    private static final ExtensionRegistry<SchedulePreset> REGISTRY = new ExtensionRegistry<>(SchedulePreset.class, "preset",
            SchedulePreset::id, SchedulePreset::aliases, p -> Map.of("options", String.join(",", p.optionNames())));

    private Presets() {}

    /** {@return the registry behind this facade (for hosts and listings)} */
    public static ExtensionRegistry<SchedulePreset> registry() {
        return REGISTRY;
    }

    /**
     * Replaces the registry's presets. Ids and aliases must be unique.
     *
     * @param presets the presets, with unique ids and aliases; empty for the built-ins only
     */
    public static void install(List<SchedulePreset> presets) {
        REGISTRY.install(presets);
    }

    /** {@return all presets} */
    public static List<SchedulePreset> all() {
        return REGISTRY.all();
    }

    /**
     * Finds a preset by id or alias, or fails with a "did you mean". An id {@code file:PATH} reads a preset file
     * ({@link PresetFile}, e.g. written by {@code sampler4j optimize}) as a {@link TablePreset}.
     *
     * @param id a preset id or alias, or {@code file:PATH}
     * @return the preset
     * @throws ScheduleException for an unknown id or an unreadable preset file
     */
    public static SchedulePreset get(String id) {
        if (id.startsWith(PresetFile.FILE_PREFIX)) {
            String path = id.substring(PresetFile.FILE_PREFIX.length());
            if (path.isEmpty()) throw new ScheduleException("preset(file:PATH, n) needs a path after file:");
            return new TablePreset(id, PresetFile.read(java.nio.file.Path.of(path)));
        }
        return REGISTRY.get(id);
    }
}
