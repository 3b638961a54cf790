package org.sampler4j.host.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.sampler4j.host.plugin.PluginHost;
import picocli.CommandLine.Command;

/** {@code sampler4j plugins list}: every plugin with its version, state, file, what it provides and why it failed. */
@Command(name = "plugins", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"List the plugins: those in the plugins folder and those on the classpath, with id, version, state (started, classpath, "
                + "shadowed, disabled, failed), what each provides and its file. A failed plugin's reason follows on the next line."},
        footer = {"", "Examples:", "  sampler4j plugins list", "  sampler4j --plugins ./my-plugins plugins list"})
final class PluginsCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
        return list();
    }

    /** {@code plugins list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, description = "List the plugins (the default).")
    int list() {
        PrintWriter out = cmd.commandLine().getOut();
        PluginHost host = PluginSetup.current();
        out.println("plugins folder: " + host.folder().describe());
        out.printf(Locale.ROOT, "%-24s %-16s %-10s %-44s %s%n", "id", "version", "state", "provides", "file");
        for (PluginHost.PluginStatus s : host.plugins()) {
            out.printf(Locale.ROOT, "%-24s %-16s %-10s %-44s %s%n", s.id(), s.version(), s.state().label(), summary(s.provides()), s.file());
            if (s.reason() != null) out.println("    " + (s.state() == PluginHost.State.FAILED ? "reason: " : "note: ") + s.reason());
        }
        return 0;
    }

    /** {@code 2 samplers (a, b)}, {@code preset x}, ... per kind. */
    static String summary(List<String> provides) {
        if (provides.isEmpty()) return "-";
        Map<String, List<String>> byKind = new LinkedHashMap<>();
        for (String p : provides) {
            int cut = p.lastIndexOf(' ');
            byKind.computeIfAbsent(p.substring(0, cut), k -> new ArrayList<>()).add(p.substring(cut + 1));
        }
        List<String> parts = new ArrayList<>();
        byKind.forEach((kind, ids) -> parts.add(ids.size() == 1 ? kind + " " + ids.get(0)
                : ids.size() + " " + kind + "s (" + String.join(", ", ids.subList(0, Math.min(3, ids.size()))) + (ids.size() > 3 ? ", ..." : "") + ")"));
        return String.join("; ", parts);
    }
}
