package org.sampler4j.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.sampler4j.api.schedule.Names;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * Extensions of one kind (samplers, presets, ...) indexed by id and alias. Every entry records its {@link Origin}
 * (which plugin, which version, which file) and its capability metadata.
 *
 * <p>Contents, in this order: the api's own <em>built-ins</em> ({@link #addBuiltIn}), then either the extensions a
 * host {@link #install installed} (the plugin host: classpath and plugins folder), or, until a host does, the
 * extensions found on the classpath through {@link ServiceLoader} — so a research codebase that adds a plugin
 * module as a plain Maven dependency gets its extensions without any set-up.
 *
 * <p>Ids and aliases are unique across all entries: a second extension under a taken name is an error that names
 * both origins ({@link DuplicateExtensionException}); nothing ever silently replaces an entry, built-ins included.
 *
 * @param <T> the extension point
 */
public final class ExtensionRegistry<T> {
    private final Class<T> type;
    private final String kind;
    private final Function<T, String> id;
    private final Function<T, List<String>> aliases;
    private final Function<T, Map<String, String>> capabilities;
    private final List<Entry<T>> builtIns = new ArrayList<>();
    private volatile Index<T> index;

    /**
     * One registered extension.
     *
     * @param id its id
     * @param aliases its other names
     * @param extension the (stateless) extension
     * @param origin which plugin provides it
     * @param capabilities what it supports, for listings (e.g. {@code stochastic=true}), in display order
     * @param <T> the extension point
     */
    public record Entry<T>(String id, List<String> aliases, T extension, Origin origin, Map<String, String> capabilities) {
        /**
         * Checks that id, extension and origin are given; copies the aliases and capabilities.
         *
         * @param id the id, not null
         * @param aliases the other names (copied)
         * @param extension the extension, not null
         * @param origin the origin, not null
         * @param capabilities the listing metadata (copied, order kept)
         */
        public Entry {
            Objects.requireNonNull(id, "id");
            aliases = List.copyOf(aliases);
            Objects.requireNonNull(extension, "extension");
            Objects.requireNonNull(origin, "origin");
            capabilities = Collections.unmodifiableMap(new LinkedHashMap<>(capabilities));
        }

        /** {@return {@code id} and aliases} */
        public List<String> names() {
            List<String> n = new ArrayList<>();
            n.add(id);
            n.addAll(aliases);
            return n;
        }
    }

    /** A name taken twice. The message names the name, both extensions and both plugins. */
    public static final class DuplicateExtensionException extends ScheduleException {
        private static final long serialVersionUID = 1L;
        private final transient Entry<?> existing;
        private final transient Entry<?> added;

        DuplicateExtensionException(String kind, String name, Entry<?> existing, Entry<?> added) {
            super(kind + " '" + name + "' is provided twice: by " + existing.origin().label() + " (" + existing.extension().getClass().getName()
                    + ") and by " + added.origin().label() + " (" + added.extension().getClass().getName()
                    + "); a plugin cannot replace another's " + kind + ": remove one plugin or rename the " + kind);
            this.existing = existing;
            this.added = added;
        }

        /** {@return the entry that had the name first} */
        public Entry<?> existing() {
            return existing;
        }

        /** {@return the entry that was refused} */
        public Entry<?> added() {
            return added;
        }
    }

    /**
     * An immutable set of entries with unique names. {@link #plus} adds a plugin's entries all together or none, so a
     * host can refuse a whole plugin on the first clash.
     *
     * @param <T> the extension point
     */
    public static final class Index<T> {
        private final String kind;
        private final List<Entry<T>> entries;
        private final Map<String, Entry<T>> byName;

        private Index(String kind, List<Entry<T>> entries, Map<String, Entry<T>> byName) {
            this.kind = kind;
            this.entries = entries;
            this.byName = byName;
        }

        /**
         * This index with more entries.
         *
         * @param more the entries to add, all or none
         * @return a new index with this index's entries followed by {@code more}
         * @throws DuplicateExtensionException if a name of {@code more} is taken (here or earlier in {@code more})
         */
        public Index<T> plus(List<Entry<T>> more) {
            Map<String, Entry<T>> m = new LinkedHashMap<>(byName);
            List<Entry<T>> all = new ArrayList<>(entries);
            for (Entry<T> e : more) {
                for (String n : e.names()) {
                    Entry<T> old = m.putIfAbsent(n, e);
                    if (old != null && old != e) throw new DuplicateExtensionException(kind, n, old, e);
                }
                all.add(e);
            }
            return new Index<>(kind, List.copyOf(all), Collections.unmodifiableMap(m));
        }

        /** {@return all entries, in registration order} */
        public List<Entry<T>> entries() {
            return entries;
        }
    }

    /**
     * @param type the extension point (ServiceLoader key)
     * @param kind what the extensions are called in messages ({@code sampler}, {@code preset})
     * @param id an extension's id
     * @param aliases an extension's aliases
     * @param capabilities an extension's capability metadata for listings
     */
    public ExtensionRegistry(Class<T> type, String kind, Function<T, String> id, Function<T, List<String>> aliases,
                             Function<T, Map<String, String>> capabilities) {
        this.type = type;
        this.kind = kind;
        this.id = id;
        this.aliases = aliases;
        this.capabilities = capabilities;
    }

    /** {@return the extension point} */
    public Class<T> type() {
        return type;
    }

    /** {@return what the extensions are called in messages} */
    public String kind() {
        return kind;
    }

    /**
     * Describes an extension as an entry of this registry (id, aliases and capabilities are read from it now).
     *
     * @param extension the extension
     * @param origin where it comes from (built-in, classpath entry or plugin)
     * @return its entry; nothing is registered
     */
    public Entry<T> entry(T extension, Origin origin) {
        return new Entry<>(id.apply(extension), aliases.apply(extension), extension, origin, capabilities.apply(extension));
    }

    /**
     * Adds one of the api's own extensions, which always come first and can never be replaced. Meant for the static
     * initialisers of the api's facades.
     *
     * @param extension the extension, with an id and aliases no other entry has
     */
    public synchronized void addBuiltIn(T extension) {
        Entry<T> e = entry(extension, Origin.builtIn());
        base().plus(List.of(e));                    // fails on a duplicate built-in
        builtIns.add(e);
        Index<T> current = index;
        if (current != null) {
            List<Entry<T>> rest = new ArrayList<>(current.entries());
            rest.removeAll(builtIns);
            index = base().plus(rest);
        }
    }

    /** {@return an index holding just the built-ins: the start for {@link #install(Index)}} */
    public synchronized Index<T> base() {
        return new Index<T>(kind, List.of(), Map.of()).plus(builtIns);
    }

    /**
     * Makes {@code index} the registry's contents (the plugin host calls this after loading plugins).
     *
     * @param index built with {@link #base()}{@code .plus(...)}
     */
    public synchronized void install(Index<T> index) {
        if (!index.entries().containsAll(builtIns)) throw new IllegalArgumentException("an installed index must start from base()");
        this.index = index;
    }

    /**
     * Replaces the extensions by {@code extensions} (plus the built-ins), each attributed to the classpath entry its
     * class comes from.
     *
     * @param extensions the extensions to register after the built-ins, in order; empty for built-ins only
     * @throws DuplicateExtensionException if two of them share a name
     */
    public synchronized void install(List<? extends T> extensions) {
        List<Entry<T>> es = new ArrayList<>();
        for (T e : extensions) es.add(entry(e, Origin.ofClasspath(e.getClass())));
        index = base().plus(es);
    }

    /** Forgets what a host installed: the registry goes back to the built-ins and the classpath (ServiceLoader). */
    public synchronized void reset() {
        index = null;
    }

    /**
     * The extensions on the classpath, found with the api's class loader through PF4J's extension index
     * ({@code META-INF/extensions.idx}, written by PF4J's annotation processor for every {@code @Extension} class, so
     * a new extension needs nothing but its own file) and through {@link ServiceLoader} ({@code META-INF/services}).
     * A class listed in both is loaded once.
     *
     * @param onError called with the provider's description and the error for each one that cannot be loaded or
     *     instantiated; the others are still returned
     * @return the entries found, in classpath order (failures go to {@code onError}, not in the list)
     */
    public List<Entry<T>> discoverClasspath(BiConsumer<String, Throwable> onError) {
        List<Entry<T>> found = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        ClassLoader loader = type.getClassLoader();
        for (String name : indexedExtensions(loader, onError)) {
            try {
                Class<?> c = Class.forName(name, false, loader);
                if (!type.isAssignableFrom(c) || !seen.add(name)) continue;
                T ext = type.cast(c.getDeclaredConstructor().newInstance());
                found.add(entry(ext, Origin.ofClasspath(c)));
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                onError.accept(name, e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e);
            }
        }
        discoverServices(found, seen, onError);
        return found;
    }

    /** The class names of every {@code META-INF/extensions.idx} the loader sees (comments and blank lines skipped). */
    private static List<String> indexedExtensions(ClassLoader loader, BiConsumer<String, Throwable> onError) {
        List<String> names = new ArrayList<>();
        try {
            java.util.Enumeration<java.net.URL> urls = loader.getResources("META-INF/extensions.idx");
            while (urls.hasMoreElements()) {
                java.net.URL url = urls.nextElement();
                try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(url.openStream(), java.nio.charset.StandardCharsets.UTF_8))) {
                    r.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(names::add);
                } catch (java.io.IOException e) {
                    onError.accept(url.toString(), e);
                }
            }
        } catch (java.io.IOException e) {
            onError.accept("META-INF/extensions.idx", e);
        }
        return names;
    }

    private void discoverServices(List<Entry<T>> found, java.util.Set<String> seen, BiConsumer<String, Throwable> onError) {
        Iterator<ServiceLoader.Provider<T>> it = ServiceLoader.load(type, type.getClassLoader()).stream().iterator();
        while (true) {
            ServiceLoader.Provider<T> p;
            try {
                if (!it.hasNext()) break;
                p = it.next();
            } catch (ServiceConfigurationError e) {
                onError.accept(type.getName() + " provider", e);
                continue;
            }
            if (!seen.add(p.type().getName())) continue;
            try {
                T ext = p.get();
                found.add(entry(ext, Origin.ofClasspath(p.type())));
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                onError.accept(p.type().getName(), e);
            }
        }
    }

    /** {@return all entries: built-ins first, then in registration order} */
    public List<Entry<T>> entries() {
        return current().entries();
    }

    /** {@return all extensions, one each} */
    public List<T> all() {
        return entries().stream().map(Entry::extension).toList();
    }

    /** {@return every id and alias, in registration order} */
    public List<String> names() {
        return List.copyOf(current().byName.keySet());
    }

    /**
     * {@return whether an id or alias is known}
     *
     * @param name an id or alias, case-sensitive
     */
    public boolean has(String name) {
        return current().byName.containsKey(name);
    }

    /**
     * {@return the entry with that id or alias, or a {@link ScheduleException} with a "did you mean"}
     *
     * @param name an id or alias, case-sensitive
     */
    public Entry<T> entry(String name) {
        Index<T> idx = current();
        Entry<T> e = idx.byName.get(name);
        if (e != null) return e;
        if (idx.byName.isEmpty()) {
            throw new ScheduleException("unknown " + kind + " '" + name + "': no " + kind + " is installed (add a plugin to the plugins folder or the classpath)");
        }
        if (Names.closest(name, idx.byName.keySet()).isPresent()) {
            Map<String, String> canonical = new LinkedHashMap<>();
            idx.byName.forEach((n, en) -> canonical.put(n, en.id()));
            throw new ScheduleException(Names.unknown(kind, name, canonical));   // an alias's typo suggests the id
        }
        // nothing close: list the ids only (aliases would triple the list), and where to see the rest
        java.util.TreeSet<String> ids = new java.util.TreeSet<>();
        idx.byName.values().forEach(en -> ids.add(id.apply(en.extension())));
        throw new ScheduleException("unknown " + kind + " '" + name + "'; known ids: " + String.join(", ", ids)
                + " (aliases too: 'sampler4j " + kind + "s')");
    }

    /**
     * {@return the extension with that id or alias, or a {@link ScheduleException} with a "did you mean"}
     *
     * @param name an id or alias, case-sensitive
     */
    public T get(String name) {
        return entry(name).extension();
    }

    private Index<T> current() {
        Index<T> m = index;
        if (m == null) {
            synchronized (this) {
                if (index == null) {
                    index = base().plus(discoverClasspath((what, e) -> {
                        throw new ScheduleException("cannot load the " + kind + " " + what + " found on the classpath: " + e);
                    }));
                }
                m = index;
            }
        }
        return m;
    }
}
