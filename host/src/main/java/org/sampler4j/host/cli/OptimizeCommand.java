package org.sampler4j.host.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.sampler4j.api.optimize.Budget;
import org.sampler4j.api.preset.PresetFile;
import org.sampler4j.host.eval.Classifier;
import org.sampler4j.host.model.DiffusionModel;
import org.sampler4j.host.model.Models;
import org.sampler4j.host.optimize.FrechetMetric;
import org.sampler4j.host.optimize.PresetDocument;
import org.sampler4j.host.optimize.PresetJar;
import org.sampler4j.host.optimize.ScheduleOptimizer;
import org.sampler4j.host.optimize.Target;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sampler4j optimize}: fit an n-step schedule to a model and a sampler and write it as a preset file (and plugin). */
@Command(name = "optimize", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"Fit the best N-step schedule for a model and a sampler and write it as a preset",
                "file, usable anywhere a schedule is: preset(file:FILE.json, N), log-linearly",
                "interpolated to other step counts; --plugin-jar also packs it as a preset plugin.",
                "Methods (the first and the final sigma of the template are kept):",
                "  direct  final-sample error against a fine reference solve of the same noise",
                "          (gmm: the exact ODE solution); Nelder-Mead over log-sigma positions",
                "  ays     Align Your Steps (Sabour et al. 2024): KL upper bound of the",
                "          discretised reverse SDE; coordinate search with subdivision",
                "  gits    GITS (Chen et al. 2024): single-step error against a fine teacher",
                "          trajectory; dynamic programming over a fine grid",
                "  frechet Frechet distance of the evaluation classifier's features to its real",
                "          images, as eval reports it (models with a classifier); Nelder-Mead",
                "Fitting uses its own seeds (2^62 + seed * 2^24 + i), never eval's or run's."},
        footer = {"", "Examples:",
                "  sampler4j optimize --model gmm -s euler --steps 8 -o out/gmm-euler-8.json",
                "  sampler4j eval --model gmm -s euler --schedule 'preset(file:out/gmm-euler-8.json, 8)'",
                "  sampler4j optimize --model models/digits -s dpmpp_2m --steps 6 --method gits \\",
                "      -o out/d6.json --plugin-jar out/d6.jar --id digits6"})
final class OptimizeCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL", description = "A model folder or a built-in model (gmm, gmm:CxHxW).")
    String model;

    @Option(names = {"-s", "--sampler"}, required = true, paramLabel = "ID", description = "The sampler the schedule is fitted for.")
    String sampler;

    @Option(names = "--steps", required = true, paramLabel = "N", description = "Steps of the schedule (>= 2).")
    int steps;

    @Option(names = "--method", paramLabel = "METHOD", description = "direct (default), ays, gits or frechet (the Frechet distance of the evaluation classifier's features, as eval reports it; needs a classifier).")
    String method = "direct";

    @Option(names = "--schedule", paramLabel = "SPEC", description = "Template: the start of the search and its first/final sigma and noise-model modifiers (default: the model's schedule).")
    String template;

    @Option(names = "--seed", paramLabel = "S", description = "Optimizer seed (default 0); item i uses seed 2^62 + S * 2^24 + i.")
    long seed;

    @Option(names = {"-n", "--samples"}, paramLabel = "N", description = "Samples fitted on (default 64); classes cycle for class-conditional models.")
    int samples = 64;

    @Option(names = "--budget", paramLabel = "SECONDS", description = "Wall-time budget, the reference solve included (default 600).")
    double budget = 600;

    @Option(names = "--max-evaluations", paramLabel = "N", description = "Objective evaluations allowed (default 2000); reaching it before the budget keeps the result deterministic.")
    int maxEvaluations = 2000;

    @Option(names = "--candidates", paramLabel = "K", description = "ays: candidate positions per coordinate move (default 12).")
    int candidates = 12;

    @Option(names = "--grid", paramLabel = "G", description = "gits: points of the fine grid (default max(40, 6 N)).")
    Integer grid;

    @Mixin
    SharedOptions.Guidance guidance;

    @Option(names = {"-O", "--option"}, paramLabel = "KEY=VALUE", description = "A sampler option, e.g. -O eta=0.5.")
    Map<String, String> options = new LinkedHashMap<>();

    @Option(names = "--reference-steps", paramLabel = "N", description = "Steps of the fine reference solve (default: 2000 on gmm, as eval; 200 otherwise).")
    Integer referenceSteps;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE.json", description = "The preset file to write.")
    Path output;

    @Option(names = "--plugin-jar", paramLabel = "FILE.jar", description = "Also pack the preset as a PF4J plugin jar; drop it into the plugins folder and use preset(ID, N).")
    Path pluginJar;

    @Option(names = "--id", paramLabel = "ID", description = "Preset id (default: the output file's name without .json).")
    String id;

    @Option(names = "--plugin-version", paramLabel = "V", description = "Plugin-Version of the jar (default 1.0.0).")
    String pluginVersion = "1.0.0";

    @Option(names = "--classifier", paramLabel = "DIR", description = "frechet: the evaluation classifier folder (classifier.yaml); default MODEL/classifier.")
    Path classifier;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = cmd.commandLine().getOut();
        PrintWriter err = cmd.commandLine().getErr();
        guidance.check();
        ScheduleOptimizer.Method m = ScheduleOptimizer.Method.parse(method);
        String presetId = PresetJar.checkId(id != null ? id : defaultId(output));
        if (!output.getFileName().toString().endsWith(".json")) throw new Main.UserException("-o must name a .json file, got " + output);
        ScheduleOptimizer.Request req = new ScheduleOptimizer.Request(m, steps, maxEvaluations, budget, candidates, grid != null ? grid : Math.max(40, 6 * steps));
        ScheduleOptimizer.Result r;
        Target t;
        try (DiffusionModel dm = Models.open(model)) {
            String spec = RunCommand.withSteps(template != null ? template : dm.defaultSchedule().orElse("trailing(20)"), steps);
            int refSteps = referenceSteps != null ? referenceSteps : (org.sampler4j.host.model.AnalyticModel.matches(model) ? 2000 : 200);
            t = Target.of(dm, sampler, new LinkedHashMap<>(options), spec, samples, seed, guidance.scale, guidance.rescale, refSteps);
            if (!quiet && m != ScheduleOptimizer.Method.FRECHET && t.sampler().info().capabilities().stochastic()) {
                err.println("note: " + t.sampler().info().id() + " is stochastic: --method " + m.id() + " measures the distance to a deterministic reference,"
                        + " which the injected noise dominates (a gits fit of dpmpp_2m_sde on the digits model is 4-21x worse than the best built-in schedule);"
                        + " prefer --method frechet on a model with a classifier, or fit a deterministic sampler (e.g. dpmpp_2m instead of dpmpp_2m_sde)");
            }
            Progress p = new Progress(err, m.id() + " " + t.sampler().info().id() + " " + steps + " steps", req, quiet);
            try (Classifier c = m == ScheduleOptimizer.Method.FRECHET ? classifier() : null) {
                r = ScheduleOptimizer.run(t, req, c == null ? null : new FrechetMetric(dm, c), p);
            }
            p.done();
        }
        String fileRef = PresetFile.FILE_PREFIX + output;
        Map<String, Object> doc = PresetDocument.of(presetId, model, t, sampler, options, guidance.scale, guidance.rescale, seed, r, fileRef);
        String json = PresetDocument.json(doc);
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(output, json, StandardCharsets.UTF_8);
        out.printf(Locale.ROOT, "%s: %s %d steps on %s: %s %s -> %s; final-sample error %.4e -> %.4e (%d evaluations, %.1f s)%n", m.id(), t.sampler().info().id(), steps, model,
                "objective", r.objectiveBefore() == null ? "-" : String.format(Locale.ROOT, "%.4e", r.objectiveBefore()), String.format(Locale.ROOT, "%.4e", r.objectiveAfter()),
                r.errorBefore(), r.errorAfter(), r.evaluations(), r.seconds());
        out.println("sigmas: " + Arrays.stream(r.sigmas()).mapToObj(v -> String.format(Locale.ROOT, "%.6g", v)).collect(Collectors.joining(", ")));
        out.println("wrote " + output + "; use it as " + t.usage(fileRef, steps));
        if (pluginJar != null) {
            PresetJar.write(pluginJar, presetId, pluginVersion, (String) doc.get("description"), json);
            out.println("wrote " + pluginJar + " (plugin " + presetId + "); put it in the plugins folder and use " + t.usage(presetId, steps));
        }
        return 0;
    }

    /** The classifier for {@code --method frechet}: {@code --classifier}, else MODEL/classifier; an error when there is none. */
    private Classifier classifier() {
        Classifier c = Classifier.forModel(classifier, model);
        if (c == null) {
            throw new Main.UserException("--method frechet needs an evaluation classifier: " + model + " has no classifier/" + Classifier.FILE_NAME + "; give --classifier DIR");
        }
        return c;
    }

    /** The output file's name without {@code .json}, as a valid id. */
    static String defaultId(Path output) {
        String n = output.getFileName().toString().replaceFirst("\\.json$", "").replaceAll("[^A-Za-z0-9_.-]", "_");
        return n.isEmpty() || !Character.isLetter(n.charAt(0)) ? "p" + n : n;
    }

    /** Progress on stderr: a redrawn bar on a terminal, a line every 10 seconds otherwise. */
    private static final class Progress implements Budget.Progress {
        private final PrintWriter err;
        private final String label;
        private final ScheduleOptimizer.Request req;
        private final boolean quiet;
        private final boolean terminal = System.console() != null;
        private final long start = System.nanoTime();
        private long last;

        Progress(PrintWriter err, String label, ScheduleOptimizer.Request req, boolean quiet) {
            this.err = err;
            this.label = label;
            this.req = req;
            this.quiet = quiet;
        }

        @Override
        public void update(int evaluations, double best) {
            if (quiet) return;
            long now = System.nanoTime();
            if (now - last < (terminal ? 100_000_000L : 10_000_000_000L)) return;
            last = now;
            double s = (now - start) / 1e9;
            double frac = Math.max((double) evaluations / req.maxEvaluations(), s / req.seconds());
            int filled = (int) Math.round(Math.min(1, frac) * 30);
            String line = String.format(Locale.ROOT, "%s [%s%s] %d evaluations  objective %.4e  %.0fs / %.0fs budget", label, "#".repeat(filled), ".".repeat(30 - filled),
                    evaluations, best, s, req.seconds());
            err.print(terminal ? "\r\033[2K" + line : line + "\n");
            err.flush();
        }

        void done() {
            if (!quiet && terminal) {
                err.print("\r\033[2K");
                err.flush();
            }
        }
    }
}
