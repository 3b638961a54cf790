package org.sampler4j.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import org.sampler4j.api.schedule.Names;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * Extensions of one kind indexed by id and alias. Until a host {@link #install}s its own list (the PF4J plugin
 * manager does), the extensions found on the classpath through {@link ServiceLoader} are used, so a research
 * codebase that adds a plugin module as a plain Maven dependency gets its extensions without any set-up.
 *
 * @param <T> the extension point
 */
public final class ExtensionRegistry<T> {
    private final Class<T> type;
    private final String kind;
    private final Function<T, String> id;
    private final Function<T, List<String>> aliases;
    private volatile Map<String, T> index;

    /**
     * @param type the extension point (ServiceLoader key)
     * @param kind what the extensions are called in messages ({@code sampler}, {@code preset})
     * @param id an extension's id
     * @param aliases an extension's aliases
     */
    public ExtensionRegistry(Class<T> type, String kind, Function<T, String> id, Function<T, List<String>> aliases) {
        this.type = type;
        this.kind = kind;
        this.id = id;
        this.aliases = aliases;
    }

    /** Replaces the extensions (ids and aliases must be unique across them). */
    public synchronized void install(List<? extends T> extensions) {
        index = build(extensions);
    }

    /** All extensions, one entry each. */
    public List<T> all() {
        List<T> out = new ArrayList<>();
        for (T e : map().values()) if (!out.contains(e)) out.add(e);
        return Collections.unmodifiableList(out);
    }

    /** Every id and alias. */
    public List<String> names() {
        return List.copyOf(map().keySet());
    }

    /** The extension with that id or alias, or a {@link ScheduleException} with a "did you mean". */
    public T get(String name) {
        T e = map().get(name);
        if (e != null) return e;
        if (map().isEmpty()) throw new ScheduleException("unknown " + kind + " '" + name + "': no " + kind + " is installed (add a plugin to the plugins folder or classpath)");
        throw new ScheduleException(Names.unknown(kind, name, map().keySet()));
    }

    private Map<String, T> map() {
        Map<String, T> m = index;
        if (m == null) {
            synchronized (this) {
                if (index == null) {
                    List<T> found = new ArrayList<>();
                    ServiceLoader.load(type, type.getClassLoader()).forEach(found::add);
                    index = build(found);
                }
                m = index;
            }
        }
        return m;
    }

    private Map<String, T> build(List<? extends T> extensions) {
        Map<String, T> m = new LinkedHashMap<>();
        for (T e : extensions) {
            List<String> names = new ArrayList<>();
            names.add(id.apply(e));
            names.addAll(aliases.apply(e));
            for (String n : names) {
                T old = m.putIfAbsent(n, e);
                if (old != null && old != e) {
                    throw new ScheduleException(kind + " name '" + n + "' is provided twice (" + old.getClass().getName() + " and "
                            + e.getClass().getName() + "); remove or rename one of them");
                }
            }
        }
        return Collections.unmodifiableMap(m);
    }
}
