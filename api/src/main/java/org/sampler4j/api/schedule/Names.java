package org.sampler4j.api.schedule;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** "Did you mean" suggestions for unknown names (Damerau-free Levenshtein distance, case- and separator-insensitive). */
public final class Names {
    private Names() {}

    /**
     * {@return the closest known name, if it is close enough to be a plausible typo}
     *
     * @param name the unknown name
     * @param known the names that exist
     */
    public static Optional<String> closest(String name, Collection<String> known) {
        String n = normalise(name);
        return known.stream()
                .filter(k -> distance(n, normalise(k)) <= Math.max(2, n.length() / 3))
                .min(Comparator.comparingInt((String k) -> distance(n, normalise(k))).thenComparing(k -> k));
    }

    /**
     * A message for an unknown name: {@code unknown KIND 'x' — did you mean 'y'?}, or the list of known names
     * when nothing is close.
     *
     * @param kind what the name names, e.g. {@code sampler}
     * @param name the unknown name
     * @param known the names that exist
     * @return the one-line message
     */
    public static String unknown(String kind, String name, Collection<String> known) {
        Optional<String> best = closest(name, known);
        if (best.isPresent()) return "unknown " + kind + " '" + name + "' — did you mean '" + best.get() + "'?";
        return "unknown " + kind + " '" + name + "'; known: " + String.join(", ", known.stream().sorted().toList());
    }

    /**
     * A message for an unknown name among ids and their aliases: as {@link #unknown(String, String, Collection)},
     * but the suggestion is the canonical id of the closest name, so that a typo near an alias points to the id
     * ({@code dpmpp2m} gets {@code dpmpp_2m}, not its alias {@code dpm++2m}); when only the alias is close, it is
     * named too ({@code did you mean 'euler' (alias 'EulerDiscreteScheduler')?}). Nothing close: the ids are listed.
     *
     * @param kind what the name names, e.g. {@code sampler}
     * @param name the unknown name
     * @param canonical every known name (ids and aliases) mapped to its id
     * @return the one-line message
     */
    public static String unknown(String kind, String name, Map<String, String> canonical) {
        Optional<String> best = closest(name, canonical.keySet());
        if (best.isEmpty()) return unknown(kind, name, new TreeSet<>(canonical.values()));
        String id = canonical.get(best.get());
        boolean idIsClose = id.equals(best.get()) || closest(name, List.of(id)).isPresent();
        return "unknown " + kind + " '" + name + "' — did you mean '" + id + "'" + (idIsClose ? "" : " (alias '" + best.get() + "')") + "?";
    }

    private static String normalise(String s) {
        return s.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "").replace("+", "p");
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }
}
