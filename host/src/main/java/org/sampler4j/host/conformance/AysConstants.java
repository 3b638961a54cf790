package org.sampler4j.host.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sampler4j.api.schedule.NoiseModels;

/**
 * Checks diffusers' {@code AysSchedules} constants (the {@code constants/AysSchedules} case of diffusers'
 * schedules.json) against the installed {@code ays} preset, exactly: the sigmas of {@code preset(ays, 10, model=M,
 * variant=diffusers)} and its published {@code diffusers/timesteps/M} tables. The lists are literals in both, so any
 * difference is a transcription error.
 */
final class AysConstants {
    private AysConstants() {}

    private static final List<String> KEYS = List.of("StableDiffusionTimesteps", "StableDiffusionSigmas", "StableDiffusionXLTimesteps",
            "StableDiffusionXLSigmas", "StableDiffusionVideoSigmas");

    static CaseResult check(String id, JsonNode expect) {
        List<String> seen = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : expect.properties()) {
            double[] mine = switch (e.getKey()) {
                case "StableDiffusionTimesteps" -> KdiffusionSigmasChecker.table("ays", "diffusers/timesteps/sd1");
                case "StableDiffusionSigmas" -> diffusersSigmas("sd1");
                case "StableDiffusionXLTimesteps" -> KdiffusionSigmasChecker.table("ays", "diffusers/timesteps/sdxl");
                case "StableDiffusionXLSigmas" -> diffusersSigmas("sdxl");
                case "StableDiffusionVideoSigmas" -> diffusersSigmas("svd");
                default -> null;
            };
            if (mine == null) return CaseResult.fail(id, "AysSchedules has an entry '" + e.getKey() + "' that the ays preset does not know; add it to the AYS plugin");
            String d = Compare.exact(e.getKey(), Compare.array(e.getValue()), mine);
            if (d != null) return CaseResult.fail(id, d);
            seen.add(e.getKey());
        }
        if (!seen.containsAll(KEYS)) return CaseResult.fail(id, "AysSchedules lacks some of " + KEYS + " (found " + seen + ")");
        return CaseResult.pass(id);
    }

    private static double[] diffusersSigmas(String model) {
        return KdiffusionSigmasChecker.preset("ays").sigmas(NoiseModels.named("sd15"), 10, Map.of("model", model, "variant", "diffusers"));
    }
}
