package org.sampler4j.host.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sampler4j.api.sampler.OptionSpec;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerOptions;
import org.sampler4j.api.sampler.Samplers;
import org.sampler4j.api.schedule.Names;

/**
 * Sampler options given once for several selected samplers (the CLI's {@code -O}, a recipe's {@code sampler_options}):
 * {@code KEY=VALUE} applies to every selected sampler that has option {@code KEY}, {@code SAMPLER.KEY=VALUE} to that
 * sampler only (and wins over an unprefixed value). An option that no selected sampler has, a prefix naming a sampler
 * that is not selected and a value the sampler rejects are problems, each attributed to the key as given.
 */
public final class SamplerOptionSets {
    private SamplerOptionSets() {}

    /**
     * A problem with one given key.
     *
     * @param key the key as given ({@code eta}, {@code euler_ancestral.eta})
     * @param message what is wrong and how to fix it
     */
    public record Problem(String key, String message) {}

    /**
     * The options of each selected sampler.
     *
     * @param options selected sampler (as given) to its options (only the given ones, not the defaults)
     * @param problems empty when every key was used and valid
     */
    public record Assigned(Map<String, Map<String, Object>> options, List<Problem> problems) {
        /** The options of {@code sampler} (as given), empty when none apply. */
        public Map<String, Object> of(String sampler) {
            return options.getOrDefault(sampler, Map.of());
        }
    }

    /**
     * Assigns {@code given} to the samplers {@code selected} (ids or aliases; unknown ones are skipped: their id is
     * reported elsewhere).
     *
     * @return the options per sampler and the problems
     */
    public static Assigned assign(List<String> selected, Map<String, ?> given) {
        Map<String, Sampler> samplers = new LinkedHashMap<>();
        for (String id : new LinkedHashSet<>(selected)) {
            try {
                samplers.put(id, Samplers.get(id));
            } catch (RuntimeException e) {
                // an unknown sampler id is its own problem, reported where the id is checked
            }
        }
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        samplers.keySet().forEach(id -> out.put(id, new LinkedHashMap<>()));
        List<Problem> problems = new ArrayList<>();
        if (samplers.isEmpty()) return new Assigned(out, problems);
        for (boolean prefixed : new boolean[] {false, true}) {
            for (Map.Entry<String, ?> e : given.entrySet()) {
                String key = e.getKey();
                int dot = key.indexOf('.');
                if ((dot > 0) != prefixed) continue;
                List<String> targets = new ArrayList<>();
                String option = prefixed ? key.substring(dot + 1) : key;
                if (prefixed) {
                    String sid = key.substring(0, dot);
                    Sampler s;
                    try {
                        s = Samplers.get(sid);
                    } catch (RuntimeException ex) {
                        problems.add(new Problem(key, ex.getMessage()));
                        continue;
                    }
                    samplers.forEach((id, sm) -> {
                        if (sm.info().id().equals(s.info().id())) targets.add(id);
                    });
                    if (targets.isEmpty()) {
                        problems.add(new Problem(key, "sampler '" + sid + "' is not selected (selected: " + String.join(", ", samplers.keySet())
                                + "): select it too, or drop the option"));
                        continue;
                    }
                } else {
                    samplers.forEach((id, sm) -> {
                        if (names(sm).contains(option)) targets.add(id);
                    });
                    if (targets.isEmpty()) {
                        problems.add(new Problem(key, noSuchOption(option, samplers)));
                        continue;
                    }
                }
                for (String id : targets) {
                    Sampler sm = samplers.get(id);
                    try {
                        SamplerOptions.of(sm.info().id(), sm.info().options(), Map.of(option, e.getValue()));
                    } catch (IllegalArgumentException ex) {
                        problems.add(new Problem(key, ex.getMessage()));
                        continue;
                    }
                    out.get(id).put(option, e.getValue());
                }
            }
        }
        return new Assigned(out, problems);
    }

    /**
     * The options of one sampler out of {@code given} (already {@link #assign assigned} without problems): the
     * unprefixed ones it has and its own prefixed ones, which win.
     */
    public static Map<String, Object> forSampler(String sampler, Map<String, ?> given) {
        Assigned a = assign(List.of(sampler), given.entrySet().stream().filter(e -> applies(sampler, e.getKey()))
                .collect(LinkedHashMap::new, (m, e) -> m.put(e.getKey(), e.getValue()), Map::putAll));
        return a.of(sampler);
    }

    /** Whether the key is an option {@code sampler} has or one prefixed with (an alias of) {@code sampler}. */
    private static boolean applies(String sampler, String key) {
        Sampler s = Samplers.get(sampler);
        int dot = key.indexOf('.');
        if (dot < 0) return names(s).contains(key);
        try {
            return Samplers.get(key.substring(0, dot)).info().id().equals(s.info().id());
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String noSuchOption(String option, Map<String, Sampler> samplers) {
        if (samplers.size() == 1) {
            Sampler s = samplers.values().iterator().next();
            Set<String> known = names(s);
            String id = s.info().id();
            if (known.isEmpty()) return "sampler '" + id + "' has no options; drop it";
            String u = Names.unknown("option", option, known);
            return "sampler '" + id + "' has no option '" + option + "'" + (u.contains(" — did you mean") ? u.substring(u.indexOf(" — did you mean"))
                    : "; its options: " + String.join(", ", known)) + " (see 'sampler4j samplers " + id + "')";
        }
        Set<String> all = new LinkedHashSet<>();
        samplers.values().forEach(s -> all.addAll(names(s)));
        String hint = Names.unknown("option", option, all);
        return "none of the selected samplers (" + String.join(", ", samplers.keySet()) + ") has option '" + option + "'"
                + (hint.contains("did you mean") ? "; did you mean '" + hint.substring(hint.indexOf("did you mean '") + 14) : "; see 'sampler4j samplers ID' for each sampler's options");
    }

    private static Set<String> names(Sampler s) {
        Set<String> out = new LinkedHashSet<>();
        for (OptionSpec o : s.info().options()) out.add(o.name());
        return out;
    }
}
