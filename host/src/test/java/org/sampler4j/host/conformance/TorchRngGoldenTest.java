package org.sampler4j.host.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The conformance runner on the PyTorch RNG golden files (kept once, in the api module's test resources, where the
 * generator's own tests use them too).
 */
class TorchRngGoldenTest {
    static final Path DIR = Path.of("..", "api", "src", "test", "resources", "golden", "torch_rng");

    static Stream<DynamicTest> file(String name) {
        try {
            return GoldenFiles.tests(name, Conformance.read(DIR.resolve(name)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @TestFactory
    Stream<DynamicTest> cpuTorch113() {
        return file("cpu_randn.json.gz");
    }

    @TestFactory
    Stream<DynamicTest> cpuTorch211() {
        return file("cpu_randn_torch2.11.json.gz");
    }

    @TestFactory
    Stream<DynamicTest> cuda() {
        return file("cuda_randn.json.gz");
    }
}
