package org.sampler4j.api.sampler;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.sampler4j.api.ExtensionRegistry;

/**
 * The samplers visible by id: those on the classpath (PF4J extension index or ServiceLoader), or those a host installed (the plugin host
 * installs the classpath's and the plugins folder's). See {@link ExtensionRegistry} for the rules.
 */
public final class Samplers {
    private static final ExtensionRegistry<Sampler> REGISTRY =
            new ExtensionRegistry<>(Sampler.class, "sampler", s -> s.info().id(), s -> s.info().aliases(), Samplers::capabilities);

    private Samplers() {}

    /** {@return the registry behind this facade (for hosts and listings)} */
    public static ExtensionRegistry<Sampler> registry() {
        return REGISTRY;
    }

    /**
     * Replaces the registry's samplers (ids and aliases must be unique).
     *
     * @param samplers the samplers, with unique ids and aliases
     */
    public static void install(List<Sampler> samplers) {
        REGISTRY.install(samplers);
    }

    /** {@return all samplers} */
    public static List<Sampler> all() {
        return REGISTRY.all();
    }

    /**
     * {@return a sampler by id or alias, or a "did you mean"}
     *
     * @param id a sampler id or alias
     */
    public static Sampler get(String id) {
        return REGISTRY.get(id);
    }

    /** A sampler's capabilities as listing metadata: {@code stochastic}, {@code calls_per_step}, {@code models}, {@code needs_uncond}. */
    static Map<String, String> capabilities(Sampler s) {
        SamplerInfo.Capabilities c = s.info().capabilities();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("stochastic", Boolean.toString(c.stochastic()));
        m.put("calls_per_step", Integer.toString(c.modelCallsPerStep()));
        m.put("models", c.modelKinds().stream().map(k -> k.name().toLowerCase(Locale.ROOT)).sorted().collect(Collectors.joining("/")));
        m.put("needs_uncond", Boolean.toString(c.needsUnconditional()));
        return m;
    }
}
