package org.sampler4j.host.conformance;

import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The conformance runner on torchsde's Brownian-tree golden file (kept once, in the api module's test resources, where
 * the tree's own tests use it too).
 */
class TorchsdeBrownianGoldenTest {
    static final Path FILE = Path.of("..", "api", "src", "test", "resources", "golden", "torchsde", "brownian.json.gz");

    @TestFactory
    Stream<DynamicTest> brownian() throws IOException {
        return GoldenFiles.tests("torchsde/brownian.json.gz", Conformance.read(FILE));
    }
}
