package org.sampler4j.host.conformance;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every case of k-diffusion/ComfyUI's sigmas.json, element-wise, tolerances in {@link KdiffusionSigmasChecker}. */
class KdiffusionSigmasGoldenTest {
    @TestFactory
    Stream<DynamicTest> sigmasJson() {
        return GoldenFiles.tests("kdiffusion/sigmas.json.gz");
    }
}
