package org.sampler4j.host.model;

import java.nio.file.Path;

/** The committed TorchScript fixtures (tools/fixtures/make_tiny_unet.py). */
public final class Fixtures {
    private Fixtures() {}

    /** The fixtures' root, from the host module's working directory. */
    public static final Path MODELS = Path.of("..", "tools", "fixtures", "models");

    /** A fixture folder or file. */
    public static Path model(String name) {
        return MODELS.resolve(name);
    }
}
