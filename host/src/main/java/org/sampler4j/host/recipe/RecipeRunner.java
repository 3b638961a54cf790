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
import org.sampler4j.host.run.Outputs;
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
        Path folder = folder(lr, outRoot);
        String pattern = o != null && o.name() != null ? o.name() : RecipePlan.defaultName(r);
        List<Map<String, Object>> images = new ArrayList<>();
        Path gridFile = null;
        try (DiffusionModel m = Models.open(RecipePlan.modelRef(lr))) {
            RecipePlan plan = RecipePlan.of(lr, m.defaultSchedule().orElse(RecipePlan.DEFAULT_SCHEDULE));
            boolean wantGrid = !noGrid && (o != null && o.grid() != null ? o.grid() : plan.cells().size() * plan.cells().get(0).settings().batch() > 1);
            // everything is checked before the first file is written: a run that cannot finish writes nothing
            for (RecipePlan.Cell cell : plan.cells()) {
                Generator.check(m, cell.settings());
                for (int i = 0; i < cell.settings().batch(); i++) Outputs.checkFile(folder.resolve(RecipePlan.fileName(pattern, lr.name(), cell, i)), "output");
            }
            for (String f : wantGrid ? List.of("grid.png", "index.json", "index.csv") : List.of("index.json", "index.csv")) Outputs.checkFile(folder.resolve(f), "output");
            int rows = plan.rowLabels().size();
            List<List<BufferedImage>> grid = new ArrayList<>();
            for (int i = 0; i < rows; i++) grid.add(new ArrayList<>());
            for (RecipePlan.Cell cell : plan.cells()) {
                RunSettings s = cell.settings();
                String label = cell.label();
                Generator.Result res = Generator.run(m, s, progress.apply(label.isEmpty() ? m.name() : label));
                for (int i = 0; i < s.batch(); i++) {
                    BufferedImage img = Images.of(res.pixels(), i);
                    RunSettings one = s.item(i);
                    String name = RecipePlan.fileName(pattern, lr.name(), cell, i);
                    Path file = folder.resolve(name);
                    Pngs.write(file, img, Map.of(RunSettings.PNG_KEY, one.toYaml()));
                    grid.get(cell.row()).add(img);
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("file", name);
                    e.put("row", cell.row());
                    e.put("column", cell.column() + i);
                    e.put("cell", new LinkedHashMap<>(cell.labels()));
                    e.put("sampler", one.sampler());
                    e.put("schedule", one.schedule());
                    e.put("steps", res.steps());
                    e.put("seed", one.seed());
                    e.put("guidance", one.guidance());
                    e.put("guidance_rescale", one.guidanceRescale());
                    e.put("model_evaluations", res.evaluations());
                    e.put("seconds", res.seconds());
                    images.add(e);
                    String others = cell.label("seed");
                    log.accept("wrote " + file + "  (" + (others.isEmpty() ? m.name() : others) + ", seed " + one.seed() + ")");
                }
            }
            if (wantGrid) {
                gridFile = folder.resolve("grid.png");
                SheetTexts t = sheetTexts(lr, m.name(), plan);
                Pngs.write(gridFile, ContactSheet.of(t.title(), t.rowLabels(), grid, t.cellLabels()), Map.of());
                log.accept("wrote " + gridFile + "  (contact sheet: " + rows + " row(s) x " + plan.columns() + ")");
            }
        }
        writeIndex(folder, images, gridFile);
        log.accept("wrote " + folder.resolve("index.json") + " and index.csv  (" + images.size() + " image(s))");
        return new Result(folder, images, gridFile);
    }

    /**
     * The output folder: {@code outRoot/NAME} when given, else the recipe's {@code outputs.folder}, else
     * {@code out/NAME}. A folder inherited through {@code extends} is the base recipe's: an extending recipe gets a
     * sibling named after itself instead, so it never overwrites the base's outputs.
     */
    public static Path folder(LoadedRecipe lr, Path outRoot) {
        if (outRoot != null) return outRoot.resolve(lr.name());
        Recipe.Outputs o = lr.recipe().outputs();
        if (o == null || o.folder() == null) return Path.of("out", lr.name());
        Path given = Path.of(o.folder());
        boolean inherited = !lr.loc("outputs.folder").file().equals(lr.source());
        return inherited ? given.resolveSibling(lr.name()) : given;
    }

    /**
     * The texts of a recipe's contact sheet.
     *
     * @param title the recipe, the model (when its name differs) and the settings every cell shares
     * @param rowLabels the value of the rows' swept key, one per row
     * @param cellLabels under each image: the other swept values, its class and seed
     */
    public record SheetTexts(String title, List<String> rowLabels, List<List<String>> cellLabels) {}

    /** The texts of the contact sheet of {@code plan} on a model named {@code model}. */
    public static SheetTexts sheetTexts(LoadedRecipe lr, String model, RecipePlan plan) {
        List<List<String>> labels = new ArrayList<>();
        for (int i = 0; i < plan.rowLabels().size(); i++) labels.add(new ArrayList<>());
        java.util.Set<Integer> classes = new java.util.TreeSet<>();
        for (RecipePlan.Cell cell : plan.cells()) {
            for (int i = 0; i < cell.settings().batch(); i++) {
                List<Integer> l = cell.settings().item(i).classLabels();
                if (l != null && !l.isEmpty()) classes.add(l.get(0));
            }
        }
        for (RecipePlan.Cell cell : plan.cells()) {
            for (int i = 0; i < cell.settings().batch(); i++) {
                RunSettings one = cell.settings().item(i);
                String under = cell.label(plan.rowKey(), "seed");
                String cls = classes.size() > 1 ? "class " + one.classLabels().get(0) + "  " : "";
                labels.get(cell.row()).add((under.isEmpty() ? "" : under + "  ") + cls + "seed " + one.seed());
            }
        }
        String title = title(lr, model, plan, classes.size() == 1 ? "  class " + classes.iterator().next() : "");
        return new SheetTexts(title, plan.rowKey() == null ? List.of(first(plan)) : plan.rowLabels(), labels);
    }

    private static String title(LoadedRecipe lr, String model, RecipePlan plan, String shared) {
        RunSettings s = plan.cells().get(0).settings();
        Map<String, Object> swept = plan.cells().get(0).values();
        StringBuilder b = new StringBuilder(lr.name());
        if (!model.equals(lr.name())) b.append("  ").append(model);
        if (plan.rowKey() != null) {
            if (!swept.containsKey("sampler")) b.append("  ").append(s.sampler());
            if (!swept.containsKey("schedule") && !swept.containsKey("steps")) b.append("  ").append(s.schedule());
        }
        if (!swept.containsKey("guidance") && s.guidance() != 1) b.append("  cfg ").append(Compact.number(s.guidance()));
        if (!swept.containsKey("guidance_rescale") && s.guidanceRescale() != 0) b.append("  rescale ").append(Compact.number(s.guidanceRescale()));
        b.append(shared);
        if (plan.rowKey() != null) b.append("  rows: ").append(plan.rowKey());
        return b.toString();
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
