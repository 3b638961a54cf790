package org.sampler4j.host.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.sampler4j.api.ApiVersion;
import org.sampler4j.api.ExtensionRegistry;
import org.sampler4j.api.ExtensionRegistry.DuplicateExtensionException;
import org.sampler4j.api.ExtensionRegistry.Entry;
import org.sampler4j.api.Origin;
import org.sampler4j.api.preset.Presets;
import org.sampler4j.api.sampler.Samplers;
import org.sampler4j.api.schedule.NoiseModels;
import org.sampler4j.api.schedule.RemapRegistry;

/**
 * Loads sampler4j's extensions — samplers, schedule presets, sigma generators, named noise models — from the
 * classpath and from a plugins folder, and installs them in the api's registries ({@link Samplers},
 * {@link Presets}, {@link RemapRegistry}, {@link NoiseModels}).
 *
 * <p><b>Order and precedence.</b> The api's built-ins come first, then the extensions on the classpath
 * (ServiceLoader, as for a plain Maven dependency), then the plugins of the folder, one file at a time in file-name
 * order. Nothing replaces anything: an id or alias that is already taken makes the newcomer's whole plugin fail, with a
 * message naming both plugins. One exception is not an error: a plugin in the folder whose plugin id or extension
 * classes are already on the classpath is the same plugin twice; the classpath copy is used and the folder copy is
 * listed as {@link State#SHADOWED}.
 *
 * <p><b>Faults.</b> A plugin that cannot be used — unreadable or incomplete descriptor, an api version it was not
 * built for ({@code Plugin-Requires}, see {@link ApiVersion}), a bundled copy of the api, PF4J or DJL, a plugin id
 * that another file already has, an extension class that is missing, fails in its static initialiser or
 * constructor, holds mutable state, or clashes with another extension's id — is reported as {@link State#FAILED}
 * with its id, file and reason; the host goes on with the rest. A plugin is used whole or not at all.
 *
 * <p>Extensions are stateless: each is instantiated once at load time and shared.
 */
public final class PluginHost implements AutoCloseable {
    /** The state of a plugin as listed by {@code plugins list}. */
    public enum State {
        /** Loaded from the plugins folder and in use. */
        STARTED,
        /** Found on the application classpath and in use. */
        CLASSPATH,
        /** In the plugins folder but already on the classpath: the classpath copy is used. */
        SHADOWED,
        /** Listed in the folder's {@code disabled.txt} (PF4J's convention). */
        DISABLED,
        /** Not loaded; see the reason. */
        FAILED;

        /** Lower-case name for listings. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One plugin (or classpath jar) and what became of it.
     *
     * @param id plugin id, or {@code ?} when the descriptor could not be read
     * @param version plugin version, or {@code ?}
     * @param state what became of it
     * @param file the plugin file or classpath entry
     * @param provides its extensions as {@code kind id} ({@code sampler rk4}), in load order; empty unless in use
     * @param reason why it failed or was shadowed, with the fix; {@code null} otherwise
     */
    public record PluginStatus(String id, String version, State state, String file, List<String> provides, String reason) {
        public PluginStatus {
            provides = List.copyOf(provides);
        }
    }

    private static final Map<String, String> FORBIDDEN = forbidden();
    private static final Set<String> SUFFIXES = Set.of(".jar", ".zip");

    private final PluginsFolder folder;
    private final List<PluginStatus> statuses = new ArrayList<>();
    private final List<Staged<?>> staged = List.of(new Staged<>(Samplers.registry()), new Staged<>(Presets.registry()),
            new Staged<>(RemapRegistry.registry()), new Staged<>(NoiseModels.registry()));
    private final Set<String> classpathPluginIds = new TreeSet<>();
    private final List<Manager> managers = new ArrayList<>();
    private Manager manager;
    private boolean installed;

    private PluginHost(PluginsFolder folder) {
        this.folder = folder;
    }

    /**
     * Loads the classpath's extensions and the folder's plugins. Nothing is installed yet: call {@link #install()}.
     *
     * @param folder the plugins folder; its {@link PluginsFolder#problem()} must be {@code null}
     */
    public static PluginHost load(PluginsFolder folder) {
        String problem = folder.problem();
        if (problem != null) throw new IllegalArgumentException(problem);
        PluginHost h = new PluginHost(folder);
        h.loadClasspath();
        Map<String, Path> idToFile = new HashMap<>();
        for (Path dir : folder.loadOrder()) h.loadFolder(dir, idToFile);
        return h;
    }

    /** Loads the extensions of the classpath and of {@code dir} (which may be {@code null}). */
    public static PluginHost load(Path dir) {
        return load(new PluginsFolder(dir, dir == null ? PluginsFolder.Source.NONE : PluginsFolder.Source.OPTION));
    }

    /** Makes the loaded extensions those of the api's registries. */
    public PluginHost install() {
        for (Staged<?> s : staged) s.install();
        installed = true;
        return this;
    }

    /** The plugins folder. */
    public PluginsFolder folder() {
        return folder;
    }

    /** Every plugin and classpath jar seen, in load order. */
    public List<PluginStatus> plugins() {
        return Collections.unmodifiableList(statuses);
    }

    /** The plugins that failed. */
    public List<PluginStatus> failures() {
        return statuses.stream().filter(s -> s.state() == State.FAILED).toList();
    }

    /** Stops the folder's plugins and, if this host installed its extensions, returns the registries to the classpath. */
    @Override
    public void close() {
        if (installed) for (Staged<?> s : staged) s.registry.reset();
        installed = false;
        for (Manager m : managers) {
            m.stopPlugins();
            m.unloadPlugins();
        }
        managers.clear();
        manager = null;
    }

    // ---------------------------------------------------------------- classpath

    private void loadClasspath() {
        Map<String, Map<Staged<?>, List<Entry<?>>>> byOrigin = new LinkedHashMap<>();
        Map<String, Origin> origins = new HashMap<>();
        for (Staged<?> s : staged) {
            for (Entry<?> e : s.registry.discoverClasspath((what, err) -> statuses.add(new PluginStatus("?", "?", State.FAILED, "classpath",
                    List.of(), "the " + s.registry.kind() + " " + what + " (META-INF/extensions.idx or META-INF/services) cannot be loaded: " + describe(err))))) {
                String key = e.origin().pluginId() + "\u0000" + e.origin().location();
                origins.put(key, e.origin());
                byOrigin.computeIfAbsent(key, k -> new LinkedHashMap<>()).computeIfAbsent(s, k -> new ArrayList<>()).add(e);
            }
        }
        byOrigin.forEach((key, batch) -> {
            Origin o = origins.get(key);
            String clash = add(batch);
            if (clash != null) {
                statuses.add(new PluginStatus(o.pluginId(), o.version(), State.FAILED, o.location(), List.of(), clash));
            } else {
                classpathPluginIds.add(o.pluginId());
                statuses.add(new PluginStatus(o.pluginId(), o.version(), State.CLASSPATH, o.location(), provides(batch), null));
            }
        });
    }

    // ---------------------------------------------------------------- plugins folder

    /** Loads one folder's plugins; {@code idToFile} spans every folder loaded, so a plugin id is used once in all. */
    private void loadFolder(Path dir, Map<String, Path> idToFile) {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> Files.isRegularFile(p) && !p.getFileName().toString().startsWith(".")
                    && SUFFIXES.stream().anyMatch(x -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(x))).sorted().toList();
        } catch (IOException e) {
            statuses.add(new PluginStatus("?", "?", State.FAILED, dir.toString(), List.of(), "cannot list the plugins folder: " + e));
            return;
        }
        manager = new Manager(dir);
        managers.add(manager);
        for (Path file : files) {
            Attempt a = new Attempt(file);
            try {
                loadOne(a, idToFile);
            } catch (Fault f) {
                a.fail(f.getMessage());
            } catch (RuntimeException | LinkageError e) {
                a.fail("unexpected error while loading: " + describe(e));
            }
        }
    }

    /** One plugin file being loaded. */
    private final class Attempt {
        final Path file;
        String id = "?";
        String version = "?";
        boolean loaded;

        Attempt(Path file) {
            this.file = file;
        }

        void fail(String reason) {
            end(State.FAILED, List.of(), reason);
        }

        void end(State state, List<String> provides, String reason) {
            if (loaded && state != State.STARTED) {
                try {
                    manager.unloadPlugin(id);
                } catch (RuntimeException | LinkageError ignored) {
                    // the report below is what matters
                }
            }
            statuses.add(new PluginStatus(id, version, state, file.toString(), provides, reason));
        }
    }

    /** A reason to refuse a plugin (the message is the reason, with the fix). */
    private static final class Fault extends Exception {
        private static final long serialVersionUID = 1L;

        Fault(String message) {
            super(message, null, false, false);
        }
    }

    private void loadOne(Attempt a, Map<String, Path> idToFile) throws Fault {
        PluginDescriptor d;
        try {
            d = manager.descriptor(a.file);
        } catch (RuntimeException e) {
            throw new Fault("bad plugin descriptor: " + describe(e) + "; a plugin jar needs the manifest entries Plugin-Id, Plugin-Version and "
                    + "Plugin-Requires (a zip: the same keys as plugin.id, plugin.version, plugin.requires in plugin.properties)");
        }
        a.id = d.getPluginId();
        a.version = d.getVersion() == null || d.getVersion().isBlank() ? "?" : d.getVersion();
        if (a.version.equals("?")) throw new Fault("bad plugin descriptor: no Plugin-Version; add it to the manifest (or plugin.version to plugin.properties)");
        String incompatible = ApiVersion.check(d.getRequires());
        if (incompatible != null) throw new Fault("incompatible: " + incompatible);
        Path other = idToFile.putIfAbsent(a.id, a.file);
        if (other != null) {
            throw new Fault("plugin id '" + a.id + "' is already used by " + other + " (the distribution's folder loads first, then yours, each in "
                    + "file-name order); remove one of the two files or give one another Plugin-Id");
        }
        String bundled = bundled(a.file);
        if (bundled != null) throw new Fault(bundled);
        if (classpathPluginIds.contains(a.id)) {
            a.end(State.SHADOWED, List.of(), "plugin '" + a.id + "' is also on the classpath; the classpath copy is used");
            return;
        }
        try {
            manager.loadPlugin(a.file);
        } catch (RuntimeException e) {
            throw new Fault("PF4J cannot load it: " + describe(e));
        }
        a.loaded = true;
        PluginWrapper w = manager.getPlugin(a.id);
        if (w.getPluginState() == PluginState.DISABLED) {
            a.end(State.DISABLED, List.of(), "listed in " + a.file.toAbsolutePath().getParent().resolve("disabled.txt") + "; remove it from there to enable it");
            return;
        }
        Set<String> classNames = manager.getExtensionClassNames(a.id);
        for (String cn : classNames) {
            if (PluginHost.class.getClassLoader().getResource(cn.replace('.', '/') + ".class") != null) {
                a.end(State.SHADOWED, List.of(), "its extension " + cn + " is also on the classpath; the classpath copy is used");
                return;
            }
        }
        try {
            manager.startPlugin(a.id);
        } catch (RuntimeException | LinkageError e) {
            throw new Fault("its Plugin-Class failed to start: " + describe(e));
        }
        if (w.getPluginState() != PluginState.STARTED) {
            throw new Fault("PF4J did not start it (state " + w.getPluginState() + ")" + (w.getFailedException() == null ? "" : ": " + describe(w.getFailedException())));
        }
        Origin origin = new Origin(a.id, a.version, a.file.toString(), false);
        Map<Staged<?>, List<Entry<?>>> batch = new LinkedHashMap<>();
        for (String cn : new TreeSet<>(classNames)) instantiate(cn, w.getPluginClassLoader(), origin, batch);
        String clash = add(batch);
        if (clash != null) throw new Fault(clash);
        a.end(State.STARTED, provides(batch), classNames.isEmpty()
                ? "provides no extension: META-INF/extensions.idx is missing or empty (is PF4J's annotation processor configured, and the classes annotated @Extension?)"
                : null);
    }

    private void instantiate(String className, ClassLoader loader, Origin origin, Map<Staged<?>, List<Entry<?>>> batch) throws Fault {
        Class<?> c;
        try {
            c = Class.forName(className, true, loader);
        } catch (ClassNotFoundException e) {
            throw new Fault("extension class " + className + " (listed in META-INF/extensions.idx) is not in the plugin; rebuild the jar");
        } catch (ExceptionInInitializerError e) {
            throw new Fault("extension class " + className + " failed in its static initialiser: " + describe(e.getCause() == null ? e : e.getCause()));
        } catch (LinkageError e) {
            throw new Fault("extension class " + className + " cannot be linked: " + describe(e)
                    + " (a class it needs is missing: bundle the plugin's own dependencies, never the api, PF4J or DJL)");
        }
        List<Staged<?>> kinds = staged.stream().filter(s -> s.registry.type().isAssignableFrom(c)).toList();
        if (kinds.isEmpty()) {
            throw new Fault("extension class " + className + " implements none of sampler4j's extension points (Sampler, SchedulePreset, SigmaGenerator, "
                    + "NamedNoiseModel) as the host sees them; was it compiled against another api?");
        }
        String field = mutableField(c);
        if (field != null) {
            throw new Fault("extension class " + className + " holds mutable state (instance field '" + field + "' is not final); extensions are "
                    + "shared and must be stateless: keep state in local variables");
        }
        Object ext;
        try {
            ext = c.getDeclaredConstructor().newInstance();
        } catch (InvocationTargetException e) {
            throw new Fault("extension class " + className + " threw in its constructor: " + describe(e.getCause()));
        } catch (ExceptionInInitializerError e) {
            throw new Fault("extension class " + className + " failed in its static initialiser: " + describe(e.getCause() == null ? e : e.getCause()));
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new Fault("extension class " + className + " cannot be instantiated: " + describe(e) + "; it needs a public no-argument constructor");
        }
        for (Staged<?> s : kinds) {
            try {
                batch.computeIfAbsent(s, k -> new ArrayList<>()).add(s.describe(ext, origin));
            } catch (RuntimeException | LinkageError e) {
                throw new Fault("extension class " + className + " failed to describe itself (id, aliases, info): " + describe(e));
            }
        }
    }

    // ---------------------------------------------------------------- shared

    /** Adds a plugin's entries to every staged index, all or none; returns the clash message, or {@code null}. */
    private String add(Map<Staged<?>, List<Entry<?>>> batch) {
        Map<Staged<?>, ExtensionRegistry.Index<?>> next = new HashMap<>();
        try {
            for (Map.Entry<Staged<?>, List<Entry<?>>> e : batch.entrySet()) next.put(e.getKey(), e.getKey().plus(e.getValue()));
        } catch (DuplicateExtensionException e) {
            return e.getMessage();
        }
        next.forEach(Staged::set);
        return null;
    }

    private static List<String> provides(Map<Staged<?>, List<Entry<?>>> batch) {
        List<String> out = new ArrayList<>();
        batch.forEach((s, es) -> es.forEach(e -> out.add(s.registry.kind() + " " + e.id())));
        return out;
    }

    /** The first instance field that is neither static nor final, as {@code Class.field}, or {@code null}. */
    static String mutableField(Class<?> c) {
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                int m = f.getModifiers();
                if (!Modifier.isStatic(m) && !Modifier.isFinal(m) && !f.isSynthetic()) return k.getSimpleName() + "." + f.getName();
            }
        }
        return null;
    }

    /**
     * Why a plugin file must not be loaded because it bundles classes the host provides, or {@code null}. Looks at the
     * jar's entries, a zip's {@code classes/} and the jars in its {@code lib/}.
     */
    static String bundled(Path file) throws Fault {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (ZipEntry e : Collections.list(zip.entries())) {
                String hit = forbiddenClass(e.getName());
                if (hit == null && e.getName().toLowerCase(Locale.ROOT).endsWith(".jar")) {
                    try (InputStream in = zip.getInputStream(e); ZipInputStream nested = new ZipInputStream(in)) {
                        for (ZipEntry n = nested.getNextEntry(); n != null && hit == null; n = nested.getNextEntry()) {
                            hit = forbiddenClass(n.getName());
                            if (hit != null) hit = hit + " in " + e.getName();
                        }
                    }
                }
                if (hit != null) {
                    return "it bundles a copy of " + hit + "; the host provides it and two copies break class loading: declare that "
                            + "dependency with <scope>provided</scope> and rebuild the plugin";
                }
            }
        } catch (IOException e) {
            throw new Fault("not a readable jar or zip: " + describe(e));
        }
        return null;
    }

    private static String forbiddenClass(String entry) {
        if (!entry.endsWith(".class")) return null;
        String name = entry.startsWith("classes/") ? entry.substring("classes/".length()) : entry;
        for (Map.Entry<String, String> f : FORBIDDEN.entrySet()) {
            if (name.startsWith(f.getKey())) return f.getValue() + " (" + name + ")";
        }
        return null;
    }

    private static Map<String, String> forbidden() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("org/sampler4j/api/", "the sampler4j api");
        m.put("org/pf4j/", "PF4J");
        m.put("ai/djl/", "DJL");
        return Collections.unmodifiableMap(m);
    }

    /** An exception as {@code Type: message}, with the innermost cause (what users can act on). */
    static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String s = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        if (root != t) s += " (caused by " + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage()) + ")";
        return s;
    }

    /** A registry and the index being built for it. */
    private static final class Staged<T> {
        final ExtensionRegistry<T> registry;
        ExtensionRegistry.Index<T> index;

        Staged(ExtensionRegistry<T> registry) {
            this.registry = registry;
            this.index = registry.base();
        }

        Entry<?> describe(Object extension, Origin origin) {
            return registry.entry(registry.type().cast(extension), origin);
        }

        @SuppressWarnings("unchecked")
        ExtensionRegistry.Index<T> plus(List<Entry<?>> entries) {
            List<Entry<T>> typed = new ArrayList<>();
            for (Entry<?> e : entries) typed.add((Entry<T>) e);
            return index.plus(typed);
        }

        @SuppressWarnings("unchecked")
        void set(Object next) {
            index = (ExtensionRegistry.Index<T>) next;
        }

        void install() {
            registry.install(index);
        }
    }

    /** PF4J's manager with the descriptor look-up exposed; the api version check is ours ({@link ApiVersion}). */
    private static final class Manager extends DefaultPluginManager {
        Manager(Path dir) {
            super(dir);
        }

        PluginDescriptor descriptor(Path file) {
            PluginDescriptor d = getPluginDescriptorFinder().find(file);
            validatePluginDescriptor(d);
            return d;
        }
    }
}
