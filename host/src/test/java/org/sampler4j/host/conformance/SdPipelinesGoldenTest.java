package org.sampler4j.host.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * diffusers' Stable Diffusion pipelines on the tiny TorchScript models (sd_pipelines/pipelines.json, 12 cases): final
 * latents within 1e-3 of their max-abs, pixels within 2 levels, timesteps exact ({@link SdPipelinesChecker}).
 */
class SdPipelinesGoldenTest {
    static Path file() {
        try {
            return Path.of(SdPipelinesGoldenTest.class.getResource("/golden/sd_pipelines/pipelines.json").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @TestFactory
    Stream<DynamicTest> pipelinesJson() throws Exception {
        Conformance.FileReport report = Conformance.standard().check(file());
        System.out.println(report.summary() + " " + report.metrics());
        return report.cases().stream().map(c -> DynamicTest.dynamicTest(c.id(), () -> {
            System.out.println(c.id() + ": " + c.status() + " " + c.detail());
            if (c.status() != CaseResult.Status.PASSED) throw new AssertionError(c.id() + ": " + c.detail());
        }));
    }

    @Test
    void withoutAPathTheCasesFailWithAReason() throws Exception {
        Conformance.FileReport report = Conformance.standard().check("pipelines.json", Conformance.read(file()));
        assertEquals(report.cases().size(), report.count(CaseResult.Status.FAILED));
    }
}
