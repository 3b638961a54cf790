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

/** The README's main command on the bundled digits model: one image per class and the labelled grid, quickly. */
class RunDigitsTest {
    @Test
    void theMainCommandWritesAnImagePerClassAndALabelledGrid(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out/digits.png");
        long t0 = System.nanoTime();
        CliTest.Run r = CliTest.run("run", "--model", "../models/digits", "--class", "0,1,2,3,4,5,6,7,8,9", "--batch", "10", "--guidance", "3",
                "-o", out.toString());
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, r.code(), r.err());
        for (int k = 0; k < 10; k++) {
            Path img = dir.resolve("out/digits-" + k + ".png");
            Pngs.Read png = Pngs.read(img);
            assertEquals(28, png.image().getWidth());
            RunSettings s = RunSettings.parse(png.text().get(RunSettings.PNG_KEY), img.toString());
            assertEquals(java.util.List.of(k), s.classLabels());
            assertEquals("trailing(30).zeroSnr()", s.schedule(), "the model's default schedule");
        }
        Path grid = dir.resolve("out/digits-grid.png");
        assertTrue(Files.isRegularFile(grid), r.out());
        assertTrue(r.out().contains("30 steps, 30 model calls"), r.out());
        assertTrue(seconds < 60, "the main job takes " + seconds + " s");
    }
}
