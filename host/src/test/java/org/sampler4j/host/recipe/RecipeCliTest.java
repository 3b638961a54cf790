package org.sampler4j.host.recipe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sampler4j.host.image.Pngs;
import org.sampler4j.host.run.RunSettings;

/** validate and run with recipes: several problems in one pass, extends, round trip, PNG-embedded recipes. */
class RecipeCliTest {
    static int[] pixels(Path png) throws IOException {
        BufferedImage img = Pngs.read(png).image();
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    @Test
    void validateListsEveryProblemInOnePassWithLocationsAndExit2(@TempDir Path dir) throws IOException {
        Path f = RecipeTesting.write(dir, "bad.yaml", """
                recipe: 1
                model: gmm
                sampler: eulr
                steps: ten
                guidance: {scale: 4, rescale: 1.5}
                schedule: linspace(10).karas()
                outputs: {nme: x}
                """);
        RecipeTesting.Run r = RecipeTesting.cli("validate", f.toString());
        assertEquals(2, r.code());
        List<String> lines = r.err().lines().toList();
        assertEquals(6, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith(f + ":3:10: sampler: unknown sampler 'eulr'"), lines.get(0));
        assertTrue(lines.get(1).startsWith(f + ":4:8: steps: expected an integer"), lines.get(1));
        assertTrue(lines.get(2).startsWith(f + ":5:31: guidance.rescale: value 1.5 is out of range"), lines.get(2));
        assertTrue(lines.get(3).startsWith(f + ":6:24: schedule: unknown schedule modifier 'karas' — did you mean 'karras'?"), lines.get(3));
        assertTrue(lines.get(4).startsWith(f + ":7:11: outputs.nme: unknown key 'nme' — did you mean 'name'?"), lines.get(4));
        assertTrue(lines.get(5).startsWith("sampler4j: error: 5 problem(s) in 1 of 1 recipe(s)"), lines.get(5));
        assertFalse(r.err().contains("\tat "), "no stack trace");
        RecipeTesting.Run run = RecipeTesting.cli("run", f.toString(), "--out-dir", dir.toString());
        assertEquals(2, run.code());
        assertTrue(run.err().startsWith(f + ":3:10: sampler:"), run.err());
        // every line ends, the summary too (a shell prompt must not land on it)
        List<String> runLines = run.err().lines().toList();
        assertEquals("sampler4j: error: 5 problems in the recipe; 'sampler4j validate RECIPE' lists them without running", runLines.get(runLines.size() - 1));
        assertTrue(run.err().endsWith(System.lineSeparator()), run.err());
        assertTrue(r.err().endsWith(System.lineSeparator()), r.err());
    }

    @Test
    void extendsMergesMapsOverridesScalarsAndRemovesNulls(@TempDir Path dir) throws IOException {
        RecipeTesting.write(dir, "base/base.yaml", "recipe: 1\nmodel: gmm:3x8x8\nsampler: heun\nguidance: {scale: 3, rescale: 0.5}\nconditioning: {class: 2}\nseed: 9\n");
        Path child = RecipeTesting.write(dir, "child.yaml", "recipe: 1\nextends: base/base.yaml\nguidance: {scale: 5}\nseed: null\nschedule: linspace(4)\n");
        LoadedRecipe lr = Recipes.load(child);
        RecipeChecker.check(lr);
        assertEquals(List.of(), lr.problems());
        Recipe r = lr.recipe();
        assertEquals("heun", r.sampler());
        assertEquals(new Recipe.Guidance(5.0, 0.5), r.guidance());
        assertEquals(null, r.seed());
        assertEquals(List.of(2), r.conditioning().classLabels());
        RecipeTesting.write(dir, "loop-a.yaml", "recipe: 1\nextends: loop-b.yaml\nmodel: gmm\n");
        RecipeTesting.write(dir, "loop-b.yaml", "recipe: 1\nextends: loop-a.yaml\n");
        LoadedRecipe loop = Recipes.load(dir.resolve("loop-a.yaml"));
        assertTrue(loop.problems().get(0).toString().contains("extends itself"), loop.problems().toString());
        Path badBase = RecipeTesting.write(dir, "b2.yaml", "recipe: 1\nextends: base/bad.yaml\n");
        RecipeTesting.write(dir, "base/bad.yaml", "recipe: 1\nmodel: gmm\nsampler: heunn\n");
        LoadedRecipe b = Recipes.load(badBase);
        RecipeChecker.check(b);
        assertTrue(b.problems().get(0).toString().startsWith(dir.resolve("base/bad.yaml") + ":3:10: sampler: unknown sampler 'heunn'"), b.problems().toString());
    }

    @Test
    void aRecipeWrittenBackReadsAsAnEqualRecipe(@TempDir Path dir) throws IOException {
        String full = """
                recipe: 1
                model: {builtin: gmm, shape: [3, 8, 8]}
                sampler: euler_ancestral
                sampler_options: {eta: 0.5}
                schedule: {spacing: linspace, remap: karras, final_sigma: zero}
                steps: 6
                seed: 4
                rng: {initial: torch-cpu, steps: torch-cuda}
                batch: 2
                guidance: {scale: 3, rescale: 0.7}
                conditioning: {class: [1, 2]}
                outputs: {folder: out/x, name: '{index}-{seed}.png', grid: false}
                sweep: {steps: [4, 6], guidance: [1, 2.5], rows: guidance}
                """;
        LoadedRecipe a = Recipes.load(RecipeTesting.write(dir, "full.yaml", full));
        RecipeChecker.check(a);
        assertEquals(List.of(), a.problems());
        String yaml = a.recipe().toYaml();
        LoadedRecipe b = Recipes.load(RecipeTesting.write(dir, "again.yaml", yaml));
        assertEquals(List.of(), b.problems());
        assertEquals(a.recipe(), b.recipe(), yaml);
        assertEquals(yaml, b.recipe().toYaml());
        for (String example : RecipeExamplesTest.examples().toList()) {
            LoadedRecipe e = Recipes.load(RecipeExamplesTest.EXAMPLES.resolve(example));
            LoadedRecipe back = Recipes.parse(e.recipe().toYaml(), example, RecipeExamplesTest.EXAMPLES);
            assertEquals(e.recipe(), back.recipe(), example);
        }
    }

    @Test
    void pngSettingsAreARecipeThatRunsAgainByEitherPath(@TempDir Path dir) throws IOException {
        Path f = RecipeTesting.write(dir, "sw.yaml", "recipe: 1\nmodel: gmm:3x8x8\nschedule: linspace(5)\nbatch: 2\nseed: 7\nconditioning: {class: 4}\nguidance: 2\n"
                + "rng: {initial: torch-cpu, steps: torch-cuda}\nsampler: euler_ancestral\nsweep: {guidance_rescale: [0, 0.7]}\n");
        RecipeTesting.Run r = RecipeTesting.cli("run", f.toString(), "--out-dir", dir.resolve("out").toString(), "-q");
        assertEquals(0, r.code(), r.err());
        Path png = dir.resolve("out/sw/sw_rescale0.7_seed8.png");
        assertTrue(Files.exists(png), String.join(",", dir.resolve("out/sw").toFile().list()));
        String embedded = Pngs.read(png).text().get(RunSettings.PNG_KEY);
        RunSettings s = RunSettings.parse(embedded, "png");
        assertEquals(8, s.seed());
        assertEquals(1, s.batch());
        assertEquals(0.7, s.guidanceRescale());
        assertEquals("torch-cuda", s.stepRngOrDefault());
        Path saved = RecipeTesting.write(dir, "saved.yaml", embedded);
        RecipeTesting.Run again = RecipeTesting.cli("run", saved.toString(), "--out-dir", dir.resolve("again").toString(), "-q");
        assertEquals(0, again.code(), again.err());
        assertArrayEquals(pixels(png), pixels(dir.resolve("again/saved/saved.png")), "the embedded recipe reproduces the image");
        RecipeTesting.Run fromPng = RecipeTesting.cli("run", png.toString(), "--out-dir", dir.resolve("png").toString(), "-q");
        assertEquals(0, fromPng.code(), fromPng.err());
        RecipeTesting.Run from = RecipeTesting.cli("run", "--from", png.toString(), "-o", dir.resolve("from.png").toString(), "-q");
        assertEquals(0, from.code(), from.err());
        assertArrayEquals(pixels(png), pixels(dir.resolve("from.png")));
        String csv = Files.readString(dir.resolve("out/sw/index.csv"));
        assertTrue(csv.startsWith("file,row,column,sampler,schedule,steps,seed,guidance,guidance_rescale") && csv.lines().count() == 5, csv);
        RecipeTesting.Run mixed = RecipeTesting.cli("run", f.toString(), "--seed", "3");
        assertEquals(2, mixed.code());
        assertTrue(mixed.err().contains("--seed cannot be combined with recipe files"), mixed.err());
    }
}
