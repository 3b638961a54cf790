package org.sampler4j.host.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sampler4j.api.noise.TorchCudaGenerator;

/** Golden files that lack optional sections, and tolerance edge cases of the checkers. */
class ConformanceRobustnessTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anAbsentOptionalSectionIsSkippedWithAReasonNeverAnException() {
        ObjectNode root = (ObjectNode) GoldenFiles.load("kdiffusion/sigmas.json.gz").deepCopy();
        ((ObjectNode) root.get("comfyui_model_sampling_discrete")).remove("sigmas_float32");
        ((ObjectNode) root.get("comfyui_model_sampling_discrete")).remove("log_sigmas_float32");
        Conformance.FileReport r = Conformance.standard().check("sigmas-without-tables.json", root);
        List<CaseResult> skipped = r.cases().stream().filter(c -> c.status() == CaseResult.Status.SKIPPED).toList();
        assertEquals(2, skipped.size(), skipped.toString());
        for (CaseResult c : skipped) {
            assertTrue(c.id().contains("sigmas_float32"), c.id());
            assertTrue(c.detail().contains("sigmas_float32") && c.detail().contains("absent"), c.detail());
        }
        assertEquals(0, r.count(CaseResult.Status.FAILED), r.summary());
        for (CaseResult c : r.cases()) {
            assertFalse(String.valueOf(c.detail()).contains("Exception"), c.id() + ": " + c.detail());
        }
    }

    @Test
    void float16CudaValuesMayDifferByOneHalfPrecisionUlp() {
        float[] mine = new TorchCudaGenerator(7).randnHalf(256);
        int k = 0;
        while (Math.abs(mine[k]) < 0.25 || Math.abs(mine[k]) >= 0.5) k++;   // a value whose half ulp is 2^-12
        assertEquals(0x1p-12, TorchRngCheckers.halfUlp(mine[k]));
        assertEquals(0x1p-24, TorchRngCheckers.halfUlp(1e-6));
        double oneUlp = mine[k] + 0x1p-12;
        double twoUlps = mine[k] + 0x1p-11;
        assertEquals(CaseResult.Status.PASSED, checkHalf(mine, k, oneUlp).status(), "one half ulp is within tolerance");
        CaseResult off = checkHalf(mine, k, twoUlps);
        assertEquals(CaseResult.Status.FAILED, off.status());
        assertTrue(off.detail().contains("float16 ulp"), off.detail());
    }

    private static CaseResult checkHalf(float[] mine, int k, double replaced) {
        ObjectNode c = JSON.createObjectNode();
        c.put("seed", 7);
        c.putArray("shape").add(mine.length);
        c.put("dtype", "float16");
        ArrayNode values = c.putArray("values");
        for (int i = 0; i < mine.length; i++) values.add(i == k ? replaced : mine[i]);
        ObjectNode root = JSON.createObjectNode();
        root.putArray("cases").add(c);
        List<CaseResult> out = new TorchRngCheckers.Cuda().check((JsonNode) root);
        assertEquals(1, out.size());
        return out.get(0);
    }
}
