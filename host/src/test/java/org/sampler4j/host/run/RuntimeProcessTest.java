package org.sampler4j.host.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sampler4j.host.model.Fixtures;

/**
 * Properties that need their own JVM: memory over a long run, and determinism across intra-op thread counts
 * ({@code -Dai.djl.pytorch.num_threads} is read once, when the engine starts, so each setting gets a fresh JVM).
 */
class RuntimeProcessTest {
    /** The tiny UNet on a 3x4x4 latent (it is fully convolutional): 10,000 steps stay fast. */
    static Path tinyLatentModel(Path dir) throws IOException {
        Path m = dir.resolve("tiny-4x4");
        Files.createDirectories(m);
        Files.copy(Fixtures.model("tiny-unet").resolve("unet.pt"), m.resolve("unet.pt"));
        Files.writeString(m.resolve("model.yaml"), Files.readString(Fixtures.model("tiny-unet").resolve("model.yaml"))
                .replace("{channels: 3, height: 16, width: 16}", "{channels: 3, height: 4, width: 4}"));
        return m;
    }

    static Map<String, String> parse(String out) {
        Map<String, String> m = new LinkedHashMap<>();
        out.lines().filter(l -> l.contains("=")).forEach(l -> m.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1).trim()));
        return m;
    }

    /**
     * Measure: the process's resident set size (VmRSS) after step 1,000 and after step 10,000, in a JVM whose heap is
     * fixed and pre-touched (-Xms=-Xmx=96m, AlwaysPreTouch) and which compiles with C1 only (C2's compiler arenas
     * otherwise add ~8 MB of RSS at some point during the run), so RSS growth is native memory. Bound: under 16 MB
     * growth over 9,000 steps (measured: ~2 MB; without the per-call sub-manager the same run grows by ~300 MB and
     * leaves 40,000 arrays behind); and exactly as many native arrays attached to the model after the run as before.
     */
    @Test
    void tenThousandStepsDoNotGrowNativeMemory(@TempDir Path dir) throws Exception {
        Path model = tinyLatentModel(dir);
        Map<String, String> r = parse(ChildJvm.run(List.of("-Xms96m", "-Xmx96m", "-XX:+AlwaysPreTouch", "-XX:TieredStopAtLevel=1", "-Dai.djl.pytorch.num_threads=1"),
                Probe.class, "memory", model.toString(), "10000"));
        assertEquals("10000", r.get("evaluations"), r.toString());
        assertEquals(r.get("arrays_before"), r.get("arrays_after"), "native arrays leaked: " + r);
        long growthKb = Long.parseLong(r.get("rss_kb_at_end")) - Long.parseLong(r.get("rss_kb_at_1000"));
        System.out.println("memory: " + r + ", growth " + growthKb + " kB");
        assertTrue(growthKb < 16 * 1024, "RSS grew by " + growthKb + " kB between step 1000 and 10000: " + r);
    }

    @Test
    void sameSeedSameLatentWithOneOrTwoIntraOpThreads() throws Exception {
        String model = Fixtures.model("tiny-unet").toString();
        String one = parse(ChildJvm.run(List.of("-Dai.djl.pytorch.num_threads=1"), Probe.class, "determinism", model)).get("latent_sha256");
        String two = parse(ChildJvm.run(List.of("-Dai.djl.pytorch.num_threads=2"), Probe.class, "determinism", model)).get("latent_sha256");
        String again = parse(ChildJvm.run(List.of("-Dai.djl.pytorch.num_threads=1"), Probe.class, "determinism", model)).get("latent_sha256");
        assertEquals(one, again, "two runs with the same inputs and seed differ");
        assertEquals(one, two, "1 and 2 intra-op threads give different latents");
    }
}
