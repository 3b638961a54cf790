package org.sampler4j.host.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sampler4j.host.image.Pngs;
import org.sampler4j.host.model.Fixtures;
import org.sampler4j.host.run.RunSettings;

/** The run command end to end on the TorchScript fixtures and the built-in model; schedule --plot. */
class RunCliTest {
    static final String TINY = Fixtures.model("tiny-unet").toString();

    static CliTest.Run run(String... args) {
        return CliTest.run(args);
    }

    static int[] pixels(Path png) throws IOException {
        BufferedImage img = Pngs.read(png).image();
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    @Test
    void theReadmeCommandGeneratesAnImageThatReproducesItself(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out/cat.png");
        CliTest.Run r = run("run", "--model", TINY, "--class", "3", "--guidance", "4", "--seed", "42", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("wrote " + out) && r.out().contains("20 steps, 20 model calls"), r.out());
        Pngs.Read png = Pngs.read(out);
        assertEquals(16, png.image().getWidth());
        RunSettings s = RunSettings.parse(png.text().get(RunSettings.PNG_KEY), "png");
        assertEquals(42, s.seed());
        assertEquals(java.util.List.of(3), s.classLabels());
        assertEquals("trailing(20)", s.schedule());
        Path again = dir.resolve("again.png");
        assertEquals(0, run("run", "--from", out.toString(), "-o", again.toString(), "--quiet").code());
        assertArrayEquals(pixels(out), pixels(again), "run --from reproduces the image");
        assertEquals(png.text(), Pngs.read(again).text());
        try (Stream<Path> files = Files.list(out.getParent())) {
            assertEquals(1, files.count(), "no temporary files left next to the output");
        }
    }

    @Test
    void scheduleTakesAModelAndUsesItsNoiseModelAndDefaultSchedule() {
        CliTest.Run folder = run("schedule", "--model", TINY); // tiny-unet: noise_model sd15, default_schedule trailing(20)
        assertEquals(0, folder.code(), folder.err());
        CliTest.Run named = run("schedule", "--model", "sd15", "trailing(20)");
        assertEquals(named.out(), folder.out(), "the folder's noise model and default schedule");
        CliTest.Run spec = run("schedule", "--model", TINY, "leading(5)");
        assertEquals(run("schedule", "--model", "sd15", "leading(5)").out(), spec.out(), "a SPEC replaces the default schedule");
        CliTest.Run builtIn = run("schedule", "--model", "gmm");
        assertEquals(0, builtIn.code(), builtIn.err());
        assertTrue(builtIn.out().startsWith("linspace(20).karras()  on "), builtIn.out());
    }

    @Test
    void batchesWriteOneImagePerSeedAndAGridAndEachImageReproducesAlone(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("b.png");
        CliTest.Run r = run("run", "--model", TINY, "--class", "1,7", "--batch", "2", "--guidance", "3", "--guidance-rescale", "0.5",
                "--sampler", "euler_a", "--schedule", "trailing(6)", "--seed", "5", "-o", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"unconditional_pass\" : true") && r.out().contains("b-grid.png"), r.out());
        assertTrue(Files.exists(dir.resolve("b-0.png")) && Files.exists(dir.resolve("b-1.png")) && Files.exists(dir.resolve("b-grid.png")));
        RunSettings second = RunSettings.parse(Pngs.read(dir.resolve("b-1.png")).text().get(RunSettings.PNG_KEY), "png");
        assertEquals(6, second.seed());
        assertEquals(1, second.batch());
        assertEquals(java.util.List.of(7), second.classLabels());
        Path alone = dir.resolve("alone.png");
        assertEquals(0, run("run", "--from", dir.resolve("b-1.png").toString(), "-o", alone.toString(), "-q").code());
        assertArrayEquals(pixels(dir.resolve("b-1.png")), pixels(alone), "item 1 of a batch = a run of 1 with its seed");
    }

    @Test
    void comparisonGridOnTheAnalyticModel(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("cmp.png");
        CliTest.Run r = run("run", "--model", "gmm:3x8x8", "-s", "euler", "-s", "dpmpp_2m", "--schedule", "linspace(6).karras()",
                "--schedule", "linspace(6)", "--steps", "5", "--class", "2", "--guidance", "2", "-o", out.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.out());
        BufferedImage grid = Pngs.read(dir.resolve("cmp-grid.png")).image();
        assertTrue(grid.getWidth() > 128 && grid.getHeight() > 4 * 128, grid.getWidth() + "x" + grid.getHeight());
        RunSettings s = RunSettings.parse(Pngs.read(dir.resolve("cmp-3-0.png")).text().get(RunSettings.PNG_KEY), "png");
        assertEquals("dpmpp_2m", s.sampler());
        assertEquals("linspace(5)", s.schedule());
    }

    @Test
    void textEmbeddingModelWithVaeDecoder(@TempDir Path dir) throws IOException {
        Path emb = dir.resolve("prompt.json");
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < 40; i++) sb.append(i == 0 ? "" : ", ").append(Math.sin(i));
        Files.writeString(emb, sb.append("]").toString());
        Path out = dir.resolve("t.png");
        CliTest.Run r = run("run", "--model", Fixtures.model("tiny-text").toString(), "--embedding", emb.toString(), "--guidance", "2",
                "--schedule", "trailing(5)", "-o", out.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        assertEquals(16, Pngs.read(out).image().getWidth(), "the decoder maps the 8x8 latent to 16x16 pixels");
        Files.writeString(emb, "[1, 2, 3]");
        CliTest.Run bad = run("run", "--from", out.toString(), "-o", dir.resolve("x.png").toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("has changed since the image was made"), bad.err());
    }

    @Test
    void userErrorsExitWith2(@TempDir Path dir) throws IOException {
        String o = dir.resolve("x.png").toString();
        assertCode(2, "model folder not found", "run", "--model", dir.resolve("none").toString(), "-o", o);
        assertCode(2, "class label 12 is out of range", "run", "--model", TINY, "--class", "12", "-o", o);
        assertCode(2, "did you mean", "run", "--model", "gmm", "--sampler", "eulr", "-o", o);
        assertCode(2, "give --model", "run", "-o", o);
        assertCode(2, "--steps works with", "run", "--model", "gmm", "--schedule", "sigmas(3, 1, 0)", "--steps", "4", "-o", o);
        Path plain = dir.resolve("plain.png");
        Pngs.write(plain, new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), Map.of());
        assertCode(2, "not written by sampler4j run", "run", "--from", plain.toString());
        assertCode(2, "cannot read --from", "run", "--from", dir.resolve("missing.png").toString());
        assertFalse(Files.exists(Path.of(o)));
    }

    static void assertCode(int code, String fragment, String... args) {
        CliTest.Run r = run(args);
        assertEquals(code, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(fragment), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace for user errors: " + r.err());
    }

    @Test
    void helpAndVersionOnEveryCommand() {
        for (String c : new String[] {"run", "schedule", "samplers", "conformance"}) {
            assertEquals(0, run(c, "--help").code(), c);
            CliTest.Run v = run(c, "--version");
            assertEquals(0, v.code());
            assertTrue(v.out().startsWith("sampler4j "), c + ": " + v.out());
        }
    }

    @Test
    void oneCommandPlotsThreeSchedulesSideBySide(@TempDir Path dir) throws IOException {
        Path plot = dir.resolve("schedules.png");
        CliTest.Run r = run("schedule", "trailing(10)", "trailing(10).karras()", "leading(10).stepsOffset(1)", "--plot", plot.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().endsWith("wrote " + plot + System.lineSeparator()) || r.out().contains("wrote " + plot), r.out());
        Pngs.Read png = Pngs.read(plot);
        assertTrue(png.image().getWidth() > 900, "two panels side by side");
        assertEquals("trailing(10)\ntrailing(10).karras()\nleading(10).stepsOffset(1)", png.text().get("sampler4j-schedules"));
    }

    @Test
    void progressBarShowsStepsPerSecondAndEta() {
        String line = new ProgressBar(new java.io.PrintWriter(new java.io.StringWriter()), "m").line(5, 20, 0.5);
        assertEquals("m [########......................] 5/20  10.0 steps/s  ETA 1.5s", line);
    }
}
