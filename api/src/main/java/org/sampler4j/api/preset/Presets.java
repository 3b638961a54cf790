package org.sampler4j.api.preset;

import java.util.List;
import org.sampler4j.api.ExtensionRegistry;

/**
 * The schedule presets visible to the DSL: those on the classpath (ServiceLoader), or the list a host installed.
 */
public final class Presets {
    private static final ExtensionRegistry<SchedulePreset> REGISTRY =
            new ExtensionRegistry<>(SchedulePreset.class, "preset", SchedulePreset::id, SchedulePreset::aliases);

    private Presets() {}

    /** Replaces the registry (the plugin host calls this after loading plugins). Ids and aliases must be unique. */
    public static void install(List<SchedulePreset> presets) {
        REGISTRY.install(presets);
    }

    /** All presets. */
    public static List<SchedulePreset> all() {
        return REGISTRY.all();
    }

    /** Finds a preset by id or alias, or fails with a "did you mean". */
    public static SchedulePreset get(String id) {
        return REGISTRY.get(id);
    }
}
