package org.sampler4j.api.sampler;

import java.util.List;
import org.sampler4j.api.ExtensionRegistry;

/** The samplers visible by id: those on the classpath (ServiceLoader), or the list a host installed. */
public final class Samplers {
    private static final ExtensionRegistry<Sampler> REGISTRY =
            new ExtensionRegistry<>(Sampler.class, "sampler", s -> s.info().id(), s -> s.info().aliases());

    private Samplers() {}

    /** Replaces the registry (the plugin host calls this after loading plugins). */
    public static void install(List<Sampler> samplers) {
        REGISTRY.install(samplers);
    }

    /** All samplers. */
    public static List<Sampler> all() {
        return REGISTRY.all();
    }

    /** A sampler by id or alias, or a "did you mean". */
    public static Sampler get(String id) {
        return REGISTRY.get(id);
    }
}
