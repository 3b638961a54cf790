package org.sampler4j.host.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sampler4j.api.analytic.GaussianMixture;
import org.sampler4j.api.noise.SeededNoise;
import org.sampler4j.api.preset.Presets;
import org.sampler4j.api.sampler.Latent;
import org.sampler4j.api.sampler.Latents;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.Samplers;
import org.sampler4j.api.sampler.SamplingContext;
import org.sampler4j.api.schedule.EdmNoiseModel;
import org.sampler4j.api.schedule.Schedule;
import org.sampler4j.api.schedule.ScheduleException;

/**
 * The third-party path end to end, from Java: the jar that {@code examples/custom-sampler-plugin} builds (the reactor
 * builds it before the host; its path comes from the build as {@code sampler4j.examplePlugin}) is loaded from a
 * temporary plugins folder, listed, and sampled with; removing the jar removes the sampler.
 */
class PluginExampleTest {
    static Path jar;

    @BeforeAll
    static void exampleJar() {
        String p = System.getProperty("sampler4j.examplePlugin");
        assumeTrue(p != null && !p.startsWith("${"), "run through Maven: the build passes the example plugin's path");
        jar = Path.of(p);
        assumeTrue(Files.isRegularFile(jar), "the example plugin jar is built in the package phase; run 'mvn verify' (got " + jar + ")");
    }

    static Path folderWithExample(Path dir) throws Exception {
        Files.copy(jar, dir.resolve(jar.getFileName()));
        return dir;
    }

    @Test
    void loadsListsAndSamples(@TempDir Path dir) throws Exception {
        try (PluginHost host = PluginHost.load(folderWithExample(dir)).install()) {
            PluginHost.PluginStatus s = host.plugins().stream().filter(p -> p.id().equals("custom-sampler")).findFirst().orElseThrow();
            assertEquals(PluginHost.State.STARTED, s.state(), s.toString());
            assertEquals("1.0.0", s.version());
            assertEquals(List.of("sampler rk4", "preset shifted_cosine"), s.provides());
            assertTrue(host.failures().isEmpty(), host.failures().toString());

            Sampler rk4 = Samplers.get("runge_kutta_4");
            assertEquals("rk4", rk4.info().id());
            assertEquals("custom-sampler", Samplers.registry().entry("rk4").origin().pluginId());
            assertEquals("4", Samplers.registry().entry("rk4").capabilities().get("calls_per_step"));
            assertEquals("shift", Presets.registry().entry("shifted_cosine").capabilities().get("options"));

            // RK4 with 12 steps lands on the exact probability-flow ODE solution of the Gaussian mixture (a 4000-step
            // DPM-Solver++(2M) run) far closer than Euler with the same number of model calls.
            EdmNoiseModel model = new EdmNoiseModel(0.03, 15, 0.5);
            GaussianMixture gmm = GaussianMixture.golden();
            double[] sigmas = Schedule.parse("linspace(12).karras()").resolve(model).sigmas();
            Latent x0 = Latents.scale(sigmas[0], SeededNoise.initial(SeededNoise.Rng.TORCH_CPU, new long[] {1, 2, 3, 4}, Latent.Precision.FLOAT64, 2));
            Latent exact = run(Samplers.get("dpmpp_2m"), gmm, x0, Schedule.parse("linspace(4000).karras()").resolve(model).sigmas());
            double rkError = maxDiff(run(rk4, gmm, x0, sigmas), exact);
            double eulerError = maxDiff(run(Samplers.get("euler"), gmm, x0, Schedule.parse("linspace(45).karras()").resolve(model).sigmas()), exact);
            assertTrue(rkError < 0.05 && rkError < eulerError, "rk4 error " + rkError + ", euler (same model calls) " + eulerError);

            double[] cosine = Schedule.parse("preset(shifted_cosine, 8, shift=2)").resolve(model).sigmas();
            assertEquals(9, cosine.length);
            assertEquals(15, cosine[0], 1e-9);
            assertEquals(0.03, cosine[7], 1e-9);
            assertEquals(0, cosine[8]);
        }
        assertThrows(ScheduleException.class, () -> Samplers.get("rk4"), "closing the host unloads the plugin's samplers");
    }

    @Test
    void removingTheJarRemovesTheSampler(@TempDir Path dir) throws Exception {
        try (PluginHost host = PluginHost.load(folderWithExample(dir)).install()) {
            assertEquals("rk4", Samplers.get("rk4").info().id());
        }
        Files.delete(dir.resolve(jar.getFileName()));
        try (PluginHost host = PluginHost.load(dir).install()) {
            ScheduleException e = assertThrows(ScheduleException.class, () -> Samplers.get("rk4"));
            assertTrue(e.getMessage().contains("unknown sampler 'rk4'"), e.getMessage());
            assertEquals("euler", Samplers.get("euler").info().id(), "the classpath's samplers stay");
        }
    }

    static Latent run(Sampler s, GaussianMixture gmm, Latent x0, double[] sigmas) {
        return s.sample(gmm, x0, sigmas, s.options(Map.of()), SamplingContext.deterministic());
    }

    static double maxDiff(Latent a, Latent b) {
        double[] x = a.toDoubleArray();
        double[] y = b.toDoubleArray();
        double m = 0;
        for (int i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
        return m;
    }
}
