package org.sampler4j.host.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sampler4j.host.sd.SdFixtures;

/**
 * Native memory of a Stable Diffusion run with its networks loaded (tiny-sd: UNet, text encoder, VAE decoder and
 * encoder), in its own JVM, measured as {@link RuntimeProcessTest} does: RSS after step 100 and after step 500 of a
 * guided ancestral run (batch 2 per UNet call, prompts encoded, images decoded), heap fixed and pre-touched, C1 only.
 * DJL copies each input array into a direct buffer that the garbage collector frees (about 28 kB per step here), so
 * the direct memory is capped at 8 MB to make collected garbage visible as such: without the cap the JVM lets it
 * reach the heap size (96 MB) before collecting, and RSS climbs by ~15 kB per step until then; with it RSS plateaus
 * (measured over 1,000 steps: 347 to 355 MB by step 800, then flat). Bound: under 16 MB growth over 400 steps, and as
 * many native arrays attached to the networks after the run as before.
 */
class SdMemoryTest {
    @Test
    void fiveHundredGuidedStepsDoNotGrowNativeMemory(@TempDir Path dir) throws Exception {
        Path model = SdFixtures.folder("tiny-sd", dir);
        Map<String, String> r = RuntimeProcessTest.parse(ChildJvm.run(List.of("-Xms96m", "-Xmx96m", "-XX:+AlwaysPreTouch", "-XX:TieredStopAtLevel=1",
                "-XX:MaxDirectMemorySize=8m", "-Dai.djl.pytorch.num_threads=1"), Probe.class, "sd-memory", model.toString(), "500"));
        assertEquals("500", r.get("evaluations"), r.toString());
        assertEquals(r.get("arrays_before"), r.get("arrays_after"), "native arrays leaked: " + r);
        long growthKb = Long.parseLong(r.get("rss_kb_at_end")) - Long.parseLong(r.get("rss_kb_at_100"));
        System.out.println("sd memory: " + r + ", growth " + growthKb + " kB");
        assertTrue(growthKb < 16 * 1024, "RSS grew by " + growthKb + " kB between step 100 and 500: " + r);
    }
}
