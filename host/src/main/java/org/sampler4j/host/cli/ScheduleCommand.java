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
import java.util.concurrent.Callable;
import org.sampler4j.api.diffusers.DiffusersSchedules;
import org.sampler4j.api.schedule.NoiseModel;
import org.sampler4j.api.schedule.NoiseModels;
import org.sampler4j.api.schedule.Schedule;
import org.sampler4j.api.schedule.ScheduleException;
import org.sampler4j.api.schedule.ScheduleSpec;
import org.sampler4j.host.model.AnalyticModel;
import org.sampler4j.host.model.ModelInfo;
import org.sampler4j.host.model.Models;
import org.sampler4j.host.image.Pngs;
import org.sampler4j.host.image.SchedulePlot;
import org.sampler4j.host.run.Outputs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sampler4j schedule}: resolves schedule specs and prints step, timestep, sigma and log-SNR. */
@Command(name = "schedule", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Resolve one or more schedule specs against a noise model and print a table of step, timestep, sigma and log-SNR.",
                "", "SPEC is the DSL text, e.g. 'trailing(10).karras().zeroSnr()', 'leading(25).stepsOffset(1)',",
                "'sigmas(14.6, 6.5, 3.9, 0)', 'preset(ays, 10, model=sdxl)'. Quote it for the shell."},
        footer = {"", "Examples:", "  sampler4j schedule 'trailing(10).karras().zeroSnr()'",
                "  sampler4j schedule --model edm 'linspace(8)'",
                "  sampler4j schedule --model models/digits                  # the model's default_schedule on its noise model",
                "  sampler4j schedule --scheduler-config scheduler/scheduler_config.json --steps 30",
                "  sampler4j schedule 'trailing(10)' 'trailing(10).karras()' \\", "      'leading(10).stepsOffset(1)' --plot schedules.png"})
final class ScheduleCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "SPEC", description = "Schedule DSL text (one table per spec).")
    List<String> specs = new ArrayList<>();

    @Option(names = "--model", paramLabel = "NAME|FOLDER", defaultValue = "sd15",
            description = "Named noise model (default: ${DEFAULT-VALUE}; see --list-models), or a model: a folder with model.yaml or a built-in model (gmm);"
                    + " a model's noise model is used, and without SPEC its default_schedule.")
    String model;

    @Option(names = "--scheduler-config", paramLabel = "FILE",
            description = "A diffusers scheduler_config.json: its noise model replaces --model, and without SPEC its own schedule is used.")
    Path schedulerConfig;

    @Option(names = "--steps", paramLabel = "N", description = "Step count for the imported scheduler config (with --scheduler-config and no SPEC).")
    Integer steps;

    @Option(names = "--list-models", description = "List the named noise models and exit.")
    boolean listModels;

    @Option(names = "--json", description = "Print one JSON document instead of tables.")
    boolean json;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Also draw sigma and log-SNR against step for all specs, side by side, into a PNG.")
    Path plot;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = cmd.commandLine().getOut();
        if (plot != null) Outputs.checkFile(plot, "--plot");
        if (listModels) {
            NoiseModels.descriptions().forEach((k, v) -> out.printf(Locale.ROOT, "%-10s %s%n", k, v));
            return 0;
        }
        NoiseModel m;
        List<ScheduleSpec> resolvedSpecs = new ArrayList<>();
        if (schedulerConfig != null) {
            DiffusersSchedules.Imported imp = DiffusersSchedules.importConfig(readJson(schedulerConfig));
            m = imp.model();
            if (specs.isEmpty()) {
                if (steps == null) throw new Main.UserException("--scheduler-config without SPEC needs --steps N");
                resolvedSpecs.add(imp.specForSteps().apply(steps));
            }
        } else {
            ModelInfo info = modelInfo(model);
            m = info != null ? info.noiseModel() : NoiseModels.named(model);
            if (specs.isEmpty()) {
                if (info != null && info.defaultSchedule().isPresent()) {
                    resolvedSpecs.add(Schedule.parse(info.defaultSchedule().get()));
                } else {
                    throw new Main.UserException("give at least one SPEC, e.g. sampler4j schedule 'trailing(10).karras()'"
                            + (info != null ? " (model " + model + " declares no default_schedule)" : ""));
                }
            }
        }
        if (steps != null && !specs.isEmpty()) throw new Main.UserException("--steps applies only to an imported --scheduler-config without SPEC; put the step count in the SPEC");
        for (String s : specs) resolvedSpecs.add(Schedule.parse(s));
        List<Map<String, Object>> docs = new ArrayList<>();
        List<SchedulePlot.Series> series = new ArrayList<>();
        for (ScheduleSpec spec : resolvedSpecs) {
            Schedule sch = spec.resolve(m);
            series.add(new SchedulePlot.Series(spec.toString(), sch));
            if (json) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("spec", spec.toString());
                d.put("model", m.describe());
                d.put("timesteps", sch.timesteps());
                d.put("sigmas", sch.sigmas());
                docs.add(d);
            } else {
                printTable(out, spec, m, sch);
            }
        }
        if (json) out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(docs.size() == 1 ? docs.get(0) : docs));
        if (plot != null) {
            Pngs.write(plot, SchedulePlot.of("schedules on " + m.describe(), series), Map.of("sampler4j-schedules", String.join("\n", series.stream().map(SchedulePlot.Series::label).toList())));
            if (!json) out.println("wrote " + plot);
        }
        return 0;
    }

    /**
     * What {@code --model} names when it is a model rather than a noise model: a folder (an existing directory or a
     * path) or a built-in model; {@code null} for a noise model name. A name that is neither gets the noise model
     * registry's error (with its suggestion) and a hint that folders work too.
     */
    private static ModelInfo modelInfo(String ref) {
        if (NoiseModels.descriptions().containsKey(ref)) return null;
        if (AnalyticModel.matches(ref) || Files.isDirectory(Path.of(ref)) || ref.contains("/") || ref.contains(java.io.File.separator)) {
            return Models.describe(ref);
        }
        try {
            NoiseModels.named(ref); // an alias
            return null;
        } catch (ScheduleException e) {
            throw new ScheduleException(e.getMessage() + "; or give a model folder (with model.yaml) or a built-in model (" + String.join(", ", Models.BUILT_IN) + ")");
        }
    }

    static Map<String, Object> readJson(Path p) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = new ObjectMapper().readValue(Files.readString(p), LinkedHashMap.class);
            return m;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new Main.UserException(p + ": no such file; check the path");
        } catch (IOException e) {
            throw new Main.UserException("cannot read " + p + " as JSON: " + e.getMessage());
        }
    }

    static void printTable(PrintWriter out, ScheduleSpec spec, NoiseModel m, Schedule s) {
        out.println(spec + "  on " + m.describe());
        out.printf(Locale.ROOT, "%5s  %14s  %14s  %9s%n", "step", "timestep", "sigma", "log-SNR");
        for (int i = 0; i <= s.steps(); i++) {
            String t = i < s.steps() ? fmt(s.timestep(i)) : "";
            String step = i < s.steps() ? Integer.toString(i) : "end";
            double snr = s.logSnr(i);
            out.printf(Locale.ROOT, "%5s  %14s  %14s  %9s%n", step, t, fmt(s.sigma(i)), Double.isInfinite(snr) ? (snr > 0 ? "inf" : "-inf") : String.format(Locale.ROOT, "%.3f", snr));
        }
        out.println();
    }

    /** Six significant digits, plain notation, no trailing zeros. */
    static String fmt(double v) {
        if (!Double.isFinite(v)) return Double.toString(v);
        if (v == 0) return "0";
        return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    }
}
