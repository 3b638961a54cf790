package org.sampler4j.host.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sampler4j.plugin.ays.AlignYourSteps;
import org.sampler4j.plugin.ays.AlignYourSteps.Model;

/**
 * Checks diffusers' {@code AysSchedules} constants (the {@code constants/AysSchedules} case of diffusers'
 * schedules.json) against the AYS plugin's {@code variant=diffusers} tables, exactly: the five lists are literals in
 * both, so any difference is a transcription error.
 */
final class AysConstants {
    private AysConstants() {}

    private static final List<String> KEYS = List.of("StableDiffusionTimesteps", "StableDiffusionSigmas", "StableDiffusionXLTimesteps",
            "StableDiffusionXLSigmas", "StableDiffusionVideoSigmas");

    static CaseResult check(String id, JsonNode expect) {
        List<String> seen = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : expect.properties()) {
            double[] mine = switch (e.getKey()) {
                case "StableDiffusionTimesteps" -> ints(AlignYourSteps.diffusersTimesteps(Model.SD1));
                case "StableDiffusionSigmas" -> AlignYourSteps.diffusers(Model.SD1, 10);
                case "StableDiffusionXLTimesteps" -> ints(AlignYourSteps.diffusersTimesteps(Model.SDXL));
                case "StableDiffusionXLSigmas" -> AlignYourSteps.diffusers(Model.SDXL, 10);
                case "StableDiffusionVideoSigmas" -> AlignYourSteps.diffusers(Model.SVD, 10);
                default -> null;
            };
            if (mine == null) return CaseResult.fail(id, "AysSchedules has an entry '" + e.getKey() + "' that the AYS plugin does not know; add it to AlignYourSteps");
            String d = Compare.exact(e.getKey(), Compare.array(e.getValue()), mine);
            if (d != null) return CaseResult.fail(id, d);
            seen.add(e.getKey());
        }
        if (!seen.containsAll(KEYS)) return CaseResult.fail(id, "AysSchedules lacks some of " + KEYS + " (found " + seen + ")");
        return CaseResult.pass(id);
    }

    private static double[] ints(int[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i];
        return out;
    }
}
