package org.sampler4j.host.conformance;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** diffusers' pipeline_ops.json: CFG, rescale_noise_cfg, calculate_shift, retrieve_timesteps. */
class PipelineOpsGoldenTest {
    @TestFactory
    Stream<DynamicTest> pipelineOpsJson() {
        return GoldenFiles.tests("diffusers/pipeline_ops.json.gz");
    }
}
