package org.sampler4j.host.recipe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.sampler4j.api.sampler.StepListener;
import org.sampler4j.host.image.ContactSheet;
import org.sampler4j.host.image.Images;
import org.sampler4j.host.image.Pngs;
import org.sampler4j.host.model.DiffusionModel;
import org.sampler4j.host.model.Models;
import org.sampler4j.host.run.Generator;
import org.sampler4j.host.run.RunSettings;

/**
 * Runs a checked recipe as one job: opens the model once, runs every cell of its {@link RecipePlan}, writes one PNG per
 * image (each embedding its own single-run recipe), the labelled contact sheet {@code grid.png} and the index of what
 * was made ({@code index.json}, {@code index.csv}) into the output folder.
 */
public final class RecipeRunner {
    private RecipeRunner() {}

    /**
     * What a recipe run wrote.
     *
     * @param folder the output folder
     * @param images one entry per image: file, cell values, row, column, settings and timings (as in index.json)
     * @param grid the contact sheet, or null
     */
    public record Result(Path folder, List<Map<String, Object>> images, Path grid) {}

    /**
     * Runs {@code lr} (checked, without problems).
     *
     * @param outRoot replaces the recipe's output folder by {@code outRoot/NAME} when not null
     * @param noGrid never write the contact sheet
     * @param progress a step listener per cell, given a label
     * @param log one line per file written
     */
    public static Result run(LoadedRecipe lr, Path outRoot, boolean noGrid, Function<String, StepListener> progress, Consumer<String> log) throws IOException {
        Recipe r = lr.recipe();
        Recipe.Outputs o = r.outputs();
        Path folder = outRoot != null ? outRoot.resolve(lr.name()) : o != null && o.folder() != null ? Path.of(o.folder()) : Path.of("out", lr.name());
        String pattern = o != null && o.name() != null ? o.name() : RecipePlan.defaultName(r);
        List<Map<String, Object>> images = new ArrayList<>();
        Path gridFile = null;
        try (DiffusionModel m = Models.open(RecipePlan.modelRef(lr))) {
            RecipePlan plan = RecipePlan.of(lr, m.defaultSchedule().orElse(RecipePlan.DEFAULT_SCHEDULE));
            int rows = plan.rowLabels().size();
            List<List<BufferedImage>> grid = new ArrayList<>();
            List<List<String>> labels = new ArrayList<>();
            for (int i = 0; i < rows; i++) {
                grid.add(new ArrayList<>());
                labels.add(new ArrayList<>());
            }
            for (RecipePlan.Cell cell : plan.cells()) {
                RunSettings s = cell.settings();
                String label = cell.label(null);
                Generator.Result res = Generator.run(m, s, progress.apply(label.isEmpty() ? m.name() : label));
                for (int i = 0; i < s.batch(); i++) {
                    BufferedImage img = Images.of(res.pixels(), i);
                    RunSettings one = res.settings().item(i);
                    String name = RecipePlan.fileName(pattern, lr.name(), cell, i);
                    Path file = folder.resolve(name);
                    Pngs.write(file, img, Map.of(RunSettings.PNG_KEY, one.toYaml()));
                    grid.get(cell.row()).add(img);
                    String under = cell.label(plan.rowKey());
                    String cls = one.classLabels() != null && !one.classLabels().isEmpty() ? "class " + one.classLabels().get(0) + "  " : "";
                    labels.get(cell.row()).add((under.isEmpty() ? "" : under + "  ") + cls + "seed " + one.seed());
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("file", name);
                    e.put("row", cell.row());
                    e.put("column", cell.column() + i);
                    Map<String, Object> values = new LinkedHashMap<>();
                    cell.values().forEach((k, v) -> values.put(k, RecipePlan.label(k, v)));
                    e.put("cell", values);
                    e.put("sampler", one.sampler());
                    e.put("schedule", one.schedule());
                    e.put("steps", res.steps());
                    e.put("seed", one.seed());
                    e.put("guidance", one.guidance());
                    e.put("guidance_rescale", one.guidanceRescale());
                    e.put("model_evaluations", res.evaluations());
                    e.put("seconds", res.seconds());
                    images.add(e);
                    log.accept("wrote " + file + "  (" + (label.isEmpty() ? m.name() : label) + ", seed " + one.seed() + ")");
                }
            }
            boolean wantGrid = o != null && o.grid() != null ? o.grid() : images.size() > 1;
            if (wantGrid && !noGrid) {
                gridFile = folder.resolve("grid.png");
                String title = lr.name() + "  " + m.name() + (plan.rowKey() == null ? "" : "  rows: " + plan.rowKey());
                List<String> rowLabels = plan.rowKey() == null ? List.of(first(plan)) : plan.rowLabels();
                Pngs.write(gridFile, ContactSheet.of(title, rowLabels, grid, labels), Map.of());
                log.accept("wrote " + gridFile + "  (contact sheet: " + rows + " row(s) x " + plan.columns() + ")");
            }
        }
        writeIndex(folder, images, gridFile);
        log.accept("wrote " + folder.resolve("index.json") + " and index.csv  (" + images.size() + " image(s))");
        return new Result(folder, images, gridFile);
    }

    private static String first(RecipePlan plan) {
        RunSettings s = plan.cells().get(0).settings();
        return s.sampler() + "  " + s.schedule();
    }

    private static final List<String> CSV = List.of("file", "row", "column", "sampler", "schedule", "steps", "seed", "guidance", "guidance_rescale",
            "model_evaluations", "seconds");

    private static void writeIndex(Path folder, List<Map<String, Object>> images, Path grid) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("images", images);
        if (grid != null) doc.put("grid", grid.getFileName().toString());
        write(folder.resolve("index.json"), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc) + "\n");
        StringBuilder b = new StringBuilder(String.join(",", CSV)).append('\n');
        for (Map<String, Object> e : images) {
            b.append(String.join(",", CSV.stream().map(k -> csv(String.valueOf(e.get(k)))).toList())).append('\n');
        }
        write(folder.resolve("index.csv"), b.toString());
    }

    private static String csv(String v) {
        return v.contains(",") || v.contains("\"") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
