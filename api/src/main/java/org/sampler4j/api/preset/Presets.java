package org.sampler4j.api.preset;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.sampler4j.api.schedule.Names;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * The presets visible to the DSL. By default these are the presets found on the classpath through
 * {@link ServiceLoader}; a host (the PF4J plugin manager) may install its own lookup with {@link #install}.
 */
public final class Presets {
    private static volatile Map<String, SchedulePreset> registry;

    private Presets() {}

    /** Replaces the registry (the plugin host calls this after loading plugins). Ids and aliases must be unique. */
    public static synchronized void install(List<SchedulePreset> presets) {
        registry = index(presets);
    }

    /** All presets, one entry per preset (not per alias). */
    public static List<SchedulePreset> all() {
        List<SchedulePreset> out = new ArrayList<>();
        for (SchedulePreset p : map().values()) if (!out.contains(p)) out.add(p);
        return Collections.unmodifiableList(out);
    }

    /** Finds a preset by id or alias, or fails with a "did you mean". */
    public static SchedulePreset get(String id) {
        SchedulePreset p = map().get(id);
        if (p == null) {
            if (map().isEmpty()) throw new ScheduleException("unknown preset '" + id + "': no preset plugin is installed (add plugins/ays to the plugins folder or classpath)");
            throw new ScheduleException(Names.unknown("preset", id, map().keySet()));
        }
        return p;
    }

    private static Map<String, SchedulePreset> map() {
        Map<String, SchedulePreset> r = registry;
        if (r == null) {
            synchronized (Presets.class) {
                if (registry == null) {
                    List<SchedulePreset> found = new ArrayList<>();
                    ServiceLoader.load(SchedulePreset.class, Presets.class.getClassLoader()).forEach(found::add);
                    registry = index(found);
                }
                r = registry;
            }
        }
        return r;
    }

    private static Map<String, SchedulePreset> index(List<SchedulePreset> presets) {
        Map<String, SchedulePreset> m = new LinkedHashMap<>();
        for (SchedulePreset p : presets) {
            List<String> names = new ArrayList<>();
            names.add(p.id());
            names.addAll(p.aliases());
            for (String n : names) {
                SchedulePreset old = m.putIfAbsent(n, p);
                if (old != null && old != p) {
                    throw new ScheduleException("preset name '" + n + "' is provided twice (" + old.getClass().getName() + " and "
                            + p.getClass().getName() + "); remove one of them");
                }
            }
        }
        return m;
    }
}
