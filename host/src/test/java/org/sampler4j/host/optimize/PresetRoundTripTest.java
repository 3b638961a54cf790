package org.sampler4j.host.optimize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sampler4j.api.optimize.Budget;
import org.sampler4j.api.preset.PresetFile;
import org.sampler4j.api.preset.Presets;
import org.sampler4j.api.schedule.NoiseModel;
import org.sampler4j.api.schedule.Schedule;
import org.sampler4j.api.schedule.ScheduleException;
import org.sampler4j.host.model.AnalyticModel;
import org.sampler4j.host.plugin.PluginHost;

/** A fitted schedule goes file -> DSL -> plugin jar -> preset(ID, n) and gives the same sigmas everywhere. */
class PresetRoundTripTest {
    @Test
    void fileDslPluginJarAndPresetIdAgree(@TempDir Path dir) throws Exception {
        Target t = ScheduleOptimizerTest.target("gmm:1x4x4", "euler", "linspace(6).karras()", 10, 0);
        ScheduleOptimizer.Result r = ScheduleOptimizer.run(t, ScheduleOptimizerTest.request(ScheduleOptimizer.Method.DIRECT, 6, 40), Budget.Progress.NONE);
        NoiseModel noise = t.resolvedNoiseModel();
        Path file = dir.resolve("fit.json");
        String ref = PresetFile.FILE_PREFIX + file;
        Map<String, Object> doc = PresetDocument.of("gmm-fit-6", "gmm:1x4x4", t, "euler", Map.of(), 1, 0, 0, r, ref);
        String json = PresetDocument.json(doc);
        Files.writeString(file, json);

        // file -> DSL: the stored sigmas exactly, and the provenance
        assertEquals("preset(" + ref + ", 6)", doc.get("usage"));
        assertArrayEquals(r.sigmas(), Schedule.parse((String) doc.get("usage")).resolve(noise).sigmas(), 0);
        PresetFile f = PresetFile.read(file);
        assertEquals("direct", f.document().get("method"));
        assertEquals(noise.describe(), f.noiseModel());
        assertEquals(1L << 62, ((Number) ((Map<?, ?>) f.document().get("seeds")).get("first")).longValue());

        // -> plugin jar -> preset(ID, n), other step counts interpolated as the file does
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PresetJar.write(plugins.resolve("gmm-fit-6.jar"), "gmm-fit-6", "1.0.0", (String) doc.get("description"), json);
        try (PluginHost host = PluginHost.load(plugins).install()) {
            PluginHost.PluginStatus s = host.plugins().stream().filter(p -> p.id().equals("gmm-fit-6")).findFirst().orElseThrow();
            assertEquals(PluginHost.State.STARTED, s.state(), s.toString());
            assertEquals(List.of("preset gmm-fit-6"), s.provides());
            assertTrue(host.failures().isEmpty(), host.failures().toString());
            assertArrayEquals(r.sigmas(), Schedule.parse("preset(gmm-fit-6, 6)").resolve(noise).sigmas(), 0);
            for (int n : new int[] {2, 4, 9, 12}) {
                assertArrayEquals(Schedule.parse("preset(" + ref + ", " + n + ")").resolve(noise).sigmas(), Schedule.parse("preset(gmm-fit-6, " + n + ")").resolve(noise).sigmas(), 0);
            }
            assertTrue(Presets.get("gmm-fit-6").description().contains("fitted by sampler4j optimize (direct) for euler"));
        }
        assertThrows(ScheduleException.class, () -> Presets.get("gmm-fit-6"), "closing the host unloads the preset");
    }

    @Test
    void theJarIsReproducibleAndHoldsOneClassNoApi(@TempDir Path dir) throws Exception {
        String json = PresetDocument.json(Map.of("format", PresetFile.FORMAT, "id", "p1", "noise_model", AnalyticModel.open("gmm").noiseModel().describe(),
                "sigmas", new double[] {80, 1, 0}));
        PresetJar.write(dir.resolve("a.jar"), "p1", "1.0.0", "d", json);
        PresetJar.write(dir.resolve("b.jar"), "p1", "1.0.0", "d", json);
        assertArrayEquals(Files.readAllBytes(dir.resolve("a.jar")), Files.readAllBytes(dir.resolve("b.jar")));
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(dir.resolve("a.jar").toFile())) {
            List<String> names = z.stream().map(java.util.zip.ZipEntry::getName).sorted().toList();
            assertEquals(List.of("META-INF/MANIFEST.MF", "META-INF/extensions.idx", "org/sampler4j/presets/generated/P_p1.class", "sampler4j-presets/p1.json"), names);
        }
        assertThrows(RuntimeException.class, () -> PresetJar.checkId("1bad id"));
    }
}
