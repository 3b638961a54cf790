package org.sampler4j.host.cli;

import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.sampler4j.api.ExtensionRegistry;
import org.sampler4j.api.sampler.OptionSpec;
import org.sampler4j.api.sampler.Sampler;
import org.sampler4j.api.sampler.SamplerInfo;
import org.sampler4j.api.sampler.Samplers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sampler4j samplers}: lists samplers with ids, aliases, capabilities and options. */
@Command(name = "samplers", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"List the available samplers (id, aliases, capabilities), or show one sampler's options."},
        footer = {"", "Examples:", "  sampler4j samplers list", "  sampler4j samplers dpmpp_2m_sde"})
final class SamplersCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "ID", description = "Show this sampler's description, provenance and options.")
    String id;

    @Option(names = "--list", description = "List all samplers (the default without ID).")
    boolean list;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
        PrintWriter out = cmd.commandLine().getOut();
        if (id != null) {
            ExtensionRegistry.Entry<Sampler> e = Samplers.registry().entry(id);
            SamplerInfo i = e.extension().info();
            out.println(i.id() + (i.aliases().isEmpty() ? "" : " (aliases: " + String.join(", ", i.aliases()) + ")"));
            out.println("  " + i.description());
            out.println("  provenance: " + i.provenance());
            out.println("  plugin: " + e.origin().label());
            out.println("  " + caps(i.capabilities()));
            for (OptionSpec o : i.options()) {
                String range = o.type() == OptionSpec.Type.CHOICE ? " one of " + o.choices() : (o.min() != null ? " >= " + o.min() : "") + (o.max() != null ? " <= " + o.max() : "");
                out.printf(Locale.ROOT, "  %-18s %-8s default %-10s%s  %s%n", o.name(), o.type().name().toLowerCase(Locale.ROOT), o.defaultValue(), range, o.description());
            }
            return 0;
        }
        return list();
    }

    /** {@code samplers list}: id, capabilities, providing plugin, aliases. */
    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, description = "List all samplers (the default without ID).")
    int list() {
        PrintWriter out = cmd.commandLine().getOut();
        List<ExtensionRegistry.Entry<Sampler>> all = Samplers.registry().entries().stream().sorted(Comparator.comparing(ExtensionRegistry.Entry::id)).toList();
        out.printf(Locale.ROOT, "%-26s %-48s %-30s %s%n", "id", "capabilities", "plugin", "aliases");
        for (ExtensionRegistry.Entry<Sampler> e : all) {
            out.printf(Locale.ROOT, "%-26s %-48s %-30s %s%n", e.id(), caps(e.extension().info().capabilities()), Listing.plugin(e), String.join(", ", e.aliases()));
        }
        return 0;
    }

    static String caps(SamplerInfo.Capabilities c) {
        return (c.stochastic() ? "stochastic" : "deterministic") + ", " + c.modelCallsPerStep() + " call" + (c.modelCallsPerStep() == 1 ? "" : "s")
                + "/step" + (c.needsUnconditional() ? ", needs uncond" : "") + ", " + c.modelKinds().stream().map(k -> k.name().toLowerCase(Locale.ROOT)).sorted().collect(Collectors.joining("/"));
    }
}
