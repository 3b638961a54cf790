package org.sampler4j.host.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sampler4j.api.sampler.StepListener;
import org.sampler4j.host.image.ContactSheet;
import org.sampler4j.host.image.Images;
import org.sampler4j.host.image.Pngs;
import org.sampler4j.host.model.DiffusionModel;
import org.sampler4j.host.model.DjlRuntime;
import org.sampler4j.host.model.ModelException;
import org.sampler4j.host.model.Models;
import org.sampler4j.host.run.Embeddings;
import org.sampler4j.host.run.Generator;
import org.sampler4j.host.run.Outputs;
import org.sampler4j.host.run.SamplerOptionSets;
import org.sampler4j.host.run.RunSettings;
import org.sampler4j.host.recipe.LoadedRecipe;
import org.sampler4j.host.recipe.Problem;
import org.sampler4j.host.recipe.RecipeChecker;
import org.sampler4j.host.recipe.RecipeException;
import org.sampler4j.host.recipe.RecipeRunner;
import org.sampler4j.host.recipe.Recipes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code sampler4j run}: generates images with a model, a sampler and a schedule, and writes PNGs that reproduce themselves. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"Generate images from recipe files or from options (a model, a sampler and a schedule).",
                "A recipe is a YAML file (see examples/recipes/README.md); a PNG written by sampler4j is one too. "
                + "Options need a model: a TorchScript model folder or the built-in 'gmm'. "
                + "With recipes only --out-dir, --no-grid, --quiet, --json, --spark and --resume apply; change a recipe with a small one that 'extends' it. "
                + "Every PNG carries its full settings in a text chunk ('" + RunSettings.PNG_KEY + "'); 'run --from IMAGE.png' reproduces it. "
                + "Several --sampler/--schedule values or a batch also write a labelled grid (contact sheet). "
                + "Everything is checked before the first file is written: a run that fails writes nothing."},
        footer = {"", "Examples:", "  sampler4j run examples/recipes/karras-sigmas.yaml",
                "  sampler4j run --model tools/fixtures/models/tiny-unet --class 3 --guidance 4 \\", "      --seed 42 -o out/cat.png",
                "  sampler4j run --model gmm -s euler -s euler_a -O euler_ancestral.eta=0.5 \\", "      --schedule 'linspace(10).karras()' --batch 4 -o cmp.png",
                "  sampler4j run --from out/cat.png -o again.png",
                "  sampler4j run --model models/tiny-sdxl --prompt 'a photo of a cat' -s dpmpp_2m \\",
                "      --schedule 'preset(ays, 10, model=sdxl)' -g 5 -o cat.png",
                "  sampler4j run --model models/tiny-sd --prompt 'a watercolor landscape' \\",
                "      --init-image cat.png --strength 0.6 -o wc.png"})
final class RunCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RECIPE", arity = "0..*", description = "Recipe files (YAML) or PNGs written by sampler4j; each runs as one job.")
    List<Path> recipes = new ArrayList<>();

    @Option(names = "--out-dir", paramLabel = "DIR", description = "With recipes: write each recipe's outputs to DIR/NAME instead of its outputs.folder."
            + " With --spark, DIR may be a Hadoop file-system URL (hdfs://, s3a://, file://; the scheme's connector on the classpath).")
    String outDir;

    @ParentCommand
    Main main;

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", description = "A model folder (model.yaml + TorchScript) or a built-in model: gmm, gmm:CxHxW.")
    String model;

    @Option(names = {"-s", "--sampler"}, paramLabel = "ID", description = "Sampler id or alias (default euler); repeat to compare samplers in a grid.")
    List<String> samplers = new ArrayList<>();

    @Option(names = "--schedule", paramLabel = "SPEC", description = "Schedule DSL text (default: the model's, else trailing(20)); repeat to compare.")
    List<String> schedules = new ArrayList<>();

    @Option(names = "--steps", paramLabel = "N", description = "Step count: replaces the count in SPEC (leading/linspace/trailing/preset bases).")
    Integer steps;

    @Mixin
    SharedOptions.SamplerOptions options;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the first item; item i uses seed + i (default 0).")
    long seed;

    @Option(names = {"-b", "--batch"}, paramLabel = "N", description = "Images per run (default 1).")
    int batch = 1;

    @Option(names = "--rng", paramLabel = "RNG", description = "Noise generator: torch-cpu (default) or torch-cuda.")
    String rng = "torch-cpu";

    @Option(names = "--step-rng", paramLabel = "NOISE", description = "Per-step noise of stochastic samplers: torch-cpu, torch-cuda or brownian-torchsde"
            + " (torchsde's Brownian tree, value for value as k-diffusion and ComfyUI draw it). Default: brownian-torchsde for"
            + " dpmpp_sde, dpmpp_2m_sde and dpmpp_3m_sde (unless -O reference=diffusers), else the --rng generator.")
    String stepRng;

    @Mixin
    SharedOptions.Guidance guidance;

    @Option(names = "--class", split = ",", paramLabel = "LABEL", description = "Class label(s) for class-conditional models: one for all items or one per item (comma-separated).")
    List<Integer> classLabels;

    @Option(names = "--embedding", paramLabel = "FILE", description = "Text embedding for text-embedding models: .json numbers or raw little-endian float32.")
    Path embedding;

    @Option(names = "--negative-embedding", paramLabel = "FILE", description = "Unconditional (negative) embedding for guidance (default: zeros).")
    Path negativeEmbedding;

    @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", description = "Prompt, for Stable Diffusion models (model.yaml kind: sd/sdxl); repeat to compare prompts in a grid.")
    List<String> prompts = new ArrayList<>();

    @Option(names = {"-n", "--negative-prompt"}, paramLabel = "TEXT", description = "Negative prompt (default: the empty prompt; SDXL: zero embeddings).")
    String negativePrompt;

    @Option(names = "--prompt-2", paramLabel = "TEXT", description = "SDXL: the prompt of the second text encoder (default: --prompt).")
    String prompt2;

    @Option(names = "--negative-prompt-2", paramLabel = "TEXT", description = "SDXL: the second negative prompt (default: --negative-prompt).")
    String negativePrompt2;

    @Option(names = {"-W", "--width"}, paramLabel = "PX", description = "Image width, a multiple of the VAE scale factor (default: the model's).")
    Integer width;

    @Option(names = {"-H", "--height"}, paramLabel = "PX", description = "Image height (default: the model's).")
    Integer height;

    @Option(names = {"-i", "--init-image"}, paramLabel = "IMAGE.png", description = "img2img: start from this image (its size is the output size).")
    Path initImage;

    @Option(names = "--strength", paramLabel = "S", description = "img2img strength in (0, 1]: the share of the schedule that runs (default 0.8).")
    Double strength;

    @Option(names = "--clip-skip", paramLabel = "N", description = "Text encoder layers to skip (default 0).")
    Integer clipSkip;

    @Option(names = "--noise-order", paramLabel = "ORDER", description = "per_item (default: item i uses seed + i) or diffusers (one generator per call, diffusers' draw order: the same images as diffusers for the same seed).")
    String noiseOrder;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE.png", description = "Output PNG (default sampler4j.png); batches and comparisons add -ROW-ITEM and a -grid.png.")
    Path output = Path.of("sampler4j.png");

    @Option(names = "--from", paramLabel = "IMAGE.png", description = "Take the settings from a PNG written by sampler4j; options given as well override them.")
    Path from;

    @Option(names = "--no-grid", description = "Do not write the contact sheet for batches and comparisons.")
    boolean noGrid;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar and no messages (errors still go to stderr).")
    boolean quiet;

    @Option(names = "--json", description = "Print one JSON document describing the files, settings and timings.")
    boolean json;

    @Option(names = "--spark", paramLabel = "MASTER", description = "With recipes: run the cells as Apache Spark tasks on MASTER (local[N], spark://HOST:PORT, yarn, k8s://URL); same images.")
    String spark;

    @Option(names = "--resume", description = "With --spark: skip the cells a previous run of the same recipe completed.")
    boolean resume;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec cmd;

    /** Forces the progress bar on or off in tests (null: on when stderr is a terminal). */
    static Boolean forceProgress;


    @Override
    public Integer call() throws IOException {
        Thread engineLoad = usesNetwork() ? DjlRuntime.preload() : null; // libtorch loads while recipes and plugins are read
        try {
            return runNow();
        } finally {
            DjlRuntime.awaitPreload(engineLoad);
        }
    }

    private Integer runNow() throws IOException {
        if (!recipes.isEmpty()) return runRecipes();
        if (outDir != null) throw new Main.UserException("--out-dir applies to recipe files; give -o FILE.png with --model");
        if (spark != null || resume) throw new Main.UserException((spark != null ? "--spark" : "--resume") + " applies to recipe files: give RECIPE.yaml (the --model form runs on this machine)");
        PrintWriter out = cmd.commandLine().getOut();
        RunSettings base = from != null ? fromImage(from) : null;
        if (base == null && model == null) throw new Main.UserException("give --model (a model folder or gmm), or --from IMAGE.png");
        if (batch < 1) throw new Main.UserException("--batch must be >= 1, got " + batch);
        guidance.check();
        Outputs.checkFile(output, "-o");
        long t0 = System.nanoTime();
        String modelRef = matched("--model") || base == null ? model : base.model();
        List<Map<String, Object>> files = new ArrayList<>();
        List<Map<String, Object>> runs = new ArrayList<>();
        String gridFile = null;
        double loadSeconds;
        try (DiffusionModel m = Models.open(modelRef)) {
            loadSeconds = (System.nanoTime() - t0) / 1e9;
            List<RunSettings> rows = rows(base, m);
            boolean many = rows.size() > 1 || rows.get(0).batch() > 1;
            boolean severalSamplers = rows.stream().map(RunSettings::sampler).distinct().count() > 1;
            boolean severalSchedules = rows.stream().map(RunSettings::schedule).distinct().count() > 1;
            // everything is checked before the first file is written: a run that cannot finish writes nothing
            for (RunSettings s : rows) Generator.check(m, s);
            for (int r = 0; r < rows.size(); r++) {
                for (int i = 0; i < rows.get(r).batch(); i++) Outputs.checkFile(file(rows, r, i), "-o");
            }
            if (many && !noGrid) Outputs.checkFile(sibling(output, "-grid"), "-o");
            List<List<BufferedImage>> grid = new ArrayList<>();
            List<List<String>> cellLabels = new ArrayList<>();
            List<String> rowLabels = new ArrayList<>();
            for (int r = 0; r < rows.size(); r++) {
                RunSettings s = rows.get(r);
                String label = s.sampler() + "  " + s.schedule() + (s.text() != null && prompts.size() > 1 ? "  " + s.text().prompt() : "");
                String rowLabel = prompts.size() > 1 ? label
                        : severalSamplers && !severalSchedules ? s.sampler() : severalSchedules && !severalSamplers ? s.schedule() : label;
                StepListener progress = showProgress() ? new ProgressBar(cmd.commandLine().getErr(), rows.size() > 1 ? label : m.name()) : ProgressBar.NONE;
                Interruption.activity = "sampling " + label + (rows.size() > 1 ? " (run " + (r + 1) + " of " + rows.size() + ")" : "");
                Generator.Result res = Generator.run(m, s, progress);
                List<BufferedImage> cells = new ArrayList<>();
                List<String> labels = new ArrayList<>();
                for (int i = 0; i < s.batch(); i++) {
                    BufferedImage img = Images.of(res.pixels(), i);
                    RunSettings one = res.settings().item(i);
                    Path file = file(rows, r, i);
                    Interruption.activity = "writing " + file;
                    Pngs.write(file, img, Map.of(RunSettings.PNG_KEY, one.toYaml()));
                    cells.add(img);
                    labels.add("seed " + one.seed() + (one.classLabels() != null ? "  class " + one.classLabels().get(0) : ""));
                    Map<String, Object> f = new LinkedHashMap<>();
                    f.put("file", file.toString());
                    f.put("row", r);
                    f.put("item", i);
                    f.put("seed", one.seed());
                    f.put("settings", one.toYaml());
                    files.add(f);
                    if (!quiet && !json) out.println("wrote " + file + "  (" + m.name() + ", " + s.sampler() + ", " + s.schedule() + ", seed " + one.seed() + ")");
                }
                grid.add(cells);
                cellLabels.add(labels);
                rowLabels.add(rowLabel);
                Map<String, Object> run = new LinkedHashMap<>();
                run.put("sampler", s.sampler());
                run.put("schedule", s.schedule());
                run.put("steps", res.steps());
                run.put("model_evaluations", res.evaluations());
                run.put("unconditional_pass", res.unconditionalPass());
                run.put("seconds", res.seconds());
                run.put("steps_per_second", res.steps() / res.seconds());
                runs.add(run);
                if (!quiet && !json) {
                    out.printf(Locale.ROOT, "  %d steps, %d model calls in %.3f s (%.1f steps/s)%n", res.steps(), res.evaluations(), res.seconds(), res.steps() / res.seconds());
                }
            }
            if (many && !noGrid) {
                Path g = sibling(output, "-grid");
                RunSettings first = rows.get(0);
                String title = m.name() + (severalSamplers ? "" : "  " + first.sampler()) + (severalSchedules ? "" : "  " + first.schedule())
                        + "  guidance " + fmt(first.guidance()) + (first.classLabels() != null && first.batch() == 1 ? "  class " + first.classLabels() : "");
                Interruption.activity = "writing " + g;
                Pngs.write(g, ContactSheet.of(title, rowLabels, grid, cellLabels), Map.of());
                gridFile = g.toString();
                if (!quiet && !json) out.println("wrote " + g + "  (contact sheet: " + rows.size() + " row(s) x " + rows.get(0).batch() + ")");
            }
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", modelRef);
            doc.put("images", files);
            if (gridFile != null) doc.put("grid", gridFile);
            doc.put("runs", runs);
            if (DjlRuntime.started()) doc.put("engine_start_seconds", DjlRuntime.engineStartSeconds());
            doc.put("model_load_seconds", loadSeconds);
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc));
        }
        return 0;
    }

    /** The file of item {@code i} of row {@code r}: {@code -o} itself for a single image, else with -ROW-ITEM. */
    private Path file(List<RunSettings> rows, int r, int i) {
        boolean many = rows.size() > 1 || rows.get(0).batch() > 1;
        return many ? sibling(output, (rows.size() > 1 ? "-" + r : "") + (rows.get(r).batch() > 1 || rows.size() > 1 ? "-" + i : "")) : output;
    }

    /** Options that mean the same with and without recipes. */
    private static final List<String> RECIPE_OPTIONS = List.of("--out-dir", "--no-grid", "--quiet", "--json", "--spark", "--resume");

    /** Whether this run probably needs the PyTorch engine: any model but the analytic ones (recipes: their model lines). */
    private boolean usesNetwork() {
        if (recipes.isEmpty()) return model != null && !org.sampler4j.host.model.AnalyticModel.matches(model) && java.nio.file.Files.isDirectory(Path.of(model));
        for (Path file : recipes) {
            try {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^model:\\s*['\"]?([^'\"#\\s]+)").matcher(java.nio.file.Files.readString(file));
                if (!m.find() || !org.sampler4j.host.model.AnalyticModel.matches(m.group(1))) return true;
            } catch (IOException | RuntimeException e) {
                return false; // the recipe check reports it
            }
        }
        return false;
    }

    private int runRecipes() throws IOException {
        for (picocli.CommandLine.Model.OptionSpec o : cmd.commandLine().getParseResult().matchedOptions()) {
            if (!RECIPE_OPTIONS.contains(o.longestName())) {
                throw new Main.UserException(o.longestName() + " cannot be combined with recipe files: put the setting in the recipe (or in a recipe that 'extends' it); "
                        + "with recipes only " + String.join(", ", RECIPE_OPTIONS) + " apply");
            }
        }
        PrintWriter out = cmd.commandLine().getOut();
        PrintWriter err = cmd.commandLine().getErr();
        List<LoadedRecipe> loaded = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (Path file : recipes) {
            LoadedRecipe lr = checked(file, main == null ? null : main.plugins, err);
            problems.addAll(lr.sortedProblems());
            loaded.add(lr);
        }
        if (!problems.isEmpty()) throw new RecipeException(problems);
        if (resume && spark == null) throw new Main.UserException("--resume applies with --spark MASTER");
        Path outPath = outDir == null || Outputs.isUrl(outDir) ? null : Path.of(outDir);
        List<String> urls = new ArrayList<>();
        for (LoadedRecipe lr : loaded) {
            String url = RecipeRunner.folderUrl(lr, outDir);
            String what = outDir != null ? "--out-dir" : "outputs.folder of " + lr.source();
            if (url == null) {
                Outputs.checkFolder(RecipeRunner.folder(lr, outPath), what);
            } else if (spark == null) {
                throw new Main.UserException("cannot write " + what + " " + url + " on this machine: Hadoop file systems (hdfs://, s3a://) are written by recipe runs"
                        + " on Spark; add --spark MASTER (e.g. --spark 'local[2]'), or give a local folder or a mounted path");
            } else {
                Cluster.checkOutput(url);
            }
            urls.add(url);
        }
        // every cell of every recipe is checked before the first file is written (a lone local recipe checks itself as it opens its model)
        if (spark != null || loaded.size() > 1) {
            for (int i = 0; i < loaded.size(); i++) RecipeRunner.check(loaded.get(i), outPath, noGrid, urls.get(i) == null);
        }
        List<Object> results = new ArrayList<>();
        try (org.sampler4j.host.cluster.ClusterEngine.Session cluster = Cluster.open(spark, err, quiet || json)) {
            for (int i = 0; i < loaded.size(); i++) {
                LoadedRecipe lr = loaded.get(i);
                String url = urls.get(i);
                usePlugins(lr, main == null ? null : main.plugins, err);
                java.util.function.Consumer<String> log = line -> {
                    if (!quiet && !json) out.println(line);
                };
                RecipeRunner.Result res = cluster != null ? cluster.runRecipe(lr, outPath, url, noGrid, resume, Cluster.plugins(), log)
                        : RecipeRunner.run(lr, outPath, noGrid, label -> {
                            Interruption.activity = "sampling " + label + " of " + lr.source();
                            return showProgress() ? new ProgressBar(err, label) : ProgressBar.NONE;
                        }, log);
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("recipe", lr.source());
                doc.put("folder", url != null ? url : res.folder().toString());
                doc.put("images", res.images());
                if (res.grid() != null) doc.put("grid", url != null ? url + "/" + res.grid().getFileName() : res.grid().toString());
                results.add(doc);
            }
        }
        if (json) out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(Map.of("recipes", results)));
        return 0;
    }

    /** Reads a recipe (a PNG's embedded one for {@code .png}), loads the plugins it names and runs every check; problems are in the result. */
    static LoadedRecipe checked(Path file, String pluginsOption, PrintWriter err) {
        LoadedRecipe lr;
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            lr = Recipes.parse(embedded(file, "the recipe"), file + "[" + RunSettings.PNG_KEY + "]", null);
        } else {
            lr = Recipes.load(file);
        }
        usePlugins(lr, pluginsOption, err);
        RecipeChecker.check(lr);
        return lr;
    }

    private static void usePlugins(LoadedRecipe lr, String pluginsOption, PrintWriter err) {
        if (lr.recipe() == null || lr.recipe().plugins() == null) return;
        String problem = PluginSetup.useRecipeFolder(pluginsOption, lr.resolve("plugins", lr.recipe().plugins()).toString(), null, err);
        if (problem != null) lr.problem("plugins", problem);
    }

    private boolean showProgress() {
        if (quiet || json) return false;
        if (forceProgress != null) return forceProgress;
        String p = System.getProperty("sampler4j.progress");   // on/off for logs and tests; default: stderr is a terminal
        return p != null ? Boolean.parseBoolean(p) : System.console() != null;
    }

    private boolean matched(String option) {
        return cmd.commandLine().getParseResult().hasMatchedOption(option);
    }

    /** One settings per compared (sampler, schedule), from --from and/or the options. */
    private List<RunSettings> rows(RunSettings base, DiffusionModel m) {
        List<String> ss = !samplers.isEmpty() ? samplers : List.of(base != null ? base.sampler() : "euler");
        List<String> specs = !schedules.isEmpty() ? schedules
                : List.of(base != null ? base.schedule() : m.defaultSchedule().orElse("trailing(20)"));
        List<RunSettings> out = new ArrayList<>();
        SamplerOptionSets.Assigned assigned = samplerOptions(ss, base != null && !matched("--option") ? base.samplerOptions() : options.values, "-O");
        RunSettings.Text text = text(base);
        for (String sampler : ss) {
            for (String spec : specs) {
                String schedule = steps != null ? withSteps(spec, steps) : spec;
                Map<String, Object> opts = assigned.of(sampler);
                out.add(new RunSettings(RunSettings.VERSION, m.reference(), sampler, opts, schedule,
                        pick("--seed", seed, base == null ? null : base.seed()),
                        pick("--batch", batch, base == null ? null : base.batch()),
                        pick("--rng", rng, base == null ? null : base.rng()),
                        pick("--guidance", guidance.scale, base == null ? null : base.guidance()),
                        pick("--guidance-rescale", guidance.rescale, base == null ? null : base.guidanceRescale()),
                        pick("--class", classLabels, base == null ? null : base.classLabels()),
                        embedding != null ? embedding.toString() : base == null ? null : base.embedding(),
                        embedding != null ? Embeddings.sha256(embedding) : base == null ? null : base.embeddingSha256(),
                        negativeEmbedding != null ? negativeEmbedding.toString() : base == null ? null : base.negativeEmbedding(),
                        negativeEmbedding != null ? Embeddings.sha256(negativeEmbedding) : base == null ? null : base.negativeEmbeddingSha256(),
                        matched("--step-rng") ? stepRng : base == null || matched("--rng") ? null : base.stepRng(), text));
            }
        }
        if (text == null || prompts.size() < 2) return out;
        List<RunSettings> perPrompt = new ArrayList<>();
        for (String p : prompts) for (RunSettings r : out) perPrompt.add(r.withText(text.withPrompt(p)));
        return perPrompt;
    }

    /** The prompt and image settings from the options over those of --from, or null when neither has any. */
    private RunSettings.Text text(RunSettings base) {
        RunSettings.Text b = base == null ? null : base.text();
        boolean given = !prompts.isEmpty() || negativePrompt != null || prompt2 != null || negativePrompt2 != null || width != null || height != null
                || initImage != null || strength != null || clipSkip != null || noiseOrder != null;
        if (b == null && !given) return null;
        if (b == null) b = new RunSettings.Text(null, null, null, null, null, null, null, null, null, null, null, null);
        if (initImage != null && !java.nio.file.Files.isRegularFile(initImage)) throw new Main.UserException("--init-image: file not found: " + initImage + " (give a PNG image)");
        if (noiseOrder != null && !RunSettings.NOISE_ORDERS.contains(noiseOrder)) {
            throw new Main.UserException("--noise-order: " + org.sampler4j.api.schedule.Names.unknown("noise order", noiseOrder, RunSettings.NOISE_ORDERS));
        }
        return new RunSettings.Text(prompts.isEmpty() ? b.prompt() : prompts.get(0), negativePrompt != null ? negativePrompt : b.negativePrompt(),
                prompt2 != null ? prompt2 : b.prompt2(), negativePrompt2 != null ? negativePrompt2 : b.negativePrompt2(), clipSkip != null ? clipSkip : b.clipSkip(),
                width != null ? width : b.width(), height != null ? height : b.height(),
                initImage != null ? initImage.toString() : b.initImage(), initImage != null ? Embeddings.sha256(initImage) : b.initImageSha256(),
                strength != null ? strength : b.strength(), noiseOrder != null ? noiseOrder : b.noiseOrder(), b.sizes());
    }

    /**
     * Assigns {@code -O} options to the selected samplers ({@link SamplerOptionSets}).
     *
     * @throws Main.UserException for the first problem
     */
    static SamplerOptionSets.Assigned samplerOptions(List<String> samplers, Map<String, ?> given, String flag) {
        SamplerOptionSets.Assigned a = SamplerOptionSets.assign(samplers, given);
        if (!a.problems().isEmpty()) {
            SamplerOptionSets.Problem p = a.problems().get(0);
            throw new Main.UserException(flag + " " + p.key() + ": " + p.message());
        }
        return a;
    }

    /** The option's value when given (or when there is no --from), else the value from the image. */
    private <T> T pick(String option, T given, T fromImage) {
        return fromImage == null || matched(option) ? given : fromImage;
    }

    static String withSteps(String spec, int n) {
        if (n < 1) throw new Main.UserException("--steps must be >= 1, got " + n);
        try {
            return RunSettings.withSteps(spec, n);
        } catch (org.sampler4j.api.schedule.ScheduleException e) {
            throw new Main.UserException("--" + e.getMessage());
        }
    }

    private static RunSettings fromImage(Path png) {
        return RunSettings.parse(embedded(png, "--from"), png + "[" + RunSettings.PNG_KEY + "]");
    }

    /** The recipe text a PNG embeds. */
    static String embedded(Path png, String what) {
        Pngs.Read r;
        try {
            r = Pngs.read(png);
        } catch (IOException e) {
            throw new Main.UserException("cannot read " + what + " " + png + ": " + e.getMessage());
        }
        String text = r.text().get(RunSettings.PNG_KEY);
        if (text == null) throw new Main.UserException(png + " has no '" + RunSettings.PNG_KEY + "' text chunk: it was not written by sampler4j run");
        return text;
    }

    /** {@code out.png} with {@code suffix} before the extension. */
    static Path sibling(Path file, String suffix) {
        String name = file.getFileName().toString();
        int dot = name.toLowerCase(Locale.ROOT).endsWith(".png") ? name.length() - 4 : name.length();
        return file.resolveSibling(name.substring(0, dot) + suffix + ".png");
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
