package org.sampler4j.host.conformance;

import java.util.stream.Stream;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every run of k-diffusion/ComfyUI's samplers.json (274), call by call; tolerances in {@link KdiffusionSamplersChecker}. */
@Disabled("enabled once plugins/core-samplers covers the k-diffusion set (issue 3)")
class KdiffusionSamplersGoldenTest {
    @TestFactory
    Stream<DynamicTest> samplersJson() {
        return GoldenFiles.tests("kdiffusion/samplers.json.gz");
    }
}
