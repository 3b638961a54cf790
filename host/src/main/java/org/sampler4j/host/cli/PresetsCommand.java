package org.sampler4j.host.cli;

import java.io.PrintWriter;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.sampler4j.api.ExtensionRegistry;
import org.sampler4j.api.preset.Presets;
import org.sampler4j.api.preset.SchedulePreset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sampler4j presets}: lists schedule presets (id, aliases, plugin, capabilities), or shows one. */
@Command(name = "presets", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"List the schedule presets (id, aliases, providing plugin, options), or show one preset. Use a preset in a schedule as "
                + "preset(ID, STEPS, option=value)."},
        footer = {"", "Examples:", "  sampler4j presets list", "  sampler4j presets ays"})
final class PresetsCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "ID", description = "Show this preset's description, plugin and options.")
    String id;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
        if (id == null) return list();
        ExtensionRegistry.Entry<SchedulePreset> e = Presets.registry().entry(id);
        PrintWriter out = cmd.commandLine().getOut();
        out.println(e.id() + (e.aliases().isEmpty() ? "" : " (aliases: " + String.join(", ", e.aliases()) + ")"));
        out.println("  " + e.extension().description());
        out.println("  plugin: " + e.origin().label());
        out.println("  options: " + (e.extension().optionNames().isEmpty() ? "none" : String.join(", ", e.extension().optionNames())));
        return 0;
    }

    /** {@code presets list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, description = "List all presets (the default without ID).")
    int list() {
        PrintWriter out = cmd.commandLine().getOut();
        out.printf(Locale.ROOT, "%-18s %-22s %-30s %s%n", "id", "aliases", "plugin", "capabilities");
        for (ExtensionRegistry.Entry<SchedulePreset> e : Presets.registry().entries().stream()
                .sorted(Comparator.comparing(ExtensionRegistry.Entry::id)).toList()) {
            out.printf(Locale.ROOT, "%-18s %-22s %-30s %s%n", e.id(), e.aliases().isEmpty() ? "-" : String.join(", ", e.aliases()),
                    Listing.plugin(e), Listing.capabilities(e.capabilities()));
        }
        return 0;
    }
}
