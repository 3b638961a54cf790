package org.sampler4j.host.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sampler4j.host.image.ContactSheet;
import org.sampler4j.host.model.ModelInfo;
import org.sampler4j.host.model.Models;

/**
 * Sweep outputs stay readable: labels are the exact values that ran, and on the contact sheets of the example sweeps
 * and of a 3 samplers x 4 schedules x 2 seeds sweep (both ways round) no two caption boxes overlap, every box lies
 * inside the sheet and no caption is wider than its cell.
 */
class SweepLabelsTest {
    /** A 3 x 4 x 2 sweep with long schedule texts, rows by sampler or by schedule. */
    static String grid(String rows) {
        return "recipe: 1\nmodel: gmm:1x28x28\nsampler_options: {euler_ancestral: {eta: 0.5}}\nsweep:\n"
                + "  sampler: [euler, euler_ancestral, dpmpp_2m]\n"
                + "  schedule: ['linspace(10).karras().finalSigma(zero)', 'linspace(10).exponential()',"
                + " 'sigmas(14.615, 6.315, 3.771, 2.181, 1.342, 0.862, 0.555, 0.380, 0.234, 0.113, 0.0)', 'linspace(4)']\n"
                + "  seed: [1, 2]\n  rows: " + rows + "\n";
    }

    static Stream<String> sweeps() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(RecipeExamplesTest.EXAMPLES)) {
            for (Path p : s.sorted().toList()) if (p.toString().endsWith(".yaml") && Files.readString(p).contains("sweep:")) out.add(p.toString());
        }
        out.add("grid:sampler");
        out.add("grid:schedule");
        return out.stream();
    }

    static LoadedRecipe load(String which) {
        if (which.startsWith("grid:")) return Recipes.parse(grid(which.substring(5)), "grid-" + which.substring(5) + ".yaml", null);
        return Recipes.load(Path.of(which));
    }

    @ParameterizedTest
    @MethodSource("sweeps")
    void noTwoCaptionBoxesOverlap(String which) {
        LoadedRecipe lr = load(which);
        RecipeChecker.check(lr);
        lr.orThrow();
        ModelInfo info = Models.describe(RecipePlan.modelRef(lr));
        RecipePlan plan = RecipePlan.of(lr, info.defaultSchedule().orElse(RecipePlan.DEFAULT_SCHEDULE));
        RecipeRunner.SheetTexts t = RecipeRunner.sheetTexts(lr, info.name(), plan);
        List<List<BufferedImage>> cells = new ArrayList<>();
        for (List<String> row : t.cellLabels()) cells.add(row.stream().map(l -> new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB)).toList());
        ContactSheet.Sheet sheet = ContactSheet.render(t.title(), t.rowLabels(), cells, t.cellLabels());
        List<Rectangle> boxes = sheet.captions();
        assertEquals(1 + t.rowLabels().size() + t.cellLabels().stream().mapToInt(List::size).sum(), boxes.size());
        Rectangle page = new Rectangle(0, 0, sheet.image().getWidth(), sheet.image().getHeight());
        for (int i = 0; i < boxes.size(); i++) {
            assertTrue(page.contains(boxes.get(i)), which + ": caption " + i + " " + boxes.get(i) + " outside the sheet " + page + " " + t);
            for (int j = i + 1; j < boxes.size(); j++) {
                assertFalse(boxes.get(i).intersects(boxes.get(j)), which + ": captions " + i + " " + boxes.get(i) + " and " + j + " " + boxes.get(j) + " overlap");
            }
        }
        // each caption stays under its own image: no wider than one cell (28 px images are zoomed 4x)
        int at = 1;
        for (List<String> row : t.cellLabels()) {
            at++;                                              // the row's label
            for (int c = 0; c < row.size(); c++) assertTrue(boxes.get(at++).width <= 4 * 28, which + ": " + row.get(c));
        }
    }

    @Test
    void labelsAreTheExactSpecsThatRanAndShowOnlyWhatVaries() {
        LoadedRecipe lr = Recipes.load(RecipeExamplesTest.EXAMPLES.resolve("schedules-10-steps.yaml"));
        RecipeChecker.check(lr);
        RecipePlan plan = RecipePlan.of(lr, RecipePlan.DEFAULT_SCHEDULE);
        assertTrue(plan.rowLabels().contains("leading(10).stepsOffset(1)"), plan.rowLabels().toString());
        assertTrue(plan.rowLabels().contains("preset(ays, 10, model=sd15)"), plan.rowLabels().toString());
        RecipeRunner.SheetTexts t = RecipeRunner.sheetTexts(lr, "digits", plan);
        assertEquals(List.of("seed 1", "seed 2"), t.cellLabels().get(0), "cells show the varying value only (the class is in the title)");
        assertEquals("schedules-10-steps  digits  dpmpp_2m  cfg 3  class 3  rows: schedule", t.title());
        for (RecipePlan.Cell c : plan.cells()) {
            assertEquals(c.settings().schedule(), c.labels().get("schedule"));
            String file = RecipePlan.fileName("{recipe}_{cell}_seed{seed}.png", "x", c, 0);
            assertEquals(1, file.split("seed", -1).length - 1, "one seed in " + file);
        }
        assertEquals("x_leading_10.stepsOffset_1_seed1.png", RecipePlan.fileName("{recipe}_{cell}_seed{seed}.png", "x", plan.cells().get(2), 0));
        assertEquals("x_preset_ays_10_model=sd15_seed2.png", RecipePlan.fileName("{recipe}_{cell}_seed{seed}.png", "x", plan.cells().get(11), 0));
    }

    @Test
    void aSweepWithABatchNamesEachFileWithItsOwnSeedOnce() {
        LoadedRecipe lr = Recipes.parse("recipe: 1\nmodel: gmm\nbatch: 2\nsweep:\n  sampler: [euler, heun]\n  seed: [0, 8]\n", "mid4.yaml", null);
        RecipeChecker.check(lr);
        lr.orThrow();
        RecipePlan plan = RecipePlan.of(lr, RecipePlan.DEFAULT_SCHEDULE);
        List<String> names = new ArrayList<>();
        for (RecipePlan.Cell c : plan.cells()) for (int i = 0; i < 2; i++) names.add(RecipePlan.fileName(RecipePlan.defaultName(lr.recipe()), "mid4", c, i));
        assertEquals(List.of("mid4_euler_seed0.png", "mid4_euler_seed1.png", "mid4_euler_seed8.png", "mid4_euler_seed9.png",
                "mid4_heun_seed0.png", "mid4_heun_seed1.png", "mid4_heun_seed8.png", "mid4_heun_seed9.png"), names);
    }

    @Test
    void cellsThatRunTheSameSettingsStillGetTheirOwnFiles(@TempDir Path dir) throws IOException {
        // the recipe's steps turn both swept schedules into linspace(4): two cells, one name, before
        Files.writeString(dir.resolve("fam.yaml"), "recipe: 1\nmodel: gmm:1x8x8\nsteps: 4\nsweep:\n  schedule: [linspace(4), linspace(6)]\n"
                + "outputs: {folder: " + dir.resolve("fam") + "}\n");
        LoadedRecipe lr = Recipes.load(dir.resolve("fam.yaml"));
        RecipeChecker.check(lr);
        lr.orThrow();
        RecipePlan plan = RecipePlan.of(lr, RecipePlan.DEFAULT_SCHEDULE);
        List<List<String>> names = plan.fileNames(RecipePlan.defaultName(lr.recipe()), "fam");
        assertEquals(List.of(List.of("fam_linspace_4_cell0.png"), List.of("fam_linspace_4_cell1.png")), names);
        assertEquals(names, plan.fileNames(RecipePlan.defaultName(lr.recipe()), "fam"), "stable");
        RecipeTesting.Run r = RecipeTesting.cli("run", dir.resolve("fam.yaml").toString(), "-q");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(dir.resolve("fam/fam_linspace_4_cell0.png")) && Files.exists(dir.resolve("fam/fam_linspace_4_cell1.png")));
        JsonNode index = new ObjectMapper().readTree(dir.resolve("fam/index.json").toFile());
        assertEquals(2, index.get("images").size());
        // swept seeds whose batches overlap (seed 0 item 1 is seed 1): the repeated name gets the cell, the others stay
        LoadedRecipe seeds = Recipes.parse("recipe: 1\nmodel: gmm\nbatch: 2\nsweep:\n  seed: [0, 1]\n", "s.yaml", null);
        RecipeChecker.check(seeds);
        seeds.orThrow();
        assertEquals(List.of(List.of("s_seed0.png", "s_seed1_cell0.png"), List.of("s_seed1_cell1.png", "s_seed2.png")),
                RecipePlan.of(seeds, RecipePlan.DEFAULT_SCHEDULE).fileNames(RecipePlan.defaultName(seeds.recipe()), "s"));
        // no repeat: the names of before
        LoadedRecipe plain = Recipes.parse("recipe: 1\nmodel: gmm\nsweep:\n  schedule: [linspace(4), linspace(6)]\n", "p.yaml", null);
        RecipeChecker.check(plain);
        assertEquals(List.of(List.of("p_linspace_4.png"), List.of("p_linspace_6.png")),
                RecipePlan.of(plain, RecipePlan.DEFAULT_SCHEDULE).fileNames(RecipePlan.defaultName(plain.recipe()), "p"));
    }

    @Test
    void perSamplerOptionsInARecipe() {
        LoadedRecipe lr = Recipes.parse("recipe: 1\nmodel: gmm\nsampler_options: {s_noise: 1.0, euler_ancestral: {eta: 0.5}}\n"
                + "sweep:\n  sampler: [euler, euler_a, dpmpp_2m]\n", "opts.yaml", null);
        RecipeChecker.check(lr);
        lr.orThrow();
        RecipePlan plan = RecipePlan.of(lr, RecipePlan.DEFAULT_SCHEDULE);
        assertEquals(java.util.Map.of("s_noise", 1.0), plan.cells().get(0).settings().samplerOptions());
        assertEquals(java.util.Map.of("s_noise", 1.0, "eta", 0.5), plan.cells().get(1).settings().samplerOptions());
        assertEquals(java.util.Map.of(), plan.cells().get(2).settings().samplerOptions());
        LoadedRecipe bad = Recipes.parse("recipe: 1\nmodel: gmm\nsampler_options:\n  heun: {eta: 0.5}\n", "bad.yaml", null);
        RecipeChecker.check(bad);
        assertEquals(1, bad.problems().size(), bad.problems().toString());
        assertEquals("bad.yaml:4:3: sampler_options.heun.eta: sampler 'heun' is not selected (selected: euler): select it too, or drop the option",
                bad.problems().get(0).toString());
    }

    @Test
    void aRecipeThatExtendsAnotherGetsItsOwnFolder(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("results/base");
        Files.writeString(dir.resolve("base.yaml"), "recipe: 1\nmodel: gmm:1x8x8\nschedule: linspace(3)\noutputs: {folder: " + out + "}\n");
        Files.writeString(dir.resolve("child.yaml"), "recipe: 1\nextends: base.yaml\nseed: 5\n");
        assertEquals(out, RecipeRunner.folder(Recipes.load(dir.resolve("base.yaml")), null));
        assertEquals(dir.resolve("results/child"), RecipeRunner.folder(Recipes.load(dir.resolve("child.yaml")), null));
        RecipeTesting.Run r = RecipeTesting.cli("run", dir.resolve("child.yaml").toString(), "-q");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(dir.resolve("results/child/index.json")));
        assertFalse(Files.exists(out), "the base's outputs are untouched");
        JsonNode index = new ObjectMapper().readTree(dir.resolve("results/child/index.json").toFile());
        assertEquals("child.png", index.get("images").get(0).get("file").asText());
    }
}
