package org.sampler4j.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.pf4j.DefaultVersionManager;

/**
 * The version of the sampler4j api that plugins are built against, and the rule that decides whether a plugin's
 * {@code Plugin-Requires} accepts this api.
 *
 * <p>{@code Plugin-Requires} holds either a plain version {@code X.Y.Z}, meaning "built against api X.Y.Z", or a
 * PF4J version expression ({@code >=0.1.0 & <0.3.0}, {@code *}). A plain version is satisfied by an api of the same
 * major version that is not older, and, while the major version is 0, of the same minor version too (semantic
 * versioning: before 1.0 a minor release may break plugins). A missing requirement, or {@code *}, is refused: a plugin
 * must say which api it was built against.
 */
public final class ApiVersion {
    private static final String CURRENT = load();

    private ApiVersion() {}

    /** {@return this api's version, e.g. {@code 0.1.0}} */
    public static String current() {
        return CURRENT;
    }

    /**
     * Checks a plugin's {@code Plugin-Requires} against this api.
     *
     * @param requires the declared requirement
     * @return {@code null} if it is satisfied, otherwise why not (without the plugin's name)
     */
    public static String check(String requires) {
        return check(requires, CURRENT);
    }

    /**
     * {@return {@link #check(String)} against a given api version (for tests)}
     *
     * @param requires the version range a plugin requires, e.g. {@code >=0.1.0}
     * @param api the api version to check against
     */
    public static String check(String requires, String api) {
        if (requires == null || requires.isBlank() || requires.trim().equals("*")) {
            return "it does not declare the sampler4j api version it was built against (Plugin-Requires is missing or '*'); add 'Plugin-Requires: " + api
                    + "' to its manifest (the plugins parent pom and the example plugin do this)";
        }
        String r = requires.trim();
        if (r.matches("\\d+\\.\\d+\\.\\d+")) {
            int[] want = parse(r);
            int[] have = parse(api);
            boolean ok = want[0] == have[0] && (want[0] > 0 || want[1] == have[1]) && compare(have, want) >= 0;
            return ok ? null : "it was built against sampler4j api " + r + " (Plugin-Requires) but this host provides api " + api
                    + "; rebuild the plugin against api " + api + (compare(have, want) < 0 ? " or upgrade sampler4j" : "");
        }
        try {
            if (new DefaultVersionManager().checkVersionConstraint(api, r)) return null;
        } catch (RuntimeException e) {
            return "its Plugin-Requires '" + r + "' is not a version or version expression (" + e.getMessage() + "); write e.g. '" + api + "'";
        }
        return "it requires sampler4j api " + r + " (Plugin-Requires) but this host provides api " + api
                + "; use a plugin release made for api " + api;
    }

    private static int[] parse(String v) {
        String[] p = v.split("[.-]");
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2])};
    }

    private static int compare(int[] a, int[] b) {
        for (int i = 0; i < 3; i++) if (a[i] != b[i]) return Integer.compare(a[i], b[i]);
        return 0;
    }

    private static String load() {
        Properties p = new Properties();
        try (InputStream in = ApiVersion.class.getResourceAsStream("/org/sampler4j/api/version.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String v = p.getProperty("api.version", "0.0.0");
        return v.matches("\\d+\\.\\d+\\.\\d+.*") ? v : "0.0.0";
    }
}
