package org.sampler4j.host.cli;

import java.util.Map;
import java.util.stream.Collectors;
import org.sampler4j.api.ExtensionRegistry;

/** Formatting shared by the {@code list} commands. */
final class Listing {
    private Listing() {}

    /** The providing plugin as {@code id version}. */
    static String plugin(ExtensionRegistry.Entry<?> e) {
        return e.origin().pluginId() + " " + e.origin().version();
    }

    /** Capability metadata as {@code k=v, ...}, or {@code -}. */
    static String capabilities(Map<String, String> caps) {
        return caps.isEmpty() ? "-" : caps.entrySet().stream().map(c -> c.getKey() + "=" + (c.getValue().isEmpty() ? "-" : c.getValue()))
                .collect(Collectors.joining(", "));
    }
}
