package org.sampler4j.host.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sampler4j.host.sd.SdFixtures;
import org.sampler4j.host.image.Pngs;
import org.sampler4j.host.run.RunSettings;

/** Stable Diffusion from the CLI and recipes on the tiny fixture folders: txt2img, img2img from a PNG, errors. */
class SdCliTest {
    @TempDir
    static Path models;
    static Path sd;
    static Path sdxl;

    @BeforeAll
    static void folders() {
        sd = SdFixtures.folder("tiny-sd", models);
        sdxl = SdFixtures.folder("tiny-sdxl", models);
    }

    static int[] pixels(Path png) throws IOException {
        BufferedImage img = Pngs.read(png).image();
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    /** Not blank: many distinct colours. */
    static void assertSane(Path png, int size) throws IOException {
        BufferedImage img = Pngs.read(png).image();
        assertEquals(size, img.getWidth());
        assertEquals(size, img.getHeight());
        assertTrue(java.util.Arrays.stream(pixels(png)).distinct().count() > 100, "a noise-like image, not a blank one");
    }

    @Test
    void theIssueCommandRunsOnTinySdxlAndTheImageReproducesItself(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("cat.png");
        CliTest.Run r = CliTest.run("run", "--model", sdxl.toString(), "--prompt", "a photo of a cat", "-s", "dpmpp_2m", "--schedule", "preset(ays, 10, model=sdxl)",
                "-g", "5", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("10 steps, 10 model calls"), r.out());
        assertSane(out, 32);
        RunSettings s = RunSettings.parse(Pngs.read(out).text().get(RunSettings.PNG_KEY), "png");
        assertEquals("a photo of a cat", s.text().prompt());
        Path again = dir.resolve("again.png");
        assertEquals(0, CliTest.run("run", "--from", out.toString(), "-o", again.toString(), "-q").code());
        assertArrayEquals(pixels(out), pixels(again));
        Path dog = dir.resolve("dog.png");
        assertEquals(0, CliTest.run("run", "--from", out.toString(), "--prompt", "a photo of a dog", "-o", dog.toString(), "-q").code());
        assertFalse(java.util.Arrays.equals(pixels(out), pixels(dog)), "the prompt changes the image");
    }

    @Test
    void img2imgFromAPngAndEachItemOfABatchReproducesAlone(@TempDir Path dir) throws IOException {
        Path init = dir.resolve("init.png");
        assertEquals(0, CliTest.run("run", "--model", sd.toString(), "--prompt", "a red fox", "--schedule", "leading(4)", "-o", init.toString(), "-q").code());
        Path out = dir.resolve("wc.png");
        CliTest.Run r = CliTest.run("run", "--model", sd.toString(), "--prompt", "a watercolor landscape", "--negative-prompt", "ugly", "--init-image", init.toString(),
                "--strength", "0.6", "-g", "7.5", "--schedule", "leading(10)", "--batch", "2", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("6 steps, 6 model calls"), "strength 0.6 of 10 steps runs the last 6: " + r.out());
        Path one = dir.resolve("wc-1.png");
        assertSane(one, 32);
        RunSettings s = RunSettings.parse(Pngs.read(one).text().get(RunSettings.PNG_KEY), "png");
        assertEquals(init.toString(), s.text().initImage());
        assertEquals(0.6, s.text().strength());
        Path again = dir.resolve("again.png");
        assertEquals(0, CliTest.run("run", "--from", one.toString(), "-o", again.toString(), "-q").code());
        assertArrayEquals(pixels(one), pixels(again), "item 1 of the batch alone");
        assertNotEquals(pixels(dir.resolve("wc-0.png"))[0], -1);
    }

    @Test
    void userErrorsAreOneLineWithTheFix(@TempDir Path dir) {
        String png = dir.resolve("x.png").toString();
        String[][] cases = {
            {"needs a prompt", "run", "--model", sd.toString(), "-o", png},
            {"multiples of 2", "run", "--model", sd.toString(), "--prompt", "x", "--width", "33", "-o", png},
            {"give --init-image", "run", "--model", sd.toString(), "--prompt", "x", "--strength", "0.5", "-o", png},
            {"file not found", "run", "--model", sd.toString(), "--prompt", "x", "--init-image", dir.resolve("none.png").toString(), "-o", png},
            {"unknown noise order 'foo'", "run", "--model", sd.toString(), "--prompt", "x", "--noise-order", "foo", "-o", png},
            {"need a Stable Diffusion model", "run", "--model", "gmm", "--prompt", "x", "-o", png},
            {"re-export the text encoder", "run", "--model", sd.toString(), "--prompt", "x", "--clip-skip", "1", "-o", png},
        };
        for (String[] c : cases) {
            CliTest.Run r = CliTest.run(java.util.Arrays.copyOfRange(c, 1, c.length));
            assertEquals(2, r.code(), c[0] + ": " + r.err());
            assertTrue(r.err().contains(c[0]), c[0] + ": " + r.err());
            assertEquals(1, r.err().strip().lines().filter(l -> !l.contains("NNPACK")).count(), r.err());
        }
    }

    @Test
    void recipesSweepPromptsAndValidateKnowsTheKeys(@TempDir Path dir) throws IOException {
        Path recipe = dir.resolve("cats.yaml");
        Files.writeString(recipe, "recipe: 1\nmodel: " + sdxl + "\nsampler: euler\nschedule: trailing(3)\nguidance: 5\nrng: {initial: torch-cpu, steps: torch-cpu, order: diffusers}\n"
                + "conditioning:\n  negative_prompt: blurry\n  prompt_2: oil painting\n  original_size: [64, 64]\n  clip_skip: 1\n"
                + "image: {width: 32, height: 32}\nsweep:\n  prompt: [a cat, a dog]\n");
        CliTest.Run v = CliTest.run("validate", recipe.toString());
        assertEquals(0, v.code(), v.out() + v.err());
        CliTest.Run r = CliTest.run("run", recipe.toString(), "--out-dir", dir.resolve("out").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(dir.resolve("out/cats/cats_a_cat.png")) && Files.isRegularFile(dir.resolve("out/cats/cats_a_dog.png")), r.out());

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "recipe: 1\nmodel: " + sd + "\nrng: {initial: torch-cpu, order: diffuser}\nimage: {strength: 0.5, init: nope.png}\n"
                + "conditioning: {negative_prompt: x, target_size: [1, 2, 3]}\n");
        CliTest.Run e = CliTest.run("validate", bad.toString());
        assertEquals(2, e.code(), e.out() + e.err());
        for (String m : List.of("give conditioning.prompt", "unknown noise order 'diffuser'", "init image not found", "expected two numbers")) {
            assertTrue(e.out().contains(m) || e.err().contains(m), m + " in: " + e.out() + e.err());
        }
        Path gmm = dir.resolve("gmm.yaml");
        Files.writeString(gmm, "recipe: 1\nmodel: gmm\nconditioning: {prompt: a cat}\nimage: {width: 64}\n");
        CliTest.Run g = CliTest.run("validate", gmm.toString());
        assertEquals(2, g.code());
        assertTrue((g.out() + g.err()).contains("prompts need a model with a text encoder") && (g.out() + g.err()).contains("drop image"), g.out() + g.err());
    }
}
