package org.sampler4j.api;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Objects;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Where an extension comes from: the plugin that provides it, that plugin's version, and the file or folder it was
 * loaded from. Every entry of an {@link ExtensionRegistry} has one, so that listings and duplicate-id errors can name
 * the plugins involved.
 *
 * @param pluginId the plugin id ({@code Plugin-Id} of the jar's manifest), {@value #BUILT_IN_ID} for the api's own
 *     extensions, or the jar or folder name when an extension on the classpath has no plugin descriptor
 * @param version the plugin version ({@code Plugin-Version}), or {@code ?} when unknown
 * @param location the plugin file or classpath entry, or {@code built-in}
 * @param classpath whether the extension was found on the application classpath (PF4J extension index or ServiceLoader) rather than loaded
 *     from the plugins folder
 */
public record Origin(String pluginId, String version, String location, boolean classpath) {
    /** The plugin id of the api's own built-in extensions (named noise models, the DSL's remaps). */
    public static final String BUILT_IN_ID = "sampler4j";

    /**
     * Checks that plugin id, version and location are given.
     *
     * @param pluginId the plugin id, not null
     * @param version the plugin version, not null
     * @param location the jar, zip or folder, not null
     * @param classpath whether the extension came from the classpath rather than the plugins folder
     */
    public Origin {
        Objects.requireNonNull(pluginId, "pluginId");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(location, "location");
    }

    /** {@return the origin of the api's own extensions} */
    public static Origin builtIn() {
        return new Origin(BUILT_IN_ID, ApiVersion.current(), "built-in", true);
    }

    /** {@return whether this is the api's own origin} */
    public boolean isBuiltIn() {
        return BUILT_IN_ID.equals(pluginId) && "built-in".equals(location);
    }

    /**
     * The origin of a class found on the application classpath: the plugin descriptor in the manifest of the jar
     * that holds it ({@code Plugin-Id}, {@code Plugin-Version}); without one, the jar or folder name.
     *
     * @param type a class loaded from the classpath
     * @return the plugin, jar or folder it comes from
     */
    public static Origin ofClasspath(Class<?> type) {
        Path where = codeSource(type);
        if (where == null) return new Origin("classpath", "?", "classpath", true);
        String id = null;
        String version = null;
        Manifest mf = manifest(where);
        if (mf != null) {
            Attributes a = mf.getMainAttributes();
            id = a.getValue("Plugin-Id");
            version = a.getValue("Plugin-Version");
        }
        if (id == null || id.isBlank()) id = nameOf(where);
        return new Origin(id.trim(), version == null ? "?" : version.trim(), where.toString(), true);
    }

    /** {@return {@code id version (location)}, as used in messages} */
    public String label() {
        return pluginId + " " + version + " (" + location + ")";
    }

    @Override
    public String toString() {
        return label();
    }

    private static Path codeSource(Class<?> type) {
        try {
            CodeSource cs = type.getProtectionDomain().getCodeSource();
            URL url = cs == null ? null : cs.getLocation();
            return url == null || !"file".equals(url.getProtocol()) ? null : Path.of(url.toURI());
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return null;
        }
    }

    /** A jar's file name, or for a build's {@code MODULE/target/classes} folder the module's name. */
    private static String nameOf(Path where) {
        Path name = where.getFileName();
        if (name == null) return where.toString();
        Path target = where.getParent();
        if (name.toString().equals("classes") && target != null && target.getFileName() != null && target.getFileName().toString().equals("target")
                && target.getParent() != null && target.getParent().getFileName() != null) {
            return target.getParent().getFileName().toString();
        }
        return name.toString();
    }

    private static Manifest manifest(Path where) {
        try {
            if (Files.isRegularFile(where)) {
                try (JarFile jar = new JarFile(where.toFile())) {
                    return jar.getManifest();
                }
            }
            Path mf = where.resolve("META-INF/MANIFEST.MF");
            if (Files.isRegularFile(mf)) {
                try (InputStream in = Files.newInputStream(mf)) {
                    return new Manifest(in);
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }
}
