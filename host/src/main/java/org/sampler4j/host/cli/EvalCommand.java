package org.sampler4j.host.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.sampler4j.host.eval.Classifier;
import org.sampler4j.host.eval.Evaluation;
import org.sampler4j.host.image.Pngs;
import org.sampler4j.host.model.DiffusionModel;
import org.sampler4j.host.model.Models;
import org.sampler4j.host.run.Outputs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sampler4j eval}: sample quality against model evaluations for sampler × schedule × step-count cases. */
@Command(name = "eval", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"Evaluate sample quality against model evaluations (NFE) for samplers, schedules and step counts.",
                "With an evaluation classifier: class accuracy and Frechet distance; on the built-in analytic model gmm: the error against "
                + "the exact ODE solution. Output: a table, --json, and a --plot of quality against NFE. Every sampler runs every schedule "
                + "at every step count, on the same seeds; the plan (cases, samples, NFE) and an estimate of the time come first, on stderr."},
        footer = {"", "Examples:",
                "  sampler4j eval --model models/digits -s euler -s dpmpp_2m \\",
                "      --schedule 'trailing(10).zeroSnr()' --steps 5,10,20,30 --guidance 3 --plot out/eval.png",
                "  sampler4j eval --model gmm -s euler -s heun -s dpmpp_2m \\",
                "      --schedule 'linspace(10).karras()' --steps 5,10,20 --json"})
final class EvalCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL", description = "A model folder or a built-in model (gmm, gmm:CxHxW).")
    String model;

    @Option(names = "--classifier", paramLabel = "DIR", description = "Evaluation classifier folder (classifier.yaml); default: MODEL/classifier when it exists.")
    Path classifier;

    @Option(names = "--no-classifier", description = "Skip class accuracy and the Frechet distance.")
    boolean noClassifier;

    @Option(names = {"-s", "--sampler"}, paramLabel = "ID", description = "Sampler id or alias (default euler); repeat to compare.")
    List<String> samplers = new ArrayList<>();

    @Option(names = "--schedule", paramLabel = "SPEC", description = "Schedule DSL text (default: the model's); repeat to compare.")
    List<String> schedules = new ArrayList<>();

    @Option(names = "--steps", split = ",", paramLabel = "N", description = "Step counts, comma-separated: each replaces the count in every SPEC.")
    List<Integer> steps = new ArrayList<>();

    @Option(names = {"-n", "--per-class"}, paramLabel = "N", description = "Samples per class (in all, for unconditional models); default 10.")
    int perClass = 10;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of item 0; item i uses seed + i (default 0).")
    long seed;

    @Mixin
    SharedOptions.Guidance guidance;

    @Mixin
    SharedOptions.SamplerOptions options;

    @Option(names = "--rng", paramLabel = "RNG", description = "Noise generator: torch-cpu (default) or torch-cuda.")
    String rng = "torch-cpu";

    @Option(names = "--reference-steps", paramLabel = "N", description = "Steps of the fine reference solve for the analytic model (default 2000).")
    int referenceSteps = 2000;

    @Option(names = "--bar", paramLabel = "ACCURACY", description = "Report the case with the fewest NFE whose class accuracy reaches this (default 0.9).")
    double bar = 0.9;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Write a PNG of quality against NFE.")
    Path plot;

    @Option(names = "--json", description = "Print the report as one JSON document (nothing else on stdout).")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress lines on stderr.")
    boolean quiet;

    @Option(names = "--spark", paramLabel = "MASTER", description = "Run the samples as Apache Spark tasks on MASTER (local[N], spark://HOST:PORT, yarn, k8s://URL); same numbers.")
    String spark;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = cmd.commandLine().getOut();
        PrintWriter err = cmd.commandLine().getErr();
        guidance.check();
        for (int n : steps) Checks.atLeast("--steps", n, 1);
        if (!(bar >= 0 && bar <= 1)) throw new Main.UserException("--bar is an accuracy between 0 and 1, got " + bar);
        if (plot != null) Outputs.checkFile(plot, "--plot");
        Evaluation.Settings settings = new Evaluation.Settings(perClass, seed, guidance.scale, guidance.rescale, new LinkedHashMap<>(options.values), rng, referenceSteps);
        Evaluation.Report report;
        java.util.function.Consumer<String> progress = line -> {
            if (!quiet) {
                err.println(line);
                err.flush();
            }
        };
        try (DiffusionModel m = Models.open(model); Classifier c = classifier()) {
            List<Evaluation.Case> cases = cases(m);
            Evaluation.Plan plan = Evaluation.plan(m, cases, settings);   // every case checked before a cluster starts
            try (org.sampler4j.host.cluster.ClusterEngine.Session cluster = Cluster.open(spark, err, quiet)) {
                if (!quiet) {
                    err.println("eval: " + plan.describe() + (c != null ? ", plus the classifier" : ""));
                    err.flush();
                }
                Interruption.activity = "evaluating " + plan.cases() + " case(s)";
                report = cluster != null ? cluster.evaluate(m, c, cases, settings, Cluster.plugins(), progress) : Evaluation.run(m, c, cases, settings, progress);
            }
        }
        Optional<Evaluation.Row> best = report.cheapestReaching(bar);
        if (plot != null) {
            Path parent = plot.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Pngs.write(plot, report.plot("sampler4j eval  " + model + "  guidance " + guidance.scale + (guidance.rescale > 0 ? "  rescale " + guidance.rescale : "")
                    + "  " + perClass + " per class"), Map.of());
        }
        if (json) {
            Map<String, Object> doc = report.toJson();
            if (report.rows().stream().anyMatch(r -> r.accuracy() != null)) {
                Map<String, Object> b = new LinkedHashMap<>();
                b.put("accuracy", bar);
                b.put("fewest_nfe", best.map(EvalCommand::brief).orElse(null));
                doc.put("bar", b);
            }
            if (plot != null) doc.put("plot", plot.toString());
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc));
            return 0;
        }
        if (report.classifier() != null) {
            out.printf(Locale.ROOT, "classifier %s: accuracy %.3f on its held-out real images; Frechet distance between their halves %.3f%n",
                    report.classifier(), report.classifierTestAccuracy(), report.realSplitFrechet());
        }
        out.print(report.table());
        if (report.rows().stream().anyMatch(r -> r.accuracy() != null)) {
            out.println(best.map(r -> String.format(Locale.ROOT, "fewest NFE reaching accuracy %.2f: %s  %s (%d NFE, accuracy %.3f)", bar, r.sampler(), r.schedule(), r.nfe(), r.accuracy()))
                    .orElse(String.format(Locale.ROOT, "no case reaches accuracy %.2f", bar)));
        }
        if (plot != null) out.println("wrote " + plot);
        return 0;
    }

    private static Map<String, Object> brief(Evaluation.Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sampler", r.sampler());
        m.put("schedule", r.schedule());
        m.put("nfe", r.nfe());
        m.put("accuracy", r.accuracy());
        return m;
    }

    private Classifier classifier() {
        if (noClassifier) return null;
        if (classifier != null) return Classifier.open(classifier);
        Path dflt = Path.of(model).resolve("classifier");
        return Files.isRegularFile(dflt.resolve(Classifier.FILE_NAME)) ? Classifier.open(dflt) : null;
    }

    /** Every sampler × schedule × step count, schedules with their counts replaced by each of --steps. */
    private List<Evaluation.Case> cases(DiffusionModel m) {
        List<String> ss = samplers.isEmpty() ? List.of("euler") : samplers;
        List<String> specs = schedules.isEmpty() ? List.of(m.defaultSchedule().orElse("trailing(20)")) : schedules;
        List<Evaluation.Case> cases = new ArrayList<>();
        for (String sampler : ss) {
            for (String spec : specs) {
                if (steps.isEmpty()) {
                    cases.add(new Evaluation.Case(sampler, spec, spec));
                    continue;
                }
                String series = RunCommand.withSteps(spec, SERIES_MARK).replace(Integer.toString(SERIES_MARK), "n");
                for (int n : steps) cases.add(new Evaluation.Case(sampler, RunCommand.withSteps(spec, n), series));
            }
        }
        return cases;
    }

    /** A step count put in a spec and then shown as {@code n}: the plot's series label of a schedule family. */
    private static final int SERIES_MARK = 987654321;
}
