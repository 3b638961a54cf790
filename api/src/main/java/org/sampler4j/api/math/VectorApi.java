package org.sampler4j.api.math;

/**
 * Whether the JDK's Vector API (incubating module {@code jdk.incubator.vector} in Java 17) may be used: the module is
 * in the boot layer ({@code --add-modules jdk.incubator.vector}) and not turned off with {@code -Dsampler4j.vector=false}.
 * Classes with vectorised loops check this, load their vector kernel only then, and otherwise run scalar loops that
 * give identical bits.
 */
public final class VectorApi {
    private static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("sampler4j.vector", "true"))
            && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private VectorApi() {}

    /**
     * Whether vector kernels may be loaded.
     *
     * @return true when the module is present and not disabled
     */
    public static boolean enabled() {
        return ENABLED;
    }
}
