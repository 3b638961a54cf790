package org.sampler4j.host.plugin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sampler4j.api.analytic.GaussianMixture;
import org.sampler4j.api.noise.SeededNoise;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.Samplers;
import org.sampler4j.api.sampler.SamplingContext;
import org.sampler4j.api.schedule.NoiseModel;
import org.sampler4j.api.schedule.NoiseModels;
import org.sampler4j.api.schedule.Schedule;
import org.sampler4j.api.schedule.ScheduleException;
import org.sampler4j.api.schedule.ScheduleSpec;
import org.sampler4j.host.plugin.PluginHost.PluginStatus;
import org.sampler4j.host.plugin.PluginHost.State;

/**
 * Loads one plugins folder full of real plugin jars, built here, most of them broken in one way each: every broken one
 * is reported with its id, file and reason, and the good ones load all the same.
 */
class PluginHostTest {
    @TempDir
    static Path dir;
    static PluginHost host;

    @BeforeAll
    static void buildFolderAndLoad() throws Exception {
        Map<String, byte[]> good = PluginJars.compile(Map.of("t.good.S", PluginJars.sampler("t.good", "test_good", "")));
        PluginJars.jar(dir.resolve("a-good.jar"), PluginJars.descriptor("good", "1.0.0", "0.1.0"), good, PluginJars.index("t.good.S"));
        Map<String, byte[]> zipped = PluginJars.compile(Map.of("t.zipped.S", PluginJars.sampler("t.zipped", "test_zipped", "")));
        PluginJars.zip(dir.resolve("b-zipped.zip"), Map.of("plugin.id", "zipped", "plugin.version", "1.0.0", "plugin.requires", "0.1.0"),
                zipped, PluginJars.index("t.zipped.S"));

        PluginJars.jar(dir.resolve("c-no-id.jar"), PluginJars.descriptor(null, "1.0.0", "0.1.0"), good, PluginJars.index("t.good.S"));
        PluginJars.jar(dir.resolve("d-missing-class.jar"), PluginJars.descriptor("missing-class", "1.0.0", "0.1.0"), PluginJars.index("t.nowhere.S"));
        Map<String, byte[]> ctor = PluginJars.compile(Map.of("t.ctor.S", PluginJars.sampler("t.ctor", "test_ctor",
                "public S() { throw new IllegalStateException(\"no GPU here\"); }")));
        PluginJars.jar(dir.resolve("e-ctor.jar"), PluginJars.descriptor("ctor", "1.0.0", "0.1.0"), ctor, PluginJars.index("t.ctor.S"));
        Map<String, byte[]> statics = PluginJars.compile(Map.of("t.statics.S", PluginJars.sampler("t.statics", "test_statics",
                "static final int N = Integer.parseInt(\"not a number\");")));
        PluginJars.jar(dir.resolve("f-static-init.jar"), PluginJars.descriptor("static-init", "1.0.0", "0.1.0"), statics, PluginJars.index("t.statics.S"));
        Map<String, byte[]> newer = PluginJars.compile(Map.of("t.newer.S", PluginJars.sampler("t.newer", "test_newer", "")));
        PluginJars.jar(dir.resolve("g-newer-api.jar"), PluginJars.descriptor("newer-api", "1.0.0", "0.2.0"), newer, PluginJars.index("t.newer.S"));
        PluginJars.jar(dir.resolve("h-no-requires.jar"), PluginJars.descriptor("no-requires", "1.0.0", null), newer, PluginJars.index("t.newer.S"));
        Map<String, byte[]> bundler = PluginJars.compile(Map.of("t.bundler.S", PluginJars.sampler("t.bundler", "test_bundler", "")));
        PluginJars.jar(dir.resolve("i-bundles-api.jar"), PluginJars.descriptor("bundles-api", "1.0.0", "0.1.0"), bundler, PluginJars.index("t.bundler.S"),
                PluginJars.classBytes(Sampler.class));
        PluginJars.jar(dir.resolve("j-bundles-djl.jar"), PluginJars.descriptor("bundles-djl", "1.0.0", "0.1.0"), bundler, PluginJars.index("t.bundler.S"),
                Map.of("ai/djl/ndarray/NDArray.class", new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE}));
        Map<String, byte[]> twin = PluginJars.compile(Map.of("t.twin.S", PluginJars.sampler("t.twin", "test_twin", "")));
        PluginJars.jar(dir.resolve("k-same-id.jar"), PluginJars.descriptor("good", "2.0.0", "0.1.0"), twin, PluginJars.index("t.twin.S"));
        Map<String, byte[]> euler = PluginJars.compile(Map.of("t.euler.S", PluginJars.sampler("t.euler", "euler", "")));
        PluginJars.jar(dir.resolve("l-replaces-euler.jar"), PluginJars.descriptor("my-euler", "1.0.0", "0.1.0"), euler, PluginJars.index("t.euler.S"));
        Map<String, byte[]> stateful = PluginJars.compile(Map.of("t.stateful.S", PluginJars.sampler("t.stateful", "test_stateful", "int calls;")));
        PluginJars.jar(dir.resolve("m-stateful.jar"), PluginJars.descriptor("stateful", "1.0.0", "0.1.0"), stateful, PluginJars.index("t.stateful.S"));
        PluginJars.jar(dir.resolve("n-core-copy.jar"), PluginJars.descriptor("core-copy", "1.0.0", "0.1.0"),
                PluginJars.index("org.sampler4j.plugins.samplers.Euler"));
        Map<String, byte[]> parts = PluginJars.compile(Map.of("t.parts.Gen", GENERATOR.replace("NAME", "test_linear"), "t.parts.Model", MODEL));
        PluginJars.jar(dir.resolve("p-schedule-parts.jar"), PluginJars.descriptor("schedule-parts", "1.0.0", "0.1.0"), parts,
                PluginJars.index("t.parts.Gen", "t.parts.Model"));
        Map<String, byte[]> karras = PluginJars.compile(Map.of("t.parts.Gen", GENERATOR.replace("NAME", "karras")));
        PluginJars.jar(dir.resolve("q-replaces-karras.jar"), PluginJars.descriptor("my-karras", "1.0.0", "0.1.0"), karras, PluginJars.index("t.parts.Gen"));
        Files.writeString(dir.resolve("o-not-a-zip.jar"), "this is not a jar", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("README.txt"), "not a plugin: ignored", StandardCharsets.UTF_8);

        host = PluginHost.load(dir).install();
    }

    /** A sigma generator: sigmas linear between the first and last base sigma. */
    static final String GENERATOR = """
            package t.parts;
            import java.util.*;
            import org.sampler4j.api.schedule.*;
            public final class Gen implements SigmaGenerator {
              public String name() { return "NAME"; }
              public String description() { return "linear sigmas"; }
              public SigmaRemap create(DslArgs args) { return new R(); }
              public static final class R implements SigmaRemap {
                public String name() { return "NAME"; }
                public Map<String, Object> nonDefaultParams() { return Map.of(); }
                public double[] apply(RemapContext c) {
                  double[] s = new double[c.steps()];
                  for (int i = 0; i < s.length; i++) s[i] = c.first() + (c.last() - c.first()) * i / Math.max(1, s.length - 1);
                  return s;
                }
              }
            }
            """;

    /** A named noise model. */
    static final String MODEL = """
            package t.parts;
            import java.util.*;
            import org.sampler4j.api.schedule.*;
            public final class Model implements NamedNoiseModel {
              public String id() { return "test_edm"; }
              public List<String> aliases() { return List.of("test-edm"); }
              public String description() { return "EDM 0.01..50"; }
              public NoiseModel create() { return new EdmNoiseModel(0.01, 50, 0.5); }
            }
            """;

    @AfterAll
    static void close() {
        host.close();
    }

    static PluginStatus status(String fileName) {
        return host.plugins().stream().filter(s -> Path.of(s.file()).getFileName().toString().equals(fileName)).findFirst()
                .orElseThrow(() -> new AssertionError("no status for " + fileName + " in " + host.plugins()));
    }

    static void assertFailed(String fileName, String id, String... reasonParts) {
        PluginStatus s = status(fileName);
        assertEquals(State.FAILED, s.state(), s.toString());
        assertEquals(id, s.id(), s.toString());
        assertTrue(s.file().endsWith(fileName));
        assertTrue(s.provides().isEmpty());
        for (String part : reasonParts) assertTrue(s.reason().contains(part), "'" + part + "' not in: " + s.reason());
    }

    @Test
    void goodPluginsLoadDespiteTheBrokenOnes() {
        PluginStatus good = status("a-good.jar");
        assertEquals(State.STARTED, good.state(), good.toString());
        assertEquals(List.of("sampler test_good"), good.provides());
        assertNull(good.reason());
        Sampler s = Samplers.get("test_good");
        Latent x = Latents.scale(10, SeededNoise.initial(SeededNoise.Rng.TORCH_CPU, new long[] {1}, Latent.Precision.FLOAT64, 2));
        Latent out = s.sample(GaussianMixture.golden(), x, new double[] {10, 1, 0.1, 0}, s.options(Map.of()), SamplingContext.deterministic());
        assertTrue(Double.isFinite(out.toDoubleArray()[0]));
        assertEquals("good", Samplers.registry().entry("test_good").origin().pluginId());
        assertEquals("1.0.0", Samplers.registry().entry("test_good").origin().version());
    }

    @Test
    void zipPluginLoads() {
        assertEquals(State.STARTED, status("b-zipped.zip").state(), status("b-zipped.zip").toString());
        assertEquals("zipped", Samplers.registry().entry("test_zipped").origin().pluginId());
    }

    @Test
    void badDescriptor() {
        assertFailed("c-no-id.jar", "?", "bad plugin descriptor", "Plugin-Id");
        assertFailed("o-not-a-zip.jar", "?", "bad plugin descriptor");
    }

    @Test
    void missingClass() {
        assertFailed("d-missing-class.jar", "missing-class", "t.nowhere.S", "is not in the plugin");
    }

    @Test
    void exceptionInConstructor() {
        assertFailed("e-ctor.jar", "ctor", "t.ctor.S", "threw in its constructor", "no GPU here");
        assertThrows(ScheduleException.class, () -> Samplers.get("test_ctor"));
    }

    @Test
    void exceptionInStaticInitialiser() {
        assertFailed("f-static-init.jar", "static-init", "t.statics.S", "static initialiser", "NumberFormatException");
    }

    @Test
    void incompatibleApiVersion() {
        assertFailed("g-newer-api.jar", "newer-api", "built against sampler4j api 0.2.0", "this host provides api 0.1.0", "rebuild the plugin");
        assertFailed("h-no-requires.jar", "no-requires", "does not declare the sampler4j api version", "Plugin-Requires: 0.1.0");
    }

    @Test
    void bundledApiOrDjl() {
        assertFailed("i-bundles-api.jar", "bundles-api", "bundles a copy of the sampler4j api", "org/sampler4j/api/sampler/Sampler.class", "provided");
        assertFailed("j-bundles-djl.jar", "bundles-djl", "bundles a copy of DJL", "ai/djl/ndarray/NDArray.class");
    }

    @Test
    void twoPluginsWithTheSameId() {
        assertFailed("k-same-id.jar", "good", "plugin id 'good' is already used by", "a-good.jar");
        assertEquals(State.STARTED, status("a-good.jar").state());
        assertThrows(ScheduleException.class, () -> Samplers.get("test_twin"));
    }

    @Test
    void aPluginCannotReplaceABuiltInOrAnotherPluginsSampler() {
        assertFailed("l-replaces-euler.jar", "my-euler", "sampler 'euler' is provided twice", "core-samplers", "my-euler 1.0.0", "a plugin cannot replace");
        assertEquals("org.sampler4j.plugins.samplers.Euler", Samplers.get("euler").getClass().getName());
    }

    @Test
    void pluginsAddSigmaGeneratorsAndNoiseModels() {
        assertEquals(State.STARTED, status("p-schedule-parts.jar").state(), status("p-schedule-parts.jar").toString());
        assertEquals(List.of("sigma generator test_linear", "noise model test_edm"), status("p-schedule-parts.jar").provides());
        NoiseModel m = NoiseModels.named("test-edm");
        assertEquals(50, m.sigmaMax());
        ScheduleSpec spec = Schedule.parse("linspace(4).test_linear()");
        assertEquals("linspace(4).test_linear()", spec.toString());
        assertArrayEquals(new double[] {50, 50 - 49.99 / 3, 50 - 2 * 49.99 / 3, 0.01, 0}, spec.resolve(m).sigmas(), 1e-9);
        assertTrue(NoiseModels.descriptions().containsKey("test_edm"));
        ScheduleException typo = assertThrows(ScheduleException.class, () -> Schedule.parse("linspace(4).test_lineer()"));
        assertTrue(typo.getMessage().contains("did you mean 'test_linear'"), typo.getMessage());
    }

    @Test
    void aPluginCannotReplaceABuiltInRemap() {
        assertFailed("q-replaces-karras.jar", "my-karras", "sigma generator 'karras' is provided twice", "sampler4j 0.1.0 (built-in)", "my-karras 1.0.0");
        assertEquals("karras", Schedule.parse("linspace(4).karras()").remapValue().name());
        assertTrue(Schedule.parse("linspace(4).karras()").remapValue().getClass().getName().startsWith("org.sampler4j.api."));
    }

    @Test
    void statefulExtensionIsRefused() {
        assertFailed("m-stateful.jar", "stateful", "holds mutable state", "S.calls");
    }

    @Test
    void theSamePluginOnTheClasspathShadowsTheFolderCopy() {
        PluginStatus s = status("n-core-copy.jar");
        assertEquals(State.SHADOWED, s.state(), s.toString());
        assertTrue(s.reason().contains("org.sampler4j.plugins.samplers.Euler") && s.reason().contains("classpath copy is used"), s.reason());
    }

    @Test
    void classpathExtensionsAreListedWithTheirPlugin() {
        PluginStatus core = host.plugins().stream().filter(s -> s.state() == State.CLASSPATH && s.id().equals("core-samplers")).findFirst().orElseThrow();
        assertTrue(core.provides().contains("sampler euler"), core.provides().toString());
        assertTrue(host.plugins().stream().noneMatch(s -> s.file().endsWith("README.txt")), "files other than jar and zip are ignored");
    }

    @Test
    void failuresListsExactlyTheBrokenOnes() {
        assertEquals(13, host.failures().size(), host.failures().toString());
    }
}
