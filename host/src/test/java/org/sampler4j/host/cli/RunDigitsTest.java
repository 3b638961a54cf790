package org.sampler4j.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sampler4j.host.image.Pngs;
import org.sampler4j.host.run.RunSettings;

/** The README's main command, a recipe on the bundled digits model: one image per class and the labelled grid, quickly. */
class RunDigitsTest {
    @Test
    void theMainRecipeWritesAnImagePerClassAndALabelledGrid(@TempDir Path dir) throws IOException {
        long t0 = System.nanoTime();
        CliTest.Run r = CliTest.run("run", "../examples/recipes/digits.yaml", "--out-dir", dir.toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, r.code(), r.err());
        Path folder = dir.resolve("digits");
        for (int k = 0; k < 10; k++) {
            Path img = folder.resolve("digits_seed" + k + ".png");
            Pngs.Read png = Pngs.read(img);
            assertEquals(28, png.image().getWidth());
            RunSettings s = RunSettings.parse(png.text().get(RunSettings.PNG_KEY), img.toString());
            assertEquals(java.util.List.of(k), s.classLabels());
            assertEquals("trailing(30).zeroSnr()", s.schedule());
        }
        assertTrue(Files.isRegularFile(folder.resolve("grid.png")), r.out());
        assertTrue(Files.isRegularFile(folder.resolve("index.json")) && Files.isRegularFile(folder.resolve("index.csv")), r.out());
        assertTrue(seconds < 60, "the main job takes " + seconds + " s");
    }
}
