package org.sampler4j.host.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.sampler4j.host.conformance.CaseResult;
import org.sampler4j.host.conformance.Conformance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sampler4j conformance FILE...}: checks golden reference files. */
@Command(name = "conformance", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Check golden reference files (diffusers schedules, k-diffusion/ComfyUI sigmas, ...) against sampler4j.",
                "The format is detected from each file's content (gzip is fine). Prints one line per file,",
                "'FILE: N passed, M failed, K skipped', then each failed case with its first differing values."},
        footer = {"", "Exit codes: 0 every case passed, 1 some case failed, 2 a file is unreadable or of an unknown format."})
final class ConformanceCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Golden JSON files.")
    List<Path> files;

    @Option(names = "--show-skipped", description = "Also list skipped cases with the reason.")
    boolean showSkipped;

    @Option(names = "--known-only", description = {"Pass over files of no known format with one line each ('not checked')",
            "instead of failing: for checking a whole golden folder, e.g. conformance --known-only golden/*/*.json."})
    boolean knownOnly;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
        PrintWriter out = cmd.commandLine().getOut();
        Conformance runner = Conformance.standard();
        boolean failed = false;
        for (Path f : files) {
            if (!Files.isRegularFile(f)) throw new Main.UserException(f + ": no such file");
            Conformance.FileReport r;
            try {
                com.fasterxml.jackson.databind.JsonNode root = Conformance.read(f);
                if (knownOnly && runner.formatOf(root) == null) {
                    out.println(f + ": not checked (not a golden file of a known format)");
                    continue;
                }
                r = runner.check(f, root);
            } catch (IOException e) {
                throw new Main.UserException(f + ": cannot read as JSON: " + e.getMessage().lines().findFirst().orElse("") + "; is it a complete golden JSON file?");
            } catch (IllegalArgumentException e) {
                throw new Main.UserException(e.getMessage());
            }
            out.println(r.summary());
            if (!r.metrics().isEmpty()) out.println("  " + Metrics.describe(r.metrics()));
            for (CaseResult c : r.cases()) {
                if (c.status() == CaseResult.Status.FAILED) out.println("  FAILED " + c.id() + ": " + c.detail());
                else if (c.status() == CaseResult.Status.PASSED && !c.detail().isEmpty()) out.println("  passed " + c.id() + ": " + c.detail());
                else if (showSkipped && c.status() == CaseResult.Status.SKIPPED) out.println("  SKIPPED " + c.id() + ": " + c.detail());
            }
            failed |= r.count(CaseResult.Status.FAILED) > 0;
            out.flush();
        }
        return failed ? 1 : 0;
    }
}
