package org.sampler4j.host.conformance;

import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * k-diffusion/ComfyUI samplers.json (274 runs), call by call; tolerances in {@link KdiffusionSamplersChecker}.
 * Split by coverage: every k-diffusion run; ComfyUI's runs of the same sampler set; ComfyUI's own samplers.
 */
class KdiffusionSamplersGoldenTest {
    static final String FILE = "kdiffusion/samplers.json.gz";

    /** The k-diffusion sampler set (ComfyUI's run names; dpmpp_2m_sde_heun is dpmpp_2m_sde with solver_type=heun). */
    static final List<String> KDIFFUSION_SET = List.of("euler", "euler_ancestral", "heun", "dpm_2", "dpm_2_ancestral", "lms", "dpm_fast",
            "dpm_adaptive", "dpmpp_2s_ancestral", "dpmpp_sde", "dpmpp_2m", "dpmpp_2m_sde", "dpmpp_2m_sde_heun", "dpmpp_3m_sde", "ddpm");

    static Predicate<String> comfy(boolean inSet) {
        return id -> id.startsWith("comfyui/") && KDIFFUSION_SET.contains(id.split("/")[1]) == inSet;
    }

    @TestFactory
    Stream<DynamicTest> kdiffusionRuns() {
        return GoldenFiles.tests(FILE, id -> id.startsWith("k-diffusion/"));
    }

    @TestFactory
    Stream<DynamicTest> comfyuiRunsOfTheKdiffusionSet() {
        return GoldenFiles.tests(FILE, comfy(true));
    }

    @TestFactory
    Stream<DynamicTest> comfyuiOwnSamplers() {
        return GoldenFiles.tests(FILE, comfy(false));
    }
}
