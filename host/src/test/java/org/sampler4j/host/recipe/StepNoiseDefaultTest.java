package org.sampler4j.host.recipe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.Samplers;
import org.sampler4j.host.image.Pngs;
import org.sampler4j.host.model.ModelException;
import org.sampler4j.host.run.Generator;
import org.sampler4j.host.run.RunSettings;

/**
 * Which per-step noise a run uses: the settings' {@code stepRng}, else the sampler's reference noise
 * ({@code brownian-torchsde} for the SDE DPM-Solver++ samplers under {@code reference=comfyui|k-diffusion}), else the
 * initial generator; and that the choice is written into the image's settings and reproduces it.
 */
class StepNoiseDefaultTest {
    static RunSettings settings(String sampler, Map<String, Object> options, String rng, String stepRng) {
        return new RunSettings(RunSettings.VERSION, "gmm", sampler, options, "linspace(6)", 3, 1, rng, 1, 0, null, null, null, null, null, stepRng);
    }

    static String resolve(String sampler, Map<String, Object> options, String rng, String stepRng) {
        Sampler s = Samplers.get(sampler);
        return Generator.stepNoise(settings(sampler, options, rng, stepRng), s, s.options(options));
    }

    @Test
    void sdeSamplersDefaultToTheTorchsdeBrownianTree() {
        for (String sampler : new String[] {"dpmpp_sde", "dpmpp_2m_sde", "dpmpp_3m_sde"}) {
            assertEquals("brownian-torchsde", resolve(sampler, Map.of(), "torch-cpu", null), sampler);
            assertEquals("brownian-torchsde", resolve(sampler, Map.of("reference", "k-diffusion"), "torch-cuda", null), sampler);
            assertEquals("torch-cpu", resolve(sampler, Map.of(), "torch-cpu", "torch-cpu"), sampler + " with an explicit step noise");
        }
        assertEquals("torch-cuda", resolve("dpmpp_2m_sde", Map.of("reference", "diffusers"), "torch-cuda", null), "diffusers draws i.i.d.");
        assertEquals("torch-cpu", resolve("euler_ancestral", Map.of(), "torch-cpu", null));
        assertEquals("brownian-torchsde", resolve("euler_ancestral", Map.of(), "torch-cpu", "brownian-torchsde"));
        ModelException e = assertThrows(ModelException.class, () -> resolve("euler_ancestral", Map.of(), "torch-cpu", "brownian"));
        assertTrue(e.getMessage().contains("unknown rng 'brownian'"), e.getMessage());
    }

    @Test
    void recipeShorthandLeavesTheStepNoiseToTheSampler() {
        RunSettings s = RunSettings.parse("recipe: 1\nmodel: gmm\nsampler: dpmpp_2m_sde\nrng: torch-cpu\n", "test");
        assertNull(s.stepRng());
        RunSettings t = RunSettings.parse("recipe: 1\nmodel: gmm\nsampler: dpmpp_2m_sde\nrng: {initial: torch-cpu, steps: torch-cpu}\n", "test");
        assertEquals("torch-cpu", t.stepRng());
        RunSettings u = RunSettings.parse("recipe: 1\nmodel: gmm\nsampler: euler_ancestral\nrng: {initial: torch-cpu, steps: brownian-torchsde}\n", "test");
        assertEquals("brownian-torchsde", u.stepRng());
        assertEquals(u, RunSettings.parse(u.toYaml(), "again"));
    }

    @Test
    void theImageNamesItsNoiseAndABatchItemReproducesAlone(@TempDir Path dir) throws Exception {
        RecipeTesting.Run r = RecipeTesting.cli("run", "--model", "gmm", "-s", "dpmpp_2m_sde", "--schedule", "linspace(8).karras()", "--batch", "2",
                "-o", dir.resolve("a.png").toString(), "-q");
        assertEquals(0, r.code(), r.err());
        Path second = dir.resolve("a-1.png");
        RunSettings s = RunSettings.parse(Pngs.read(second).text().get(RunSettings.PNG_KEY), "png");
        assertEquals("brownian-torchsde", s.stepRng());
        RecipeTesting.Run again = RecipeTesting.cli("run", "--from", second.toString(), "-o", dir.resolve("b.png").toString(), "-q");
        assertEquals(0, again.code(), again.err());
        assertArrayEquals(rgb(second), rgb(dir.resolve("b.png")), "run --from reproduces item 1 of the batch");
    }

    static int[] rgb(Path png) throws java.io.IOException {
        java.awt.image.BufferedImage img = Pngs.read(png).image();
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }
}
