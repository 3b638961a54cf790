package org.sampler4j.host.plugin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Which plugins folder the host loads, and why. Precedence, most specific first:
 * <ol>
 *   <li>the command line's global option {@code --plugins DIR};</li>
 *   <li>a recipe's {@code plugins} key (relative to the recipe's folder): the recipe names the plugins it needs, so it
 *       wins over a setting of the user's environment;</li>
 *   <li>the environment variable {@value #ENV};</li>
 *   <li>the distribution's {@code plugins/} folder: {@code plugins} under the system property {@value #HOME_PROPERTY},
 *       which {@code bin/sampler4j} sets to {@code host/target};</li>
 *   <li>none: only the extensions on the classpath (embedding, tests).</li>
 * </ol>
 * Blank values count as unset. A folder that was asked for (1–3) must exist; the distribution's may be missing.
 *
 * <p>A folder asked for (1–3) <b>adds to</b> the distribution's folder, it does not replace it: the host loads the
 * distribution's plugins first, then the user's ({@link #loadOrder()}), so a user's plugins folder never makes the core
 * samplers disappear, and a plugin there can never replace a built-in id (a clash fails the newcomer).
 *
 * @param dir the folder, or {@code null} for {@link Source#NONE}
 * @param source where the choice came from
 */
public record PluginsFolder(Path dir, Source source) {
    /** Environment variable naming the plugins folder. */
    public static final String ENV = "SAMPLER4J_PLUGINS";
    /** System property naming the distribution's root (its {@code plugins/} folder is the default). */
    public static final String HOME_PROPERTY = "sampler4j.home";

    /** Where a plugins folder setting came from. */
    public enum Source {
        /** {@code --plugins DIR}. */
        OPTION("--plugins"),
        /** A recipe's {@code plugins} key. */
        RECIPE("the recipe's 'plugins' key"),
        /** The environment variable. */
        ENVIRONMENT("$" + ENV),
        /** The distribution's default folder. */
        DISTRIBUTION("the distribution's default"),
        /** No folder: classpath only. */
        NONE("no plugins folder");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        /** How the source is named in messages. */
        public String label() {
            return label;
        }
    }

    /** Resolves with the process's environment and system properties (see the class comment for the order). */
    public static PluginsFolder resolve(String option, String recipeValue, Path recipeDir) {
        return resolve(option, recipeValue, recipeDir, System.getenv(ENV), System.getProperty(HOME_PROPERTY));
    }

    /**
     * Resolves a plugins folder.
     *
     * @param option the value of {@code --plugins}, or {@code null}
     * @param recipeValue the recipe's {@code plugins} value, or {@code null}
     * @param recipeDir the recipe's folder (relative recipe values are resolved against it), or {@code null}
     * @param env the value of {@value #ENV}, or {@code null}
     * @param home the distribution root ({@value #HOME_PROPERTY}), or {@code null}
     */
    public static PluginsFolder resolve(String option, String recipeValue, Path recipeDir, String env, String home) {
        if (set(option)) return new PluginsFolder(Path.of(option.trim()), Source.OPTION);
        if (set(recipeValue)) {
            Path p = Path.of(recipeValue.trim());
            return new PluginsFolder(recipeDir == null || p.isAbsolute() ? p : recipeDir.resolve(p), Source.RECIPE);
        }
        if (set(env)) return new PluginsFolder(Path.of(env.trim()), Source.ENVIRONMENT);
        if (set(home)) return new PluginsFolder(Path.of(home.trim()).resolve("plugins"), Source.DISTRIBUTION);
        return new PluginsFolder(null, Source.NONE);
    }

    /**
     * What is wrong with the folder, or {@code null}: a folder that was asked for explicitly must exist and be a
     * folder; the distribution's default may be missing (then only the classpath is used).
     */
    public String problem() {
        if (dir == null || source == Source.DISTRIBUTION && !Files.exists(dir)) return null;
        if (!Files.exists(dir)) return "plugins folder " + dir + " (from " + source.label() + ") does not exist; create it or fix the path";
        if (!Files.isDirectory(dir)) return "plugins folder " + dir + " (from " + source.label() + ") is a file, not a folder; give the folder that holds the plugin jars";
        return null;
    }

    /**
     * The folders to load, in order: the distribution's {@code plugins/} folder (when {@value #HOME_PROPERTY} names one
     * that exists), then this folder when it is another one that exists.
     */
    public List<Path> loadOrder() {
        return loadOrder(System.getProperty(HOME_PROPERTY));
    }

    /** {@link #loadOrder()} with the distribution root {@code home} (or {@code null}). */
    public List<Path> loadOrder(String home) {
        Path dist = set(home) ? Path.of(home.trim()).resolve("plugins") : null;
        boolean distUsable = dist != null && Files.isDirectory(dist);
        boolean ownUsable = dir != null && Files.isDirectory(dir);
        if (!ownUsable) return distUsable ? List.of(dist) : List.of();
        if (!distUsable || same(dist, dir)) return List.of(dir);
        return List.of(dist, dir);
    }

    /** {@code DIR (from SOURCE)}, with the distribution's folder it adds to, or {@code none}. */
    public String describe() {
        List<Path> order = loadOrder();
        if (dir == null && order.isEmpty()) return "none (classpath only)";
        String own = dir == null ? "" : dir.toAbsolutePath().normalize() + " (from " + source.label() + ")";
        if (order.size() == 2) return own + ", added to the distribution's " + order.get(0).toAbsolutePath().normalize();
        if (dir == null) return order.get(0).toAbsolutePath().normalize() + " (from " + Source.DISTRIBUTION.label() + ")";
        return own;
    }

    private static boolean same(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    private static boolean set(String s) {
        return s != null && !s.isBlank();
    }
}
