package org.sampler4j.host.recipe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Serializable;
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
     * Where and how a recipe's outputs are written: the folder, the file name pattern and the recipe name.
     *
     * @param folder the output folder
     * @param pattern the file name pattern ({@link RecipePlan#fileName})
     * @param name the recipe name
     */
    public record Layout(Path folder, String pattern, String name) {
        /** The layout of {@code lr}; {@code outRoot} replaces the recipe's output folder by {@code outRoot/NAME} when not null. */
        public static Layout of(LoadedRecipe lr, Path outRoot) {
            Recipe.Outputs o = lr.recipe().outputs();
            return new Layout(RecipeRunner.folder(lr, outRoot), o != null && o.name() != null ? o.name() : RecipePlan.defaultName(lr.recipe()), lr.name());
        }

        /** {@return the files of every image of {@code plan}, relative to the folder, by cell index and item; all different} */
        public List<List<String>> fileNames(RecipePlan plan) {
            return plan.fileNames(pattern, name);
        }
    }

    /**
     * One cell as work that can travel to another machine: its settings, its files and its labels, all resolved.
     *
     * @param index the cell's position in the plan
     * @param row grid row
     * @param column grid column of the first item
     * @param values the swept keys and this cell's values as labels (index.json's {@code cell})
     * @param label the cell's label (progress and log)
     * @param folder the output folder
     * @param files one file name per item, relative to {@code folder}
     * @param settings what runs
     */
    public record CellWork(int index, int row, int column, Map<String, String> values, String label, String folder, List<String> files,
                           RunSettings settings) implements Serializable {
        private static final long serialVersionUID = 1L;

        /** {@return the work of every cell of {@code plan} written by {@code layout}, in plan order} */
        public static List<CellWork> all(RecipePlan plan, Layout layout) {
            List<List<String>> files = layout.fileNames(plan);
            List<CellWork> out = new ArrayList<>();
            for (RecipePlan.Cell cell : plan.cells()) {
                out.add(new CellWork(cell.index(), cell.row(), cell.column(), new LinkedHashMap<>(cell.labels()), cell.label(), layout.folder().toString(),
                        files.get(cell.index()), cell.settings()));
            }
            return out;
        }

        /** The output folder. */
        public Path folderPath() {
            return Path.of(folder);
        }

        /** {@return this work with its files written to {@code dir} instead} (a cluster task's local staging folder) */
        public CellWork in(Path dir) {
            return new CellWork(index, row, column, values, label, dir.toString(), files, settings);
        }
    }

    /**
     * What one cell made: its index entries (as in index.json) and its images as packed RGB, so that it can travel
     * between machines.
     *
     * @param entries one index entry per image
     * @param rgb one {@code width * height} array of packed RGB per image
     * @param width image width
     * @param height image height
     */
    public record CellOutput(List<Map<String, Object>> entries, List<int[]> rgb, int width, int height) implements Serializable {
        private static final long serialVersionUID = 1L;

        /** Packs {@code images} (all of one size). */
        public static CellOutput of(List<Map<String, Object>> entries, List<BufferedImage> images) {
            int w = images.get(0).getWidth();
            int h = images.get(0).getHeight();
            List<int[]> rgb = new ArrayList<>();
            for (BufferedImage img : images) rgb.add(img.getRGB(0, 0, w, h, null, 0, w));
            return new CellOutput(entries, rgb, w, h);
        }

        /** The images, as {@link Images#of} makes them ({@code TYPE_INT_RGB}). */
        public List<BufferedImage> images() {
            List<BufferedImage> out = new ArrayList<>();
            for (int[] p : rgb) {
                BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
                img.setRGB(0, 0, width, height, p, 0, width);
                out.add(img);
            }
            return out;
        }
    }

    /**
     * Runs {@code lr} (checked, without problems).
     *
     * @param outRoot replaces the recipe's output folder by {@code outRoot/NAME} when not null
     * @param noGrid never write the contact sheet
     * @param progress a step listener per cell, given a label
     * @param log one line per file written
     */
    public static Result run(LoadedRecipe lr, Path outRoot, boolean noGrid, Function<String, StepListener> progress, Consumer<String> log) throws IOException {
        Layout layout = Layout.of(lr, outRoot);
        try (DiffusionModel m = Models.open(RecipePlan.modelRef(lr))) {
            RecipePlan plan = RecipePlan.of(lr, m.defaultSchedule().orElse(RecipePlan.DEFAULT_SCHEDULE));
            check(lr, plan, layout, m, noGrid);
            List<CellOutput> outputs = new ArrayList<>();
            for (CellWork w : CellWork.all(plan, layout)) {
                outputs.add(runCell(m, w, progress.apply(w.label().isEmpty() ? m.name() : w.label()), log));
            }
            return assemble(lr, plan, layout, m.name(), outputs, noGrid, log);
        }
    }

    /**
     * Checks every cell (sampler, options, schedule, conditioning) and every output file before the first is written,
     * so that a recipe that cannot finish writes nothing.
     *
     * @throws RuntimeException a user error naming the problem and the fix
     */
    public static void check(LoadedRecipe lr, RecipePlan plan, Layout layout, DiffusionModel m, boolean noGrid) {
        List<List<String>> names = layout.fileNames(plan);
        for (RecipePlan.Cell cell : plan.cells()) {
            Generator.check(m, cell.settings());
            for (String f : names.get(cell.index())) Outputs.checkFile(layout.folder().resolve(f), "output");
        }
        List<String> files = new ArrayList<>(List.of("index.json", "index.csv"));
        if (wantGrid(lr, plan, noGrid)) files.add("grid.png");
        for (String f : files) Outputs.checkFile(layout.folder().resolve(f), "output");
    }

    /**
     * Checks a recipe as {@link #run} does before its first file, without running it: for a run whose cells go
     * elsewhere (a cluster), and for the later recipes of a command that runs several. Opens the recipe's model.
     *
     * @param outRoot replaces the recipe's output folder by {@code outRoot/NAME} when not null
     * @param noGrid never write the contact sheet
     * @throws RuntimeException a user error naming the problem and the fix
     */
    public static void check(LoadedRecipe lr, Path outRoot, boolean noGrid) {
        check(lr, outRoot, noGrid, true);
    }

    /**
     * {@link #check(LoadedRecipe, Path, boolean)}, with the output files' local checks only when {@code localFiles}
     * (not for an output folder that is a URL: {@link #folderUrl}; the cluster engine checks those).
     */
    public static void check(LoadedRecipe lr, Path outRoot, boolean noGrid, boolean localFiles) {
        try (DiffusionModel m = Models.open(RecipePlan.modelRef(lr))) {
            RecipePlan plan = RecipePlan.of(lr, m.defaultSchedule().orElse(RecipePlan.DEFAULT_SCHEDULE));
            if (localFiles) {
                check(lr, plan, Layout.of(lr, outRoot), m, noGrid);
            } else {
                for (RecipePlan.Cell cell : plan.cells()) Generator.check(m, cell.settings());
            }
        }
    }

    private static boolean wantGrid(LoadedRecipe lr, RecipePlan plan, boolean noGrid) {
        Recipe.Outputs o = lr.recipe().outputs();
        return !noGrid && (o != null && o.grid() != null ? o.grid() : plan.cells().size() * plan.cells().get(0).settings().batch() > 1);
    }

    /**
     * Runs one cell on an open model and writes its PNGs (atomically) into its folder: what one machine does per cell,
     * and what a cluster task does.
     */
    public static CellOutput runCell(DiffusionModel m, CellWork w, StepListener progress, Consumer<String> log) throws IOException {
        RunSettings s = w.settings();
        Generator.Result res = Generator.run(m, s, progress);
        List<Map<String, Object>> entries = new ArrayList<>();
        List<BufferedImage> images = new ArrayList<>();
        for (int i = 0; i < s.batch(); i++) {
            BufferedImage img = Images.of(res.pixels(), i);
            RunSettings one = res.settings().item(i);
            String name = w.files().get(i);
            Path file = w.folderPath().resolve(name);
            Pngs.write(file, img, Map.of(RunSettings.PNG_KEY, one.toYaml()));
            images.add(img);
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("file", name);
            e.put("row", w.row());
            e.put("column", w.column() + i);
            e.put("cell", new LinkedHashMap<>(w.values()));
            e.put("sampler", one.sampler());
            e.put("schedule", one.schedule());
            e.put("steps", res.steps());
            e.put("seed", one.seed());
            e.put("guidance", one.guidance());
            e.put("guidance_rescale", one.guidanceRescale());
            e.put("model_evaluations", res.evaluations());
            e.put("seconds", res.seconds());
            entries.add(e);
            String others = String.join("  ", w.values().entrySet().stream().filter(v -> !v.getKey().equals("seed")).map(Map.Entry::getValue).toList());
            log.accept("wrote " + file + "  (" + (others.isEmpty() ? m.name() : others) + ", seed " + one.seed() + ")");
        }
        return CellOutput.of(entries, images);
    }

    /**
     * Writes the contact sheet and the index from every cell's output (in plan order), wherever the cells ran.
     *
     * @param modelName the model's name (in the sheet's title)
     * @param outputs one per cell of {@code plan}, in order
     */
    public static Result assemble(LoadedRecipe lr, RecipePlan plan, Layout layout, String modelName, List<CellOutput> outputs, boolean noGrid,
                                  Consumer<String> log) throws IOException {
        int rows = plan.rowLabels().size();
        List<List<BufferedImage>> grid = new ArrayList<>();
        for (int i = 0; i < rows; i++) grid.add(new ArrayList<>());
        List<Map<String, Object>> images = new ArrayList<>();
        for (RecipePlan.Cell cell : plan.cells()) {
            CellOutput out = outputs.get(cell.index());
            grid.get(cell.row()).addAll(out.images());
            images.addAll(out.entries());
        }
        Path folder = layout.folder();
        Path gridFile = null;
        if (wantGrid(lr, plan, noGrid)) {
            gridFile = folder.resolve("grid.png");
            SheetTexts t = sheetTexts(lr, modelName, plan);
            Pngs.write(gridFile, ContactSheet.of(t.title(), t.rowLabels(), grid, t.cellLabels()), Map.of());
            log.accept("wrote " + gridFile + "  (contact sheet: " + rows + " row(s) x " + plan.columns() + ")");
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
     * The output folder as a URL when it is one ({@link Outputs#isUrl}): {@code outRoot/NAME} for an {@code outRoot}
     * URL, else a recipe's {@code outputs.folder} URL (one inherited through {@code extends} gets a sibling named after
     * the extending recipe, as in {@link #folder}); null when the folder is a local path.
     *
     * @param outRoot {@code --out-dir} as the user typed it, or null
     */
    public static String folderUrl(LoadedRecipe lr, String outRoot) {
        if (outRoot != null) return Outputs.isUrl(outRoot) ? trimSlash(outRoot) + "/" + lr.name() : null;
        Recipe.Outputs o = lr.recipe().outputs();
        if (o == null || !Outputs.isUrl(o.folder())) return null;
        String given = trimSlash(o.folder());
        boolean inherited = !lr.loc("outputs.folder").file().equals(lr.source());
        return inherited ? given.substring(0, given.lastIndexOf('/') + 1) + lr.name() : given;
    }

    private static String trimSlash(String url) {
        String u = url;
        while (u.endsWith("/") && !u.endsWith(":/") && !u.endsWith("://")) u = u.substring(0, u.length() - 1);
        return u;
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
